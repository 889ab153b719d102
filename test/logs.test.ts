import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { STRONG_PASSWORD, USER_FIELDS, uniqueEmail } from "./helpers/factories";
import { listeningPort, logLines, spawnServer, type ServerProcess } from "./helpers/process";
import { PRODUCTION_MAIL_ENV, TEST_SECRET, processEnv } from "./helpers/server";

let server: ServerProcess;
let url: string;
before(async () => {
  server = spawnServer(
    await processEnv("logs", { NODE_ENV: "production", ...PRODUCTION_MAIL_ENV, HOST: "127.0.0.1", PORT: "0", TRUST_PROXY: "loopback", LOG_LEVEL: "trace" }),
  );
  url = `http://127.0.0.1:${await listeningPort(server)}/graphql`;
});
after(async () => {
  server?.child.kill("SIGTERM");
  await server?.exited;
});

/** A browser behind the TLS proxy, keeping its one session cookie by hand (it is Secure). */
function browser() {
  let cookie = "";
  return {
    get cookie() {
      return cookie;
    },
    async gql(query: string, variables: Record<string, unknown> = {}, operationName?: string) {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "x-forwarded-proto": "https", ...(cookie ? { cookie } : {}) },
        body: JSON.stringify({ query, variables, operationName }),
      });
      const set = res.headers.get("set-cookie");
      if (set) cookie = set.split(";")[0];
      return { requestId: res.headers.get("x-request-id")!, body: await res.json() };
    },
  };
}

describe("request logs", () => {
  it("write one line per request with its id, duration, status, operation and error codes, and never a secret", async () => {
    const email = uniqueEmail("logged");
    const wrongPassword = "a-wrong-password-that-must-not-be-logged";
    const newPassword = "another secret phrase 42";
    const alice = browser();
    const registered = await alice.gql(
      `mutation Register($input: RegisterInput!) { register(input: $input) { ${USER_FIELDS} } }`,
      { input: { email, name: "Logged User", password: STRONG_PASSWORD } },
    );
    const cookies = [alice.cookie];
    const failed = await browser().gql(`mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { id } }`, { e: email, p: wrongPassword });
    const bob = browser();
    await bob.gql(`mutation Login($e: String!, $p: String!) { login(email: $e, password: $p) { id } }`, { e: email, p: STRONG_PASSWORD });
    cookies.push(bob.cookie);
    await bob.gql(`mutation Change($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) }`, { c: STRONG_PASSWORD, n: newPassword });
    cookies.push(bob.cookie);
    await bob.gql(`query Me { me { id } sessions { id } }`);
    await bob.gql(`mutation Logout { logout }`);
    await sleep(200); // let the last lines be written

    const lines = logLines(server);
    const requests = lines.filter((l) => l.msg === "request completed" || l.msg === "request failed");
    const line = requests.find((l) => l.req.id === registered.requestId)!;
    assert.ok(line, "no line for the register request");
    assert.equal(line.res.statusCode, 200);
    assert.equal(typeof line.responseTime, "number");
    assert.deepEqual(line.graphql, { operationName: "Register" });
    const failure = requests.find((l) => l.req.id === failed.requestId)!;
    assert.deepEqual(failure.graphql, { operationName: "Login", errorCodes: ["BAD_USER_INPUT"] });
    assert.equal(requests.filter((l) => l.req.id === registered.requestId).length, 1);

    const text = server.output();
    const secrets = [STRONG_PASSWORD, wrongPassword, newPassword, TEST_SECRET, "$argon2", ...cookies];
    for (const cookie of cookies) {
      const value = decodeURIComponent(cookie.split("=")[1]);
      secrets.push(value, value.slice(2).split(".")[0]); // the signed cookie, and the bare session id
    }
    for (const secret of secrets) assert.ok(!text.includes(secret), `the log contains ${secret}`);
    assert.doesNotMatch(text, /"cookie"|set-cookie|passwordHash|password_hash/i);
  });
});
