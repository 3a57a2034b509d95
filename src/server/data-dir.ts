// One data directory, one Chat app. The directory's staff history, audit log and jobs describe
// writes to one app; started against another (or the sandbox's data against a live app), an Undo
// would write a sandbox entry to the live app. So the first start records which app the directory
// belongs to, and every later start must be for that same app. The staff CLI neither checks nor
// writes the record: it only manages staff accounts, never talks to Chat, and must keep working
// (to reset an admin's password, say) whatever mode the server is started in.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const DATA_DIR_IDENTITY_FILE = 'markdesk-app.json';

/** The sandbox gets fresh credentials at every start, so only its mode identifies it. */
export type DataDirIdentity = { mode: 'sandbox' } | { mode: 'live'; sdkAppId: number };

const identitySchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('sandbox') }),
  z.object({ mode: z.literal('live'), sdkAppId: z.int().positive() }),
]);

export function describeIdentity(identity: DataDirIdentity): string {
  return identity.mode === 'sandbox' ? 'the sandbox' : `the live Chat app ${identity.sdkAppId}`;
}

function sameApp(a: DataDirIdentity, b: DataDirIdentity): boolean {
  return a.mode === b.mode && (a.mode === 'sandbox' || a.sdkAppId === (b as { sdkAppId: number }).sdkAppId);
}

export type ClaimResult = { ok: true; recorded: boolean } | { ok: false; message: string };

/**
 * Checks that `dataDir` belongs to `wanted`. A directory without a record (new, or used before
 * records existed) is taken to belong to the app it is started with now, and the record is written.
 * A refusal is one line saying whom the directory belongs to and how to use another.
 */
export function claimDataDir(dataDir: string, wanted: DataDirIdentity): ClaimResult {
  const file = join(dataDir, DATA_DIR_IDENTITY_FILE);
  if (!existsSync(file)) {
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(wanted, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, file);
    return { ok: true, recorded: true };
  }
  let recorded: DataDirIdentity;
  try {
    recorded = identitySchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    return {
      ok: false,
      message: `The data directory ${dataDir} has an unreadable ${DATA_DIR_IDENTITY_FILE}, so it is not known which Chat app it belongs to; restore that file, or set MARKDESK_DATA_DIR to another directory.`,
    };
  }
  if (sameApp(recorded, wanted)) return { ok: true, recorded: false };
  return {
    ok: false,
    message: `The data directory ${dataDir} belongs to ${describeIdentity(recorded)}, not ${describeIdentity(wanted)}; start it for ${describeIdentity(recorded)}, or set MARKDESK_DATA_DIR to another directory for ${describeIdentity(wanted)}.`,
  };
}
