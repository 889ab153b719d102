import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import nodemailer, { type Transporter } from "nodemailer";
import type { Logger } from "pino";
import type { MailConfig } from "../config";
import type { RenderedMail } from "./templates";

export interface OutgoingMail extends RenderedMail {
  id: number;
  to: string;
}

/** Hands one mail to the relay; resolves once it accepted it, rejects otherwise. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

// nodemailer waits two minutes for a silent relay by default; a sender that waits that long holds its claim.
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 };

/** SMTP when SMTP_URL is set; otherwise the development outbox (config.ts never allows that in production). */
export function createTransport(config: MailConfig, log: Logger): MailTransport {
  return config.smtpUrl ? smtpTransport(config, config.smtpUrl) : developmentOutbox(config, log);
}

function message(config: MailConfig, mail: OutgoingMail) {
  return { from: config.from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html };
}

function smtpTransport(config: MailConfig, url: string): MailTransport {
  const transporter: Transporter = nodemailer.createTransport({ url, ...SMTP_TIMEOUTS } as never);
  return {
    send: async (mail) => {
      await transporter.sendMail(message(config, mail));
    },
    close: () => transporter.close(),
  };
}

/**
 * Each mail as an .eml file in `outboxDir`, and a log line with its link, so that a newcomer can follow a
 * reset link from the console. The link holds the token: that is the point here, and production never
 * gets this transport.
 */
function developmentOutbox(config: MailConfig, log: Logger): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "unix" });
  const dir = path.resolve(config.outboxDir);
  return {
    send: async (mail) => {
      const info = await transporter.sendMail(message(config, mail));
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${mail.id}.eml`);
      await writeFile(file, info.message as Buffer);
      log.info({ to: mail.to, subject: mail.subject, link: mail.link, file }, "development outbox: mail written (no SMTP_URL)");
    },
    close: () => transporter.close(),
  };
}
