import type { MikroORM } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { PasswordHasher } from "./auth/password-hasher";
import type { Config } from "./config";
import type { LoginLimits } from "./limits/login-limits";
import type { SessionBackend } from "./sessions/session-backend";

/** The long-lived parts of a running API, made once at start and shared by every request. */
export interface Services {
  config: Config;
  orm: MikroORM;
  sessions: SessionBackend;
  hasher: PasswordHasher;
  limits: LoginLimits;
  log: Logger;
}
