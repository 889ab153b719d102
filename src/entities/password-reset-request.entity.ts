import { OptionalProps } from "@mikro-orm/core";
import { Entity, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";

/**
 * A "forgot password" request as it arrived, known address or not. The request only writes this row, so
 * both kinds cost the same; the sender decides later whether a mail goes out (src/recovery/reset-requests.ts).
 */
@Entity({ tableName: "password_reset_requests" })
export class PasswordResetRequest {
  [OptionalProps]?: "createdAt";

  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @Property({ type: "string", length: 254 })
  email!: string;

  @Property({ type: "datetime", length: 3 })
  createdAt: Date = new Date();
}
