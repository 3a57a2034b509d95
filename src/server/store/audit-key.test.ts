// MARKDESK_AUDIT_KEY's two forms: any text (its UTF-8 bytes), or `hex:` and a key file's digits —
// the way a log signed with a data directory's key file keeps its key where there is no data directory.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AUDIT_KEY_FILE_NAME, AuditKeyError, auditKeyFromSetting, resolveAuditKey } from './audit-key';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'markdesk-key-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('MARKDESK_AUDIT_KEY', () => {
  it('is used as its UTF-8 bytes', () => {
    expect(auditKeyFromSetting('a passphrase of at least 32 chars!')).toEqual(Buffer.from('a passphrase of at least 32 chars!', 'utf8'));
    // 64 hex digits without the prefix stay text, as they always were.
    expect(auditKeyFromSetting('ab'.repeat(32))).toEqual(Buffer.from('ab'.repeat(32), 'utf8'));
  });

  it('written hex: and a key file’s digits, gives that file’s key', () => {
    const generated = resolveAuditKey({ dataDir: dir });
    expect(generated.created).toBe(join(dir, AUDIT_KEY_FILE_NAME));
    const digits = readFileSync(join(dir, AUDIT_KEY_FILE_NAME), 'utf8').trim();
    const elsewhere = join(dir, 'another');
    expect(resolveAuditKey({ dataDir: elsewhere, configured: `hex:${digits}` })).toEqual({ key: generated.key, created: null });
    expect(resolveAuditKey({ dataDir: elsewhere, configured: `hex:${digits.toUpperCase()}` }).key).toEqual(generated.key);
  });

  it('refuses hex: followed by anything but 64 hex digits', () => {
    for (const value of [`hex:${'0'.repeat(63)}`, `hex:${'g'.repeat(64)}`, `hex:${'0'.repeat(66)}`]) {
      expect(() => auditKeyFromSetting(value)).toThrow(AuditKeyError);
    }
  });
});
