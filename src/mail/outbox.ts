import type { EntityManager } from "@mikro-orm/core";
import { MailOutbox, MailStatus } from "../entities/mail-outbox.entity";
import type { TemplateData, TemplateName } from "./templates";

export interface MailRequest<T extends TemplateName> {
  to: string;
  template: T;
  data: TemplateData<T>;
}

/**
 * The one way to send mail: records it in `em`'s unit of work, so it is written with (and only with) the
 * change that causes it when `em` flushes. The sender on some instance delivers it afterwards; nothing here
 * waits for SMTP.
 */
export function enqueueMail<T extends TemplateName>(em: EntityManager, mail: MailRequest<T>): MailOutbox {
  return em.create(MailOutbox, { template: mail.template, recipient: mail.to, data: JSON.stringify(mail.data) });
}

export interface OutboxStats {
  /** Mails not yet delivered nor given up. */
  backlog: number;
  /** Seconds since the oldest of them was enqueued; 0 when there is none. */
  oldestAgeS: number;
}

/** For metrics: how much mail waits, and for how long the oldest has. */
export async function outboxStats(em: EntityManager): Promise<OutboxStats> {
  const fork = em.fork();
  const backlog = await fork.count(MailOutbox, { status: MailStatus.PENDING });
  if (!backlog) return { backlog: 0, oldestAgeS: 0 };
  const [oldest] = await fork.find(MailOutbox, { status: MailStatus.PENDING }, { orderBy: { id: "asc" }, limit: 1, fields: ["createdAt"] });
  return { backlog, oldestAgeS: oldest ? Math.max(0, (Date.now() - oldest.createdAt.getTime()) / 1000) : 0 };
}
