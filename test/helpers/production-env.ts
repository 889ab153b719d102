/**
 * What production needs for mail (config.ts refuses to start without it). Nothing listens on port 1 of
 * loopback, so a mail such a server enqueues waits in its outbox; the mail tests use a real SMTP peer.
 */
export const PRODUCTION_MAIL_ENV = {
  SMTP_URL: "smtp://127.0.0.1:1",
  MAIL_FROM: "Shop <no-reply@shop.example.test>",
  PASSWORD_RESET_URL: "https://shop.example.test/reset-password?token={token}",
  EMAIL_VERIFICATION_URL: "https://shop.example.test/verify-email?token={token}",
};
