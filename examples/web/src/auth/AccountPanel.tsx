import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { errorCode, shopperMessage } from "../errors";
import { SecondFactorForm } from "../security/SecondFactorForm";
import { ErrorMessage } from "../ui/ErrorMessage";
import { LoginMutation, LogoutMutation, MeQuery, RegisterMutation } from "./operations";
import { useSessionChange } from "./useSessionChange";

type Mode = "login" | "register";

/** Who is shopping: the login and registration forms for a guest, the account for a member. */
export function AccountPanel() {
  const { data, loading } = useQuery(MeQuery);
  const me = data?.me;
  if (loading && !data) return <section className="panel">Loading…</section>;
  return <section className="panel account">{me ? <Member name={me.name} email={me.email} /> : <Guest />}</section>;
}

function Member({ name, email }: { name: string; email: string }) {
  const [logout, { loading }] = useMutation(LogoutMutation);
  const sessionChanged = useSessionChange();
  const [error, setError] = useState<string | null>(null);
  const onLogout = async () => {
    setError(null);
    try {
      await logout();
      await sessionChanged();
    } catch (err) {
      setError(shopperMessage(err));
    }
  };
  return (
    <>
      <h2>Your account</h2>
      <p data-testid="signed-in">
        Signed in as <strong>{name}</strong> ({email})
      </p>
      <button type="button" onClick={onLogout} disabled={loading}>
        Log out
      </button>
      <ErrorMessage message={error} />
    </>
  );
}

function Guest() {
  const [mode, setMode] = useState<Mode>("login");
  const [login, loginState] = useMutation(LoginMutation);
  const [register, registerState] = useMutation(RegisterMutation);
  const sessionChanged = useSessionChange();
  const [error, setError] = useState<unknown>(null);
  const [secondStep, setSecondStep] = useState(false);
  const busy = loginState.loading || registerState.loading;

  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    const password = String(form.get("password"));
    setError(null);
    try {
      if (mode === "login") {
        await login({ variables: { email, password, rememberMe: form.get("rememberMe") === "on" } });
      } else {
        await register({ variables: { input: { email, password, name: String(form.get("name")) } } });
      }
      await sessionChanged();
    } catch (err) {
      // The password was right on an account with two-factor on: the login waits for a code.
      if (errorCode(err) === "SECOND_FACTOR_REQUIRED") return setSecondStep(true);
      setError(err);
    }
  };

  if (secondStep) return <SecondFactorForm onDone={sessionChanged} onRestart={() => setSecondStep(false)} />;

  return (
    <>
      <h2>{mode === "login" ? "Log in" : "Create an account"}</h2>
      <p className="hint">Your cart is kept when you log in.</p>
      <form onSubmit={onSubmit} aria-label={mode === "login" ? "Log in" : "Create an account"}>
        {mode === "register" && (
          <label>
            Name
            <input name="name" autoComplete="name" required />
          </label>
        )}
        <label>
          Email
          <input name="email" type="email" autoComplete="email" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete={mode === "login" ? "current-password" : "new-password"} required />
        </label>
        {mode === "login" && (
          <label className="inline">
            <input name="rememberMe" type="checkbox" /> Keep me logged in
          </label>
        )}
        <button type="submit" disabled={busy}>
          {mode === "login" ? "Log in" : "Create account"}
        </button>
      </form>
      <ErrorMessage message={error ? shopperMessage(error) : null} />
      {mode === "login" && <a href="/forgot-password">Forgot your password?</a>}
      <button type="button" className="link" onClick={() => (setMode(mode === "login" ? "register" : "login"), setError(null))}>
        {mode === "login" ? "New here? Create an account" : "Already have an account? Log in"}
      </button>
    </>
  );
}
