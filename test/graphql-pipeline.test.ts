import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import type { ApolloServerPlugin } from "@apollo/server";
import type { Request, Response } from "express";
import { parse, type GraphQLFormattedError } from "graphql";
import pino from "pino";
import type { Context } from "../src/context";
import { fastPathBlockers } from "../src/http/graphql-pipeline";
import { PreparedOperations } from "../src/http/prepared-operations";
import { buildApiSchema } from "../src/schema";
import { startTestServer, type TestServer } from "./helpers/server";

/** A logger whose lines the test can read. */
function capturedLog() {
  const lines: Array<Record<string, any>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { log: pino({ level: "warn" }, stream), lines };
}

/** A plugin that counts the requests it sees, as a usage-reporting or tracing plugin would. */
function countingPlugin(): { plugin: ApolloServerPlugin<Context>; seen: () => number } {
  let seen = 0;
  return {
    plugin: {
      async requestDidStart() {
        seen++;
        return {};
      },
    },
    seen: () => seen,
  };
}

describe("one pipeline: a plugin with per-request hooks the fast path does not honour turns the fast path off", () => {
  let server: TestServer;
  const counting = countingPlugin();
  const captured = capturedLog();

  before(async () => {
    server = await startTestServer("pipeline_blocked", {}, { plugins: [{ name: "usage-counter", plugin: counting.plugin }], log: captured.log });
  });
  after(() => server?.close());

  it("starts with the fast path off and one warning naming the plugin", () => {
    assert.equal(server.fastPath, false);
    const warnings = captured.lines.filter((l) => /fast path is off/.test(l.msg));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0].msg, /usage-counter/);
    assert.deepEqual(warnings[0].plugins, ["usage-counter"]);
  });

  it("then the plugin sees every request, repeated documents included", async () => {
    const client = server.client();
    const before = counting.seen();
    for (let i = 0; i < 5; i++) assert.deepEqual(await client.ok("query Me { me { id } }"), { me: null });
    assert.equal(counting.seen() - before, 5);
  });
});

describe("one pipeline: a plugin declared honoured by the fast path keeps it on", () => {
  it("starts with the fast path on and no warning", async () => {
    const captured = capturedLog();
    const server = await startTestServer(
      "pipeline_honoured",
      {},
      { plugins: [{ name: "honoured", plugin: countingPlugin().plugin, fastPath: "honoured" }], log: captured.log },
    );
    try {
      assert.equal(server.fastPath, true);
      assert.deepEqual(captured.lines.filter((l) => /fast path/.test(l.msg)), []);
    } finally {
      await server.close();
    }
  });

  it("names every blocking plugin, and only plugins with per-request hooks", () => {
    const noop = async () => undefined;
    assert.deepEqual(
      fastPathBlockers([
        { name: "start-only", plugin: { serverWillStart: noop } },
        { name: "per-request", plugin: { requestDidStart: noop } },
        { name: "context-failure", plugin: { contextCreationDidFail: noop } },
        { name: "invalid-request", plugin: { invalidRequestWasReceived: noop } },
        { name: "unexpected", plugin: { unexpectedErrorProcessingRequest: noop } },
        { name: "declared", plugin: { requestDidStart: noop }, fastPath: "honoured" },
      ]),
      ["per-request", "context-failure", "invalid-request", "unexpected"],
    );
  });
});

describe("the fast path takes JSON bodies only, so Apollo's CSRF rule holds on it", () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer("pipeline_csrf");
  });
  after(() => server?.close());

  it("a prepared document sent as a simple (form or text) request is refused by Apollo's CSRF rule", async () => {
    const query = "query Me { me { id } }";
    const client = server.client();
    await client.ok(query);
    await client.ok(query); // prepared now
    for (const contentType of ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]) {
      const res = await fetch(server.url, { method: "POST", headers: { "content-type": contentType }, body: JSON.stringify({ query }) });
      const body = (await res.json()) as { errors: GraphQLFormattedError[] };
      assert.equal(res.status, 400, contentType);
      assert.match(body.errors[0].message, /CSRF/, contentType);
    }
  });

  it("the fast path's own handler passes on any body whose content type is not JSON, even one parsed as if it were", async () => {
    const schema = await buildApiSchema();
    const prepared = new PreparedOperations({
      schema,
      context: async () => {
        throw new Error("the fast path must not have run");
      },
      formatError: (formatted) => formatted,
      includeStacktrace: false,
      stringifyResult: JSON.stringify,
      maxDocuments: 10,
      maxBytes: 4_194_304,
      maxCost: 5000,
    });
    const query = "query Me { me { id } }";
    prepared.preload(query, parse(query));
    const handled = (contentType: string) => {
      let passedOn = false;
      const req = { method: "POST", headers: { "content-type": contentType }, body: { query } } as unknown as Request;
      const res = { locals: {} } as unknown as Response;
      prepared.middleware(req, res, () => (passedOn = true));
      return !passedOn;
    };
    assert.equal(handled("text/plain"), false);
    assert.equal(handled("application/x-www-form-urlencoded"), false);
    assert.equal(handled("application/jsonx"), false);
    assert.equal(handled("application/json; charset=utf-8"), true, "a JSON body of a prepared document is served by the fast path");
  });
});
