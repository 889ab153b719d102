import type { MikroORM } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { PasswordHasher } from "./secrets/password-hasher";
import type { UserCache } from "./user-cache/user-cache";
import type { UserInvalidation } from "./user-cache/user-invalidation";
import type { Invalidation } from "./cache/invalidation";
import type { CatalogCache, CatalogInvalidation } from "./cache/catalog-cache";
import type { CartCache, CartInvalidation } from "./cache/cart-cache";
import type { Config } from "./config";
import type { ReplicaReads } from "./db/replicas/replica-reads";
import type { LoginLimits } from "./limits/login-limits";
import type { Metrics } from "./observability/metrics";
import type { Tracing } from "./observability/tracing";
import type { SessionBackend } from "./sessions/session-backend";
import type { SecretBox } from "./secrets/secret-box";

/** The long-lived parts of a running API, made once at start and shared by every request. */
export interface Services {
  config: Config;
  orm: MikroORM;
  /** Reads that may come from a MySQL replica (the catalog's). */
  replicaReads: ReplicaReads;
  sessions: SessionBackend;
  hasher: PasswordHasher;
  limits: LoginLimits;
  /** The logged-in users' rows, and how a change to one reaches every instance's copy. */
  userCache: UserCache;
  userInvalidation: UserInvalidation;
  /** The catalog's answers (`products`, `product`), and how a write to products empties every instance's copy. */
  catalogCache: CatalogCache;
  catalogInvalidation: CatalogInvalidation;
  /** The carts `cart` answers, by owner, and how a write to a cart drops it on every instance. */
  cartCache: CartCache;
  cartInvalidation: CartInvalidation;
  /** The channel the caches' invalidations travel on (Redis pub/sub, or in process on the embedded store). */
  invalidation: Invalidation;
  /** Seals and opens TOTP secrets (TWO_FACTOR_KEY). */
  secretBox: SecretBox;
  log: Logger;
  /** Absent when METRICS_PORT=0: nothing is recorded then. */
  metrics?: Metrics;
  /** Present only when OTEL_EXPORTER_OTLP_ENDPOINT is set (the module is not even loaded otherwise). */
  tracing?: Tracing;
}
