import type { Role } from "./role";
import type { User } from "./user.entity";
import type { UserRow } from "./user.repository";

/** The fields the GraphQL `User` type shows. */
export type UserFieldsRead = Pick<User, "id" | "email" | "name" | "emailVerified" | "role" | "twoFactorEnabled" | "createdAt">;

/**
 * The logged-in user as `me` and the authorization checks read it: made once from a cached row and shared
 * by every request that row serves, so most requests never map the user into their EntityManager (which
 * cost more than the rest of a logged-in `me`). Never written: a request that changes its user works on
 * `ctx.user`, the entity. A class, not a literal (docs/performance.md, "Garbage collection").
 */
export class UserView implements UserFieldsRead {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly emailVerified: boolean;
  readonly role: Role;
  readonly twoFactorEnabled: boolean;
  readonly createdAt: Date;

  /** The columns converted as the ORM converts them (test/user-view.test.ts holds the two alike on both databases). */
  constructor(row: Readonly<UserRow>) {
    this.id = Number(row.id);
    this.email = row.email as string;
    this.name = row.name as string;
    this.emailVerified = Boolean(Number(row.email_verified));
    this.role = row.role as Role;
    this.twoFactorEnabled = Boolean(Number(row.two_factor_enabled));
    const createdAt = row.created_at as Date | string | number;
    this.createdAt = new Date(createdAt instanceof Date ? createdAt.getTime() : createdAt);
  }
}
