import type { EntityManager } from "@mikro-orm/core";
import { WriteScope, statementsChanging } from "../cache/write-scope";
import type { UserInvalidation } from "./user-invalidation";

export interface UserWriter {
  em: EntityManager;
  services: { userInvalidation: UserInvalidation };
}

/**
 * The one way the API changes a row of `users` (docs/users.md, "One place for user writes"): runs `write`,
 * which opens its own transaction (or sends one autocommitted statement), then drops the user's cached row
 * on every instance, by WriteScope's rule (src/cache/write-scope.ts): after the commit, also when the write
 * failed; a writeUser inside another joins it. An UPDATE or DELETE of users sent outside any writeUser is
 * refused (guardUserWrites), so no path can forget this.
 */
export function writeUser<T>(ctx: UserWriter, userId: number, write: () => Promise<T>): Promise<T> {
  return userWrites.write(ctx.em, [userId], (id) => ctx.services.userInvalidation.invalidate(id), write);
}


export class UnguardedUserWriteError extends Error {
  constructor(sql: string) {
    super(`a write to users outside writeUser (src/user-cache/user-writes.ts) would leave cached rows stale: ${sql.slice(0, 120)}`);
  }
}

// An INSERT only adds a row no cache holds: only one that may change an existing row (an upsert) is guarded.
const userWrites = new WriteScope<number>({
  name: "writeUser",
  changes: statementsChanging(["users"], "upserts"),
  refusal: (sql) => new UnguardedUserWriteError(sql),
  // A flush after loading users on SQLite rewrites their unchanged timestamps (see write-scope.ts).
  timestampsOf: "users",
  idOf: String,
});

/**
 * MikroORM's `onQuery` hook for the running API (installed by server.ts after the migrations): every
 * statement the ORM sends, raw SQL included, passes here before it is sent, and one that changes users
 * outside writeUser throws instead.
 */
export const guardUserWrites = userWrites.guard;
