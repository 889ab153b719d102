import { createHash } from "node:crypto";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import type { RedisClientType } from "redis";
import type { Config } from "../config";
import { canonicalEmail } from "../entities/email";
import { TooManyRequestsError } from "../errors";
import type { LoginThrottle } from "../observability/metrics";
import { clientKey } from "./client-key";

/**
 * How long a client that logged in to an account stays "known" to it, and so exempt from its lockout.
 * Under 24.8 days, the longest timer the in-process limiter can set.
 */
const KNOWN_CLIENT_S = 21 * 86_400;

export interface LoginAttempt {
  /** The password was right: forgive this account's earlier failures and remember this client. */
  succeeded(): Promise<void>;
}

/**
 * Login and registration limits, on Redis when the API runs on Redis (so every instance shares them)
 * and in process otherwise. Attempts are counted before the password is checked, so parallel requests
 * cannot race past a limit.
 *
 * Lockout: after `loginFailuresPerAccount` attempts without a success in one window, an account refuses
 * logins from clients it has not seen before until the window ends. A client that logged in to the
 * account within the last 21 days is counted on its own instead, so an attacker who keeps failing on
 * purpose cannot keep the owner out.
 */
export class LoginLimits {
  private constructor(
    private readonly limiter: Record<LimitName, RateLimiterAbstract>,
    private readonly onThrottle: (limit: LoginThrottle) => void,
  ) {}

  /** @param onThrottle told of every attempt a limit refused (the login_throttled metric). */
  static create(config: Config, redis: RedisClientType | null, onThrottle: (limit: LoginThrottle) => void = () => undefined): LoginLimits {
    const make = ({ name, points, durationS: duration }: Limit): RateLimiterAbstract =>
      redis
        ? new RateLimiterRedis({ storeClient: redis, useRedisPackage: true, keyPrefix: `${config.redis!.keyPrefix}rl:${name}`, points, duration })
        : new RateLimiterMemory({ keyPrefix: name, points, duration });
    const table = limits(config);
    const limiter = Object.fromEntries(Object.entries(table).map(([key, limit]) => [key, make(limit)])) as Record<LimitName, RateLimiterAbstract>;
    return new LoginLimits(limiter, onThrottle);
  }

  /** Counts one login or registration attempt from this client; refuses once there were too many. */
  async countAttempt(ip: string): Promise<void> {
    await this.consume(this.limiter.perIp, clientKey(ip), "ip");
  }

  /**
   * Counts a login attempt against the account, before the password is checked (the client was counted
   * by countAttempt). The account is the user's id when the email names one, so no spelling of an address
   * reaches another account's budget; else the canonical email, so unknown addresses lock alike.
   */
  async startLogin(who: LoginAccount, ip: string): Promise<LoginAttempt> {
    const account = accountKey(who);
    const client = `${account}:${clientKey(ip)}`;
    const known = (await this.limiter.knownClients.get(client)) !== null;
    const [limiter, key] = known ? [this.limiter.perKnownClient, client] : [this.limiter.perAccount, account];
    await this.consume(limiter, key, known ? "known_client" : "account");
    return {
      succeeded: async () => {
        await Promise.all([limiter.delete(key), this.limiter.knownClients.set(client, 1, KNOWN_CLIENT_S)]);
      },
    };
  }

  /** Counts a new anonymous session (a guest's first cart write) from this client: each one stores a session and a cart. */
  async countAnonymousSession(ip: string): Promise<void> {
    await this.consume(this.limiter.anonSessionsPerIp, clientKey(ip), "anon_session");
  }

  /**
   * Counts a change of one's own email, right password or not: each one tells whether an address is
   * registered (CONFLICT), so the account gets `loginFailuresPerAccount` of them per window, and the client
   * is counted as for a registration.
   */
  async countEmailChange(userId: number, ip: string): Promise<void> {
    await this.countAttempt(ip);
    await this.consume(this.limiter.perUserEmailChange, String(userId), "email_change");
  }

