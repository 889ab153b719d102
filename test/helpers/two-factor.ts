import { setTimeout as sleep } from "node:timers/promises";
import { base32Decode } from "../../src/two-factor/base32";
import { hotp, timeStep } from "../../src/two-factor/totp";
import type { GqlResponse, TestClient } from "./client";
import { USER_FIELDS } from "./factories";

export const BEGIN_SETUP = `mutation($p: String!) { beginTwoFactorSetup(currentPassword: $p) { secret otpauthUrl recoveryCodes } }`;
export const CONFIRM_SETUP = `mutation($code: String!) { confirmTwoFactorSetup(code: $code) }`;
export const DISABLE = `mutation($p: String!, $code: String!) { disableTwoFactor(currentPassword: $p, code: $code) }`;
export const REGENERATE = `mutation($p: String!, $code: String!) { regenerateRecoveryCodes(currentPassword: $p, code: $code) }`;
export const COMPLETE_LOGIN = `mutation($code: String!) { completeLogin(code: $code) { ${USER_FIELDS} twoFactorEnabled } }`;
export const SECURITY_EVENTS = `query($userId: ID, $first: Int, $after: String) {
  securityEvents(userId: $userId, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id type createdAt ip userAgent actorId } } } }`;

/**
 * The code of the step `offset` steps from now. Tests use up steps in order (-1, 0, +1) as the server
 * accepts each once; waitForFreshStep first makes sure the step will not change under them.
 */
export function codeAt(secret: string, offset = 0): string {
  return hotp(base32Decode(secret), timeStep(Date.now()) + offset);
}

/** Waits, when fewer than 5 seconds of the current 30-second step remain, for the next one to begin. */
export async function waitForFreshStep(): Promise<void> {
  const intoStep = (Date.now() / 1000) % 30;
  if (intoStep > 25) await sleep((30 - intoStep) * 1000 + 50);
}

export interface TwoFactorOn {
  secret: string;
  otpauthUrl: string;
  recoveryCodes: string[];
}

/** Turns two-factor on for the logged-in `client`; the step before the current one is used up. */
export async function enableTwoFactor(client: TestClient, password: string): Promise<TwoFactorOn> {
  await waitForFreshStep();
  const setup = (await client.ok(BEGIN_SETUP, { p: password })).beginTwoFactorSetup;
  await client.ok(CONFIRM_SETUP, { code: codeAt(setup.secret, -1) });
  return setup;
}

export const errorFields = (res: GqlResponse) => Object.keys(res.errors?.[0]?.extensions?.fields ?? {});
