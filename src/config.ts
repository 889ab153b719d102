import { readFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { z } from "zod";

const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const flag = z.enum(["true", "false", "1", "0", "yes", "no"]).transform((v) => v === "true" || v === "1" || v === "yes");
const list = z
  .string()
  .default("")
  .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));

const hostPort = z.string().regex(/^[^\s:,]+:\d{1,5}$/, "expected host:port");
const nodeList = list.pipe(z.array(hostPort)).transform((nodes) => nodes.map(parseNode));

function parseNode(value: string): RedisNode {
  const at = value.lastIndexOf(":");
  return { host: value.slice(0, at), port: Number(value.slice(at + 1)) };
}
// A page of the frontend that reads the token from its own URL; `{token}` marks where it goes.
const tokenUrl = z.url({ protocol: /^https?$/ }).refine((v) => v.includes("%7Btoken%7D") || v.includes("{token}"), "must contain {token}");

const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: int(4000),
  HOST: z.string().optional(),
  DATABASE_URL: z.url({ protocol: /^mysql$/ }).optional(),
  SQLITE_PATH: z.string().default("./data/sessiongraph.sqlite"),
  // Read replicas of DATABASE_URL for the catalog's reads (docs/scale-out.md).
  DATABASE_REPLICA_URLS: list.pipe(z.array(z.url({ protocol: /^mysql$/ }))),
  READ_YOUR_WRITES_S: int(5, 0),
  DATABASE_REPLICA_MAX_LAG_S: int(5, 1),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  REDIS_KEY_PREFIX: z.string().default("sg:"),
  // Redis past one node (docs/scale-out.md): Sentinel or Cluster instead of REDIS_URL.
  REDIS_SENTINELS: nodeList,
  REDIS_SENTINEL_MASTER: z.string().min(1).optional(),
  REDIS_CLUSTER_NODES: nodeList,
  // What REDIS_URL says in its own text (user, password, rediss://), for the Sentinel and Cluster forms.
  REDIS_USERNAME: z.string().min(1).optional(),
  REDIS_PASSWORD: z.string().min(1).optional(),
  REDIS_SENTINEL_USERNAME: z.string().min(1).optional(),
  REDIS_SENTINEL_PASSWORD: z.string().min(1).optional(),
  REDIS_TLS: flag.default(false),
  // PEM files: the CA to trust instead of the system's, and a client certificate for servers that require one.
  REDIS_TLS_CA_FILE: z.string().min(1).optional(),
  REDIS_TLS_CERT_FILE: z.string().min(1).optional(),
  REDIS_TLS_KEY_FILE: z.string().min(1).optional(),
  // How long a login, logout or revocation waits for a replica to acknowledge it (WAIT 1 <ms>).
  REDIS_REPLICA_ACK_TIMEOUT_MS: int(500, 1),
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
  // and how many rows are kept. See src/user-cache/user-cache.ts.
  USER_CACHE_TTL_S: int(60, 0),
  USER_CACHE_MAX_ENTRIES: int(5000, 1),
  // How long a catalog answer (a page of products, a product) is served from memory (0: always read), and
  // how many answers are kept. See src/cache/catalog-cache.ts.
  CATALOG_CACHE_TTL_MS: int(1000, 0),
  CATALOG_CACHE_MAX_ENTRIES: int(1000, 1),
  // How long a visitor's cart is served from memory (0: always read); every write to it through the API drops
  // it on every instance, so this bounds only changes made around the API. See src/cache/cart-cache.ts.
  CART_CACHE_TTL_MS: int(60_000, 0),
  CART_CACHE_MAX_ENTRIES: int(10_000, 1),
  SHUTDOWN_GRACE_S: int(10, 0),
  DEPENDENCY_TIMEOUT_MS: int(1500, 100),
  // Comma-separated base64 keys of 32 bytes: the first encrypts TOTP secrets, all decrypt (rotation).
  TWO_FACTOR_KEY: list,
  TWO_FACTOR_ISSUER: z.string().min(1).max(64).regex(/^[^:]+$/, "must not contain ':'").default("sessiongraph"),
  TWO_FACTOR_PENDING_LOGIN_S: int(300, 1),
  SECURITY_LOG_RETENTION_DAYS: int(365, 1),
  // Prometheus metrics on a port of their own (never the API's); 0 turns them off.
  METRICS_PORT: int(9464, 0).pipe(z.number().max(65535)),
  METRICS_HOST: z.string().min(1).default("127.0.0.1"),
  // How many operation names of valid documents outside the trusted documents get a label of their own.
  METRICS_OPERATION_NAMES: int(100, 0),
  // Tracing is on when this is set (the OpenTelemetry exporter reads it and its other OTEL_* variables itself).
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  TRUSTED_DOCUMENTS: z.string().min(1).optional(),
  TRUSTED_DOCUMENTS_ONLY: flag.default(false),
  // Account recovery and email (docs/email.md).
  SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional(),
  MAIL_FROM: z.string().min(3).optional(),
  MAIL_PRODUCT_NAME: z.string().min(1).default("sessiongraph"),
  MAIL_OUTBOX_DIR: z.string().optional(),
  PASSWORD_RESET_URL: tokenUrl.optional(),
  EMAIL_VERIFICATION_URL: tokenUrl.optional(),
  PASSWORD_RESET_TTL_S: int(1800, 1),
  EMAIL_VERIFICATION_TTL_S: int(172800, 1),
  PASSWORD_RESET_MAX_PER_EMAIL: int(3, 1),
  REQUIRE_EMAIL_VERIFICATION: flag.default(false),
  MAIL_GIVE_UP_AFTER_S: int(86400, 1),
  MAIL_RETRY_MIN_S: int(10, 1),
  MAIL_RETRY_MAX_S: int(1800, 1),
  MAIL_POLL_INTERVAL_MS: int(1000, 50),
});

