import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { login, registerUser } from "./helpers/factories";
import { startInstance, type Instance } from "./helpers/instances";
import { processEnv } from "./helpers/server";

const waitForLine = async (instance: Instance, match: (entry: Record<string, any>) => boolean) => {
  for (let i = 0; i < 50; i++) {
    const found = instance.logLines().find(match);
    if (found) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("no such log line");
};

describe("request log", () => {
  let server: Instance;
  before(async () => {
    server = await startInstance(await processEnv("request_log", { PASSWORD_HASH_CONCURRENCY: "1", PASSWORD_HASH_QUEUE: "0" }));
  });
  after(() => server?.stop());

  it("writes one line per request with its id, method, path, status and time, and never the cookie", async () => {
    const client = server.client();
    await registerUser(client);
    const cookie = await client.cookieHeader();
    const res = await fetch(`${server.url}?probe=secret-query-value`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ query: "{ me { id } }" }) });
    assert.equal(res.status, 200);
    const line = await waitForLine(server, (e) => e.msg === "request completed" && e.req?.method === "POST" && e.level === 30);
    assert.equal(line.req.url, "/graphql");
    assert.equal(line.res.statusCode, 200);
    assert.match(line.req.id, /^[0-9a-f-]{36}$/);
    assert.equal(typeof line.responseTime, "number");
    const all = JSON.stringify(server.logLines());
    assert.ok(!all.includes(cookie.split("=")[1]), "the session cookie is never logged");
    assert.ok(!all.includes("secret-query-value"), "the query string is never logged");
  });

  it("logs a refused login (503) as a failed request, with its error code", async () => {
    // One hash at a time and no queue: of several logins at once, some are answered 503.
    const user = await registerUser(server.client());
    const answers = await Promise.all(Array.from({ length: 8 }, () => login(server.client(), user.email)));
    assert.ok(answers.some((a) => a.status === 503));
    const line = await waitForLine(server, (e) => e.res?.statusCode === 503);
    assert.equal(line.msg, "request failed");
    assert.equal(line.level, 40); // a dependency or capacity problem is a warning; a 500 would be an error
    assert.deepEqual(line.graphql.errorCodes, ["SERVICE_UNAVAILABLE"]);
  });
});
