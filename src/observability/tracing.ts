import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { registerInstrumentations } from "@opentelemetry/instrumentation";
import { HttpInstrumentation } from "@opentelemetry/instrumentation-http";
import { MySQL2Instrumentation } from "@opentelemetry/instrumentation-mysql2";
import { RedisInstrumentation } from "@opentelemetry/instrumentation-redis";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { BatchSpanProcessor, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { NodeTracerProvider } from "@opentelemetry/sdk-trace-node";
import type { RequestHandler, Response } from "express";

/** What the request's GraphQL handling found out, read when the response has ended (request-log.ts's graphqlOutcome). */
export type OutcomeOf = (res: Response) => { operationName?: string; operationType?: string; errorCodes?: string[] } | undefined;

/**
 * OpenTelemetry, loaded only when OTEL_EXPORTER_OTLP_ENDPOINT is set (index.ts and server.ts import this
 * module on demand): spans for each HTTP request, each GraphQL operation (operationSpans below, the same
 * handler on the fast path and on Apollo's), and each MySQL and Redis call, sent over OTLP http/json.
 *
 * The instrumentations record more than the contract allows (a URL's query string, which a GET request's
 * variables travel in; Redis commands with their keys, which name session ids; SQL text; error messages),
 * so spans pass an allow-list of attributes before they are exported (privateSpan).
 */
export interface Tracing {
  /** The pipeline's handler that wraps a GraphQL request in its operation span. */
  operationSpans(outcomeOf: OutcomeOf): RequestHandler;
  /** Sends the spans not sent yet (tracing goes on: it is the process's). */
  flush(): Promise<void>;
}

let started: Tracing | undefined;

/** Starts tracing once per process; must run before http, mysql2 and redis are first required to trace them. */
export function startTracing(serviceName = "sessiongraph"): Tracing {
  if (started) return started;
  const exporter = new PrivateSpanExporter(new OTLPTraceExporter());
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ "service.name": process.env.OTEL_SERVICE_NAME ?? serviceName }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  provider.register();
  registerInstrumentations({
    tracerProvider: provider,
    instrumentations: [
      // No header is recorded unless asked for, and none is.
      new HttpInstrumentation({ ignoreOutgoingRequestHook: () => true }),
      new MySQL2Instrumentation({ maskStatement: true }),
      // The command name only: its arguments are keys and values (session ids, session data).
      new RedisInstrumentation({ dbStatementSerializer: (command) => command }),
    ],
  });
  const tracer = trace.getTracer("sessiongraph");
  started = { operationSpans: (outcomeOf) => operationSpans(tracer, outcomeOf), flush: () => provider.forceFlush() };
  return started;
}

/**
 * Wraps the rest of a GraphQL request (context, execution, response) in a span named after its operation
 * once known (`query Products`, as OpenTelemetry's GraphQL conventions name it), so MySQL and Redis calls
 * nest under it. Declared once in the pipeline (graphql-pipeline.ts): both paths pass it.
 */
function operationSpans(tracer: Tracer, outcomeOf: OutcomeOf): RequestHandler {
  return (_req, res, next) => {
    const span = tracer.startSpan("graphql.operation", { kind: SpanKind.INTERNAL });
    res.once("close", () => {
      const outcome = outcomeOf(res as Response);
      const name = outcome?.operationName;
      const type = outcome?.operationType;
      if (name) span.setAttribute("graphql.operation.name", name);
      if (type) span.setAttribute("graphql.operation.type", type);
      span.updateName(type ? `${type}${name ? ` ${name}` : ""}` : "graphql.operation");
      // The error codes are the contract's (BAD_USER_INPUT...), never a value sent or answered.
      if (outcome?.errorCodes?.length) {
        span.setAttribute("graphql.error.codes", outcome.errorCodes);
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    });
    context.with(trace.setSpan(context.active(), span), next);
  };
}

// What a span may carry: names of things, never their values.
const ALLOWED = new Set([
  "http.request.method", "http.method", "http.response.status_code", "http.status_code", "http.route",
  "url.scheme", "url.path", "http.scheme", "http.flavor", "network.protocol.version",
  "server.address", "server.port", "net.host.name", "net.host.port",
  "db.system", "db.system.name", "db.name", "db.namespace", "db.operation", "db.operation.name",
  "db.statement", "db.query.text", "db.user", "net.peer.name", "net.peer.port",
  "graphql.operation.name", "graphql.operation.type", "graphql.error.codes",
  "exception.type",
]);

function allowed(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (!ALLOWED.has(key)) continue;
    // A path never holds a query string here; a statement is masked SQL or a Redis command name.
    kept[key] = key === "url.path" && typeof value === "string" ? value.split("?")[0] : value;
  }
  return kept;
}

/** The span as exported: allowed attributes only, no error message (it may quote input). */
export function privateSpan(span: ReadableSpan): ReadableSpan {
  return {
    name: span.name,
    kind: span.kind,
    spanContext: () => span.spanContext(),
    parentSpanContext: span.parentSpanContext,
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes: allowed(span.attributes),
    links: [],
    events: span.events.map((event) => ({ name: event.name, time: event.time, attributes: event.attributes && allowed(event.attributes) })),
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: 0,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: 0,
  };
}

class PrivateSpanExporter implements SpanExporter {
  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], done: Parameters<SpanExporter["export"]>[1]): void {
    this.inner.export(spans.map(privateSpan), done);
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
