import type { EntityManager } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { PasswordHasher } from "../secrets/password-hasher";
import { passwordProblem } from "../secrets/password-policy";
import { emailProblem } from "../auth/validation";
import type { Config } from "../config";
import { ConflictError } from "../errors";
import { Role } from "../entities/role";
import { User } from "../entities/user.entity";
import { canonicalEmail } from "../entities/email";

/** Creates the ADMIN named by ADMIN_EMAIL/ADMIN_PASSWORD when no user has that email yet. */
export async function bootstrapAdmin(em: EntityManager, config: Config, hasher: PasswordHasher, log: Logger): Promise<void> {
  if (!config.admin) return;
  const { email, password } = config.admin;
  const problem = emailProblem(email) ?? passwordProblem(password, { email, name: "Administrator" });
  if (problem) throw new Error(`ADMIN_EMAIL/ADMIN_PASSWORD: ${problem}`);
  const existing = await em.findOne(User, { email: canonicalEmail(email) });
  if (existing) {
    // Never silent: an account registered under this address first is not an ADMIN because of it.
    if (existing.role === Role.ADMIN) log.info({ userId: existing.id }, "ADMIN_EMAIL: the administrator exists already; not created");
    else log.warn({ userId: existing.id }, "ADMIN_EMAIL: a USER account has this email already; no administrator created (make it an ADMIN, or choose another ADMIN_EMAIL)");
    return;
  }
  try {
    await em.getRepository(User).add({ email, name: "Administrator", passwordHash: await hasher.hash(password), role: Role.ADMIN });
    log.info("created the ADMIN_EMAIL administrator");
  } catch (err) {
    // Another instance starting at the same moment created it first.
    if (!(err instanceof ConflictError)) throw err;
    log.info("ADMIN_EMAIL: another instance created the administrator first");
  }
}