export type Env = z.input<typeof envSchema>;

export interface RedisNode {
  host: string;
  port: number;
}

/** Where Redis is: one server (REDIS_URL), a master found through Sentinel, or a Cluster. */
export type RedisTopology =
  | { kind: "single"; url: string }
  | { kind: "sentinel"; sentinels: RedisNode[]; masterName: string }
  | { kind: "cluster"; nodes: RedisNode[] };

export interface RedisTlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
}

export interface RedisConfig {
  topology: RedisTopology;
  keyPrefix: string;
  /** Credentials and TLS of the data nodes (the Sentinel and Cluster forms; REDIS_URL carries its own). */
  username?: string;
  password?: string;
  tls: boolean;
  /** Read from the REDIS_TLS_*_FILE settings; for every node and sentinel alike. */
  tlsFiles: RedisTlsFiles;
  sentinelAuth?: { username?: string; password: string };
  replicaAckTimeoutMs: number;
}

export interface Config {
  env: "development" | "production" | "test";
  isProduction: boolean;
  port: number;
  host: string;
  database: { kind: "mysql"; url: string } | { kind: "sqlite"; path: string };
  /** Read replicas of the MySQL database (empty: every read on the primary). */
  replicas: { urls: string[]; readYourWritesS: number; maxLagS: number };
  redis: RedisConfig | null;
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
  catalogCache: { ttlMs: number; maxEntries: number };
  cartCache: { ttlMs: number; maxEntries: number };
  shutdownGraceS: number;
  dependencyTimeoutMs: number;
  twoFactor: {
    /** Decoded keys, the encrypting one first; empty outside production means "a random key per process". */
    keys: Buffer[];
    issuer: string;
    pendingLoginS: number;
  };
  securityLog: { retentionDays: number };
  /** port 0: no metrics endpoint, and nothing recorded. */
  metrics: { port: number; host: string; operationNames: number };
  /** Whether OpenTelemetry is loaded (OTEL_EXPORTER_OTLP_ENDPOINT). */
  tracing: boolean;
  /** The persisted-documents manifest; `only`: refuse every other document. */
  trustedDocuments: { path: string; only: boolean } | null;
  mail: MailConfig;
}

