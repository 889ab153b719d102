import { assertMayChangeOwnEmail } from "../auth/account";
import { writeUser } from "../user-cache/user-writes";
import { writeCart } from "../cart/cart-writes";
import { assertValidNewAccount, emailProblem, nameProblem } from "../auth/validation";
import { assertActingAdmin, requireUser, type Context } from "../context";
import { lockingTransaction } from "../db/locking-transaction";
import { assertValid, BadUserInputError, ConflictError, fieldErrors, ForbiddenError, NotFoundError } from "../errors";
import { parseId } from "../entities/ids";
import { paginate, type Connection } from "../db/pagination";
import { Role } from "../entities/role";
import { substringMatch } from "../db/search";
import { User } from "../entities/user.entity";
import { canonicalEmail } from "../entities/email";
import { conflictOnDuplicateEmail } from "../entities/user.repository";
import { onAccountCreated, onEmailChanged } from "../recovery/account-mail";
import { actedOn, recordSecurityEvent } from "../security-log/record";
import { SecurityEventType } from "../entities/security-event-type";

export const DEFAULT_PAGE_SIZE = 20;
const MAX_SEARCH_LENGTH = 254;

/** Self or ADMIN. Anyone else is refused before learning whether the id exists. */
function authorizeOn(actor: User, id: number | null): void {
  if (id !== actor.id && actor.role !== Role.ADMIN) {
    throw new ForbiddenError("You may only see or change your own account.");
  }
}

const lastAdmin = () =>
  new ConflictError("This is the last ADMIN. Make another user an ADMIN before demoting or deleting this one.");

export async function findUser(ctx: Context, rawId: string): Promise<User | null> {
  const actor = requireUser(ctx);
  const id = parseId(rawId);
  authorizeOn(actor, id);
  if (id === null) return null;
  return id === actor.id ? actor : ctx.em.findOne(User, id);
}

/** Oldest first; `search` matches name or email, case-insensitively, with `%` and `_` literal. */
export function listUsers(
  ctx: Context,
  args: { first: number | null; after: string | null; search: string | null },
): Promise<Connection<User>> {
  const search = args.search?.trim() ?? "";
  if (search.length > MAX_SEARCH_LENGTH) {
    throw new BadUserInputError({ search: `must be at most ${MAX_SEARCH_LENGTH} characters` });
  }
  const where = search ? substringMatch<User>(["name", "email"], search) : {};
  return paginate(ctx.em, User, where, { first: args.first ?? DEFAULT_PAGE_SIZE, after: args.after });
}

/** ADMIN only (checked at the resolver). Does not log anyone in. */
export async function createUser(
  ctx: Context,
  input: { email: string; name: string; password: string; role?: Role | null },
): Promise<User> {
  assertValidNewAccount(input);
  const passwordHash = await ctx.services.hasher.hash(input.password);
  const role = input.role ?? Role.USER;
  const actor = requireUser(ctx);
  return lockingTransaction(ctx.em, async (em) => {
    await assertActingAdmin(em, actor);
    const user = await em
      .getRepository(User)
      .add({ email: input.email, name: input.name.trim(), passwordHash, role }, (user) => onAccountCreated(em, user, ctx.services.config.mail));
    await recordSecurityEvent(em, actedOn(ctx, SecurityEventType.USER_CREATED, user.id));
    return user;
  });
}

export interface UserChanges {
  email?: string | null;
  name?: string | null;
  role?: Role | null;
  currentPassword?: string | null;
}

/**
 * Self: email and name, and `role` only if it is the current one. ADMIN: anything, except demoting the
 * last ADMIN. A null field is left as it is. A role change ends the user's sessions (see endSessionsOf).
 */
