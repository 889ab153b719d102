import type { EntityManager } from "@mikro-orm/core";
import type { Context } from "../context";
import { SecurityEvent } from "../entities/security-event.entity";
import { SecurityEventType } from "../entities/security-event-type";
import { User } from "../entities/user.entity";
import { noticeFor, sendSecurityNotice } from "./notices";

export interface SecurityEventInput {
  type: SecurityEventType;
  userId: number;
  ip?: string | null;
  userAgent?: string | null;
  /** Who acted, when it was not the account's owner (an ADMIN). */
  actorId?: number | null;
  now?: Date;
}

/**
 * The one writer of the security log. The row (and the notice mail it calls for, if any) is persisted in
 * `em` and written by the caller's flush or transaction, so it commits or rolls back with the change it
 * records. Nothing secret goes in: callers pass only these fields.
 */
export async function recordSecurityEvent(em: EntityManager, input: SecurityEventInput): Promise<void> {
  const now = input.now ?? new Date();
  const notice = await noticeFor(em, input, now);
  em.persist(
    em.create(SecurityEvent, {
      type: input.type,
      user: em.getReference(User, input.userId),
      accountId: input.userId,
      ip: input.ip?.slice(0, 64) || null,
      userAgent: input.userAgent?.slice(0, 256) || null,
      actorId: input.actorId ?? null,
      createdAt: now,
    }),
  );
  if (notice) await sendSecurityNotice(em, input, notice, now);
}

/** The event as this request makes it, for the account's own action: its client's IP and user agent. */
export function eventOf(ctx: Context, type: SecurityEventType, userId: number): SecurityEventInput {
  return { type, userId, ip: ctx.ip, userAgent: ctx.userAgent, actorId: null };
}

/** The same for an action that may be an ADMIN's on someone else: then the admin is the actor. */
export function actedOn(ctx: Context, type: SecurityEventType, userId: number): SecurityEventInput {
  return { ...eventOf(ctx, type, userId), actorId: ctx.viewer && ctx.viewer.id !== userId ? ctx.viewer.id : null };
}

/** Records an event that goes with no database change of its own (a login, a logout), in a write of its own. */
export async function logSecurityEvent(ctx: Context, type: SecurityEventType, userId: number): Promise<void> {
  const em = ctx.em.fork();
  await recordSecurityEvent(em, eventOf(ctx, type, userId));
  await em.flush();
}
