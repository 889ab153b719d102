import { LockMode, UniqueConstraintViolationException, type EntityName } from "@mikro-orm/core";
import { EntityRepository, type EntityManager } from "@mikro-orm/sql";
import { selectRow } from "../db/plain-sql";
import { ConflictError } from "../errors";
import { Role } from "./role";
import type { User } from "./user.entity";

import { canonicalEmail } from "./email";

export const emailTaken = () =>
  new ConflictError("An account with this email already exists.", { fields: { email: "is already registered" } });

/**
 * Runs a write and answers a duplicate email with CONFLICT. The unique index is the judge, whichever
 * driver reports it: a check before the write alone would race with a concurrent one.
 */
export async function conflictOnDuplicateEmail<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (err instanceof UniqueConstraintViolationException) throw emailTaken();
    throw err;
  }
}

/** A user row as `findForRequest`'s query returns it: column name -> value. */
export type UserRow = Record<string, unknown>;

export class UserRepository extends EntityRepository<User> {
  /**
   * The logged-in user's row (the eagerly loaded columns), on a request the user cache cannot answer
   * (user-cache/user-cache.ts): one primary-key SELECT. `em.findOne` would send the same query but costs
   * several times the CPU (query builder, metadata walk), on the hottest path of the API.
   */
  requestRow(id: number): Promise<UserRow | undefined> {
    return selectRow<UserRow>(this.em, userQuery(this.em, this.entityName, "request"), [id]);
  }

  /**
   * The row mapped into this EntityManager as a managed entity. The row may be the user cache's, shared by
   * other requests: the mapping neither changes it nor keeps its Dates (test/user-view.test.ts).
   */
  mapRequestRow(row: Readonly<UserRow>): User {
    return this.em.map(this.entityName, row as UserRow);
  }

  /**
   * With the password hash, which ordinary loads leave out. Plain SQL mapped into the EntityManager, as in
   * findForRequest: a login's work on the request thread competes with the hashes for the same CPU, and
   * `findOne` with a populate cost several times the query.
   */
  async findForLogin(email: string): Promise<User | null> {
    const row = await selectRow<UserRow>(this.em, userQuery(this.em, this.entityName, "login"), [canonicalEmail(email)]);
    return row ? this.em.map(this.entityName, row) : null;
  }

  /**
   * Inserts a user; a duplicate email is CONFLICT (see conflictOnDuplicateEmail). `alongside` records what
   * is written in the same transaction (the new account's verification mail).
   */
  async add(data: { email: string; name: string; passwordHash: string; role?: Role }, alongside?: (user: User) => void): Promise<User> {
    const user = this.create({ ...data, email: canonicalEmail(data.email), role: data.role ?? Role.USER });
    alongside?.(user);
    try {
      return await conflictOnDuplicateEmail(async () => {
        await this.em.persist(user).flush();
        return user;
      });
    } catch (err) {
      this.em.clear();
      throw err;
    }
  }

  /**
   * The ids of every ADMIN, their rows locked until the transaction ends (SELECT ... FOR UPDATE on MySQL;
   * SQLite runs one transaction at a time on its single connection). Every change that may remove an
   * ADMIN takes these locks before reading anything else, so two of them can never both conclude that
   * another admin remains.
   */
  async lockAdminIds(): Promise<number[]> {
    const rows: Array<{ id: number }> = await this.createQueryBuilder()
      .select("id")
      .where({ role: Role.ADMIN })
      .setLockMode(LockMode.PESSIMISTIC_WRITE)
      .execute("all", false);
    return rows.map((row) => Number(row.id));
  }

  /** The user's role as stored now, their row locked until the transaction ends (null: no such user). */
  async lockRole(id: number): Promise<Role | null> {
    const rows: Array<{ role: Role }> = await this.createQueryBuilder()
      .select("role")
      .where({ id })
      .setLockMode(LockMode.PESSIMISTIC_WRITE)
      .execute("all", false);
    return rows[0]?.role ?? null;
  }
}

const cachedQueries: Partial<Record<"request" | "login", string>> = {};
/**
 * The user's row by id with the eagerly loaded columns ("request"), or by email with the lazy ones too
 * ("login": the password hash). Built once from the metadata, so a column added to User is read without
 * touching this.
 */
function userQuery(em: EntityManager, entity: EntityName<User>, kind: "request" | "login"): string {
  const cached = cachedQueries[kind];
  if (cached) return cached;
  const meta = em.getMetadata().get<User>(entity);
  const quote = (name: string) => em.getPlatform().quoteIdentifier(name);
  const columns = meta.props.filter((p) => p.persist !== false && (kind === "login" || !p.lazy) && p.fieldNames?.length).flatMap((p) => p.fieldNames);
  const key = kind === "login" ? meta.properties.email.fieldNames[0] : meta.getPrimaryProps()[0].fieldNames[0];
  return (cachedQueries[kind] = `select ${columns.map(quote).join(", ")} from ${quote(meta.tableName)} where ${quote(key)} = ? limit 1`);
}

