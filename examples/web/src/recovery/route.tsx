import type { ReactElement } from "react";
import { ForgotPasswordPage } from "./ForgotPasswordPage";
import { ResetPasswordPage } from "./ResetPasswordPage";
import { VerifyEmailPage } from "./VerifyEmailPage";

/** The pages the API's mails link to (PASSWORD_RESET_URL, EMAIL_VERIFICATION_URL), by path; null for the shop. */
export function recoveryPage(location: Location): ReactElement | null {
  const token = new URLSearchParams(location.search).get("token") ?? "";
  switch (location.pathname) {
    case "/forgot-password":
      return <ForgotPasswordPage />;
    case "/reset-password":
      return <ResetPasswordPage token={token} />;
    case "/verify-email":
      return <VerifyEmailPage token={token} />;
    default:
      return null;
  }
}
