import { createHash } from "node:crypto";
import {
  RateLimiterMemory,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from "rate-limiter-flexible";
import type { RedisClientType } from "redis";
import type { Config } from "../config";
import { normalizeEmail } from "../entities/user.repository";
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
    private readonly perIp: RateLimiterAbstract,
    private readonly perAccount: RateLimiterAbstract,
    private readonly perKnownClient: RateLimiterAbstract,
    private readonly knownClients: RateLimiterAbstract,
    private readonly perUserPasswordCheck: RateLimiterAbstract,
    private readonly perPendingLogin: RateLimiterAbstract,
    private readonly throttleLogged: RateLimiterAbstract,
    private readonly onThrottle: (limit: LoginThrottle) => void,
  ) {}

  /** @param onThrottle told of every attempt a limit refused (the login_throttled metric). */
  static create(config: Config, redis: RedisClientType | null, onThrottle: (limit: LoginThrottle) => void = () => undefined): LoginLimits {
    const { loginAttemptsPerIp, loginFailuresPerAccount, windowS } = config.limits;
    const make = (name: string, points: number, duration: number): RateLimiterAbstract =>
      redis
        ? new RateLimiterRedis({
            storeClient: redis,
            useRedisPackage: true,
            keyPrefix: `${config.redis!.keyPrefix}rl:${name}`,
            points,
            duration,
          })
        : new RateLimiterMemory({ keyPrefix: name, points, duration });
    return new LoginLimits(
      make("login-ip", loginAttemptsPerIp, windowS),
      make("login-account", loginFailuresPerAccount, windowS),
      make("login-known-client", loginFailuresPerAccount, windowS),
      make("known-client", 1, KNOWN_CLIENT_S),
      make("password-check", loginFailuresPerAccount, windowS),
      make("second-factor", SECOND_FACTOR_TRIES, config.twoFactor.pendingLoginS),
      make("throttle-logged", 1, windowS),
      onThrottle,
    );
  }

  /** Counts one login or registration attempt from this client; refuses once there were too many. */
  async countAttempt(ip: string): Promise<void> {
    await this.consume(this.perIp, clientKey(ip), "ip");
  }

  /** Counts a login attempt against the client and the account, before the password is checked. */
  async startLogin(email: string, ip: string): Promise<LoginAttempt> {
    await this.countAttempt(ip);
    const account = accountKey(email);
    const client = `${account}:${clientKey(ip)}`;
    const known = (await this.knownClients.get(client)) !== null;
    const [limiter, key] = known ? [this.perKnownClient, client] : [this.perAccount, account];
    await this.consume(limiter, key, known ? "known_client" : "account");
    return {
      succeeded: async () => {
        await Promise.all([limiter.delete(key), this.knownClients.set(client, 1, KNOWN_CLIENT_S)]);
      },
    };
  }

  /**
   * Counts a check of a logged-in user's current password (changePassword), before it is made: whoever
   * holds a session (a stolen cookie, an unlocked computer) gets as many guesses at the password as a
   * stranger gets at logins, `loginFailuresPerAccount` per window, not one per request.
   */
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

  async startPasswordCheck(userId: number): Promise<LoginAttempt> {
    const key = String(userId);
    await this.consume(this.perUserPasswordCheck, key, "password_check");
    return {
      succeeded: async () => {
        await this.perUserPasswordCheck.delete(key);
      },
    };
  }

  /**
   * Counts one code tried on a pending login (`pendingId`), before it is checked. Answers how many tries
   * remain after this one, or null when the pending login has used up its tries.
   */
  async countSecondFactorTry(pendingId: string): Promise<number | null> {
    try {
      return (await this.perPendingLogin.consume(pendingId)).remainingPoints;
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
      await this.throttleLogged.consume(String(userId));
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
  async forgiveFailures(email: string, userId: number): Promise<void> {
    await Promise.all([this.perAccount.delete(accountKey(email)), this.perUserPasswordCheck.delete(String(userId))]);
  }
}

/** Wrong codes allowed per pending login (API.md); each also counts as a failed login of the account. */
export const SECOND_FACTOR_TRIES = 5;

/** The account's counter key: the normalized email, hashed so keys stay short and hold no address. */
function accountKey(email: string): string {
  return createHash("sha256").update(normalizeEmail(email)).digest("base64url").slice(0, 32);
}
