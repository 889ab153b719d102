import type { SmtpPeer } from "./smtp-peer";

export const REQUEST_RESET = `mutation($email: String!) { requestPasswordReset(email: $email) }`;
export const RESET = `mutation($token: String!, $password: String!) { resetPassword(token: $token, newPassword: $password) }`;
export const VERIFY = `mutation($token: String!) { verifyEmail(token: $token) { id email emailVerified } }`;
export const REQUEST_VERIFICATION = `mutation { requestEmailVerification }`;

/** Mail settings for a server that delivers to `peer`, polling its outbox often so tests wait little. */
export function mailEnv(peer: SmtpPeer, extra: Record<string, string> = {}): Record<string, string> {
  return {
    SMTP_URL: peer.url,
    MAIL_FROM: "Teashop <no-reply@teashop.example.test>",
    MAIL_PRODUCT_NAME: "Teashop",
    PASSWORD_RESET_URL: "http://app.example.test/reset-password?token={token}",
    EMAIL_VERIFICATION_URL: "http://app.example.test/verify-email?token={token}",
    MAIL_POLL_INTERVAL_MS: "100",
    MAIL_RETRY_MIN_S: "1",
    MAIL_RETRY_MAX_S: "1",
    // A loaded test machine must not turn slowness into SERVICE_UNAVAILABLE: these tests assert outcomes.
    DEPENDENCY_TIMEOUT_MS: "10000",
    ...extra,
  };
}

