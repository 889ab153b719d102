import { useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { shopperMessage } from "../errors";
import { ErrorMessage } from "../ui/ErrorMessage";
import { RequestPasswordResetMutation } from "./operations";

/** /forgot-password: asks for a reset link. The API answers the same for every address, and so does this page. */
export function ForgotPasswordPage() {
  const [request, { loading }] = useMutation(RequestPasswordResetMutation);
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email"));
    setError(null);
    try {
      await request({ variables: { email } });
      setSentTo(email);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel">
      <h2>Forgot your password?</h2>
      {sentTo ? (
        <p role="status">If {sentTo} belongs to an account, a link to choose a new password is on its way. It works for 30 minutes.</p>
      ) : (
        <form onSubmit={onSubmit} aria-label="Forgot password">
          <label>
            Email
            <input name="email" type="email" autoComplete="email" required />
          </label>
          <button type="submit" disabled={loading}>
            Send me a link
          </button>
        </form>
      )}
      <ErrorMessage message={error ? shopperMessage(error) : null} />
      <a href="/">Back to the shop</a>
    </section>
  );
}
