import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { UserCache, type UserRow, type UserCacheOptions } from "../../src/user-cache/user-cache";

const row = (id: number, name = `User ${id}`): UserRow => ({ id, name, role: "USER", created_at: new Date(1_700_000_000_000) });

/** A cache on a clock the test moves, and a loader that counts its calls. */
function setup(options: Partial<UserCacheOptions> = {}) {
  let now = 0;
  const cache = new UserCache({ ttlMs: 60_000, maxEntries: 100, now: () => now, ...options });
  const db = new Map<number, UserRow>();
  let loads = 0;
  const read = async (id: number) =>
    (
      await cache.read(id, async () => {
        loads++;
        return db.get(id);
      })
    )?.row;
  return { cache, db, read, loads: () => loads, advance: (ms: number) => (now += ms) };
}

/** A load the test finishes by hand, to interleave it with invalidations. */
function pendingLoad() {
  let finish!: (row: UserRow | undefined) => void;
  const promise = new Promise<UserRow | undefined>((resolve) => (finish = resolve));
  return { load: () => promise, finish };
}

describe("the user cache", () => {
  it("loads a row once, then serves it without loading", async () => {
    const { db, read, loads } = setup();
    db.set(1, row(1));
    assert.deepEqual(await read(1), row(1));
    assert.deepEqual(await read(1), row(1));
    assert.equal(loads(), 1);
  });

  it("serves one frozen row and one view to every request", async () => {
    const { cache, db } = setup();
    const loaded = row(1);
    db.set(1, loaded);
    const load = async () => db.get(1);
    const first = (await cache.read(1, load))!;
    const second = (await cache.read(1, load))!;
    assert.equal(second, first);
    assert.equal(second.view, first.view);
    assert.equal(first.view.name, "User 1");
    assert.ok(Object.isFrozen(first.row));
    assert.throws(() => ((first.row as { name: string }).name = "Changed"), TypeError);
  });

  it("loads again once the TTL has passed (the bound on changes made around the API)", async () => {
    const { db, read, loads, advance } = setup({ ttlMs: 1000 });
    db.set(1, row(1));
    await read(1);
    advance(999);
    await read(1);
    assert.equal(loads(), 1);
    db.set(1, row(1, "Changed in SQL"));
    advance(1);
    assert.equal((await read(1))?.name, "Changed in SQL");
    assert.equal(loads(), 2);
  });

  it("is off with a TTL of 0: every read loads, nothing is kept", async () => {
    const { cache, db, read, loads } = setup({ ttlMs: 0 });
    db.set(1, row(1));
    await read(1);
    await read(1);
    assert.equal(loads(), 2);
    assert.equal(cache.size, 0);
    assert.equal(cache.enabled, false);
  });

  it("keeps at most maxEntries rows, forgetting the oldest stored first", async () => {
    const { cache, db, read } = setup({ maxEntries: 2 });
    for (const id of [1, 2, 3]) db.set(id, row(id));
    for (const id of [1, 2, 3]) await read(id);
    assert.equal(cache.size, 2);
    assert.deepEqual([1, 2, 3].map((id) => cache.has(id)), [false, true, true]);
  });

  it("does not keep a missing user (a session whose user was deleted)", async () => {
    const { cache, read, loads } = setup();
    assert.equal(await read(1), undefined);
    assert.equal(await read(1), undefined);
    assert.equal(loads(), 2);
    assert.equal(cache.size, 0);
  });

  it("drop and dropAll forget rows, so the next read loads the new one", async () => {
    const { cache, db, read, loads } = setup();
    for (const id of [1, 2]) db.set(id, row(id));
    await read(1);
    await read(2);
    db.set(1, row(1, "Renamed"));
    cache.drop(1);
    assert.equal((await read(1))?.name, "Renamed");
    assert.ok(cache.has(2));
    cache.dropAll();
    assert.equal(cache.size, 0);
    await read(2);
    assert.equal(loads(), 4);
  });
});

describe("the user cache under races", () => {
  it("does not store a row whose load started before an invalidation of that user", async () => {
    const { cache } = setup();
    const slow = pendingLoad();
    const reading = cache.read(1, slow.load);
    cache.drop(1); // the write committed and was announced while the SELECT was on its way
    slow.finish(row(1, "Before the write"));
    assert.equal((await reading)?.row.name, "Before the write"); // this request may still see it...
    assert.equal(cache.has(1), false); // ...but no later one will
  });

  it("does not store a row whose load started before any other invalidation either", async () => {
    const { cache } = setup();
    const slow = pendingLoad();
    const reading = cache.read(1, slow.load);
    cache.drop(2);
    slow.finish(row(1));
    await reading;
    assert.equal(cache.has(1), false);
  });

  it("stores a row whose load started after the invalidation", async () => {
    const { cache } = setup();
    cache.drop(1);
    const slow = pendingLoad();
    const reading = cache.read(1, slow.load);
    slow.finish(row(1, "After the write"));
    await reading;
    assert.equal(cache.has(1), true);
  });
});

describe("the user cache while invalidations may be missed", () => {
  it("loads every read and stores nothing while not listening", async () => {
    let listening = false;
    const { cache, db, read, loads } = setup({ isListening: () => listening });
    db.set(1, row(1));
    await read(1);
    await read(1);
    assert.equal(loads(), 2);
    assert.equal(cache.size, 0);
    listening = true;
    await read(1);
    await read(1);
    assert.equal(loads(), 3);
  });

  it("does not store a row loaded across the moment listening stopped", async () => {
    let listening = true;
    const { cache } = setup({ isListening: () => listening });
    const slow = pendingLoad();
    const reading = cache.read(1, slow.load);
    listening = false;
    slow.finish(row(1));
    await reading;
    listening = true;
    assert.equal(cache.size, 0);
  });

  it("serves nothing cached while not listening, even a row stored before", async () => {
    let listening = true;
    const { db, read, loads } = setup({ isListening: () => listening });
    db.set(1, row(1));
    await read(1);
    listening = false;
    db.set(1, row(1, "Changed while deaf"));
    assert.equal((await read(1))?.name, "Changed while deaf");
    assert.equal(loads(), 2);
  });
});
