// Secrets the server must read back (a TOTP secret, an identity provider's refresh token) are
// sealed with AES-256-GCM under a key derived from the audit key, which lives outside the
// database: a copy of the database file alone reveals none of them. Recovery codes, which only
// need comparing, are kept as keyed hashes.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';

export type SecretBox = {
  seal(plain: string): string;
  /** The plain text, or null when the sealed value is damaged or was sealed under another key. */
  open(sealed: string): string | null;
  /** A keyed hash for values that are only compared (recovery codes). */
  digest(value: string): string;
};

export function secretBox(rootKey: Buffer): SecretBox {
  const key = Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), 'markdesk identity secrets v1', 32));
  const hashKey = Buffer.from(hkdfSync('sha256', rootKey, Buffer.alloc(0), 'markdesk recovery codes v1', 32));
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed) {
      if (!sealed.startsWith('v1.')) return null;
      const raw = Buffer.from(sealed.slice(3), 'base64url');
      if (raw.length < 28) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
    digest(value) {
      return createHmac('sha256', hashKey).update(value, 'utf8').digest('hex');
    },
  };
}
