import { availableParallelism } from "node:os";
import { z } from "zod";

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const flag = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");
const list = z
  .string()
  .default("")
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: int(4000),
  HOST: z.string().optional(),
  DATABASE_URL: z.url({ protocol: /^mysql$/ }).optional(),
  SQLITE_PATH: z.string().default("./data/sessiongraph.sqlite"),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_KEY_PREFIX: z.string().default("sg:"),
  // Comma-separated so a secret can be rotated: the first signs, all verify.
  SESSION_SECRET: list,
  SESSION_COOKIE_NAME: z.string().regex(/^[\w.-]+$/).default("sg.sid"),
  SESSION_SAMESITE: z.enum(["lax", "strict", "none"]).default("lax"),
  SESSION_REMEMBER_ME_DAYS: int(30, 1),
  SESSION_IDLE_TIMEOUT_S: int(7200, 1),
  SESSION_ABSOLUTE_TIMEOUT_S: int(2592000, 1),
  TRUST_PROXY: z.string().default("false"),
  CORS_ORIGINS: list,
  PLAYGROUND: flag.optional(), // unset: on in development, off in production
  ADMIN_EMAIL: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional(),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: int(10, 1),
  LOGIN_MAX_ATTEMPTS_PER_IP: int(100, 1),
  RATE_LIMIT_WINDOW_S: int(900, 1),
  ANON_SESSIONS_MAX_PER_IP: int(300, 1),
  GRAPHQL_MAX_DEPTH: int(10, 1),
  GRAPHQL_MAX_ALIASES: int(15, 1),
  GRAPHQL_MAX_TOKENS: int(2000, 1),
  GRAPHQL_MAX_COST: int(5000, 1),
  GRAPHQL_MAX_BODY_BYTES: int(65536, 1024),
  // Documents Apollo has validated that later requests run without its pipeline; 0 turns that off.
  GRAPHQL_PREPARED_DOCUMENTS: int(1000, 0),
  // ... and at most this many bytes of their text (a parsed document takes several times its text).
  GRAPHQL_PREPARED_DOCUMENTS_MAX_BYTES: int(4 * 1024 * 1024, 0),
  // Hashes beyond the number of cores only take turns: no more throughput, more memory (19 MiB each),
  // and every login waits longer. The default is the cores this process may use, at most 4.
  PASSWORD_HASH_CONCURRENCY: int(Math.max(1, Math.min(4, availableParallelism())), 1),
  PASSWORD_HASH_QUEUE: int(32, 0),
  PASSWORD_HASH_NICE: int(10, 0).pipe(z.number().max(19)),
  // How long a logged-in user's row is served from memory without being re-read (0: always re-read),
  // and how many rows are kept. See src/auth/user-cache.ts.
  USER_CACHE_TTL_S: int(60, 0),
  USER_CACHE_MAX_ENTRIES: int(5000, 1),
  SHUTDOWN_GRACE_S: int(10, 0),
  DEPENDENCY_TIMEOUT_MS: int(1500, 100),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: "development" | "production" | "test";
  isProduction: boolean;
  port: number;
  host: string;
  database: { kind: "mysql"; url: string } | { kind: "sqlite"; path: string };
  redis: { url: string; keyPrefix: string } | null;
  session: {
    secrets: string[];
    cookieName: string;
    sameSite: "lax" | "strict" | "none";
    secureCookie: boolean;
    rememberMeMs: number;
    idleTimeoutS: number;
    absoluteTimeoutS: number;
  };
  trustProxy: boolean | number | string;
  corsOrigins: string[];
  playground: boolean;
  admin: { email: string; password: string } | null;
  logLevel: string;
  limits: {
    loginFailuresPerAccount: number;
    loginAttemptsPerIp: number;
    /** New anonymous sessions (a guest's first cart write) per client per window. */
    anonSessionsPerIp: number;
    windowS: number;
    maxDepth: number;
    maxAliases: number;
    maxTokens: number;
    maxCost: number;
    maxBodyBytes: number;
    hashConcurrency: number;
    hashQueue: number;
    hashNice: number;
  };
  /** How many validated documents are kept to run without Apollo's pipeline (0: every request goes through it). */
  preparedDocuments: number;
  /** The most bytes of document text they may hold together (oldest forgotten first). */
  preparedDocumentsMaxBytes: number;
  userCache: { ttlS: number; maxEntries: number };
  shutdownGraceS: number;
  dependencyTimeoutMs: number;
}