export async function updateUser(ctx: Context, rawId: string, changes: UserChanges): Promise<User> {
  const actor = requireUser(ctx);
  const id = parseId(rawId);
  authorizeOn(actor, id);
  if (changes.role != null && changes.role !== actor.role && actor.role !== Role.ADMIN) {
    throw new ForbiddenError("Only an ADMIN can change a role.");
  }
  assertValid(
    fieldErrors({
      email: changes.email == null ? null : emailProblem(changes.email),
      name: changes.name == null ? null : nameProblem(changes.name),
    }),
  );
  if (id === null) throw new NotFoundError("User");
  if (id === actor.id && changes.email != null && canonicalEmail(changes.email) !== actor.email) {
    await assertMayChangeOwnEmail(ctx, actor, changes.currentPassword);
  }

  const { user, roleChanged } = await writeUser(ctx, id, () => conflictOnDuplicateEmail(() =>
    lockingTransaction(ctx.em, async (em) => {
      const mayRemoveAdmin = changes.role === Role.USER;
      const admins = mayRemoveAdmin ? await em.getRepository(User).lockAdminIds() : [];
      const user = await em.findOne(User, id, { refresh: true });
      if (!user) throw new NotFoundError("User");
      if (mayRemoveAdmin && admins.includes(id) && admins.length === 1) throw lastAdmin();
      const roleChanged = changes.role != null && changes.role !== user.role;
      const emailChanged = changes.email != null && canonicalEmail(changes.email) !== user.email;
      // Someone else's account, or a role change: an ADMIN's write (see assertActingAdmin).
      if (id !== actor.id || roleChanged) await assertActingAdmin(em, actor);
      if (changes.role != null) user.role = changes.role;
      const oldEmail = user.email;
      if (changes.email != null) user.email = canonicalEmail(changes.email);
      if (user.email !== oldEmail) await onEmailChanged(em, user, oldEmail, ctx.services.config.mail);
      if (emailChanged) await recordSecurityEvent(em, actedOn(ctx, SecurityEventType.EMAIL_CHANGED, id));
      if (roleChanged) await recordSecurityEvent(em, actedOn(ctx, SecurityEventType.ROLE_CHANGED, id));
      if (changes.name != null) user.name = changes.name.trim();
      await em.flush();
      return { user, roleChanged };
    }),
  ));
  if (id === actor.id) ctx.user = user;
  if (roleChanged) await endSessionsOf(ctx, id, { renewCurrent: true });
  return user;
}

/** Self or ADMIN, except the last ADMIN. The user's sessions end; self-deletion also logs out. */
export async function deleteUser(ctx: Context, rawId: string): Promise<boolean> {
  const actor = requireUser(ctx);
  const id = parseId(rawId);
  authorizeOn(actor, id);
  if (id === null) throw new NotFoundError("User");

  // Their cart goes with them (a foreign key): dropped from the cart caches too.
  await writeUser(ctx, id, () => writeCart(ctx, { userId: id }, () => lockingTransaction(ctx.em, async (em) => {
    const admins = await em.getRepository(User).lockAdminIds();
    // Deleting someone else is an ADMIN's write; the ADMIN rows are locked already (see assertActingAdmin).
    if (id !== actor.id && !admins.includes(actor.id)) throw new ForbiddenError();
    if (admins.includes(id) && admins.length === 1) throw lastAdmin();
    if (!(await em.count(User, { id }))) throw new NotFoundError("User");
    // Written before the row goes, so the foreign key detaches it with the user's other events.
    await recordSecurityEvent(em, actedOn(ctx, SecurityEventType.USER_DELETED, id));
    await em.flush();
    // A native delete: the database's foreign keys take care of what hangs off the user (their cart
    // goes, their orders and security events stay, detached), so no collection is loaded here.
    if (!(await em.nativeDelete(User, { id }))) throw new NotFoundError("User");
  })));
  await endSessionsOf(ctx, id, { renewCurrent: false });
  if (id === actor.id) {
    await ctx.session.logOut();
    ctx.user = null;
  }
  return true;
}

/**
 * Ends a user's sessions after a role change or a deletion. An ADMIN acting on someone else ends all of
 * them; acting on oneself ends every other one, and either renews the current session's id (the
 * privilege level changed) or leaves it to the caller to log out.
 */
async function endSessionsOf(ctx: Context, userId: number, { renewCurrent }: { renewCurrent: boolean }): Promise<void> {
  if (userId !== ctx.session.userId) {
    await ctx.services.sessions.end(userId);
    return;
  }
  await ctx.session.endOtherSessions(userId);
  if (renewCurrent) await ctx.session.logIn(userId, ctx.session.rememberMe);
}
