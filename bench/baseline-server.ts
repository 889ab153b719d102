/**
 * The baseline: a bare Express route that does what every request of the API does first, an
 * express-session lookup on connect-redis, with the same cookie configuration and the same store
 * (prefix, secret, TTL), so the API's session cookies work here too. It answers a small JSON body.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { RedisStore } from "connect-redis";
import express from "express";
import session from "express-session";
import { createClient } from "redis";
import { loadConfig } from "../src/config";
import { sessionTtlSeconds } from "../src/sessions/session-data";

async function main(): Promise<void> {
  const config = loadConfig();
  const topology = config.redis!.topology;
  if (topology.kind !== "single") throw new Error("the baseline runs on REDIS_URL");
  const redis = createClient({ url: topology.url });
  await redis.connect();
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy);
  app.use(
    session({
      name: config.session.cookieName,
      secret: config.session.secrets,
      store: new RedisStore({
        client: redis,
        prefix: `${config.redis!.keyPrefix}sess:`,
        ttl: (sess) => sessionTtlSeconds(sess, config.session),
      }),
      resave: false,
      saveUninitialized: false,
      rolling: false,
      unset: "destroy",
      cookie: { httpOnly: true, sameSite: config.session.sameSite, secure: config.session.secureCookie, path: "/" },
    }),
  );
  app.get("/session", (req, res) => {
    const userId = req.session.userId;
    res.json({ data: { me: userId === undefined ? null : { id: String(userId) } } });
  });
  const server = createServer(app);
  server.listen(config.port, "127.0.0.1", () => {
    console.log(JSON.stringify({ msg: "baseline listening", port: (server.address() as AddressInfo).port }));
  });
  process.once("SIGTERM", () => server.close(() => void redis.close().then(() => process.exit(0))));
}

void main();
