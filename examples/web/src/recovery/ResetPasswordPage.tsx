import { useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { shopperMessage } from "../errors";
import { ErrorMessage } from "../ui/ErrorMessage";
import { ResetPasswordMutation } from "./operations";

/** /reset-password?token=...: the page a reset mail links to. Afterwards the shopper logs in as usual. */
export function ResetPasswordPage({ token }: { token: string }) {
  const [reset, { loading }] = useMutation(ResetPasswordMutation);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const newPassword = String(new FormData(event.currentTarget).get("newPassword"));
    setError(null);
    try {
      await reset({ variables: { token, newPassword } });
      setDone(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <section className="panel">
      <h2>Choose a new password</h2>
      {done ? (
        <p role="status">Your password is changed, and you were logged out everywhere. Log in with the new password.</p>
      ) : (
        <form onSubmit={onSubmit} aria-label="Reset password">
          <label>
            New password
            <input name="newPassword" type="password" autoComplete="new-password" required />
          </label>
          <button type="submit" disabled={loading || !token}>
            Set the new password
          </button>
        </form>
      )}
      <ErrorMessage message={error ? shopperMessage(error) : null} />
      <a href="/">{done ? "Go to the shop and log in" : "Back to the shop"}</a>
    </section>
  );
}
