import { randomBytes } from "node:crypto";
import type { Request, Response } from "express";
import type { Config } from "../config";
import { clearCookie } from "./clear-cookie";
import type { SessionBackend } from "./session-backend";
import type { PendingLogin } from "./session-data";
import { setSessionOwner, startSession } from "./session-middleware";

const newPublicId = () => randomBytes(16).toString("base64url");
const call = (fn: (cb: (err?: unknown) => void) => void) =>
  new Promise<void>((resolve, reject) => fn((err) => (err ? reject(err) : resolve())));

/**
 * The one view of the cookie session that resolvers and domain code get (through the context).
 * Every write that matters is awaited here, so a store failure is an error to the client, never a
 * silent success.
 */
export class RequestSession {
  constructor(
    private readonly req: Request,
    private readonly res: Response,
    private readonly backend: SessionBackend,
    private readonly config: Config,
  ) {}

  get userId(): number | undefined {
    return this.req.session?.userId;
  }

  /** The current session's public id, or undefined while nothing has been stored for this visitor. */
  get publicId(): string | undefined {
    return this.req.session?.createdAt ? this.req.session.publicId : undefined;
  }

  get rememberMe(): boolean {
    return this.req.session?.rememberMe ?? false;
  }

  /** Starts storing a session for this visitor (an anonymous cart needs one) and returns its public id. */
  async ensureStarted(): Promise<string> {
    const sess = await startSession(this.req, this.res);
    if (!sess.createdAt) {
      this.initialize();
      await call((cb) => sess.save(cb));
    }
    return sess.publicId!;
  }

  /** Logs in with a new session id (no fixation); the session it replaces ends. */
  async logIn(userId: number, rememberMe: boolean): Promise<void> {
    const previous = await startSession(this.req, this.res);
    const previousPublicId = previous.createdAt ? previous.publicId : undefined;
    if (previous.userId !== undefined && previousPublicId) {
      await this.backend.unregister(previous.userId, previousPublicId);
    }
    setSessionOwner(this.req, userId);
    await call((cb) => this.req.session.regenerate(cb));
    this.initialize();
    const sess = this.req.session;
    sess.userId = userId;
    sess.rememberMe = rememberMe;
    if (rememberMe) {
      sess.cookie.maxAge = Math.min(this.config.session.rememberMeMs, this.config.session.absoluteTimeoutS * 1000);
    }
    await call((cb) => sess.save(cb));
    await this.backend.register(userId, sess.publicId!, this.req.sessionID);
  }

  get pendingLogin(): PendingLogin | undefined {
    return this.req.session?.pendingLogin;
  }

  /**
   * Holds a login that waits for its second factor, in a new session (new id) that is not logged in. The
   * visitor's public id is kept, so their anonymous cart (keyed by it) is the one merged at completeLogin.
   */
  async beginPendingLogin(pending: PendingLogin): Promise<void> {
    const previous = await startSession(this.req, this.res);
    const previousPublicId = previous.createdAt ? previous.publicId : undefined;
    if (previous.userId !== undefined && previousPublicId) {
      await this.backend.unregister(previous.userId, previousPublicId);
    }
    await call((cb) => this.req.session.regenerate(cb));
    this.initialize(previous.userId === undefined ? previousPublicId : undefined);
    this.req.session.pendingLogin = pending;
    await call((cb) => this.req.session.save(cb));
  }

  /** Forgets the pending login; the session stays, anonymous (with its cart, if any). */
  async endPendingLogin(): Promise<void> {
    const sess = this.req.session;
    if (!sess?.pendingLogin) return;
    delete sess.pendingLogin;
    await call((cb) => sess.save(cb));
  }

  /** Ends this session on the server and clears the cookie. False when there was none. */
  async logOut(): Promise<boolean> {
    const sess = this.req.session;
    if (!sess?.createdAt) return false;
    const { userId, publicId } = sess;
    await call((cb) => sess.destroy(cb));
    if (userId !== undefined) await this.backend.unregister(userId, publicId!);
    this.clearCookie();
    return true;
  }

  /** Ends every other session of the current user; returns how many ended. */
  endOtherSessions(userId: number): Promise<number> {
    const current = this.publicId;
    return this.backend.end(userId, (publicId) => publicId !== current);
  }

  private initialize(publicId = newPublicId()): void {
    const now = this.backend.now();
    const sess = this.req.session;
    sess.publicId = publicId;
    sess.createdAt = now;
    sess.lastSeenAt = now;
    const agent = this.req.headers["user-agent"];
    if (agent) sess.userAgent = agent.slice(0, 256);
  }

  private clearCookie(): void {
    const { cookieName, sameSite, secureCookie } = this.config.session;
    clearCookie(this.res, cookieName, { httpOnly: true, sameSite, secure: secureCookie });
  }
}
