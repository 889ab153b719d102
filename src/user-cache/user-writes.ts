import type { EntityManager } from "@mikro-orm/core";
import { WriteScope, sqliteTimestampRewrite } from "../cache/write-scope";
import type { UserInvalidation } from "./user-invalidation";

/** The users whose rows a writeUser running in this async context changes; dropped from caches when it ends. */
interface UserWrite {
  userIds: Set<number>;
  open: boolean;
}

export interface UserWriter {
  em: EntityManager;
  services: { userInvalidation: UserInvalidation };
}

/**
 * The one way the API changes a row of `users` (docs/users.md, "One place for user writes"): runs `write`,
 * which opens its own transaction (or sends one autocommitted statement), then drops the user's cached row
 * on every instance. Also when `write` failed: a COMMIT whose answer was lost may still have happened, and a
 * needless drop costs one SELECT. Never before the transaction ends: a request could cache the old row again.
 * A writeUser inside another joins it, and the outer one drops both rows after its commit. An UPDATE or
 * DELETE of users sent outside any writeUser is refused (guardUserWrites), so no path can forget this.
 */
export async function writeUser<T>(ctx: UserWriter, userId: number, write: () => Promise<T>): Promise<T> {
  const outer = userWrites.open;
  if (outer) {
    outer.userIds.add(userId);
    return write();
  }
  if (ctx.em.isInTransaction()) {
    throw new Error("writeUser must open the transaction itself: inside another, it would invalidate before the commit");
  }
  const scope: UserWrite = { userIds: new Set([userId]), open: true };
  try {
    return await userWrites.run(scope, write);
  } finally {
    scope.open = false;
    for (const id of scope.userIds) await ctx.services.userInvalidation.invalidate(id);
  }
}

const USERS = String.raw`[\x60"]?users[\x60"]?`;
/** A statement that changes or removes existing rows of users (an INSERT only adds one no cache holds). */
const CHANGES_USERS = new RegExp(
  String.raw`^\s*(?:update\s+(?:ignore\s+)?${USERS}\s|delete\s+(?:\S+\s+)?from\s+${USERS}(?:\s|$)|replace\s+into\s+${USERS}[\s(]|` +
    String.raw`insert\s+(?:ignore\s+)?into\s+${USERS}[\s(][\s\S]*\bon\s+(?:duplicate\s+key\s+update|conflict)\b)`,
  "i",
);

/** A flush after `em.findOne(User)` on SQLite rewrites unchanged timestamps (see write-scope.ts): let through. */
const SQLITE_TIMESTAMP_REWRITE = sqliteTimestampRewrite("users");

export class UnguardedUserWriteError extends Error {
  constructor(sql: string) {
    super(`a write to users outside writeUser (src/user-cache/user-writes.ts) would leave cached rows stale: ${sql.slice(0, 120)}`);
  }
}

const userWrites = new WriteScope<UserWrite>(CHANGES_USERS, (sql) => new UnguardedUserWriteError(sql), (sql) => SQLITE_TIMESTAMP_REWRITE.test(sql));

/**
 * MikroORM's `onQuery` hook for the running API (installed by server.ts after the migrations): every
 * statement the ORM sends, raw SQL included, passes here before it is sent, and one that changes users
 * outside writeUser throws instead.
 */
export const guardUserWrites = userWrites.guard;
