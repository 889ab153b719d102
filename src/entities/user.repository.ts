import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { EntityRepository, type EntityManager } from "@mikro-orm/knex";
import { ConflictError } from "../errors";
import { Role } from "./role";
import type { User } from "./user.entity";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const emailTaken = () =>
  new ConflictError("An account with this email already exists.", { fields: { email: "is already registered" } });

export class UserRepository extends EntityRepository<User> {
  /**
   * The logged-in user, read on every request so that a deleted user or a changed role takes effect at
   * once. One primary-key SELECT of the eagerly loaded columns, mapped into this request's
   * EntityManager (so `ctx.user` is a managed entity as usual): `em.findOne` sends the same query but
   * costs several times the CPU (query builder, knex, metadata walk), on the hottest path of the API.
   */
  async findForRequest(id: number): Promise<User | null> {
    const row = await this.em.getConnection().execute(requestQuery(this.em), [id], "get");
    return row ? this.em.map(this.entityName, row) : null;
  }

  /** With the password hash, which ordinary loads leave out. */
  findForLogin(email: string): Promise<User | null> {
    return this.findOne({ email: normalizeEmail(email) }, { populate: ["passwordHash"] });
  }

  /**
   * Inserts and relies on the unique index for duplicates: a check before the insert alone would race
   * with a concurrent registration of the same email.
   */
  async add(data: { email: string; name: string; passwordHash: string; role?: Role }): Promise<User> {
    const user = this.create({ ...data, email: normalizeEmail(data.email), role: data.role ?? Role.USER });
    try {
      await this.em.persistAndFlush(user);
    } catch (err) {
      this.em.clear();
      if (err instanceof UniqueConstraintViolationException) throw emailTaken();
      throw err;
    }
    return user;
  }
}

let cachedRequestQuery: string | undefined;
/** Built once from the metadata, so a column added to User is read without touching this. */
function requestQuery(em: EntityManager): string {
  if (cachedRequestQuery) return cachedRequestQuery;
  const meta = em.getMetadata().get<User>("User");
  const quote = (name: string) => em.getPlatform().quoteIdentifier(name);
  const columns = meta.props.filter((p) => p.persist !== false && !p.lazy && p.fieldNames?.length).flatMap((p) => p.fieldNames);
  const key = meta.getPrimaryProps()[0].fieldNames[0];
  cachedRequestQuery = `select ${columns.map(quote).join(", ")} from ${quote(meta.tableName)} where ${quote(key)} = ? limit 1`;
  return cachedRequestQuery;
}
