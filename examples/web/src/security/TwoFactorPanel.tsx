import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { shopperMessage } from "../errors";
import { ErrorMessage } from "../ui/ErrorMessage";
import {
  BeginTwoFactorSetupMutation,
  ConfirmTwoFactorSetupMutation,
  DisableTwoFactorMutation,
  SecurityEventsQuery,
  TwoFactorStatusQuery,
} from "./operations";
import { QrCode } from "./QrCode";

interface Setup {
  secret: string;
  otpauthUrl: string;
  recoveryCodes: string[];
}

/** Two-factor sign-in for the logged-in member: set it up (QR code, recovery codes), or turn it off. */
export function TwoFactorPanel() {
  const { data } = useQuery(TwoFactorStatusQuery);
  const [setup, setSetup] = useState<Setup | null>(null);
  const enabled = data?.me?.twoFactorEnabled ?? false;
  return (
    <section className="panel" aria-label="Two-factor sign-in">
      <h2>Two-factor sign-in</h2>
      {setup ? (
        <ConfirmSetup setup={setup} onDone={() => setSetup(null)} />
      ) : enabled ? (
        <TurnOff />
      ) : (
        <BeginSetup onBegun={setSetup} />
      )}
    </section>
  );
}

function BeginSetup({ onBegun }: { onBegun: (setup: Setup) => void }) {
  const [begin, { loading }] = useMutation(BeginTwoFactorSetupMutation);
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      const { data } = await begin({ variables: { currentPassword: String(new FormData(event.currentTarget).get("currentPassword")) } });
      if (data) onBegun(data.beginTwoFactorSetup);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <p className="hint" data-testid="two-factor-state">Off. Add a code from an authenticator app to every login.</p>
      <form onSubmit={onSubmit} aria-label="Set up two-factor">
        <label>
          Your current password
          <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <button type="submit" disabled={loading}>
          Set up two-factor
        </button>
      </form>
      <ErrorMessage message={error ? shopperMessage(error) : null} />
    </>
  );
}

function ConfirmSetup({ setup, onDone }: { setup: Setup; onDone: () => void }) {
  const [confirm, { loading }] = useMutation(ConfirmTwoFactorSetupMutation, {
    refetchQueries: [TwoFactorStatusQuery, SecurityEventsQuery],
    awaitRefetchQueries: true,
  });
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setError(null);
    try {
      await confirm({ variables: { code: String(new FormData(event.currentTarget).get("code")).trim() } });
      onDone();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <p>Scan this with your authenticator app, or type the key by hand.</p>
      <QrCode text={setup.otpauthUrl} />
      <p>
        Key: <code data-testid="totp-secret">{setup.secret}</code>
      </p>
      <p>
        Recovery codes: each works once if you lose your phone. They are shown only now: copy them somewhere safe.
      </p>
      <ol className="recovery-codes" data-testid="recovery-codes">
        {setup.recoveryCodes.map((code) => (
          <li key={code}>
            <code>{code}</code>
          </li>
        ))}
      </ol>
      <button type="button" className="link" onClick={() => void navigator.clipboard?.writeText(setup.recoveryCodes.join("\n"))}>
        Copy the recovery codes
      </button>
      <form onSubmit={onSubmit} aria-label="Confirm two-factor">
        <label>
          Code from the app
          <input name="code" autoComplete="one-time-code" inputMode="numeric" required />
        </label>
        <button type="submit" disabled={loading}>
          Turn on two-factor
        </button>
      </form>
      <ErrorMessage message={error ? shopperMessage(error) : null} />
    </>
  );
}

function TurnOff() {
  const [disable, { loading }] = useMutation(DisableTwoFactorMutation, {
    refetchQueries: [TwoFactorStatusQuery, SecurityEventsQuery],
    awaitRefetchQueries: true,
  });
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await disable({ variables: { currentPassword: String(form.get("currentPassword")), code: String(form.get("code")).trim() } });
    } catch (err) {
      setError(err);
    }
  };
  return (
    <>
      <p className="hint" data-testid="two-factor-state">On. Logins ask for a code from your app.</p>
      <form onSubmit={onSubmit} aria-label="Turn off two-factor">
        <label>
          Your current password
          <input name="currentPassword" type="password" autoComplete="current-password" required />
        </label>
        <label>
          Code from the app, or a recovery code
          <input name="code" autoComplete="one-time-code" required />
        </label>
        <button type="submit" disabled={loading}>
          Turn off two-factor
        </button>
      </form>
      <ErrorMessage message={error ? shopperMessage(error) : null} />
    </>
  );
}
