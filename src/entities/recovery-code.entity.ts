import { OptionalProps } from "@mikro-orm/core";
import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from "@mikro-orm/decorators/legacy";
import { User } from "./user.entity";

/** One of a user's two-factor recovery codes, by its SHA-256 (src/two-factor/recovery-codes.ts); usable once. */
@Entity({ tableName: "recovery_codes" })
@Unique({ name: "recovery_codes_user_hash_unique", properties: ["user", "codeHash"] })
export class RecoveryCode {
  [OptionalProps]?: "createdAt";

  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { deleteRule: "cascade", index: false })
  user!: User;

  @Property({ type: "string", length: 64 })
  codeHash!: string;

  @Property({ type: "datetime", length: 3, onCreate: () => new Date() })
  createdAt: Date = new Date();

  /** Set by the one UPDATE that claims the code; a used code is kept so it is known as used. */
  @Index({ name: "recovery_codes_used_at_index" })
  @Property({ type: "datetime", length: 3, nullable: true })
  usedAt?: Date | null;
}