export interface MailConfig {
  /** null: the development outbox (.eml files in `outboxDir`), never in production. */
  smtpUrl: string | null;
  outboxDir: string;
  from: string;
  productName: string;
  passwordResetUrl: string;
  emailVerificationUrl: string;
  passwordResetTtlS: number;
  emailVerificationTtlS: number;
  resetsPerEmailPerHour: number;
  requireVerifiedEmail: boolean;
  giveUpAfterS: number;
  retryMinS: number;
  retryMaxS: number;
  pollIntervalMs: number;
}

/** Where the example app (examples/web, `npm run dev`) has the pages the links open. */
const DEV_WEB_ORIGIN = "http://localhost:5173";

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
    if (!redisTopology(e)) missing.push("REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES (production needs Redis)");
    if (!e.SESSION_SECRET.length) missing.push("SESSION_SECRET (32+ characters)");
    if (!e.SMTP_URL) missing.push("SMTP_URL (production sends mail through an SMTP relay)");
    if (!e.MAIL_FROM) missing.push("MAIL_FROM (the sender of every mail)");
    if (!e.PASSWORD_RESET_URL) missing.push("PASSWORD_RESET_URL (the frontend's reset page, with {token})");
    if (!e.EMAIL_VERIFICATION_URL) missing.push("EMAIL_VERIFICATION_URL (the frontend's verification page, with {token})");
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
  missing.push(...redisProblems(e));
  if (e.DATABASE_REPLICA_URLS.length && !e.DATABASE_URL) missing.push("DATABASE_REPLICA_URLS needs DATABASE_URL (replicas of a MySQL primary)");
  const twoFactorKeys = e.TWO_FACTOR_KEY.map((key) => Buffer.from(key, "base64"));
  if (e.TWO_FACTOR_KEY.some((key, i) => twoFactorKeys[i].length !== 32 || twoFactorKeys[i].toString("base64") !== key)) {
    missing.push("TWO_FACTOR_KEY must list base64 keys of exactly 32 bytes (openssl rand -base64 32)");
  }
  if (isProduction && !e.TWO_FACTOR_KEY.length) missing.push("TWO_FACTOR_KEY (32 bytes, base64: encrypts TOTP secrets)");
  if (e.TRUSTED_DOCUMENTS_ONLY && !e.TRUSTED_DOCUMENTS) missing.push("TRUSTED_DOCUMENTS_ONLY=true needs TRUSTED_DOCUMENTS (the manifest)");
  if (e.METRICS_PORT !== 0 && e.METRICS_PORT === e.PORT) missing.push("METRICS_PORT must differ from PORT (metrics are never served on the API's port)");
  if (missing.length) throw new ConfigError(`Invalid configuration:\n  ${missing.join("\n  ")}`);

  return {
    env: e.NODE_ENV,
    isProduction,
    port: e.PORT,
    host: e.HOST ?? (isProduction ? "0.0.0.0" : "127.0.0.1"),
    database: e.DATABASE_URL ? { kind: "mysql", url: e.DATABASE_URL } : { kind: "sqlite", path: e.SQLITE_PATH },
    replicas: { urls: e.DATABASE_REPLICA_URLS, readYourWritesS: e.READ_YOUR_WRITES_S, maxLagS: e.DATABASE_REPLICA_MAX_LAG_S },
    redis: redisConfig(e),
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
    catalogCache: { ttlMs: e.CATALOG_CACHE_TTL_MS, maxEntries: e.CATALOG_CACHE_MAX_ENTRIES },
    cartCache: { ttlMs: e.CART_CACHE_TTL_MS, maxEntries: e.CART_CACHE_MAX_ENTRIES },
    shutdownGraceS: e.SHUTDOWN_GRACE_S,
    dependencyTimeoutMs: e.DEPENDENCY_TIMEOUT_MS,
    metrics: { port: e.METRICS_PORT, host: e.METRICS_HOST, operationNames: e.METRICS_OPERATION_NAMES },
    tracing: e.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined,
    trustedDocuments: e.TRUSTED_DOCUMENTS ? { path: e.TRUSTED_DOCUMENTS, only: e.TRUSTED_DOCUMENTS_ONLY } : null,
    mail: {
      smtpUrl: e.SMTP_URL ?? null,
      // Tests run many servers at once from the repository's folder: their mail stays out of ./data.
      outboxDir: e.MAIL_OUTBOX_DIR ?? (e.NODE_ENV === "test" ? path.join(tmpdir(), "sessiongraph-mail") : "./data/mail"),
      from: e.MAIL_FROM ?? `${e.MAIL_PRODUCT_NAME} <no-reply@localhost>`,
      productName: e.MAIL_PRODUCT_NAME,
      passwordResetUrl: decodeBraces(e.PASSWORD_RESET_URL ?? `${DEV_WEB_ORIGIN}/reset-password?token={token}`),
      emailVerificationUrl: decodeBraces(e.EMAIL_VERIFICATION_URL ?? `${DEV_WEB_ORIGIN}/verify-email?token={token}`),
      passwordResetTtlS: e.PASSWORD_RESET_TTL_S,
      emailVerificationTtlS: e.EMAIL_VERIFICATION_TTL_S,
      resetsPerEmailPerHour: e.PASSWORD_RESET_MAX_PER_EMAIL,
      requireVerifiedEmail: e.REQUIRE_EMAIL_VERIFICATION,
      giveUpAfterS: e.MAIL_GIVE_UP_AFTER_S,
      retryMinS: e.MAIL_RETRY_MIN_S,
      retryMaxS: Math.max(e.MAIL_RETRY_MIN_S, e.MAIL_RETRY_MAX_S),
      pollIntervalMs: e.MAIL_POLL_INTERVAL_MS,
    },
    twoFactor: { keys: twoFactorKeys, issuer: e.TWO_FACTOR_ISSUER, pendingLoginS: e.TWO_FACTOR_PENDING_LOGIN_S },
    securityLog: { retentionDays: e.SECURITY_LOG_RETENTION_DAYS },
  };
}

