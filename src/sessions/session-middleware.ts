import { randomBytes } from "node:crypto";
import type { Request, RequestHandler, Response } from "express";
import session, { type Session, type SessionData } from "express-session";
import type { Config } from "../config";
import { clearCookie } from "./clear-cookie";
import type { SessionBackend } from "./session-backend";
import { LOADED_FROM_STORE, isExpired } from "./session-data";

/**
 * express-session configured to the contract, followed by the server-side timeout check.
 * No session is stored until something is put in it (saveUninitialized: false).
 */
export function sessionMiddleware(
  config: Config,
  backend: SessionBackend,
  log: (msg: string) => void,
  /** Called, and awaited, when an anonymous session's lastSeenAt is written (at most once a minute). */
  onGuestSeen?: (publicId: string, now: number) => Promise<unknown>,
): RequestHandler[] {
  let secrets = config.session.secrets;
  if (!secrets.length) {
    // Only reachable outside production (config refuses it there): sessions last as long as this process.
    secrets = [randomBytes(32).toString("hex")];
    log("SESSION_SECRET is not set: using a random secret, so sessions end when this process stops");
  }
  const express = session({
    // A login names the user its new session is for (sessionOwner); the backend may place the id by it.
    genid: (req) => backend.newSessionId((req as Partial<OwnedRequest>)[SESSION_OWNER]) ?? randomBytes(24).toString("base64url"),
    name: config.session.cookieName,
    secret: secrets,
    store: backend.expressStore,
    resave: false,
    saveUninitialized: false,
    rolling: false,
    unset: "destroy",
    cookie: {
      httpOnly: true,
      sameSite: config.session.sameSite,
      secure: config.session.secureCookie,
      path: "/",
      maxAge: undefined, // a browser-session cookie unless login asks to be remembered
    },
  });

  const { idleTimeoutS } = config.session;
  // lastSeenAt is written at most this often, so an ordinary request writes nothing to the store (the
  // session is saved, with its new expiry, only when lastSeenAt or something else in it changes).
  const lastSeenResolutionMs = Math.min(60_000, (idleTimeoutS * 1000) / 4);

  const enforceTimeouts: RequestHandler = (req, res, next) => {
    const sess = req.session;
    if (!sess?.createdAt) return next();
    Object.defineProperty(sess, LOADED_FROM_STORE, { value: true, enumerable: false });
    const now = backend.now();
    if (isExpired(sess, config.session, now)) {
      const { userId, publicId } = sess;
      return sess.regenerate((err) => {
        if (err) return next(err);
        clearCookie(res, config.session.cookieName);
        if (userId === undefined) return next();
        backend.unregister(userId, publicId!).then(() => next(), next);
      });
    }
    if (now - (sess.lastSeenAt ?? 0) < lastSeenResolutionMs) return next();
    sess.lastSeenAt = now;
    if (sess.userId !== undefined || !onGuestSeen) return next();
    onGuestSeen(sess.publicId!, now).then(() => next(), next);
  };

  // When the store cannot be read, the request goes on to the error handler (503) with no session, and
  // must neither save nor end one: express-session would otherwise destroy the unreadable session when
  // the response ends, logging its owner out if the store was back by then.
  const run: RequestHandler = (req, res, next) =>
    express(req, res, (err?: unknown) => {
      if (err) delete (req as { sessionID?: string }).sessionID;
      next(err);
    });

  // A request without the session cookie has no session to load, yet express-session would make one for
  // it all the same (a random id, and a hash of it now and again at the end) only to drop it unsaved. Those
  // are most requests of new visitors and all of crawlers'. For them express-session runs when something
  // starts a session (startSession), which makes the same new session then.
  const cookiePrefix = `${config.session.cookieName}=`;
  const load: RequestHandler = (req, res, next) => {
    const cookies = req.headers.cookie;
    if (cookies?.includes(cookiePrefix)) return run(req, res, next);
    (req as Partial<LazySession>)[START] = () => new Promise<void>((resolve, reject) => run(req, res, (err) => (err ? reject(err) : resolve())));
    next();
  };

  return [load, enforceTimeouts];
}

const START = Symbol("sessiongraph.startSession");
const SESSION_OWNER = Symbol("sessiongraph.sessionOwner");

interface OwnedRequest {
  [SESSION_OWNER]: number;
}

/** Names the user the request's next new session id is for (see genid above). */
export function setSessionOwner(req: Request, userId: number): void {
  (req as unknown as OwnedRequest)[SESSION_OWNER] = userId;
}

interface LazySession {
  [START]: () => Promise<void>;
}

/**
 * The request's express-session, made now if the request came without a session cookie and none was made
 * yet. Only before the response's headers are sent: that is when express-session sets its cookie.
 */
export async function startSession(req: Request, res: Response): Promise<Session & Partial<SessionData>> {
  if (!req.session) {
    const start = (req as Partial<LazySession>)[START];
    if (!start || res.headersSent) throw new Error("no session can be started for this request");
    delete (req as Partial<LazySession>)[START];
    await start();
  }
  return req.session;
}
