// The database's schema from the command line: `npm run migrate` applies the pending migrations to
// the database the server uses and exits; `npm run migrate -- --from-sqlite FILE` copies a SQLite
// database into the (empty) PostgreSQL one. Settings as the server reads them: the environment,
// else .env in the working directory.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, resolveDataDir, setting } from './cli-settings';
import { AUDIT_KEY_FILE_NAME, AUDIT_KEY_HEX_PREFIX, AUDIT_KEY_MIN_LENGTH, AuditKeyError, auditKeyCreatedMessage, resolveAuditKey } from './store/audit-key';
import { CopyError, copySqliteToPostgres, type CopyProgress, type CopyReport } from './store/copy-sqlite';
import { DATABASE_FILE_NAME, type StoreLocation } from './store/database';
import { POSTGRES_BASELINE_NAME } from './store/postgres/baseline';
import { describeLocation, migrateStore } from './store/migrate';

export const USAGE = `Usage: npm run migrate [-- --from-sqlite FILE [--keep-broken-chain]]
  (no options)         applies the pending migrations to the server's database and exits: PostgreSQL
                       at MARKDESK_DATABASE_URL when set, else {MARKDESK_DATA_DIR}/${DATABASE_FILE_NAME}
  --from-sqlite FILE   copies the SQLite database FILE into the empty PostgreSQL database at
                       MARKDESK_DATABASE_URL and checks the copy; the audit key is MARKDESK_AUDIT_KEY,
                       else ${AUDIT_KEY_FILE_NAME} beside FILE
  --keep-broken-chain  with --from-sqlite: copy an audit log whose chain check already fails, as it is
Settings are read from the environment, else from a .env file in the working directory.`;

export type MigrateCliIo = CliIo;

class UsageError extends Error {}
/** A mistake in the settings or the input: said as it is, without "the database could not be used". */
class SettingError extends Error {}

type Parsed = { fromSqlite: string | null; keepBrokenChain: boolean; help: boolean };

function parseArgs(args: string[]): Parsed {
  const parsed: Parsed = { fromSqlite: null, keepBrokenChain: false, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === 'help' || arg === '--help' || arg === '-h') parsed.help = true;
    else if (arg === '--keep-broken-chain') parsed.keepBrokenChain = true;
    else if (arg === '--from-sqlite') {
      const file = args[++i];
      if (file === undefined || file.startsWith('--')) throw new UsageError('--from-sqlite needs the SQLite file to copy.');
      parsed.fromSqlite = file;
    } else if (arg.startsWith('--from-sqlite=')) parsed.fromSqlite = arg.slice('--from-sqlite='.length);
    else throw new UsageError(`Unknown argument: ${arg}`);
  }
  if (parsed.fromSqlite === '') throw new UsageError('--from-sqlite needs the SQLite file to copy.');
  if (parsed.keepBrokenChain && parsed.fromSqlite === null) throw new UsageError('--keep-broken-chain goes with --from-sqlite.');
  return parsed;
}

type Settings = { databaseUrl: string | null; auditKey: string | null; dataDir: string };

function readSettings(io: MigrateCliIo): Settings {
  const databaseUrl = setting(io.env, io.cwd, 'MARKDESK_DATABASE_URL') ?? null;
  // The server's rules for these two (config.ts); values are never echoed.
  if (databaseUrl !== null && !/^postgres(ql)?:\/\/./.test(databaseUrl)) {
    throw new SettingError('MARKDESK_DATABASE_URL must be a PostgreSQL URL such as postgres://markdesk@db.example.com:5432/markdesk.');
  }
  const auditKey = setting(io.env, io.cwd, 'MARKDESK_AUDIT_KEY') ?? null;
  if (auditKey !== null && auditKey.length < AUDIT_KEY_MIN_LENGTH) throw new SettingError(`MARKDESK_AUDIT_KEY must be at least ${AUDIT_KEY_MIN_LENGTH} characters.`);
  return { databaseUrl, auditKey, dataDir: resolveDataDir(io.env, io.cwd) };
}

async function migrate(settings: Settings, io: MigrateCliIo): Promise<void> {
  let location: StoreLocation;
  let auditKey: Buffer | undefined;
  if (settings.databaseUrl) {
    // No audit key needed: migrations do not touch the chain.
    location = { dialect: 'postgres', url: settings.databaseUrl };
  } else {
    location = { dialect: 'sqlite', file: join(settings.dataDir, DATABASE_FILE_NAME) };
    // The server's key, generated as the server's first start would when there is none yet.
    const resolved = resolveAuditKey({ dataDir: settings.dataDir, configured: settings.auditKey });
    if (resolved.created) io.stderr.write(`${auditKeyCreatedMessage(resolved.created)}\n`);
    auditKey = resolved.key;
  }
  const result = await migrateStore(location, auditKey);
  if (result.applied.length === 0) {
    io.stdout.write(`${describeLocation(location)}: the schema is up to date (${result.latest}).\n`);
    return;
  }
  io.stdout.write(`${describeLocation(location)}:\n`);
  for (const name of result.applied) {
    const baseline = location.dialect === 'postgres' && name === POSTGRES_BASELINE_NAME ? ' (the PostgreSQL baseline: the schema as of 0001–0016)' : '';
    io.stdout.write(`  applied ${name}${baseline}\n`);
  }
}

