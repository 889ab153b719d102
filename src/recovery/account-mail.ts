import type { EntityManager } from "@mikro-orm/core";
import type { MailConfig } from "../config";
import { TokenKind } from "../entities/account-token.entity";
import type { User } from "../entities/user.entity";
import { enqueueMail } from "../mail/outbox";
import { issueToken, revokeTokens } from "./tokens";

/*
 * What a change to an account sends, recorded in the EntityManager that writes the change: the token and the
 * mail are written in the same transaction as the change, or not at all.
 */

/** A new account (register, createUser): a verification link. */
export function onAccountCreated(em: EntityManager, user: User, config: MailConfig): void {
  sendVerification(em, user, config, true);
}

export function sendVerification(em: EntityManager, user: User, config: MailConfig, newAccount: boolean): void {
  const token = issueToken(em, user, TokenKind.EMAIL_VERIFICATION, config.emailVerificationTtlS);
  enqueueMail(em, { to: user.email, template: "verify-email", data: { name: user.name, token, newAccount } });
}

/** Any password change or reset: earlier reset links die, and the owner is told. Call inside the change's transaction. */
export async function onPasswordChanged(em: EntityManager, user: User, reset: boolean): Promise<void> {
  await revokeTokens(em, user.id, [TokenKind.PASSWORD_RESET]);
  enqueueMail(em, { to: user.email, template: "password-changed", data: { name: user.name, reset } });
}

/**
 * An email change (user.email already holds the new address): every earlier link dies, the new address gets
 * a verification link and the old one a notice without any link. Call inside the change's transaction.
 */
export async function onEmailChanged(em: EntityManager, user: User, oldEmail: string, config: MailConfig): Promise<void> {
  user.emailVerified = false;
  await revokeTokens(em, user.id, [TokenKind.PASSWORD_RESET, TokenKind.EMAIL_VERIFICATION]);
  sendVerification(em, user, config, false);
  enqueueMail(em, { to: oldEmail, template: "email-changed", data: { name: user.name } });
}
