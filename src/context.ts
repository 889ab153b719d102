import type { EntityManager } from "@mikro-orm/core";
import type { Request, Response } from "express";
import type { RequestLog } from "./observability/deferred-logger";
import { User } from "./entities/user.entity";
import type { Services } from "./services";
import { RequestSession } from "./sessions/request-session";
import { ForbiddenError, UnauthenticatedError } from "./errors";
import { Role } from "./entities/role";

export interface Context {
  em: EntityManager;
  session: RequestSession;
  /** The logged-in user (from the user cache or the database), managed by `em`; null when anonymous. */
  user: User | null;
  services: Services;
  ip: string;
  /** The User-Agent header, cut to 256 characters, for the security log; null when absent. */
  userAgent: string | null;
  requestId: string;
  log: RequestLog;
}

/** The logged-in user, or UNAUTHENTICATED. */
export function requireUser(ctx: Context): User {
  if (!ctx.user) throw new UnauthenticatedError();
  return ctx.user;
}

/**
 * Inside a privileged write's transaction: the acting user must be an ADMIN as stored now, not as loaded
 * when the request began (a demotion during a long request takes effect at once). Their row stays locked
 * until the write commits, so a concurrent demotion (which locks the ADMIN rows) waits for it or wins first.
 */
export async function assertActingAdmin(em: EntityManager, actor: User): Promise<void> {
  if ((await em.getRepository(User).lockRole(actor.id)) !== Role.ADMIN) throw new ForbiddenError();
}

/** The one place that reads the HTTP request: everything a resolver needs, for one request. */
export async function buildContext(services: Services, req: Request, res: Response): Promise<Context> {
  const em = services.orm.em.fork();
  const session = new RequestSession(req, res, services.sessions, services.config);
  const userId = session.userId;
  const user = userId === undefined ? null : await em.getRepository(User).findForRequest(userId, services.userCache);
  const requestId = String(req.id ?? "");
  const userAgent = req.headers["user-agent"]?.slice(0, 256) || null;
  return new RequestContext(em, session, user, services, req.ip ?? "", userAgent, requestId, req.log ?? services.log);
}

// A class, not an object literal: V8 pretenured the literal's objects, which kept every request's EntityManager
// alive through young-generation collections (docs/performance.md, "Garbage collection").
class RequestContext implements Context {
  constructor(
    readonly em: EntityManager,
    readonly session: RequestSession,
    public user: User | null,
    readonly services: Services,
    readonly ip: string,
    readonly userAgent: string | null,
    readonly requestId: string,
    readonly log: RequestLog,
  ) {}
}
