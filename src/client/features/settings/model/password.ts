// Passwords for new staff accounts and resets, made in the browser from the platform's CSPRNG and
// shown once; the BFF stores only their argon2id hash.
import { createStaffRequestSchema } from '../../../../shared/api/staff';

// No look-alikes (0/O/o, 1/l/I, 2/Z, 5/S), so a password read off the screen and typed survives.
const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRTUVWXY346789';
export const GENERATED_PASSWORD_LENGTH = 20; // log2(52) × 20 ≈ 114 bits

/** Uniform over the alphabet: bytes at or above the largest multiple of its size are drawn again. */
export function randomPassword(length: number = GENERATED_PASSWORD_LENGTH, random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  const limit = 256 - (256 % ALPHABET.length);
  let password = '';
  while (password.length < length) {
    for (const byte of random(new Uint8Array(length * 2))) {
      if (byte >= limit) continue;
      password += ALPHABET[byte % ALPHABET.length];
      if (password.length === length) break;
    }
  }
  return password;
}

/**
 * A generated password the contract accepts for `username` (it refuses one containing the username,
 * which a short name like "pm" can be by chance). Made when the account is created or reset, so
 * the username is final.
 */
export function generateStaffPassword(username: string, random?: (bytes: Uint8Array) => Uint8Array): string {
  for (;;) {
    const password = randomPassword(GENERATED_PASSWORD_LENGTH, random);
    const result = createStaffRequestSchema.safeParse({ username, role: 'viewer', password });
    if (result.success || !result.error.issues.some((issue) => issue.path[0] === 'password')) return password;
  }
}
