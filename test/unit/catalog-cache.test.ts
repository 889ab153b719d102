import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CATALOG_CHANGED, CatalogCache, startCatalogCache, type PageKey } from "../../src/cache/catalog-cache";
import { DROP_ALL, localInvalidation } from "../../src/cache/invalidation";
import type { Config } from "../../src/config";
import type { Connection } from "../../src/db/pagination";
import { UserCache } from "../../src/user-cache/user-cache";
import { userInvalidation } from "../../src/user-cache/user-invalidation";

type Node = { id: number; name: string };
const pageOf = (...names: string[]): Connection<Node> => ({
  edges: names.map((name, i) => ({ cursor: `c${i}`, node: { id: i + 1, name } })),
  pageInfo: { hasNextPage: false, endCursor: null },
  totalCount: names.length,
});
const KEY: PageKey = { activeOnly: true, search: null, first: 20, after: null };

/** A cache on a clock the test moves, and a loader that counts its calls. */
function setup(options: { ttlMs?: number; maxEntries?: number; isListening?: () => boolean } = {}) {
  let now = 0;
  const cache = new CatalogCache({ ttlMs: 1000, maxEntries: 100, now: () => now, ...options });
  let loads = 0;
  const read = (key: PageKey = KEY, name = "Mug") => cache.page(key, async () => (loads++, pageOf(name)));
  return { cache, read, loads: () => loads, advance: (ms: number) => (now += ms) };
}

/** A load the test finishes by hand, to interleave it with invalidations. */
function pendingLoad<T>() {
  let finish!: (value: T) => void;
  let fail!: (err: Error) => void;
  let calls = 0;
  const promise = new Promise<T>((resolve, reject) => ((finish = resolve), (fail = reject)));
  return { load: () => (calls++, promise), finish, fail, calls: () => calls };
}

