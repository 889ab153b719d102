import { UniqueConstraintViolationException } from "@mikro-orm/core";
import { EntityRepository } from "@mikro-orm/knex";
import { ConflictError } from "../errors";
import { Role } from "./role";
import type { User } from "./user.entity";

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

export const emailTaken = () =>
  new ConflictError("An account with this email already exists.", { fields: { email: "is already registered" } });

export class UserRepository extends EntityRepository<User> {
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
