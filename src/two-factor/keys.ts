import { randomBytes } from "node:crypto";
import type { Config } from "../config";
import { SecretBox } from "../secrets/secret-box";

/**
 * The box TOTP secrets are sealed with, from TWO_FACTOR_KEY. Production refuses to start without the key
 * (config.ts). Elsewhere a missing key is replaced by a random one for this process, never a fixed
 * default: two-factor set up under it stops working when the process stops, which is said once at start.
 */
export function twoFactorBox(config: Config, warn: (msg: string) => void): SecretBox {
  if (config.twoFactor.keys.length) return new SecretBox(config.twoFactor.keys);
  warn("TWO_FACTOR_KEY is not set: using a random key, so two-factor set up now stops working when this process stops");
  return new SecretBox([randomBytes(32)]);
}