export class ConfigError extends Error {}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === "true") return true;
  if (value === "false" || value === "") return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value; // Express accepts "loopback", an IP, a CIDR or a comma list.
}

/** Parses the environment once; a bad value stops the process with a message naming the variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const e = parsed.data;
  const isProduction = e.NODE_ENV === "production";
  const missing: string[] = [];
  if (isProduction) {
    if (!e.DATABASE_URL) missing.push("DATABASE_URL (production needs MySQL)");
    if (!e.REDIS_URL) missing.push("REDIS_URL (production needs Redis)");
    if (!e.SESSION_SECRET.length) missing.push("SESSION_SECRET (32+ characters)");
  }
  const shortSecret = e.SESSION_SECRET.find((s) => s.length < 32);
  if (shortSecret !== undefined && (isProduction || e.NODE_ENV === "development")) {
    missing.push("SESSION_SECRET must be at least 32 characters (every comma-separated secret)");
  }
  if ((e.ADMIN_EMAIL && !e.ADMIN_PASSWORD) || (!e.ADMIN_EMAIL && e.ADMIN_PASSWORD)) {
    missing.push("ADMIN_EMAIL and ADMIN_PASSWORD must be set together");
  }
  if (e.SESSION_SAMESITE === "none" && !isProduction) {
    // SameSite=None requires Secure, which only production sets.
    missing.push("SESSION_SAMESITE=none needs NODE_ENV=production (browsers require Secure with it)");
  }
  // Credentials are allowed, so a wildcard would be refused by browsers; an origin never has a path.
  const badOrigins = e.CORS_ORIGINS.filter((o) => !/^https?:\/\/[^/\s*]+$/.test(o));
  if (badOrigins.length) {
    missing.push(`CORS_ORIGINS must list origins such as https://shop.example (no *, no path): ${badOrigins.join(", ")}`);
  }
  if (missing.length) throw new ConfigError(`Invalid configuration:\n  ${missing.join("\n  ")}`);

  return {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST ?? (isProduction ? "0.0.0.0" : "127.0.0.1"),
    database: e.DATABASE_URL ? { kind: "mysql", url: e.DATABASE_URL } : { kind: "sqlite", path: e.SQLITE_PATH },
    redis: e.REDIS_URL ? { url: e.REDIS_URL, keyPrefix: e.REDIS_KEY_PREFIX } : null,
    session: {
      secrets: e.SESSION_SECRET,
      cookieName: e.SESSION_COOKIE_NAME,
      sameSite: e.SESSION_SAMESITE,
      secureCookie: isProduction,
      rememberMeMs: e.SESSION_REMEMBER_ME_DAYS * 86_400_000,
      idleTimeoutS: e.SESSION_IDLE_TIMEOUT_S,
      absoluteTimeoutS: e.SESSION_ABSOLUTE_TIMEOUT_S,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    corsOrigins: e.CORS_ORIGINS,
    playground: e.PLAYGROUND ?? !isProduction,
    admin: e.ADMIN_EMAIL && e.ADMIN_PASSWORD ? { email: e.ADMIN_EMAIL, password: e.ADMIN_PASSWORD } : null,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === "test" ? "silent" : "info"),
    limits: {
      loginFailuresPerAccount: e.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      loginAttemptsPerIp: e.LOGIN_MAX_ATTEMPTS_PER_IP,
      anonSessionsPerIp: e.ANON_SESSIONS_MAX_PER_IP,
      windowS: e.RATE_LIMIT_WINDOW_S,
      maxDepth: e.GRAPHQL_MAX_DEPTH,
      maxAliases: e.GRAPHQL_MAX_ALIASES,
      maxTokens: e.GRAPHQL_MAX_TOKENS,
      maxCost: e.GRAPHQL_MAX_COST,
      maxBodyBytes: e.GRAPHQL_MAX_BODY_BYTES,
      hashConcurrency: e.PASSWORD_HASH_CONCURRENCY,
      hashQueue: e.PASSWORD_HASH_QUEUE,
      hashNice: e.PASSWORD_HASH_NICE,
    },
    preparedDocuments: e.GRAPHQL_PREPARED_DOCUMENTS,
    preparedDocumentsMaxBytes: e.GRAPHQL_PREPARED_DOCUMENTS_MAX_BYTES,
    userCache: { ttlS: e.USER_CACHE_TTL_S, maxEntries: e.USER_CACHE_MAX_ENTRIES },
    shutdownGraceS: e.SHUTDOWN_GRACE_S,
    dependencyTimeoutMs: e.DEPENDENCY_TIMEOUT_MS,
  };
}
