import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getOperationAST, parse, validate } from "graphql";
import { loadConfig } from "../src/config";
import { checkCost, fragmentMap, operationCost } from "../src/limits/query-cost";
import { queryLimits } from "../src/limits/query-limits";
import { buildApiSchema } from "../src/schema";
import { codes } from "./helpers/client";
import { registerUser } from "./helpers/factories";
import { startTestServer, type TestServer } from "./helpers/server";

const PRODUCT = "id sku name description priceCents stock active";
const aliased = (n: number, field: string) => Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(" ");

async function post(server: TestServer, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
  const text = await res.text();
  return { status: res.status, type: res.headers.get("content-type"), text, json: JSON.parse(text) };
}

describe("query limits at their defaults", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("query_limits_default");
  });
  after(() => server?.close());

  it("refuses a query with 200 aliases before any resolver runs (nothing is done)", async () => {
    const client = server.client();
    const user = await registerUser(client);
    const res = await client.gql(`mutation { ${aliased(200, "logout")} }`);
    assert.equal(res.status, 400);
    assert.deepEqual(codes(res), ["GRAPHQL_VALIDATION_FAILED"]);
    assert.match(res.errors![0].message, /Aliases limit of 15 exceeded, found 200/);
    assert.equal(res.data, undefined);
    assert.equal((await client.ok("{ me { id } }")).me.id, user.id);
  });

  it("refuses a 100 KB query as too large, in JSON", async () => {
    const res = await post(server, JSON.stringify({ query: `{ me { id } ${"#".repeat(100 * 1024)}\n}` }));
    assert.equal(res.status, 413);
    assert.match(res.type!, /^application\/json/);
    assert.deepEqual(res.json.errors.map((e: any) => e.extensions.code), ["BAD_REQUEST"]);
  });

  it("refuses a document of more than 2000 tokens before parsing all of it", async () => {
    const res = await post(server, JSON.stringify({ query: `{ ${"__typename ".repeat(2500)} }` }));
    assert.equal(res.status, 400);
    assert.deepEqual(res.json.errors.map((e: any) => e.extensions.code), ["GRAPHQL_PARSE_FAILED"]);
    assert.match(res.json.errors[0].message, /more that 2000 tokens|more than 2000 tokens/);
  });

  it("refuses a query nested deeper than 10 levels", async () => {
    const res = await post(server, JSON.stringify({ query: `{ ${"me { ".repeat(12)} id ${"} ".repeat(12)} }` }));
    assert.equal(res.status, 400);
    const messages = res.json.errors.map((e: any) => e.message);
    assert.ok(messages.some((m: string) => /depth limit of 10 exceeded, found 13/.test(m)), messages.join("\n"));
    assert.ok(res.json.errors.every((e: any) => e.extensions.code === "GRAPHQL_VALIDATION_FAILED"));
  });

  it("lets an ordinary query through", async () => {
    const client = server.client();
    const user = await registerUser(client);
    const data = await client.ok(`{ me { id email name role createdAt } sessions { id createdAt lastSeenAt userAgent current } }`);
    assert.equal(data.me.id, user.id);
  });

  it("counts a first given by a variable at its value after coercion, through Apollo and through the fast path", async () => {
    const query = `query Pages($n: Int) { ${aliased(15, `products(first: $n) { edges { node { ${PRODUCT} } } }`)} }`;
    const send = (variables: Record<string, unknown>) => post(server, JSON.stringify({ query, variables }));
    const refusedByApollo = await send({ n: 100 });
    assert.equal(refusedByApollo.status, 400);
    assert.deepEqual(refusedByApollo.json.errors.map((e: any) => e.extensions.code), ["GRAPHQL_VALIDATION_FAILED"]);
    assert.match(refusedByApollo.json.errors[0].message, /^Query refused: Query Cost limit of 5000 exceeded, found \d+\.$/);
    assert.equal(refusedByApollo.json.data, undefined);
    // A small page passes (twice, so the document is known to the fast path), then the fast path refuses n = 100 alike.
    for (let i = 0; i < 2; i++) assert.equal((await send({ n: 1 })).status, 200);
    assert.deepEqual(await send({ n: 100 }), refusedByApollo);
    // A default value is a value too; the same page through a literal is refused the same way.
    const withDefault = await post(server, JSON.stringify({ query: query.replace("$n: Int", "$n: Int = 100").replace("Pages", "PagesByDefault") }));
    assert.deepEqual(withDefault.json, refusedByApollo.json);
    const literal = await post(server, JSON.stringify({ query: query.replace("($n: Int)", "").replaceAll("$n", "100") }));
    assert.deepEqual(literal.json, refusedByApollo.json);
  });

  it("lets a first outside 0..100 reach the resolver, which refuses it with BAD_USER_INPUT (its selection never runs)", async () => {
    const query = `query OutOfRange($n: Int) { ${aliased(15, `products(first: $n) { edges { node { ${PRODUCT} } } }`)} }`;
    for (const n of [101, -1, 1_000_000]) {
      // Twice: Apollo, then the fast path, answer alike.
      for (let i = 0; i < 2; i++) {
        const res = await post(server, JSON.stringify({ query, variables: { n } }));
        assert.equal(res.status, 200);
        assert.ok(res.json.errors.length >= 1);
        for (const error of res.json.errors) {
          assert.equal(error.extensions.code, "BAD_USER_INPUT");
          assert.equal(typeof error.extensions.fields.first, "string");
        }
      }
    }
  });

  it("refuses array batching", async () => {
    const res = await post(server, JSON.stringify([{ query: "{ me { id } }" }, { query: "{ me { id } }" }]));
    assert.equal(res.status, 400);
    assert.match(res.text, /batching/i);
  });
});

