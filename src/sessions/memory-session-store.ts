import { Store, type SessionData } from "express-session";
import { LOADED_FROM_STORE, sessionTtlSeconds, type Clock, type SessionTimeouts } from "./session-data";

type Callback = (err?: unknown, data?: unknown) => void;

/**
 * The embedded default: sessions in this process, with the same TTL rules and the same
 * "never resurrect an ended session" rule as the Redis store. Entries are swept once a minute.
 */
export class MemorySessionStore extends Store {
  private readonly entries = new Map<string, { json: string; expiresAt: number }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly timeouts: SessionTimeouts,
    private readonly now: Clock = Date.now,
  ) {
    super();
    this.sweeper = setInterval(() => this.sweep(), 60_000);
    this.sweeper.unref();
  }

  override get(sid: string, cb: (err: unknown, session?: SessionData | null) => void): void {
    const entry = this.entries.get(sid);
    if (!entry || entry.expiresAt <= this.now()) {
      this.entries.delete(sid);
      return cb(null, null);
    }
    cb(null, JSON.parse(entry.json));
  }

  override set(sid: string, sess: SessionData, cb?: Callback): void {
    const loaded = (sess as unknown as Record<symbol, unknown>)[LOADED_FROM_STORE];
    const ttl = sessionTtlSeconds(sess, this.timeouts, this.now());
    if (ttl <= 0 || (loaded && !this.entries.has(sid))) {
      if (ttl <= 0) this.entries.delete(sid);
      return cb?.();
    }
    this.entries.set(sid, { json: JSON.stringify(sess), expiresAt: this.now() + ttl * 1000 });
    cb?.();
  }

  /** Nothing to do: a session's expiry moves only when it is saved (see sessionTtlSeconds). */
  override touch(_sid: string, _sess: SessionData, cb?: Callback): void {
    cb?.();
  }

  override destroy(sid: string, cb?: Callback): void {
    this.entries.delete(sid);
    cb?.();
  }

  async getMany(sids: string[]): Promise<(SessionData | null)[]> {
    return sids.map((sid) => {
      const entry = this.entries.get(sid);
      return entry && entry.expiresAt > this.now() ? (JSON.parse(entry.json) as SessionData) : null;
    });
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private sweep(): void {
    const now = this.now();
    for (const [sid, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(sid);
  }
}
