import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { base32Decode, base32Encode } from "../src/two-factor/base32";
import { otpauthUrl } from "../src/two-factor/otpauth";
import { hashRecoveryCode, newRecoveryCodes, normalizeRecoveryCode } from "../src/two-factor/recovery-codes";
import { SecretBox, keyId } from "../src/secrets/secret-box";
import { hotp, matchingStep, timeStep, totp } from "../src/two-factor/totp";

// RFC 6238, Appendix B: the SHA-1 rows, with the RFC's 20-byte seed and 8 digits.
const RFC_SEED = Buffer.from("12345678901234567890", "ascii");
const RFC_VECTORS: Array<[number, string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  for (const [seconds, code] of RFC_VECTORS) {
    it(`gives the RFC's SHA-1 code ${code} at T=${seconds}`, () => {
      assert.equal(totp(RFC_SEED, seconds * 1000, 8, "sha1"), code);
    });
  }

  it("gives RFC 4226's HOTP values for counters 0..9 (the 6-digit codes the API uses)", () => {
    const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    assert.deepEqual(expected.map((_, counter) => hotp(RFC_SEED, counter)), expected);
  });

  it("accepts the current step and one step either side, nothing further, and only six digits", () => {
    const now = 1_700_000_015_000;
    const step = timeStep(now);
    for (const offset of [-1, 0, 1]) assert.equal(matchingStep(RFC_SEED, hotp(RFC_SEED, step + offset), now), step + offset);
    for (const offset of [-2, 2]) assert.equal(matchingStep(RFC_SEED, hotp(RFC_SEED, step + offset), now), null);
    assert.equal(matchingStep(RFC_SEED, "12345", now), null);
    assert.equal(matchingStep(RFC_SEED, ` ${hotp(RFC_SEED, step)}`, now), null);
  });
});

describe("base32 and the otpauth URL", () => {
  it("round-trips any secret and encodes RFC 4648's examples", () => {
    assert.equal(base32Encode(Buffer.from("foobar")), "MZXW6YTBOI");
    assert.equal(base32Decode("MZXW6YTBOI======").toString(), "foobar");
    const secret = randomBytes(20);
    assert.deepEqual(base32Decode(base32Encode(secret)), secret);
    assert.throws(() => base32Decode("not-base32!"));
  });

  it("builds the Key Uri an authenticator app reads", () => {
    const url = new URL(otpauthUrl("My Shop", "ann@example.test", "MZXW6YTBOI"));
    assert.equal(url.protocol, "otpauth:");
    assert.equal(url.host, "totp");
    assert.equal(decodeURIComponent(url.pathname), "/My Shop:ann@example.test");
    assert.deepEqual(Object.fromEntries(url.searchParams), {
      secret: "MZXW6YTBOI",
      issuer: "My Shop",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
  });
});

describe("the secret box (AES-256-GCM with a key id)", () => {
  const oldKey = Buffer.alloc(32, 1);
  const newKey = Buffer.alloc(32, 2);

  it("opens what it sealed, for the same user only, and never stores the plain secret", () => {
    const box = new SecretBox([oldKey]);
    const secret = randomBytes(20);
    const sealed = box.seal(secret, 7);
    assert.deepEqual(box.open(sealed, 7), secret);
    assert.ok(!sealed.includes(secret.toString("base64url")) && !sealed.includes(base32Encode(secret)));
    assert.equal(sealed.split(".")[1], keyId(oldKey));
    assert.notEqual(box.seal(secret, 7), sealed); // a fresh IV every time
    assert.throws(() => box.open(sealed, 8)); // copied onto another user's row
  });

  it("refuses a tampered value", () => {
    const box = new SecretBox([oldKey]);
    const sealed = box.seal(randomBytes(20), 1);
    const parts = sealed.split(".");
    const body = Buffer.from(parts[3], "base64url");
    body[0] ^= 1;
    assert.throws(() => box.open([...parts.slice(0, 3), body.toString("base64url")].join("."), 1));
  });

  it("rotates: a new first key seals, the old one still opens, and old values are known as stale", () => {
    const before = new SecretBox([oldKey]).seal(Buffer.from("secret"), 3);
    const rotated = new SecretBox([newKey, oldKey]);
    assert.equal(rotated.open(before, 3).toString(), "secret");
    assert.equal(rotated.isStale(before), true);
    assert.equal(rotated.isStale(rotated.seal(Buffer.from("secret"), 3)), false);
    assert.throws(() => new SecretBox([newKey]).open(before, 3), /no key/);
  });
});

describe("recovery codes", () => {
  it("are ten different codes of 80 bits, accepted without dashes or in capitals, hashed one way", () => {
    const codes = newRecoveryCodes();
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/);
    const plain = normalizeRecoveryCode(codes[0].toUpperCase().replaceAll("-", " "));
    assert.equal(plain, codes[0].replaceAll("-", ""));
    assert.equal(normalizeRecoveryCode("123456"), null);
    assert.match(hashRecoveryCode(plain!), /^[0-9a-f]{64}$/);
  });
});
