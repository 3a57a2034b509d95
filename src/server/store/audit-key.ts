// The audit chain's HMAC key. It must not live in the database: whoever holds only the database
// file must not be able to recompute the chain. It comes from MARKDESK_AUDIT_KEY, or else from a
// file of its own in the data directory, generated on the first start (readable by its owner only).
// Losing it does not lose the log, but the keyed rows can then no longer be verified: a copy
// belongs somewhere other than the data directory.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const AUDIT_KEY_FILE_NAME = 'audit.key';
/** The shortest MARKDESK_AUDIT_KEY accepted (characters); a generated key has 64 hex digits. */
export const AUDIT_KEY_MIN_LENGTH = 32;

export type ResolvedAuditKey = { key: Buffer; /** The key file just written, when it was generated now. */ created: string | null };

export class AuditKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditKeyError';
  }
}

function readKeyFile(file: string): Buffer {
  const text = readFileSync(file, 'utf8').trim();
  if (!/^[0-9a-f]{64}$/i.test(text)) {
    throw new AuditKeyError(`The audit key file ${file} is damaged: it must hold the 64 hex digits written when it was generated.`);
  }
  return Buffer.from(text, 'hex');
}

/**
 * How MARKDESK_AUDIT_KEY gives a key file's key: `hex:` and the file's 64 hex digits. A key file
 * holds 32 random bytes written as hex, while any other value of the variable is used as its UTF-8
 * bytes; so a database first signed with its data directory's key file (SQLite) can be moved where
 * there is no data directory (PostgreSQL: `npm run migrate -- --from-sqlite`) and keep its key.
 */
export const AUDIT_KEY_HEX_PREFIX = 'hex:';

/** The key a MARKDESK_AUDIT_KEY value stands for: its UTF-8 bytes, or the bytes after `hex:`. */
export function auditKeyFromSetting(value: string): Buffer {
  if (!value.startsWith(AUDIT_KEY_HEX_PREFIX)) return Buffer.from(value, 'utf8');
  const hex = value.slice(AUDIT_KEY_HEX_PREFIX.length);
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new AuditKeyError(`MARKDESK_AUDIT_KEY starts with ${AUDIT_KEY_HEX_PREFIX} but is not followed by 64 hex digits (the contents of an ${AUDIT_KEY_FILE_NAME} file).`);
  }
  return Buffer.from(hex, 'hex');
}

/** The configured key, else the data directory's key file, generating it (mode 0600) when absent. */
export function resolveAuditKey(options: { dataDir: string; configured?: string | null }): ResolvedAuditKey {
  if (options.configured) return { key: auditKeyFromSetting(options.configured), created: null };
  const file = join(options.dataDir, AUDIT_KEY_FILE_NAME);
  try {
    return { key: readKeyFile(file), created: null };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(options.dataDir, { recursive: true });
  try {
    // 'wx': a server and a staff CLI starting together must not each write a key of their own.
    writeFileSync(file, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return { key: readKeyFile(file), created: null };
  }
  return { key: readKeyFile(file), created: file };
}

/** The sentence shown when a key file was generated. */
export function auditKeyCreatedMessage(file: string): string {
  return `Generated the audit log key in ${file}. Keep a copy somewhere other than the data directory (or set MARKDESK_AUDIT_KEY): without it the audit log can no longer be verified.`;
}
