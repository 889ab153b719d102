import type { EntityManager } from "@mikro-orm/core";
import type { Request, Response } from "express";
import type { RequestLog } from "./http/deferred-logger";
import { User } from "./entities/user.entity";
import type { Services } from "./services";
import { RequestSession } from "./sessions/request-session";

export interface Context {
  em: EntityManager;
  session: RequestSession;
  /** The logged-in user (from the user cache or the database), managed by `em`; null when anonymous. */
  user: User | null;
  services: Services;
  ip: string;
  requestId: string;
  log: RequestLog;
}

/** The one place that reads the HTTP request: everything a resolver needs, for one request. */
export async function buildContext(services: Services, req: Request, res: Response): Promise<Context> {
  const em = services.orm.em.fork();
  const session = new RequestSession(req, res, services.sessions, services.config);
  const userId = session.userId;
  const user = userId === undefined ? null : await em.getRepository(User).findForRequest(userId, services.userCache);
  const requestId = String(req.id ?? "");
  return { em, session, user, services, ip: req.ip ?? "", requestId, log: req.log ?? services.log };
}
