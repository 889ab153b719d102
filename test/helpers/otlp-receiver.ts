import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: Record<string, unknown>;
  scope: string;
}

export interface OtlpReceiver {
  /** The OTEL_EXPORTER_OTLP_ENDPOINT to give the server. */
  endpoint: string;
  /** Every byte received, as text: what must not hold a secret. */
  raw(): string;
  spans(): OtlpSpan[];
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number; arrayValue?: { values: AnyValue[] } };
const plain = (v: AnyValue): unknown =>
  v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : undefined) ?? v.boolValue ?? v.doubleValue ?? v.arrayValue?.values.map(plain);

/** A loopback OTLP/HTTP receiver for the http/json protocol: POST /v1/traces, kept in memory. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      bodies.push(body);
      const ok = req.method === "POST" && req.url === "/v1/traces" && /^application\/json/.test(req.headers["content-type"] ?? "");
      res.writeHead(ok ? 200 : 400, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    raw: () => bodies.join("\n"),
    spans: () =>
      bodies.flatMap((body) => {
        const parsed = JSON.parse(body) as {
          resourceSpans?: Array<{ scopeSpans: Array<{ scope: { name: string }; spans: Array<Record<string, any>> }> }>;
        };
        return (parsed.resourceSpans ?? []).flatMap((r) =>
          r.scopeSpans.flatMap((s) =>
            s.spans.map((span) => ({
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId || undefined,
              name: span.name,
              scope: s.scope.name,
              attributes: Object.fromEntries((span.attributes ?? []).map((a: { key: string; value: AnyValue }) => [a.key, plain(a.value)])),
            })),
          ),
        );
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
