import { Router } from "express";
import type { Services } from "../services";
import { withTimeout } from "../timeout";

async function probe(check: () => Promise<unknown>, timeoutMs: number): Promise<"up" | "down"> {
  try {
    await withTimeout(check(), timeoutMs);
    return "up";
  } catch {
    return "down";
  }
}

/** /healthz: the process answers. /readyz: each dependency answers, named by what it is. */
export function healthRouter(services: Services): Router {
  const router = Router();
  const { config } = services;
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const timeoutMs = config.dependencyTimeoutMs;
    const [database, sessions] = await Promise.all([
      probe(() => services.orm.em.getConnection().execute("select 1"), timeoutMs),
      probe(() => services.sessions.ping(), timeoutMs),
    ]);
    const dependencies = {
      [config.database.kind]: database,
      [config.redis ? "redis" : "memory"]: sessions,
    };
    const ready = database === "up" && sessions === "up";
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "unavailable", dependencies });
  });
  return router;
}
