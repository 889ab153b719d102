import type { EntityManager } from "@mikro-orm/core";
import type { Logger } from "pino";
import type { MailConfig } from "../config";
import { lockingTransaction } from "../db/locking-transaction";
import { skipLocked } from "../db/skip-locked";
import { MailOutbox, MailStatus } from "../entities/mail-outbox.entity";
import { render } from "./templates";
import type { MailTransport } from "./transport";

const BATCH = 20;
/** A claimed row is left alone this long: longer than a batch can take with nodemailer's timeouts. */
const LEASE_MS = 10 * 60_000;

/** Work the sender does before each round of delivery (turning reset requests into mails). */
export type BackgroundStep = (em: EntityManager) => Promise<unknown>;

/**
 * Delivers the outbox, on every instance: claims due rows (SKIP LOCKED on MySQL, so instances take different
 * ones), pushes the claim's time forward by a lease, sends each through the transport and settles it. A
 * failure waits MAIL_RETRY_MIN_S, doubling up to MAIL_RETRY_MAX_S; a mail still unsent after
 * MAIL_GIVE_UP_AFTER_S, or refused for good by the relay (5xx), is FAILED and logged. Settled rows lose their data.
 */
export class MailSender {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly em: EntityManager,
    private readonly config: MailConfig,
    private readonly transport: MailTransport,
    private readonly log: Logger,
    private readonly steps: BackgroundStep[] = [],
  ) {}

  start(): this {
    this.schedule(this.config.pollIntervalMs);
    return this;
  }

  /** Stops polling and waits for the round in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport.close();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round()
        .catch((err) => this.log.warn({ err }, "mail: a round of the outbox failed; trying again"))
        .finally(() => this.schedule(this.config.pollIntervalMs));
    }, delayMs);
    this.timer.unref();
  }

  /** One round: the background steps, then every due mail, batch by batch. */
  async round(): Promise<void> {
    for (const step of this.steps) await step(this.em);
    for (let batch = await this.claim(); batch.length && !this.stopped; batch = await this.claim()) {
      for (const mail of batch) await this.deliver(mail);
    }
  }

  private async claim(): Promise<MailOutbox[]> {
    // READ COMMITTED (lockingTransaction): at REPEATABLE READ the locking read would also lock the gaps and
    // the next row, holding up the requests that insert mail and the settling of rows another round claimed.
    return lockingTransaction(this.em.fork(), async (tem) => {
      const now = new Date();
      const rows = await tem.find(
        MailOutbox,
        { status: MailStatus.PENDING, nextAttemptAt: { $lte: now } },
        { orderBy: { nextAttemptAt: "asc", id: "asc" }, limit: BATCH, ...skipLocked(tem) },
      );
      for (const row of rows) {
        row.attempts += 1;
        row.nextAttemptAt = new Date(now.getTime() + LEASE_MS);
      }
      await tem.flush();
      return rows;
    });
  }

  private async deliver(mail: MailOutbox): Promise<void> {
    try {
      const rendered = render(mail.template, JSON.parse(mail.data ?? "null"), this.config);
      await this.transport.send({ ...rendered, id: mail.id, to: mail.recipient });
    } catch (err) {
      await this.failed(mail, err);
      return;
    }
    // Sent: a failure to record that must not count as a failed delivery, or the mail would go out again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.settle(mail, MailStatus.SENT, null);
      } catch (err) {
        if (attempt >= 3) {
          this.log.error({ err, mailId: mail.id }, "mail: sent, but could not record it; it may be sent again when its claim runs out");
          return;
        }
      }
    }
  }

  private async failed(mail: MailOutbox, err: unknown): Promise<void> {
    const reason = describe(err);
    const ageS = (Date.now() - mail.createdAt.getTime()) / 1000;
    const permanent = isPermanent(err);
    if (permanent || ageS >= this.config.giveUpAfterS) {
      await this.settle(mail, MailStatus.FAILED, reason);
      this.log.error({ mailId: mail.id, template: mail.template, attempts: mail.attempts, reason }, "mail: given up; it will not be sent");
      return;
    }
    const backoffS = Math.min(this.config.retryMinS * 2 ** (mail.attempts - 1), this.config.retryMaxS);
    const next = new Date(Date.now() + backoffS * 1000);
    await this.em.fork().nativeUpdate(MailOutbox, { id: mail.id }, { nextAttemptAt: next, lastError: reason });
    this.log.warn({ mailId: mail.id, template: mail.template, attempts: mail.attempts, retryInS: backoffS, reason }, "mail: not delivered; will retry");
  }

  private async settle(mail: MailOutbox, status: MailStatus, reason: string | null): Promise<void> {
    await this.em.fork().nativeUpdate(MailOutbox, { id: mail.id }, { status, data: null, settledAt: new Date(), lastError: reason });
  }
}

/** The relay's answer or the error's message, short; never the message body. */
function describe(err: unknown): string {
  const e = err as { response?: string; message?: string; code?: string };
  return String(e?.response ?? e?.message ?? e?.code ?? err).slice(0, 500);
}

/** A 5xx answer (unknown mailbox, refused sender) or a mail that cannot be rendered will not succeed later. */
function isPermanent(err: unknown): boolean {
  const code = (err as { responseCode?: number })?.responseCode;
  return (typeof code === "number" && code >= 500) || err instanceof SyntaxError || /unknown mail template/.test(String((err as Error)?.message));
}
