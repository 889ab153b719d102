import { OptionalProps } from "@mikro-orm/core";
import { Entity, Enum, Index, PrimaryKey, Property } from "@mikro-orm/decorators/legacy";

/** PENDING until the relay took it (SENT) or MAIL_GIVE_UP_AFTER_S passed (FAILED). See docs/email.md. */
export enum MailStatus {
  PENDING = "PENDING",
  SENT = "SENT",
  FAILED = "FAILED",
}

/**
 * A mail to send, written in the transaction of the change that causes it and delivered by the sender
 * (src/mail/mail-sender.ts), which renders it then. The data is dropped once the mail is settled, so no
 * link's token stays in the database in plain text.
 */
@Entity({ tableName: "mail_outbox" })
@Index({ name: "mail_outbox_due_index", properties: ["status", "nextAttemptAt"] })
export class MailOutbox {
  [OptionalProps]?: "status" | "attempts" | "createdAt" | "nextAttemptAt" | "settledAt" | "lastError";

  @PrimaryKey({ type: "integer", autoincrement: true })
  id!: number;

  @Property({ type: "string", length: 40 })
  template!: string;

  @Property({ type: "string", length: 254 })
  recipient!: string;

  /** The template's data as JSON (a link's token among it); null once the mail is settled. */
  @Property({ type: "text", nullable: true })
  data!: string | null;

  @Enum({ items: () => MailStatus, nativeEnumName: undefined, default: MailStatus.PENDING })
  status: MailStatus = MailStatus.PENDING;

  @Property({ type: "integer", default: 0 })
  attempts: number = 0;

  @Property({ type: "datetime", length: 3 })
  createdAt: Date = new Date();

  /** When the row may be claimed: now for a new mail, after the backoff for a failed one, after the lease for a claimed one. */
  @Property({ type: "datetime", length: 3 })
  nextAttemptAt: Date = new Date();

  @Property({ type: "datetime", length: 3, nullable: true })
  settledAt: Date | null = null;

  @Property({ type: "string", length: 500, nullable: true })
  lastError: string | null = null;
}
