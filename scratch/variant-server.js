const express = require("express"); const session = require("express-session"); const { RedisStore } = require("connect-redis"); const { createClient } = require("redis");
const cors = require("cors");
function leanJson(limit) { return (req, res, next) => { const ct = req.headers["content-type"]; if (req.method !== "POST" || !ct || !ct.startsWith("application/json")) return next(); const chunks = []; let size = 0; req.on("data", (c) => { size += c.length; if (size <= limit) chunks.push(c); }); req.on("end", () => { try { const text = Buffer.concat(chunks).toString("utf8"); req.body = text ? JSON.parse(text) : {}; next(); } catch (e) { next(e); } }); }; }
function leanCors(origins) { const allowed = new Set(origins); return (req, res, next) => { const o = req.headers.origin; res.setHeader("Vary", "Origin"); if (o && allowed.has(o)) { res.setHeader("Access-Control-Allow-Origin", o); res.setHeader("Access-Control-Allow-Credentials", "true"); } next(); }; }
(async () => {
  const v = new Set((process.env.VARIANT || "").split(","));
  const redis = createClient({ url: "redis://127.0.0.1:6379/0" }); await redis.connect();
  const app = express(); app.disable("x-powered-by"); app.set("trust proxy", "loopback");
  if (v.has("cors")) app.use(cors({ origin: [], credentials: true }));
  if (v.has("leancors")) app.use(leanCors([]));
  if (v.has("json")) app.use(express.json({ limit: 65536 }));
  if (v.has("leanjson")) app.use(leanJson(65536));
  app.use(session({ name: "sg.sid", secret: ["x".repeat(40)], store: new RedisStore({ client: redis, prefix: "sg_bench:sess:" }), resave: false, saveUninitialized: false, cookie: { httpOnly: true, secure: true, sameSite: "lax" } }));
  app.all("/session", (req, res) => res.json({ data: { me: req.session.userId ?? null } }));
  app.listen(Number(process.env.PORT), "127.0.0.1");
})();
