import { createHash, randomBytes } from "node:crypto";
import type { EntityManager } from "@mikro-orm/core";
import { AccountToken, TokenKind } from "../entities/account-token.entity";
import type { User } from "../entities/user.entity";
import { BadUserInputError } from "../errors";

/** 256 random bits as base64url: 43 characters that need no escaping in a URL. */
const TOKEN_BYTES = 32;

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** One answer for an unknown, used, expired or dead token, so the answer tells nothing about which. */
export const invalidToken = () =>
  new BadUserInputError({ token: "This link is invalid or has expired. Ask for a new one." }, "This link is invalid or has expired.");

/** Records a new token for `user`'s current email in `em`'s unit of work and returns it: the only copy. */
export function issueToken(em: EntityManager, user: User, kind: TokenKind, ttlS: number): string {
  const token = randomBytes(TOKEN_BYTES).toString("base64url");
  const now = new Date();
  em.create(AccountToken, { user, kind, tokenHash: hashToken(token), email: user.email, createdAt: now, expiresAt: new Date(now.getTime() + ttlS * 1000) });
  return token;
}

/** The live token of this kind (unused, unexpired), or null; a read only, the claim decides. */
export async function findLiveToken(em: EntityManager, token: string, kind: TokenKind): Promise<AccountToken | null> {
  if (!/^[\w-]{20,100}$/.test(token)) return null;
  return em.findOne(AccountToken, { tokenHash: hashToken(token), kind, usedAt: null, expiresAt: { $gt: new Date() } }, { refresh: true });
}

/**
 * Redeems the token: one conditional UPDATE, and the affected row count decides. Of any number of concurrent
 * redemptions, the database lets exactly one change the row; the others find `used_at` set and change nothing.
 */
export async function claimToken(em: EntityManager, token: AccountToken): Promise<boolean> {
  const now = new Date();
  const changed = await em.nativeUpdate(AccountToken, { id: token.id, usedAt: null, expiresAt: { $gt: now } }, { usedAt: now });
  return changed === 1;
}

/** Kills the user's live tokens of these kinds (a password or email change makes earlier links useless). */
export async function revokeTokens(em: EntityManager, userId: number, kinds: TokenKind[]): Promise<void> {
  await em.nativeUpdate(AccountToken, { user: userId, kind: { $in: kinds }, usedAt: null }, { usedAt: new Date() });
}

/** How many tokens of this kind the user was sent since `since`, used or not: the per-address mail limit. */
export function countIssuedSince(em: EntityManager, userId: number, kind: TokenKind, since: Date): Promise<number> {
  return em.count(AccountToken, { user: userId, kind, createdAt: { $gte: since } });
}
