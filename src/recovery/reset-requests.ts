import type { EntityManager } from "@mikro-orm/core";
import type { MailConfig } from "../config";
import { TokenKind } from "../entities/account-token.entity";
import { PasswordResetRequest } from "../entities/password-reset-request.entity";
import { User } from "../entities/user.entity";
import { lockingTransaction } from "../db/locking-transaction";
import { skipLocked } from "../db/skip-locked";
import { enqueueMail } from "../mail/outbox";
import { SecurityEventType } from "../entities/security-event-type";
import { recordSecurityEvent } from "../security-log/record";
import { countIssuedSince, issueToken } from "./tokens";

const BATCH = 50;
const HOUR_MS = 3_600_000;

/**
 * Turns waiting "forgot password" requests into reset mails, in the background: for a known address under
 * its hourly limit, a token and a mail; for anything else, nothing. Each batch is one transaction, so the
 * requests are gone exactly when their tokens and mails exist. Returns how many requests it took.
 */
export async function handleResetRequests(em: EntityManager, config: MailConfig): Promise<number> {
  // READ COMMITTED (lockingTransaction): at REPEATABLE READ the locking read would also lock the gap after the
  // last request, and every requestPasswordReset would wait for this transaction to insert its row.
  return lockingTransaction(em.fork(), async (tem) => {
    const requests = await tem.find(PasswordResetRequest, {}, { orderBy: { id: "asc" }, limit: BATCH, ...skipLocked(tem) });
    if (!requests.length) return 0;
    const since = new Date(Date.now() - HOUR_MS);
    for (const request of requests) {
      const user = await tem.findOne(User, { email: request.email });
      if (!user) continue;
      if ((await countIssuedSince(tem, user.id, TokenKind.PASSWORD_RESET, since)) >= config.resetsPerEmailPerHour) continue;
      const token = issueToken(tem, user, TokenKind.PASSWORD_RESET, config.passwordResetTtlS);
      enqueueMail(tem, { to: user.email, template: "password-reset", data: { name: user.name, token } });
      // Only a known account under its limit is logged: what strangers type is not stored. The request row
      // keeps no IP nor user agent (it must look the same for every address), so the event has none.
      await recordSecurityEvent(tem, { type: SecurityEventType.PASSWORD_RESET_REQUESTED, userId: user.id, ip: null, userAgent: null });
      await tem.flush(); // the next request for the same address counts this token
    }
    await tem.nativeDelete(PasswordResetRequest, { id: { $in: requests.map((r) => r.id) } });
    return requests.length;
  });
}