describe("the default limits and the queries clients send", () => {
  // Only the limit rules, so that fields other issues add to the schema can be measured already.
  const documents = {
    "a full page of 100 products": `{ products(first: 100) { edges { cursor node { ${PRODUCT} } } pageInfo { hasNextPage endCursor } totalCount } }`,
    "a page of 100 users": `{ users(first: 100) { edges { cursor node { id email name role createdAt } } pageInfo { hasNextPage endCursor } totalCount } }`,
    "the cart": `{ cart { lines { product { ${PRODUCT} } quantity lineTotalCents } itemCount totalCents } }`,
    "a page of 20 orders with their lines": `{ orders(first: 20) { edges { cursor node { id createdAt totalCents lines { product { ${PRODUCT} } productName quantity unitPriceCents } } } pageInfo { hasNextPage endCursor } totalCount } }`,
    "addToCart answering the whole cart": `mutation { addToCart(productId: "1", quantity: 2) { lines { product { ${PRODUCT} } quantity lineTotalCents } itemCount totalCents } }`,
  };
  for (const [what, query] of Object.entries(documents)) {
    it(`let through ${what}`, async () => {
      const { validationRules } = queryLimits(loadConfig({ NODE_ENV: "test" }));
      const schema = await buildApiSchema();
      const document = parse(query);
      assert.deepEqual(validate(schema, document, validationRules).map((e) => e.message), []);
      assert.equal(checkCost(schema, document, getOperationAST(document)!, {}, loadConfig({ NODE_ENV: "test" }).limits.maxCost), undefined);
    });
  }
});

describe("the cost of one operation with different variables", () => {
  it("answers each request by its own variables, the same however often the variables come again", async () => {
    const schema = await buildApiSchema();
    const document = parse(`query Page($first: Int, $after: String) { products(first: $first, after: $after) { edges { node { ${PRODUCT} } } } }`);
    const operation = getOperationAST(document)!;
    const maxCost = operationCost(schema, operation, fragmentMap(document), { first: 50 });
    const answers = () =>
      [{ first: 50 }, { first: 51 }, { first: 50, after: "x" }, { first: "51" }, {}, { first: 100 }, { first: 1 }].map(
        (variables) => checkCost(schema, document, operation, variables, maxCost)?.message ?? null,
      );
    const first = answers();
    assert.deepEqual(first.map((message) => message !== null), [false, true, false, false, false, true, false]);
    assert.deepEqual(answers(), first);
    // The limit is the caller's: the same variables against another limit get that limit's answer.
    assert.equal(checkCost(schema, document, operation, { first: 51 }, maxCost * 2), undefined);
    assert.match(checkCost(schema, document, operation, { first: 51 }, maxCost)!.message, /Query Cost limit/);
  });
});

