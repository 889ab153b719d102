import assert from "node:assert/strict";
import { request } from "node:http";
import { connect } from "node:net";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { STRONG_PASSWORD, uniqueEmail } from "./helpers/factories";
import { listeningPort, spawnServer } from "./helpers/process";
import { PRODUCTION_MAIL_ENV, processEnv } from "./helpers/server";

async function productionServer(name: string, graceS: number) {
  const server = spawnServer(
    await processEnv(name, { NODE_ENV: "production", ...PRODUCTION_MAIL_ENV, HOST: "127.0.0.1", PORT: "0", SHUTDOWN_GRACE_S: String(graceS), LOG_LEVEL: "info" }),
  );
  return { server, port: await listeningPort(server) };
}

/** Sends the headers and the first half of a POST, and returns a function that sends the rest. */
function startRequest(port: number, body: string) {
  let finish!: () => void;
  const response = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path: "/graphql", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.on("data", (chunk) => (text += chunk)).on("end", () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on("error", reject);
    const half = Math.floor(body.length / 2);
    req.write(body.slice(0, half));
    finish = () => req.end(body.slice(half));
  });
  return { response, finish: () => finish() };
}

/** True once the port refuses new connections. */
async function refusesConnections(port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(false);
      });
      socket.once("error", () => resolve(true));
    });
    if (refused) return true;
    await sleep(50);
  }
  return false;
}

describe("on SIGTERM", () => {
  it("stops accepting, finishes the request in flight, closes MySQL and Redis, and exits 0", async () => {
    const { server, port } = await productionServer("shutdown", 10);
    const email = uniqueEmail("in-flight");
    const mutation = JSON.stringify({
      query: "mutation($input: RegisterInput!) { register(input: $input) { email } }",
      variables: { input: { email, name: "In Flight", password: STRONG_PASSWORD } },
    });
    const inFlight = startRequest(port, mutation);
    await sleep(300); // the server has the request's headers
    server.child.kill("SIGTERM");

    assert.ok(await refusesConnections(port), "still accepting connections after SIGTERM");
    inFlight.finish();
    const res = await inFlight.response;
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { data: { register: { email } } });
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    assert.match(server.output(), /"msg":"shutting down"/);
  });

  it("does not wait longer than SHUTDOWN_GRACE_S for a request that never ends", async () => {
    const { server, port } = await productionServer("shutdown_grace", 1);
    const stuck = startRequest(port, JSON.stringify({ query: "{ me { id } }" }));
    stuck.response.catch(() => undefined); // the connection is cut when the grace period ends
    await sleep(300);
    server.child.kill("SIGTERM");
    assert.deepEqual(await server.exited, { code: 0, signal: null });
    await assert.rejects(stuck.response);
  });
});
