import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UnguardedUserWriteError, guardUserWrites, writeUser, type UserWriter } from "../../src/user-cache/user-writes";

/** A writer whose invalidations are recorded, on an EntityManager that is in a transaction or not. */
function writer(inTransaction = false) {
  const invalidated: number[] = [];
  const ctx = {
    em: { isInTransaction: () => inTransaction },
    services: { userInvalidation: { invalidate: async (id: number) => void invalidated.push(id), close: async () => undefined } },
  } as unknown as UserWriter;
  return { ctx, invalidated };
}

const changesUsers = [
  "update `users` set `name` = ? where `id` = ?",
  "update `users` set `created_at` = ?, `updated_at` = ?, `role` = ? where `id` = ?",
  'update "users" set "role" = ? where "id" = ?',
  "UPDATE users SET role = 'ADMIN' WHERE id = ?",
  "  update ignore users set name = ?",
  "delete from `users` where `id` = ?",
  'DELETE FROM "users" WHERE id IN (?, ?)',
  "delete `u0` from `users` as `u0` where `u0`.`id` = ?",
  "replace into users (id, name) values (?, ?)",
  "insert into `users` (`email`) values (?) on duplicate key update `name` = values(`name`)",
  'insert into "users" ("email") values (?) on conflict ("email") do update set "name" = excluded."name"',
];

const leavesUsersAlone = [
  "select `u0`.* from `users` as `u0` where `u0`.`id` = ?",
  "insert into `users` (`email`, `name`) values (?, ?)",
  "update `user_sessions` set `x` = ?",
  "update `carts` set `updated_at` = ? where `user_id` in (select id from users)",
  "delete from `recovery_codes` where `user_id` = ?",
  "insert into `security_events` (`type`) values (?) on duplicate key update `type` = ?",
  // MikroORM 7 on SQLite, flushing a User it loaded and nobody changed (see SQLITE_TIMESTAMP_REWRITE).
  "update `users` set `created_at` = ?, `updated_at` = ? where `id` = ?",
];

describe("the guard on writes to users", () => {
  it("refuses every statement that changes existing users outside writeUser", () => {
    for (const sql of changesUsers) assert.throws(() => guardUserWrites(sql), UnguardedUserWriteError, sql);
  });

  it("lets reads, inserts and other tables' writes through unchanged", () => {
    for (const sql of leavesUsersAlone) assert.equal(guardUserWrites(sql), sql);
  });

  it("lets them through inside writeUser, and drops the user's cached row after the write, failed or not", async () => {
    const { ctx, invalidated } = writer();
    const result = await writeUser(ctx, 7, async () => {
      assert.equal(invalidated.length, 0, "not before the write has ended");
      for (const sql of changesUsers) assert.equal(guardUserWrites(sql), sql);
      return "done";
    });
    assert.equal(result, "done");
    assert.deepEqual(invalidated, [7]);
    await assert.rejects(writeUser(ctx, 8, async () => Promise.reject(new Error("lost COMMIT answer"))), /lost COMMIT answer/);
    assert.deepEqual(invalidated, [7, 8]);
  });

  it("a writeUser inside another joins it: both rows are dropped once, when the outer write ends", async () => {
    const { ctx, invalidated } = writer();
    await writeUser(ctx, 1, async () => {
      await writeUser(writer(true).ctx, 2, async () => undefined);
      assert.deepEqual(invalidated, []);
    });
    assert.deepEqual(invalidated.sort(), [1, 2]);
  });

  it("refuses to start inside a transaction it did not open (the drop would come before the commit)", async () => {
    const { ctx, invalidated } = writer(true);
    let ran = false;
    await assert.rejects(writeUser(ctx, 3, async () => void (ran = true)), /must open the transaction itself/);
    assert.equal(ran, false);
    assert.deepEqual(invalidated, []);
  });

  it("work left running after writeUser ended is guarded again", async () => {
    const { ctx } = writer();
    let later: Promise<void> | undefined;
    await writeUser(ctx, 4, async () => {
      later = new Promise((resolve) => setTimeout(resolve, 5)).then(() => void guardUserWrites("update users set name = ?"));
    });
    await assert.rejects(later!, UnguardedUserWriteError);
  });
});
