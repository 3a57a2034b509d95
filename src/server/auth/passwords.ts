import { hash, verify } from '@node-rs/argon2';
import { randomInt } from 'node:crypto';
import { isStorableText, unstorableTextMessage } from '../../shared/text/storable';

/** argon2id with OWASP's first recommended setting: 19 MiB memory, 2 passes, 1 lane. */
export const ARGON2_OPTIONS = {
  // Algorithm.Argon2id; the package declares it as an ambient const enum, which isolatedModules forbids.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * A hash of a random password nobody knows, made with ARGON2_OPTIONS. Logging in as an unknown
 * user verifies against it, so that answer costs the same time as a wrong password for a real one.
 */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$YKWAoE4TX2f+tFDLF2GFWQ$cHmt1JZtEKmJ3w5ZMGyKpKA1pXJeO/gEYZTef+HCJrQ';

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

/** False for a wrong password and for a hash that cannot be parsed (never throws on bad input). */
export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/**
 * Why a new password is refused, or null. Length only (NIST SP 800-63B): no composition rules. A
 * broken emoji half is refused because argon2 would hash it as U+FFFD, and a control character
 * because nobody could type it again at sign-in.
 */
export function passwordProblem(password: string): string | null {
  if (!isStorableText(password)) return unstorableTextMessage('The password');
  // Count code points, not UTF-16 units, so "🔑" is one character as a person sees it.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `The password must have at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `The password must have at most ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

// No 0/O/o, 1/l/I, 2/Z, 5/S: a generated password is often read off a console and typed in.
const UNAMBIGUOUS_ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRTUVWXY346789';
export const GENERATED_PASSWORD_LENGTH = 20;

/** A random password (crypto RNG, unbiased): 20 characters of a 52-letter alphabet ≈ 114 bits. */
export function generatePassword(): string {
  let password = '';
  for (let i = 0; i < GENERATED_PASSWORD_LENGTH; i++) password += UNAMBIGUOUS_ALPHABET[randomInt(UNAMBIGUOUS_ALPHABET.length)];
  return password;
}
