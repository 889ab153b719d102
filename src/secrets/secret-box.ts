import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const VERSION = "v1";

/**
 * AES-256-GCM for TOTP secrets at rest, under a ring of keys: the first encrypts, every one decrypts, so a
 * new key can be put first while secrets written under the old one are still read (docs/two-factor.md).
 *
 * Stored form: `v1.<key id>.<iv>.<ciphertext + tag>` (base64url). The key id is a fingerprint of the key
 * (8 hex digits of its SHA-256), so operators name no ids and a wrong or missing key is told apart from a
 * tampered value. The user's id is the additional data: a secret copied onto another user's row fails.
 */
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  readonly currentKeyId: string;

  constructor(keys: Buffer[]) {
    if (!keys.length || keys.some((key) => key.length !== 32)) throw new Error("SecretBox needs 32-byte keys");
    this.keys = new Map(keys.map((key) => [keyId(key), key]));
    this.currentKeyId = keyId(keys[0]);
  }

  seal(plain: Buffer, userId: number): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.keys.get(this.currentKeyId)!, iv);
    cipher.setAAD(aad(userId));
    const body = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.currentKeyId, iv.toString("base64url"), body.toString("base64url")].join(".");
  }

  /** The plain secret; throws when the key is not in the ring or the value was altered. */
  open(sealed: string, userId: number): Buffer {
    const [version, id, iv, body] = sealed.split(".");
    const key = this.keys.get(id);
    if (version !== VERSION || !key || !iv || !body) throw new Error(`no key ${id} to open a stored secret`);
    const bytes = Buffer.from(body, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAAD(aad(userId));
    decipher.setAuthTag(bytes.subarray(bytes.length - 16));
    return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]);
  }

  /** True when `sealed` was written under another key than the current one (re-sealed at its next use). */
  isStale(sealed: string): boolean {
    return sealed.split(".")[1] !== this.currentKeyId;
  }
}

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

const aad = (userId: number) => Buffer.from(`user:${userId}`);
