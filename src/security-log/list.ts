import { requireUser, type Context } from "../context";
import { decodeCursor, paginate, validatePageArgs, type PageArgs } from "../db/pagination";
import { Role } from "../entities/role";
import { SecurityEvent } from "../entities/security-event.entity";
import { parseId } from "../entities/ids";
import { ForbiddenError } from "../errors";
import type { Connection } from "../db/pagination";

const EMPTY: Connection<SecurityEvent> = { edges: [], totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null } };

/**
 * A user's security log, newest first: one's own (no `userId`, or one's own id), or anyone's for an
 * ADMIN. A USER naming another id is FORBIDDEN whether or not it exists; an ADMIN naming an id that is no
 * user gets an empty page (a deleted user's events are detached and read in SQL, docs/two-factor.md).
 */
export function listSecurityEvents(ctx: Context, args: PageArgs & { userId: string | null }): Promise<Connection<SecurityEvent>> {
  const actor = requireUser(ctx);
  const id = args.userId == null ? actor.id : parseId(args.userId);
  if (id !== actor.id && actor.role !== Role.ADMIN) throw new ForbiddenError("You may only read your own security log.");
  if (id === null) {
    validatePageArgs(args);
    if (args.after) decodeCursor(args.after);
    return Promise.resolve(EMPTY);
  }
  return paginate(ctx.em, SecurityEvent, { user: id }, args, "desc");
}
