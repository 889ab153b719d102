import type { EntityManager } from "@mikro-orm/core";
import type { Request, Response } from "express";
import type { RequestLog } from "./observability/deferred-logger";
import { User } from "./entities/user.entity";
import type { UserFieldsRead } from "./entities/user-view";
import type { CachedUser } from "./user-cache/user-cache";
import type { Services } from "./services";
import { RequestSession } from "./sessions/request-session";
import { ForbiddenError, UnauthenticatedError } from "./errors";
import { Role } from "./entities/role";

export interface Context {
  /** This request's EntityManager: forked on first use, so a request that sends no SQL makes none. */
  readonly em: EntityManager;
  session: RequestSession;
  /**
   * The logged-in user, managed by `em` (mapped on first use from the user cache's row or the database's);
   * null when anonymous. Setting it (a login, a logout, a change of one's own account) sets `viewer` too.
   */
  user: User | null;
  /**
   * Who is asking, as the GraphQL `User` type shows them: for `me`, the authorization checks and anything
   * that needs only the id or the role, without mapping the entity. Read-only: change a user through `user`.
   */
  readonly viewer: UserFieldsRead | null;
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

/**
 * The one place that reads the HTTP request: everything a resolver needs, for one request. The logged-in
 * user comes from the user cache when it holds them (every API write to a user drops them there on every
 * instance, so a changed role or a deletion takes effect at once), else from the database.
 */
export async function buildContext(services: Services, req: Request, res: Response): Promise<Context> {
  const session = new RequestSession(req, res, services.sessions, services.config);
  const requestId = String(req.id ?? "");
  const userAgent = req.headers["user-agent"]?.slice(0, 256) || null;
  const ctx = new RequestContext(session, services, req.ip ?? "", userAgent, requestId, req.log ?? services.log);
  const userId = session.userId;
  if (userId !== undefined) ctx.found(await services.userCache.read(userId, () => ctx.em.getRepository(User).requestRow(userId)));
  return ctx;
}

// A class, not an object literal: V8 pretenured the literal's objects, which kept every request's EntityManager
// alive through young-generation collections (docs/performance.md, "Garbage collection").
class RequestContext implements Context {
  private forked?: EntityManager;
  private cached?: CachedUser;
  /** undefined until mapped or set. */
  private entity?: User | null;

  constructor(
    readonly session: RequestSession,
    readonly services: Services,
    readonly ip: string,
    readonly userAgent: string | null,
    readonly requestId: string,
    readonly log: RequestLog,
  ) {}

  get em(): EntityManager {
    return (this.forked ??= this.services.orm.em.fork());
  }

  found(user: CachedUser | undefined): void {
    this.cached = user;
    this.entity = user ? undefined : null;
  }

  get user(): User | null {
    if (this.entity === undefined) this.entity = this.cached ? this.em.getRepository(User).mapRequestRow(this.cached.row) : null;
    return this.entity;
  }

  set user(user: User | null) {
    this.entity = user;
    this.cached = undefined;
  }

  get viewer(): UserFieldsRead | null {
    // The entity once mapped, since this request may have changed it; else the row's shared view.
    return this.entity !== undefined ? this.entity : (this.cached?.view ?? null);
  }
}