type ParsedEnv = z.output<typeof envSchema>;

function redisTopology(e: ParsedEnv): RedisTopology | null {
  if (e.REDIS_URL) return { kind: "single", url: e.REDIS_URL };
  if (e.REDIS_SENTINELS.length) return { kind: "sentinel", sentinels: e.REDIS_SENTINELS, masterName: e.REDIS_SENTINEL_MASTER ?? "" };
  if (e.REDIS_CLUSTER_NODES.length) return { kind: "cluster", nodes: e.REDIS_CLUSTER_NODES };
  return null;
}

function redisProblems(e: ParsedEnv): string[] {
  const problems: string[] = [];
  const forms = [e.REDIS_URL && "REDIS_URL", e.REDIS_SENTINELS.length && "REDIS_SENTINELS", e.REDIS_CLUSTER_NODES.length && "REDIS_CLUSTER_NODES"].filter(Boolean);
  if (forms.length > 1) problems.push(`set one of ${forms.join(", ")}, not several`);
  if (e.REDIS_SENTINELS.length && !e.REDIS_SENTINEL_MASTER) problems.push("REDIS_SENTINELS needs REDIS_SENTINEL_MASTER (the monitored master's name)");
  if (e.REDIS_SENTINEL_MASTER && !e.REDIS_SENTINELS.length) problems.push("REDIS_SENTINEL_MASTER needs REDIS_SENTINELS");
  // REDIS_URL carries its own credentials and scheme; two sources of one password would disagree sooner or later.
  const nodeSettings = ["REDIS_USERNAME", "REDIS_PASSWORD", "REDIS_SENTINEL_USERNAME", "REDIS_SENTINEL_PASSWORD"].filter((k) => e[k as keyof ParsedEnv] !== undefined);
  if (e.REDIS_TLS) nodeSettings.push("REDIS_TLS");
  if (e.REDIS_URL && nodeSettings.length) problems.push(`${nodeSettings.join(", ")}: put these in REDIS_URL (redis://user:password@host, rediss:// for TLS)`);
  if (!e.REDIS_URL && !e.REDIS_SENTINELS.length && !e.REDIS_CLUSTER_NODES.length && nodeSettings.length) problems.push(`${nodeSettings.join(", ")} set without REDIS_SENTINELS or REDIS_CLUSTER_NODES`);
  if (e.REDIS_USERNAME && !e.REDIS_PASSWORD) problems.push("REDIS_USERNAME needs REDIS_PASSWORD");
  if (e.REDIS_SENTINEL_USERNAME && !e.REDIS_SENTINEL_PASSWORD) problems.push("REDIS_SENTINEL_USERNAME needs REDIS_SENTINEL_PASSWORD");
  if (e.REDIS_SENTINEL_PASSWORD && !e.REDIS_SENTINELS.length) problems.push("REDIS_SENTINEL_PASSWORD needs REDIS_SENTINELS");
  const tlsFiles = tlsFileSettings(e);
  if (tlsFiles.length && !redisUsesTls(e)) problems.push(`${tlsFiles.join(", ")}: set without TLS (rediss:// in REDIS_URL, or REDIS_TLS=true)`);
  if (!e.REDIS_TLS_CERT_FILE !== !e.REDIS_TLS_KEY_FILE) problems.push("REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE must be set together");
  for (const name of tlsFiles) {
    const problem = pemProblem(e[name]!);
    if (problem) problems.push(`${name}: ${problem}`);
  }
  return problems;
}

