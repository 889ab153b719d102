import type { MailConfig } from "../config";

/** What a template makes of its data: the subject, a plain-text body and an HTML body. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  /** The link the mail carries, if any (the development outbox logs it). */
  link?: string;
}

interface MailSettings {
  productName: string;
  /** `{token}` replaced by the token, URL-encoded. */
  link(kind: "reset" | "verify", token: string): string;
  passwordResetTtlS: number;
  emailVerificationTtlS: number;
}

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** One body in both forms: paragraphs, and at most one link shown as a button. */
function compose(subject: string, greeting: string, paragraphs: string[], link?: { url: string; label: string }): RenderedMail {
  const text = [greeting, ...paragraphs, ...(link ? [`${link.label}: ${link.url}`] : [])].join("\n\n") + "\n";
  const html = [
    `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">`,
    `<p>${escape(greeting)}</p>`,
    ...paragraphs.map((p) => `<p>${escape(p)}</p>`),
    ...(link ? [`<p><a href="${escape(link.url)}">${escape(link.label)}</a></p>`, `<p style="font-size:small">${escape(link.url)}</p>`] : []),
    `</body></html>`,
  ].join("\n");
  return { subject, text, html, link: link?.url };
}

const hours = (s: number) => (s % 3600 === 0 ? `${s / 3600} hour${s === 3600 ? "" : "s"}` : `${Math.round(s / 60)} minutes`);

/**
 * Every mail the API sends, in one place. Each takes the data enqueued with it (src/mail/outbox.ts) and the
 * settings; add a template here and enqueue it by name.
 */
export const templates = {
  "password-reset": (d: { name: string; token: string }, m: MailSettings) =>
    compose(
      `Reset your ${m.productName} password`,
      `Hello ${d.name},`,
      [
        `Someone (hopefully you) asked to reset the password of your ${m.productName} account.`,
        `The link works once, for ${hours(m.passwordResetTtlS)}. If you did not ask, ignore this mail: your password stays as it is.`,
      ],
      { url: m.link("reset", d.token), label: "Choose a new password" },
    ),
  "verify-email": (d: { name: string; token: string; newAccount: boolean }, m: MailSettings) =>
    compose(
      d.newAccount ? `Welcome to ${m.productName}: confirm your email` : `Confirm your new ${m.productName} email address`,
      `Hello ${d.name},`,
      [
        d.newAccount
          ? `Your ${m.productName} account is ready. Please confirm that this address is yours.`
          : `This address is now the email of your ${m.productName} account. Please confirm that it is yours.`,
        `The link works for ${hours(m.emailVerificationTtlS)}.`,
      ],
      { url: m.link("verify", d.token), label: "Confirm my email" },
    ),
  // No link at all: this goes to the address that was just replaced, which may no longer be the owner's.
  "email-changed": (d: { name: string }, m: MailSettings) =>
    compose(`Your ${m.productName} email address was changed`, `Hello ${d.name},`, [
      `The email address of your ${m.productName} account was changed, and mail now goes to the new address.`,
      `If you did not do this, contact us at once.`,
    ]),
  "password-changed": (d: { name: string; reset: boolean }, m: MailSettings) =>
    compose(`Your ${m.productName} password was changed`, `Hello ${d.name},`, [
      d.reset
        ? `The password of your ${m.productName} account was reset with a link sent to this address, and every session was ended.`
        : `The password of your ${m.productName} account was changed, and your other sessions were ended.`,
      `If you did not do this, reset your password now and contact us.`,
    ]),
  // What happened, when and from where; no link (a link in an alarm mail is what phishing imitates).
  "security-notice": (d: { name: string; what: string; at: string; userAgent: string | null }, m: MailSettings) =>
    compose(`Security notice for your ${m.productName} account`, `Hello ${d.name},`, [
      `${d.what} on your ${m.productName} account.`,
      `When: ${d.at.replace("T", " ").replace(/\.\d+Z$/, " UTC")}`,
      `From: ${d.userAgent ?? "an unknown browser or app"}`,
      `If this was you, there is nothing to do. If not, change your password at once and contact us.`,
    ]),
} satisfies Record<string, (data: never, settings: MailSettings) => RenderedMail>;

export type TemplateName = keyof typeof templates;
export type TemplateData<T extends TemplateName> = Parameters<(typeof templates)[T]>[0];

export const isTemplateName = (name: string): name is TemplateName => Object.hasOwn(templates, name);

export function mailSettings(config: MailConfig): MailSettings {
  return {
    productName: config.productName,
    link: (kind, token) =>
      (kind === "reset" ? config.passwordResetUrl : config.emailVerificationUrl).replaceAll("{token}", encodeURIComponent(token)),
    passwordResetTtlS: config.passwordResetTtlS,
    emailVerificationTtlS: config.emailVerificationTtlS,
  };
}

/** Renders a stored mail; the data was written by enqueueMail for this template. */
export function render(template: string, data: unknown, config: MailConfig): RenderedMail {
  if (!isTemplateName(template)) throw new Error(`unknown mail template ${JSON.stringify(template)}`);
  const fn = templates[template] as (data: unknown, settings: MailSettings) => RenderedMail;
  return fn(data, mailSettings(config));
}
