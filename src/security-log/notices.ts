import type { EntityManager } from "@mikro-orm/core";
import { SecurityEvent } from "../entities/security-event.entity";
import { SecurityEventType } from "../entities/security-event-type";
import { User } from "../entities/user.entity";
import { enqueueMail } from "../mail/outbox";
import type { SecurityEventInput } from "./record";

/** What a notice mail tells the account's owner. */
export type SecurityNotice =
  | SecurityEventType.TWO_FACTOR_ENABLED
  | SecurityEventType.TWO_FACTOR_DISABLED
  | SecurityEventType.RECOVERY_CODES_REGENERATED
  | SecurityEventType.RECOVERY_CODE_USED
  | "NEW_USER_AGENT_LOGIN";

const NOTICE_EVENTS = new Set<SecurityEventType>([
  SecurityEventType.TWO_FACTOR_ENABLED,
  SecurityEventType.TWO_FACTOR_DISABLED,
  SecurityEventType.RECOVERY_CODES_REGENERATED,
  SecurityEventType.RECOVERY_CODE_USED,
]);

/** A login from a user agent the account has not logged in (or registered) with for this long sends a notice. */
export const UNSEEN_USER_AGENT_DAYS = 90;

/**
 * Whether an event calls for a notice mail (docs/two-factor.md: 2FA on or off, recovery codes regenerated
 * or used, a login from a user agent not seen on the account in 90 days). "Seen" means a successful login, or the
 * owner's own registration, from that exact user agent: a failed attempt proves nothing, so an attacker
 * cannot make their agent "seen" by failing first.
 */
export async function noticeFor(em: EntityManager, event: SecurityEventInput, now: Date): Promise<SecurityNotice | null> {
  if (NOTICE_EVENTS.has(event.type)) return event.type as SecurityNotice;
  if (event.type !== SecurityEventType.LOGIN_SUCCEEDED) return null;
  const since = new Date(now.getTime() - UNSEEN_USER_AGENT_DAYS * 86_400_000);
  const seen = await em.count(SecurityEvent, {
    user: event.userId,
    userAgent: event.userAgent?.slice(0, 256) || null,
    actorId: null,
    type: { $in: [SecurityEventType.LOGIN_SUCCEEDED, SecurityEventType.USER_CREATED] },
    createdAt: { $gte: since },
  });
  return seen ? null : "NEW_USER_AGENT_LOGIN";
}

const WHAT_HAPPENED: Record<SecurityNotice, string> = {
  TWO_FACTOR_ENABLED: "Two-factor authentication was turned on",
  TWO_FACTOR_DISABLED: "Two-factor authentication was turned off",
  RECOVERY_CODES_REGENERATED: "New recovery codes were made; the old ones no longer work",
  RECOVERY_CODE_USED: "A recovery code was used",
  NEW_USER_AGENT_LOGIN: "Someone logged in from a browser or app not used on this account recently",
};

/**
 * The one way a security notice leaves: a mail in `em`'s unit of work, so it is written by the same flush
 * or transaction as the event (and the change) that called for it. It says what, when and from which user
 * agent; never a code, a secret or a link.
 */
export async function sendSecurityNotice(em: EntityManager, event: SecurityEventInput, notice: SecurityNotice, at: Date): Promise<void> {
  const user = await em.findOne(User, event.userId);
  if (!user) return;
  const data = { name: user.name, what: WHAT_HAPPENED[notice], at: at.toISOString(), userAgent: event.userAgent?.slice(0, 256) || null };
  enqueueMail(em, { to: user.email, template: "security-notice", data });
}