describe("query limits set by the environment", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("query_limits_env", {
      GRAPHQL_MAX_DEPTH: "2",
      GRAPHQL_MAX_ALIASES: "2",
      GRAPHQL_MAX_TOKENS: "40",
      GRAPHQL_MAX_COST: "12",
      GRAPHQL_MAX_BODY_BYTES: "2048",
    });
  });
  after(() => server?.close());

  const refusal = async (query: string) => {
    const res = await server.client().gql(query);
    assert.equal(res.status, 400, JSON.stringify(res.errors));
    assert.equal(res.data, undefined);
    return res.errors!.map((e) => `${e.extensions?.code}: ${e.message}`);
  };

  it("GRAPHQL_MAX_DEPTH", async () => {
    assert.ok((await refusal("{ me { id { deeper } } }")).includes(
      "GRAPHQL_VALIDATION_FAILED: Query refused: Query depth limit of 2 exceeded, found 3.",
    ));
    await server.client().ok("{ me { id } }");
  });

  it("GRAPHQL_MAX_ALIASES, also counting aliases inside fragments", async () => {
    assert.ok((await refusal(`{ ...F } fragment F on Query { ${aliased(3, "me { id }")} }`)).includes(
      "GRAPHQL_VALIDATION_FAILED: Query refused: Aliases limit of 2 exceeded, found 3.",
    ));
    await server.client().ok(`{ ${aliased(2, "me { id }")} }`);
  });

  it("GRAPHQL_MAX_COST", async () => {
    assert.deepEqual(await refusal("{ me { id email name role createdAt } m: me { id } }"), [
      "GRAPHQL_VALIDATION_FAILED: Query refused: Query Cost limit of 12 exceeded, found 13.",
    ]);
    await server.client().ok("{ me { id email name role createdAt } }");
  });

  it("GRAPHQL_MAX_TOKENS", async () => {
    const [message] = await refusal(`{ ${"__typename ".repeat(40)} }`);
    assert.match(message, /^GRAPHQL_PARSE_FAILED: .*40 tokens/);
  });

  it("GRAPHQL_MAX_BODY_BYTES", async () => {
    const res = await post(server, JSON.stringify({ query: `{ me { id } }`, variables: { pad: "x".repeat(2100) } }));
    assert.equal(res.status, 413);
    assert.deepEqual(res.json.errors.map((e: any) => e.extensions.code), ["BAD_REQUEST"]);
  });
});

describe("the cost of a connection asked without first", () => {
  // The resolver pages by the argument's default when `first` is left out, so the cost counts that page.
  const costOf = async (query: string, variables: Record<string, unknown> = {}) => {
    const document = parse(query);
    return operationCost(await buildApiSchema(), getOperationAST(document)!, fragmentMap(document), variables);
  };
  for (const field of ["products", "users", "orders", "securityEvents"]) {
    it(`${field}: as if the default page (20) were asked`, async () => {
      const selection = (args: string) => `${field}${args} { edges { cursor node { id } } totalCount }`;
      // Directly, through a fragment on the parent type, and through an inline fragment.
      const forms = [(args: string) => `{ ${selection(args)} }`, (args: string) => `{ ...F } fragment F on Query { ${selection(args)} }`, (args: string) => `{ ... on Query { ${selection(args)} } }`];
      for (const form of forms) {
        const implicit = await costOf(form(""));
        assert.equal(implicit, await costOf(form("(first: 20)")));
        assert.ok(implicit > (await costOf(form("(first: 1)"))) * 10);
      }
      // A variable left out or null is the default too, as the resolver sees it.
      const byVariable = `query($n: Int) { ${selection("(first: $n)")} }`;
      const implicit = await costOf(`{ ${selection("")} }`);
      assert.equal(await costOf(byVariable), implicit);
      assert.equal(await costOf(byVariable, { n: null }), implicit);
      assert.ok((await costOf(byVariable, { n: 1 })) < implicit / 10);
    });
  }

  it("refuses fifteen default pages of products where fifteen pages of one pass", async () => {
    const server = await startTestServer("query_limits_default_page", { GRAPHQL_MAX_COST: "3000" });
    try {
      const pages = (args: string) => `{ ${aliased(15, `products${args} { edges { node { id name priceCents } } }`)} }`;
      for (let i = 0; i < 2; i++) {
        // Twice: Apollo, then the fast path, refuse alike.
        const refused = await server.client().gql(pages(""));
        assert.equal(refused.status, 400);
        assert.match(refused.errors![0].message, /^Query refused: Query Cost limit of 3000 exceeded, found \d+\.$/);
        await server.client().ok(pages("(first: 1)"));
      }
    } finally {
      await server.close();
    }
  });
});
