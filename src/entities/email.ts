/**
 * The one form of an email address that decides identity everywhere (lookup, uniqueness, the login limits,
 * the ADMIN bootstrap): trimmed, Unicode NFKC (full-width letters, ligatures and composed/decomposed
 * accents alike), lower-cased. It is what users.email stores, in a column compared byte for byte, so two
 * addresses that still differ (`bob@` and `böb@`) are two accounts on every path.
 */
export const canonicalEmail = (email: string): string => email.trim().normalize("NFKC").toLowerCase();

// Control characters, and format characters: zero-width (U+200B-U+200D, U+FEFF), bidirectional marks and
// overrides (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), soft hyphen. They make two different strings
// look the same, or one string look like another; emails and names refuse them.
const INVISIBLE = /[\p{Cc}\p{Cf}\u2028\u2029]/u;

export const hasInvisibleCharacters = (text: string): boolean => INVISIBLE.test(text);