/** What every instance must be given once the log lives in PostgreSQL (never the key itself). */
export function auditKeyInstruction(source: { configured: true } | { keyFile: string }): string {
  const why = 'every instance on the PostgreSQL database must now be given the audit key this log is signed with as MARKDESK_AUDIT_KEY (there is no data directory to keep a key file in)';
  if ('configured' in source) return `The audit key: ${why}: the MARKDESK_AUDIT_KEY used for this copy.`;
  return `The audit key: ${why}: ${AUDIT_KEY_HEX_PREFIX} followed by the 64 hex digits of ${source.keyFile}, e.g. MARKDESK_AUDIT_KEY="${AUDIT_KEY_HEX_PREFIX}$(cat '${source.keyFile}')". Keep a copy of it somewhere safe.`;
}

const number = (value: number) => value.toLocaleString('en-US');

const problems = (count: number) => `${number(count)} problem${count === 1 ? '' : 's'}`;

function report(copy: CopyReport, file: string, location: StoreLocation): string {
  const held = copy.tables.filter((table) => table.sqlite > 0 || table.postgres > 0);
  const empty = copy.tables.length - held.length;
  const width = Math.max(...held.map((table) => table.table.length), 'table'.length);
  const lines = [
    `Copied ${file} into ${describeLocation(location)} in ${(copy.durationMs / 1000).toFixed(1)} s, and checked the copy:`,
    `  ${'table'.padEnd(width)}  ${'SQLite'.padStart(12)}  ${'PostgreSQL'.padStart(12)}`,
    ...held.map((table) => `  ${table.table.padEnd(width)}  ${number(table.sqlite).padStart(12)}  ${number(table.postgres).padStart(12)}`),
    ...(empty > 0 ? [`  and ${empty} table${empty === 1 ? '' : 's'} empty on both sides`] : []),
  ];
  const head = copy.head.postgres ? `newest entry seq ${copy.head.postgres.seq}, hash ${copy.head.postgres.hash}, the same as the file's` : 'no entries yet';
  if (copy.brokenInSource) {
    lines.push(
      `Audit chain: copied as it was; the check fails on PostgreSQL exactly as on SQLite (${problems(copy.chain.breakCount)}, the first ${copy.chain.problem} at ${copy.chain.brokenAt}); ${head}.`,
    );
  } else {
    lines.push(`Audit chain: ${number(copy.chain.checked)} ${copy.chain.checked === 1 ? 'entry' : 'entries'} verified under the same key${copy.chain.repaired ? ` (${copy.chain.repaired} repaired)` : ''}; ${head}.`);
  }
  lines.push(`Highest audit seq ever used: ${copy.highestSeq.postgres} (the file's: ${copy.highestSeq.sqlite}); new entries continue after it.`);
  return `${lines.join('\n')}\n`;
}

/** Progress of the tables large enough to take a while: a line at every tenth. */
function progressPrinter(io: MigrateCliIo): (progress: CopyProgress) => void {
  const shown = new Map<string, number>();
  return ({ table, copied, total }) => {
    if (total < 100_000) return;
    const tenth = Math.floor((copied / total) * 10);
    if (tenth > (shown.get(table) ?? 0) && tenth < 10) {
      shown.set(table, tenth);
      io.stderr.write(`  ${table}: ${number(copied)} of ${number(total)} rows…\n`);
    }
  };
}

async function copy(parsed: Parsed & { fromSqlite: string }, settings: Settings, io: MigrateCliIo): Promise<void> {
  if (!settings.databaseUrl) throw new SettingError('--from-sqlite copies into PostgreSQL: set MARKDESK_DATABASE_URL to the database to copy into.');
  const file = resolve(io.cwd, parsed.fromSqlite);
  if (!existsSync(file)) throw new SettingError(`There is no SQLite database at ${file}.`);
  // The key the file's log is signed with: MARKDESK_AUDIT_KEY, else the key file beside it (never generated here).
  const keyDir = dirname(file);
  const keyFile = join(keyDir, AUDIT_KEY_FILE_NAME);
  if (!settings.auditKey && !existsSync(keyFile)) {
    throw new SettingError(`No audit key: set MARKDESK_AUDIT_KEY to the key the log in ${file} is signed with, or keep its ${AUDIT_KEY_FILE_NAME} beside it.`);
  }
  const auditKey = resolveAuditKey({ dataDir: keyDir, configured: settings.auditKey }).key;
  const location: StoreLocation = { dialect: 'postgres', url: settings.databaseUrl };
  const result = await copySqliteToPostgres({
    sqliteFile: file,
    auditKey,
    target: { url: settings.databaseUrl },
    keepBrokenChain: parsed.keepBrokenChain,
    onProgress: progressPrinter(io),
  });
  io.stdout.write(report(result, file, location));
  io.stdout.write(`${auditKeyInstruction(settings.auditKey ? { configured: true } : { keyFile })}\n`);
}

/** Runs the command; returns the exit code. Messages never hold the database's password or the audit key. */
export async function runMigrateCli(args: string[], io: MigrateCliIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(args);
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (parsed.help) {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  try {
    const settings = readSettings(io);
    if (parsed.fromSqlite !== null) await copy({ ...parsed, fromSqlite: parsed.fromSqlite }, settings, io);
    else await migrate(settings, io);
    return EXIT_OK;
  } catch (error) {
    const message = error instanceof CopyError || error instanceof SettingError || error instanceof AuditKeyError ? error.message : `the database could not be used: ${(error as Error).message}`;
    io.stderr.write(`error: ${message.replace(/\s+/g, ' ')}\n`);
    return EXIT_FAILED;
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  process.exitCode = await runMigrateCli(process.argv.slice(2), { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr });
}
