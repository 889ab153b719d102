import { useMutation } from "@apollo/client/react";
import { useEffect, useRef } from "react";
import { shopperMessage } from "../errors";
import { ErrorMessage } from "../ui/ErrorMessage";
import { VerifyEmailMutation } from "./operations";

/** /verify-email?token=...: the page a verification mail links to; it verifies on opening. */
export function VerifyEmailPage({ token }: { token: string }) {
  const [verify, { data, error }] = useMutation(VerifyEmailMutation);
  const sent = useRef(false);
  useEffect(() => {
    // Once: React runs effects twice in development, and the link works only once.
    if (sent.current) return;
    sent.current = true;
    verify({ variables: { token } }).catch(() => undefined);
  }, [token, verify]);
  return (
    <section className="panel">
      <h2>Confirm your email</h2>
      {data && <p role="status">Thank you: {data.verifyEmail.email} is confirmed.</p>}
      <ErrorMessage message={error ? shopperMessage(error) : null} />
      <a href="/">Back to the shop</a>
    </section>
  );
}