const TLS_FILE_SETTINGS = ["REDIS_TLS_CA_FILE", "REDIS_TLS_CERT_FILE", "REDIS_TLS_KEY_FILE"] as const;

function tlsFileSettings(e: ParsedEnv): Array<(typeof TLS_FILE_SETTINGS)[number]> {
  return TLS_FILE_SETTINGS.filter((name) => e[name] !== undefined);
}

function redisUsesTls(e: ParsedEnv): boolean {
  return e.REDIS_TLS || Boolean(e.REDIS_URL?.startsWith("rediss:"));
}

/** A file that cannot be read or holds no PEM block would otherwise fail at the first connection, less clearly. */
function pemProblem(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    return `cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? "error"})`;
  }
  return text.includes("-----BEGIN ") ? undefined : `${file} holds no PEM block`;
}

function redisConfig(e: ParsedEnv): RedisConfig | null {
  const topology = redisTopology(e);
  if (!topology) return null;
  return {
    topology,
    keyPrefix: e.REDIS_KEY_PREFIX,
    username: e.REDIS_USERNAME,
    password: e.REDIS_PASSWORD,
    tls: redisUsesTls(e),
    tlsFiles: {
      ca: e.REDIS_TLS_CA_FILE && readFileSync(e.REDIS_TLS_CA_FILE, "utf8"),
      cert: e.REDIS_TLS_CERT_FILE && readFileSync(e.REDIS_TLS_CERT_FILE, "utf8"),
      key: e.REDIS_TLS_KEY_FILE && readFileSync(e.REDIS_TLS_KEY_FILE, "utf8"),
    },
    sentinelAuth: e.REDIS_SENTINEL_PASSWORD ? { username: e.REDIS_SENTINEL_USERNAME, password: e.REDIS_SENTINEL_PASSWORD } : undefined,
    replicaAckTimeoutMs: e.REDIS_REPLICA_ACK_TIMEOUT_MS,
  };
}

/** Some URL parsers escape the braces of `{token}`; the templates look for them as typed. */
function decodeBraces(url: string): string {
  return url.replaceAll("%7Btoken%7D", "{token}");
}
