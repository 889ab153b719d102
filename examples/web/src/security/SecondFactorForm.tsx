import { useMutation } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { errorCode, shopperMessage } from "../errors";
import { ErrorMessage } from "../ui/ErrorMessage";
import { CompleteLoginMutation } from "./operations";

/** The second step of a login on an account with two-factor on: a code from the app, or a recovery code. */
export function SecondFactorForm({ onDone, onRestart }: { onDone: () => Promise<void>; onRestart: () => void }) {
  const [completeLogin, { loading }] = useMutation(CompleteLoginMutation);
  const [error, setError] = useState<unknown>(null);

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code")).trim();
    setError(null);
    try {
      await completeLogin({ variables: { code } });
      await onDone();
    } catch (err) {
      // The pending login ended (too many wrong codes, or 5 minutes passed): start over with the password.
      if (errorCode(err) === "UNAUTHENTICATED") return onRestart();
      setError(err);
    }
  };

  return (
    <>
      <h2>Two-factor check</h2>
      <p className="hint">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
      <form onSubmit={onSubmit} aria-label="Two-factor code">
        <label>
          Code
          <input name="code" autoComplete="one-time-code" inputMode="text" required autoFocus />
        </label>
        <button type="submit" disabled={loading}>
          Verify
        </button>
      </form>
      <ErrorMessage message={error ? shopperMessage(error) : null} />
      <button type="button" className="link" onClick={onRestart}>
        Use another account
      </button>
    </>
  );
}