  private async consume(limiter: RateLimiterAbstract, key: string, limit: LoginThrottle): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      // A RateLimiterRes means "over the limit"; anything else is the store failing and is passed on.
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      this.onThrottle(limit);
      throw new TooManyRequestsError(rejection.msBeforeNext / 1000);
    }
  }

  /**
   * Counts a check of a logged-in user's current password (changePassword), before it is made: whoever
   * holds a session (a stolen cookie, an unlocked computer) gets as many guesses at the password as a
   * stranger gets at logins, `loginFailuresPerAccount` per window, not one per request.
   */
  async startPasswordCheck(userId: number): Promise<LoginAttempt> {
    const key = String(userId);
    await this.consume(this.limiter.perUserPasswordCheck, key, "password_check");
    return {
      succeeded: async () => {
        await this.limiter.perUserPasswordCheck.delete(key);
      },
    };
  }

  /**
   * Counts one code tried on a pending login (`pendingId`), before it is checked. Answers how many tries
   * remain after this one, or null when the pending login has used up its tries.
   */
  async countSecondFactorTry(pendingId: string): Promise<number | null> {
    try {
      return (await this.limiter.perPendingLogin.consume(pendingId)).remainingPoints;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return null;
      throw rejection;
    }
  }

  /**
   * True the first time an account is throttled in a window: the security log records a lockout once
   * per window, not once per refused request, so a flood against one account cannot fill the table.
   */
  async firstThrottleInWindow(userId: number): Promise<boolean> {
    try {
      await this.limiter.throttleLogged.consume(String(userId));
      return true;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return false;
      throw rejection;
    }
  }

  /**
   * Forgets an account's failed logins and password checks (after a password reset: whoever failed before
   * was guessing a password that no longer exists).
   */
  async forgiveFailures(userId: number): Promise<void> {
    await Promise.all([this.limiter.perAccount.delete(accountKey({ userId })), this.limiter.perUserPasswordCheck.delete(String(userId))]);
  }
}

interface Limit {
  /** The counter's name in the store (part of its Redis keys: renaming one resets it). */
  name: string;
  points: number;
  durationS: number;
}

/** Every limit in one table: its counter's name, how many it allows, and per how long, from the settings. */
function limits(config: Config) {
  const { loginAttemptsPerIp, loginFailuresPerAccount, windowS, anonSessionsPerIp } = config.limits;
  return {
    perIp: { name: "login-ip", points: loginAttemptsPerIp, durationS: windowS },
    perAccount: { name: "login-account", points: loginFailuresPerAccount, durationS: windowS },
    perKnownClient: { name: "login-known-client", points: loginFailuresPerAccount, durationS: windowS },
    knownClients: { name: "known-client", points: 1, durationS: KNOWN_CLIENT_S },
    perUserPasswordCheck: { name: "password-check", points: loginFailuresPerAccount, durationS: windowS },
    perPendingLogin: { name: "second-factor", points: SECOND_FACTOR_TRIES, durationS: config.twoFactor.pendingLoginS },
    throttleLogged: { name: "throttle-logged", points: 1, durationS: windowS },
    perUserEmailChange: { name: "email-change", points: loginFailuresPerAccount, durationS: windowS },
    anonSessionsPerIp: { name: "anon-session", points: anonSessionsPerIp, durationS: windowS },
  } satisfies Record<string, Limit>;
}

type LimitName = keyof ReturnType<typeof limits>;

/** Wrong codes allowed per pending login (docs/two-factor.md); each also counts as a failed login of the account. */
export const SECOND_FACTOR_TRIES = 5;

/** Who a login attempt is on: the user when the email names one, else the email as typed. */
export type LoginAccount = { userId: number } | { email: string };

/** The account's counter key: the user's id, or the canonical email hashed so keys stay short and hold no address. */
function accountKey(account: LoginAccount): string {
  if ("userId" in account) return `u${account.userId}`;
  return `e${createHash("sha256").update(canonicalEmail(account.email)).digest("base64url").slice(0, 32)}`;
}