describe("the catalog cache", () => {
  it("loads a page once, then serves it from memory", async () => {
    const { read, loads } = setup();
    const first = await read();
    assert.equal(await read(), first);
    assert.equal(loads(), 1);
  });

  it("hands out frozen answers: no request can change what the next one is served", async () => {
    const { read } = setup();
    const served = await read();
    assert.throws(() => ((served.edges[0].node as { name: string }).name = "Changed"), TypeError);
    assert.throws(() => served.edges.push(served.edges[0]), TypeError);
    assert.throws(() => ((served.pageInfo as { hasNextPage: boolean }).hasNextPage = true), TypeError);
    assert.throws(() => ((served as { totalCount: number }).totalCount = 9), TypeError);
    assert.equal((await read()).edges[0].node.name, "Mug");
  });

  it("keeps every argument that decides a page apart: who reads, search, size and cursor", async () => {
    const { read, loads } = setup();
    const keys: PageKey[] = [
      KEY,
      { ...KEY, activeOnly: false },
      { ...KEY, search: "mug" },
      { ...KEY, search: "mug:1" },
      { ...KEY, first: 1 },
      { ...KEY, after: "YzE6MQ" },
      { ...KEY, after: "YzE6MQ", search: "x" },
    ];
    for (const [i, key] of keys.entries()) assert.equal((await read(key, `Page ${i}`)).edges[0].node.name, `Page ${i}`);
    for (const [i, key] of keys.entries()) assert.equal((await read(key, "Reloaded")).edges[0].node.name, `Page ${i}`);
    assert.equal(loads(), keys.length);
    // No search and an empty one are the same page, as are no cursor and an empty one.
    await read({ ...KEY, search: "", after: "" });
    assert.equal(loads(), keys.length);
  });

  it("sends one load for concurrent misses of one page", async () => {
    const { cache } = setup();
    const slow = pendingLoad<Connection<Node>>();
    const reads = [cache.page(KEY, slow.load), cache.page(KEY, slow.load), cache.page(KEY, slow.load)];
    slow.finish(pageOf("Mug"));
    const pages = await Promise.all(reads);
    assert.equal(slow.calls(), 1);
    assert.ok(pages.every((p) => p === pages[0]));
  });

  it("does not keep a failed load: the callers waiting for it fail, the next read loads again", async () => {
    const { cache, read, loads } = setup();
    const failing = pendingLoad<Connection<Node>>();
    const reads = [cache.page(KEY, failing.load), cache.page(KEY, failing.load)];
    failing.fail(new Error("the database went away"));
    for (const reading of reads) await assert.rejects(reading, /went away/);
    assert.equal(cache.size, 0);
    assert.equal((await read()).totalCount, 1);
    assert.equal(loads(), 1);
  });

  it("does not store a page whose load started before an invalidation, and a read after it loads anew", async () => {
    const { cache, read, loads } = setup();
    const slow = pendingLoad<Connection<Node>>();
    const reading = cache.page(KEY, slow.load);
    cache.dropAll(); // a write committed and was announced while the SELECT was on its way
    const after = read(KEY, "After the write"); // does not join the load from before
    slow.finish(pageOf("Before the write"));
    assert.equal((await reading).edges[0].node.name, "Before the write"); // that request may still see it...
    assert.equal((await after).edges[0].node.name, "After the write");
    assert.equal(loads(), 1);
    assert.equal((await read(KEY, "Later")).edges[0].node.name, "After the write"); // ...but no later one
  });

  it("loads again once the TTL has passed (the bound on changes made around the API)", async () => {
    const { read, loads, advance } = setup({ ttlMs: 1000 });
    await read();
    advance(999);
    await read();
    assert.equal(loads(), 1);
    advance(1);
    assert.equal((await read(KEY, "Changed in SQL")).edges[0].node.name, "Changed in SQL");
    assert.equal(loads(), 2);
  });

  it("keeps at most maxEntries answers, forgetting the oldest stored first", async () => {
    const { cache, read, loads } = setup({ maxEntries: 2 });
    for (const first of [1, 2, 3]) await read({ ...KEY, first });
    assert.equal(cache.size, 2);
    assert.deepEqual([cache.hasPage({ ...KEY, first: 1 }), cache.hasPage({ ...KEY, first: 2 }), cache.hasPage({ ...KEY, first: 3 })], [false, true, true]);
    await read({ ...KEY, first: 1 });
    assert.equal(loads(), 4);
  });

  it("is off with a TTL of 0: every read loads, nothing is kept", async () => {
    const { cache, read, loads } = setup({ ttlMs: 0 });
    await read();
    await read();
    assert.deepEqual([loads(), cache.size], [2, 0]);
  });

  it("loads every read and keeps nothing while not listening, even what it kept before", async () => {
    let listening = true;
    const { cache, read, loads } = setup({ isListening: () => listening });
    await read();
    listening = false;
    assert.equal((await read(KEY, "Changed while deaf")).edges[0].node.name, "Changed while deaf");
    await read();
    assert.equal(loads(), 3);
    const slow = pendingLoad<Connection<Node>>();
    listening = true;
    const reading = cache.page({ ...KEY, first: 5 }, slow.load);
    listening = false; // across the moment listening stopped
    slow.finish(pageOf("Mug"));
    await reading;
    listening = true;
    assert.equal(cache.hasPage({ ...KEY, first: 5 }), false);
  });

  it("caches product(id) answers apart from pages, null included, by who reads", async () => {
    const { cache } = setup();
    let loads = 0;
    const one = (activeOnly: boolean, found: boolean) => cache.product({ activeOnly, id: 7 }, async () => (loads++, found ? { id: 7, name: "Mug" } : null));
    assert.equal(await one(true, false), null);
    assert.deepEqual(await one(false, true), { id: 7, name: "Mug" });
    assert.equal(await one(true, true), null);
    assert.ok(Object.isFrozen(await one(false, false)));
    assert.equal(loads, 2);
  });
});

describe("one invalidation channel for both caches", () => {
  const config = { userCache: { ttlS: 60, maxEntries: 10 }, catalogCache: { ttlMs: 60_000, maxEntries: 10 } } as Config;

  async function filled() {
    const invalidation = localInvalidation();
    const users = new UserCache({ ttlMs: 60_000, maxEntries: 10, isListening: () => invalidation.isListening() });
    const userMessages = userInvalidation(users, invalidation);
    const catalog = startCatalogCache(config, invalidation);
    await users.read(1, async () => ({ id: 1 }));
    await catalog.cache.page(KEY, async () => pageOf("Mug"));
    return { invalidation, users, userMessages, catalog };
  }

  it("a catalog invalidation empties the catalog cache and leaves the users' rows", async () => {
    const { users, catalog } = await filled();
    await catalog.invalidation.invalidate();
    assert.deepEqual([catalog.cache.size, users.size], [0, 1]);
  });

  it("a user's invalidation drops that user's row and leaves the catalog", async () => {
    const { users, userMessages, catalog } = await filled();
    await userMessages.invalidate(1);
    assert.deepEqual([catalog.cache.size, users.size], [1, 0]);
  });

  it("DROP_ALL, and a message no cache understands, empty both", async () => {
    for (const message of [DROP_ALL, "catalogue", CATALOG_CHANGED.toUpperCase()]) {
      const { invalidation, users, catalog } = await filled();
      await invalidation.publish(message);
      assert.deepEqual([catalog.cache.size, users.size], [0, 0], message);
    }
  });
});
