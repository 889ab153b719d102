import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { simpleParser } from "mailparser";
import { login, registerUser } from "./helpers/factories";
import { startInstance, type Instance } from "./helpers/instances";
import { REQUEST_RESET, RESET, mailEnv } from "./helpers/recovery";
import { processEnv } from "./helpers/server";
import { SmtpPeer, tokenOf } from "./helpers/smtp-peer";
import { until } from "./helpers/until";

// The outbox polls, retries and gives up on its own clock, in another process.
const MAIL_WAIT = { timeoutMs: 30_000, everyMs: 100 };

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe("the development outbox on the embedded defaults", () => {
  it("writes each mail as an .eml and logs its link, so the whole reset flow works without SMTP", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sessiongraph-devmail-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const outbox = path.join(dir, "mail");
    const api: Instance = await startInstance({
      SQLITE_PATH: path.join(dir, "db.sqlite"),
      MAIL_OUTBOX_DIR: outbox,
      MAIL_POLL_INTERVAL_MS: "100",
    });
    cleanups.push(() => api.stop());

    const user = await registerUser(api.client());
    await api.client().ok(REQUEST_RESET, { email: user.email });
    const file = await until("the reset mail is written", () =>
      existsSync(outbox) ? readdirSync(outbox).map((f) => path.join(outbox, f)).find((f) => /Reset your/.test(readFileSync(f, "utf8"))) : undefined,
      MAIL_WAIT,
    );
    const mail = await simpleParser(readFileSync(file));
    assert.equal((mail.to as { text: string }).text, user.email);
    const token = tokenOf(mail);
    assert.match(mail.text!, new RegExp(`http://localhost:5173/reset-password\\?token=${token}`), "the example app's page");

    const line = await until("the log line", () => api.logLines().find((l) => l.subject?.startsWith("Reset your")), MAIL_WAIT);
    assert.equal(line.to, user.email);
    assert.equal(line.link, `http://localhost:5173/reset-password?token=${token}`);

    assert.equal((await api.client().ok(RESET, { token, password: "a brand new passphrase" })).resetPassword, true);
    assert.equal((await login(api.client(), user.email, "a brand new passphrase")).errors, undefined);
  });
});

describe("giving up", () => {
  it("marks a mail FAILED after MAIL_GIVE_UP_AFTER_S without a relay, drops its data and logs it, without the token", async () => {
    const peer = await new SmtpPeer().start();
    await peer.stop(); // its port now refuses connections
    const env = await processEnv("mail_give_up", mailEnv(peer, { MAIL_GIVE_UP_AFTER_S: "2" }));
    const api = await startInstance(env);
    cleanups.push(() => api.stop());
    const user = await registerUser(api.client());
    const given = await until("the mail is given up", () => api.logLines().find((l) => l.msg === "mail: given up; it will not be sent"), MAIL_WAIT);
    assert.equal(given.level, 50);
    assert.equal(given.template, "verify-email");
    const retries = api.logLines().filter((l) => l.msg === "mail: not delivered; will retry");
    assert.ok(retries.length >= 1, "retried before giving up");
    assert.doesNotMatch(JSON.stringify(api.logLines()), /token=|[\w-]{43}/, "no link or token in any log line");
    assert.ok(user.id);
  });
});
