import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

/** A real SMTP server on loopback (port chosen at start), keeping every message it accepted, parsed. */
export class SmtpPeer {
  readonly mails: ParsedMail[] = [];
  /** Recipients answered 550 (a mailbox that does not exist). */
  readonly refused = new Set<string>();
  private server?: SMTPServer;
  private port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** Listens (again, on the same port after a stop). */
  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      logger: false,
      onRcptTo: (address, _session, callback) => {
        if (!this.refused.has(address.address)) return callback();
        callback(Object.assign(new Error("No such mailbox"), { responseCode: 550 }));
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.mails.push(mail);
            callback();
          },
          (err) => callback(err),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening; connections in progress are cut. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The mails to `to` received so far. */
  to(to: string): ParsedMail[] {
    return this.mails.filter((m) => addresses(m).includes(to.toLowerCase()));
  }

  /** Waits for the `count`-th mail to `to` (and whose subject matches) and returns them all. */
  async waitFor(to: string, { count = 1, subject = /./, timeoutMs = 20_000 } = {}): Promise<ParsedMail[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.to(to).filter((m) => subject.test(m.subject ?? ""));
      if (found.length >= count) return found;
      if (Date.now() > deadline) throw new Error(`expected ${count} mail(s) to ${to} matching ${subject}, got ${found.length}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

export function addresses(mail: ParsedMail): string[] {
  const to = Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [];
  return to.flatMap((t) => t.value.map((v) => (v.address ?? "").toLowerCase()));
}

/** The token of the link in a mail's text. */
export function tokenOf(mail: ParsedMail): string {
  const match = /[?&]token=([\w-]+)/.exec(mail.text ?? "");
  if (!match) throw new Error(`no link with a token in: ${mail.text}`);
  return match[1];
}
