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

/** Whether the database and the session store answer within the dependency timeout, named by what they are. */
export async function dependencyStatus(services: Services): Promise<Record<string, "up" | "down">> {
  const { config } = services;
  const timeoutMs = config.dependencyTimeoutMs;
  const [database, sessions] = await Promise.all([
    probe(() => services.orm.em.getConnection().execute("select 1"), timeoutMs),
    probe(() => services.sessions.ping(), timeoutMs),
  ]);
  return { [config.database.kind]: database, [config.redis ? "redis" : "memory"]: sessions };
}

/** /healthz: the process answers. /readyz: each dependency answers, named by what it is. */
export function healthRouter(services: Services): Router {
  const router = Router();
  router.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  router.get("/readyz", async (_req, res) => {
    const required = await dependencyStatus(services);
    const ready = Object.values(required).every((status) => status === "up");
    // Reported, never failing the instance: a replica that is down or lagging is skipped (reads go to the primary).
    const dependencies = { ...required, ...services.replicaReads.states() };
    res.status(ready ? 200 : 503).json({ status: ready ? "ready" : "unavailable", dependencies });
  });
  return router;
}
