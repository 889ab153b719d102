import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { uniqueEmail } from "./helpers/factories";
import { startInstance, type Instance } from "./helpers/instances";
import { startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from "./helpers/otlp-receiver";
import { processEnv } from "./helpers/server";
import { ADMIN_ENV, CART_FIELDS, createProduct, loginAdmin } from "./helpers/shop";

const LOGIN = "mutation Login($email: String!, $password: String!) { login(email: $email, password: $password) { id email } }";
const PRODUCTS = "query Products($first: Int) { products(first: $first) { edges { node { id name priceCents } } } }";
const ADD = `mutation AddToCart($productId: ID!) { addToCart(productId: $productId, quantity: 1) { ${CART_FIELDS} } }`;

describe("traces: OpenTelemetry to an OTLP receiver when OTEL_EXPORTER_OTLP_ENDPOINT is set", () => {
  let receiver: OtlpReceiver;
  let api: Instance;
  const email = uniqueEmail("traced");
  const password = "violet quartz harbour mnemonic 7310";
  let cookieValue = "";

  before(async () => {
    receiver = await startOtlpReceiver();
    api = await startInstance({
      ...(await processEnv("tracing", ADMIN_ENV)),
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "100",
      // A loaded machine: the registration's hash must not be refused for waiting.
      DEPENDENCY_TIMEOUT_MS: "10000",
    });
    const admin = await loginAdmin(api.client());
    const product = await createProduct(admin);
    const shopper = api.client();
    await shopper.ok("mutation($input: RegisterInput!) { register(input: $input) { id } }", { input: { email, name: "Traced", password } });
    // Twice each: the second request of a document is served by the fast path, and must be traced the same.
    for (let i = 0; i < 2; i++) {
      const fresh = api.client();
      await fresh.ok(LOGIN, { email, password });
      await fresh.ok(PRODUCTS, { first: 5 });
      await fresh.ok(ADD, { productId: product.id });
      cookieValue = (await fresh.cookies()).find((c) => c.key === "sg.sid")!.value;
    }
    await api.stop(); // flushes the spans not sent yet
  });
  after(async () => {
    await api?.stop();
    await receiver?.close();
  });

  const operationSpans = (name: string): OtlpSpan[] => receiver.spans().filter((s) => s.name === name);

  it("sends a span per GraphQL operation, named after it, from the fast path as from Apollo", () => {
    for (const [name, operation] of [
      ["mutation Login", "Login"],
      ["query Products", "Products"],
      ["mutation AddToCart", "AddToCart"],
    ]) {
      const spans = operationSpans(name);
      assert.equal(spans.length, 2, `${name}: one span per request (${receiver.spans().map((s) => s.name).join(", ")})`);
      for (const span of spans) {
        assert.equal(span.attributes["graphql.operation.name"], operation);
        assert.equal(span.scope, "sessiongraph");
      }
    }
    const prepared = api.logLines().filter((l) => ["Login", "Products", "AddToCart"].includes(l.graphql?.operationName) && l.graphql?.prepared);
    assert.equal(prepared.length, 3, "the second request of each was served by the fast path");
  });

  it("nests each operation under its HTTP request, with MySQL and Redis calls under the operation", () => {
    const spans = receiver.spans();
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    for (const name of ["mutation Login", "query Products", "mutation AddToCart"]) {
      for (const operation of operationSpans(name)) {
        const parent = byId.get(operation.parentSpanId ?? "");
        assert.equal(parent?.scope, "@opentelemetry/instrumentation-http", `${name} is inside its HTTP request span`);
        assert.equal(parent?.attributes["http.route"] ?? parent?.attributes["url.path"] ?? parent?.attributes["http.target"] ?? "/graphql", "/graphql");
      }
    }
    const children = (scope: string) => spans.filter((s) => s.scope === scope && byId.get(s.parentSpanId ?? "")?.name.match(/^(query|mutation) /));
    assert.ok(children("@opentelemetry/instrumentation-mysql2").length > 0, "MySQL calls under an operation span");
    assert.ok(children("@opentelemetry/instrumentation-redis").length > 0, "Redis calls under an operation span");
    const redis = spans.filter((s) => s.scope === "@opentelemetry/instrumentation-redis");
    for (const span of redis) {
      const statement = span.attributes["db.statement"] ?? span.attributes["db.query.text"];
      assert.ok(statement === undefined || /^[A-Za-z.]+$/.test(String(statement)), `a Redis span names its command only: ${statement}`);
    }
  });

  it("exports no password, session cookie, email or variable", () => {
    const raw = receiver.raw();
    assert.ok(raw.length > 1000, "spans were received");
    assert.ok(cookieValue.length > 20);
    const sessionId = decodeURIComponent(cookieValue).replace(/^s:/, "").split(".")[0];
    for (const secret of [password, encodeURIComponent(password), cookieValue, decodeURIComponent(cookieValue), sessionId, email, ADMIN_ENV.ADMIN_PASSWORD]) {
      assert.equal(raw.includes(secret), false, `an exported byte holds ${secret.slice(0, 6)}…`);
    }
    for (const span of receiver.spans()) {
      for (const key of Object.keys(span.attributes)) {
        assert.doesNotMatch(key, /variable|cookie|header|user_agent|url\.query|url\.full|http\.url|http\.target/, `${span.name}: ${key}`);
      }
    }
  });
});
