import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { User } from "./user.entity";

export enum TokenKind {
  PASSWORD_RESET = "PASSWORD_RESET",
  EMAIL_VERIFICATION = "EMAIL_VERIFICATION",
}

/**
 * A link's token, as its SHA-256 only: the token itself exists in the mail alone. `usedAt` is set by the one
 * conditional UPDATE that redeems it (src/recovery/tokens.ts); `email` is the address the link went to.
 */
@Entity({ tableName: "account_tokens" })
@Index({ name: "account_tokens_user_kind_index", properties: ["user", "kind", "createdAt"] })
export class AccountToken {
  [OptionalProps]?: "createdAt" | "usedAt";

  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { deleteRule: "cascade", index: false })
  user!: User;

  @Enum({ items: () => TokenKind, nativeEnumName: undefined })
  kind!: TokenKind;

  @Unique({ name: "account_tokens_hash_unique" })
  @Property({ type: "string", length: 64 })
  tokenHash!: string;

  @Property({ type: "string", length: 254 })
  email!: string;

  @Property({ type: "datetime", length: 3 })
  createdAt: Date = new Date();

  @Property({ type: "datetime", length: 3 })
  expiresAt!: Date;

  @Property({ type: "datetime", length: 3, nullable: true })
  usedAt: Date | null = null;
}
