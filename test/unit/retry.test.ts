import assert from "node:assert/strict";
import { it } from "node:test";
import { DeadlockException, LockWaitTimeoutException, UniqueConstraintViolationException } from "@mikro-orm/core";
import { retryOnDeadlock } from "../../src/db/retry";

const failing = (errors: Error[]) => {
  let calls = 0;
  const run = async () => {
    const err = errors[calls++];
    if (err) throw err;
    return "done";
  };
  return { run, calls: () => calls };
};

it("reruns a transaction chosen as a deadlock victim or timed out on a lock", async () => {
  const tx = failing([new DeadlockException(new Error("1213")), new LockWaitTimeoutException(new Error("1205"))]);
  assert.equal(await retryOnDeadlock(tx.run), "done");
  assert.equal(tx.calls(), 3);
});

it("gives up after five attempts, with the last error", async () => {
  const errors = Array.from({ length: 6 }, (_, i) => new DeadlockException(new Error(`deadlock ${i}`)));
  const tx = failing(errors);
  await assert.rejects(retryOnDeadlock(tx.run), errors[4]);
  assert.equal(tx.calls(), 5);
});

it("does not rerun on any other error", async () => {
  const err = new UniqueConstraintViolationException(new Error("duplicate"));
  const tx = failing([err]);
  await assert.rejects(retryOnDeadlock(tx.run), err);
  assert.equal(tx.calls(), 1);
});
