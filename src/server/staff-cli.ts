// Staff accounts from the command line: `npm run staff -- <command>`. Works with the server stopped
// or running: both open the same SQLite file (WAL, busy_timeout), and the server reads roles and
// sessions from the database on every request, so a change here takes effect at once.
import { userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { resetMfa } from './auth/mfa';
import { type CliIo, EXIT_FAILED, EXIT_OK, EXIT_USAGE, resolveDataDir, setting } from './cli-settings';
import { isRole, ROLES, StaffError, createStaff, listStaff, resetPassword, setBreakGlass, setDisabled, setRole } from './auth/staff';
import { recordAdminActivity, type AdminActivity } from './store/admin-activity';
import { auditKeyCreatedMessage, resolveAuditKey } from './store/audit-key';
import { DATABASE_FILE_NAME, openDatabase, type Role, type Store } from './store/database';

export const USAGE = `Usage: npm run staff -- <command>
  add NAME --role viewer|editor|admin --password-stdin
  list
  set-role NAME viewer|editor|admin
  disable NAME
  enable NAME
  reset-password NAME --password-stdin
  reset-mfa NAME              removes TOTP and recovery codes (the way back from a lost phone)
  break-glass NAME on|off     a local account that may sign in with its password
                              while MARKDESK_LOCAL_LOGIN=off (add also takes --break-glass)
The password is read from standard input (typed without echo on a terminal, else up to the end
of input; one trailing newline is dropped). The database is {MARKDESK_DATA_DIR}/${DATABASE_FILE_NAME};
MARKDESK_DATA_DIR defaults to ./data and is also read from a .env file in the working directory.`;

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (mode: boolean) => unknown };
export type StaffCliIo = CliIo & { stdin: Input };

export { EXIT_FAILED, EXIT_OK, EXIT_USAGE };

class UsageError extends Error {}

export { resolveDataDir };

/** Who the admin activity names for a change made here: the OS user, or "cli". */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

type Parsed = { command: string; positionals: string[]; role?: string; passwordStdin: boolean; breakGlass: boolean };

function parseArgs(args: string[]): Parsed {
  const positionals: string[] = [];
  let role: string | undefined;
  let passwordStdin = false;
  let breakGlass = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--password-stdin') passwordStdin = true;
    else if (arg === '--break-glass') breakGlass = true;
    else if (arg === '--role') {
      role = args[++i];
      if (role === undefined) throw new UsageError('--role needs a value.');
    } else if (arg.startsWith('--role=')) role = arg.slice('--role='.length);
    else if (arg === '--password' || arg.startsWith('--password=')) {
      // A password on the command line lands in shell history and the process list.
      throw new UsageError('Passwords are never taken as arguments; use --password-stdin.');
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg.split('=')[0]}.`); // its value may be a secret
    else positionals.push(arg);
  }
  const [command, ...rest] = positionals;
  if (command === undefined) throw new UsageError('Which command?');
  return { command, positionals: rest, ...(role === undefined ? {} : { role }), passwordStdin, breakGlass };
}

// What each command takes, so every argument is checked before a password is read.
const COMMANDS: Record<string, { positionals: string[]; role?: 'option'; password?: true }> = {
  add: { positionals: ['NAME'], role: 'option', password: true },
  list: { positionals: [] },
  'set-role': { positionals: ['NAME', 'ROLE'] },
  disable: { positionals: ['NAME'] },
  enable: { positionals: ['NAME'] },
  'reset-password': { positionals: ['NAME'], password: true },
  'reset-mfa': { positionals: ['NAME'] },
  'break-glass': { positionals: ['NAME', 'on|off'] },
  help: { positionals: [] },
};

function checkShape(parsed: Parsed): void {
  const spec = COMMANDS[parsed.command];
  if (!spec) throw new UsageError(`Unknown command "${parsed.command}".`);
  if (parsed.positionals.length !== spec.positionals.length) {
    const wanted = spec.positionals.length === 0 ? 'no arguments' : spec.positionals.join(' ');
    throw new UsageError(`${parsed.command} takes ${wanted}.`);
  }
  if (spec.role === 'option') expectRole(parsed.role);
  else if (parsed.role !== undefined) throw new UsageError(`${parsed.command} takes no --role.`);
  if (parsed.command === 'set-role') expectRole(parsed.positionals[1]);
  if (parsed.command === 'break-glass' && !['on', 'off'].includes(parsed.positionals[1] ?? '')) throw new UsageError('break-glass takes NAME on or NAME off.');
  if (parsed.breakGlass && parsed.command !== 'add') throw new UsageError('Only add takes --break-glass.');
  if (spec.password && !parsed.passwordStdin) throw new UsageError(`${parsed.command} needs --password-stdin.`);
  if (!spec.password && parsed.passwordStdin) throw new UsageError(`${parsed.command} reads no password.`);
}

function expectRole(value: string | undefined): Role {
  if (!isRole(value)) throw new UsageError(`The role must be one of ${ROLES.join(', ')}.`);
  return value;
}

const NOT_UTF8 = 'The password on standard input is not UTF-8 text.';

// One strict decoder for the whole input: a character split between two chunks is joined, and bytes
// that are not UTF-8 are refused instead of becoming U+FFFD (a password other than the one typed).
function utf8Reader(): { decode(chunk: Buffer | string, final?: boolean): string } {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  return {
    decode(chunk, final = false) {
      if (typeof chunk === 'string') return chunk;
      try {
        return decoder.decode(chunk, { stream: !final });
      } catch {
        throw new StaffError('WEAK_PASSWORD', NOT_UTF8);
      }
    },
  };
}

async function readAll(stream: Input): Promise<string> {
  const reader = utf8Reader();
  let text = '';
  for await (const chunk of stream) text += reader.decode(chunk as Buffer | string);
  return text + reader.decode(Buffer.alloc(0), true);
}

/** Reads one line from a terminal with echo off (raw mode); Ctrl-C / Ctrl-D abandon it. */
function readHidden(stdin: Input, stderr: StaffCliIo['stderr'], prompt: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    stderr.write(prompt);
    stdin.setRawMode?.(true);
    stdin.resume();
    const reader = utf8Reader();
    let typed = '';
    const finish = (error?: Error) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolvePromise(typed);
    };
    const onData = (chunk: Buffer | string) => {
      let text: string;
      try {
        text = reader.decode(chunk);
      } catch (error) {
        return finish(error as Error);
      }
      for (const char of text) {
        if (char === '\r' || char === '\n') return finish();
        if (char === '\u0003' || char === '\u0004') return finish(new Error('Cancelled.'));
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(io: StaffCliIo): Promise<string> {
  if (io.stdin.isTTY) {
    const first = await readHidden(io.stdin, io.stderr, 'Password: ');
    const second = await readHidden(io.stdin, io.stderr, 'Repeat the password: ');
    if (first !== second) throw new StaffError('WEAK_PASSWORD', 'The two passwords differ.');
    return first;
  }
  const password = (await readAll(io.stdin)).replace(/\r?\n$/, '');
  if (password === '') throw new StaffError('WEAK_PASSWORD', 'No password arrived on standard input.');
  return password;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd()).join('\n') + '\n';
}

async function execute(parsed: Parsed, store: Store, password: string | undefined, io: StaffCliIo): Promise<void> {
  const out = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  // Changes made here go into the same admin activity as the console's.
  const record = (activity: Omit<AdminActivity, 'staff'>) => recordAdminActivity(store, { staff: cliActor(), ...activity });
  switch (parsed.command) {
    case 'add': {
      const [name] = parsed.positionals as [string];
      const staff = await createStaff(store, { username: name, role: expectRole(parsed.role), password: password as string });
      await record({ action: 'staff_created', target: staff.username, details: { role: staff.role } });
      if (parsed.breakGlass) {
        await setBreakGlass(store, staff.username, true);
        await record({ action: 'break_glass_changed', target: staff.username, details: { breakGlass: true } });
      }
      out(`Created ${staff.username} (${staff.role}${parsed.breakGlass ? ', break-glass' : ''}).`);
      return;
    }
    case 'list': {
      const staff = await listStaff(store);
      if (staff.length === 0) {
        out('There are no staff accounts yet.');
        return;
      }
      io.stdout.write(
        table([
          ['USERNAME', 'ROLE', 'STATUS', 'SOURCE', 'MFA', 'CREATED', 'LAST LOGIN'],
          ...staff.map((s) => [
            s.username,
            s.role,
            s.disabled ? 'disabled' : 'active',
            s.source === 'sso' ? 'sso' : s.breakGlass ? 'local+break-glass' : 'local',
            s.mfa ? 'totp' : '-',
            s.createdAt,
            s.lastLoginAt ?? '-',
          ]),
        ]),
      );
      return;
    }
    case 'set-role': {
      const [name, role] = parsed.positionals as [string, string];
      const before = (await listStaff(store)).find((member) => member.username === name.toLowerCase());
      const staff = await setRole(store, name, expectRole(role));
      if (before && before.role !== staff.role) await record({ action: 'role_changed', target: staff.username, details: { from: before.role, to: staff.role } });
      out(`${staff.username} is now ${staff.role}; any sessions of theirs have ended.`);
      return;
    }
    case 'disable':
    case 'enable': {
      const [name] = parsed.positionals as [string];
      const staff = await setDisabled(store, name, parsed.command === 'disable');
      await record({ action: staff.disabled ? 'staff_disabled' : 'staff_enabled', target: staff.username });
      out(`${staff.username} is ${staff.disabled ? 'disabled' : 'enabled'}; any sessions of theirs have ended.`);
      return;
    }
    case 'reset-password': {
      const [name] = parsed.positionals as [string];
      const staff = await resetPassword(store, name, password as string);
      await record({ action: 'password_reset', target: staff.username });
      out(`Set a new password for ${staff.username}; any sessions of theirs have ended.`);
      return;
    }
    case 'reset-mfa': {
      const [name] = parsed.positionals as [string];
      await resetMfa(store, name);
      await record({ action: 'mfa_reset', target: name.toLowerCase() });
      out(`Removed TOTP and the recovery codes of ${name.toLowerCase()}; any sessions of theirs have ended. They set up TOTP again at their next sign-in when MARKDESK_REQUIRE_MFA=1.`);
      return;
    }
    case 'break-glass': {
      const [name, value] = parsed.positionals as [string, string];
      const staff = await setBreakGlass(store, name, value === 'on');
      await record({ action: 'break_glass_changed', target: staff.username, details: { breakGlass: staff.breakGlass } });
      out(
        staff.breakGlass
          ? `${staff.username} is a break-glass account: it signs in with its password even when MARKDESK_LOCAL_LOGIN=off.`
          : `${staff.username} is no longer a break-glass account.`,
      );
      return;
    }
  }
}

/** Runs one command; returns the exit code. Messages are single lines and never contain a password. */
export async function runStaffCli(args: string[], io: StaffCliIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parseArgs(args);
    checkShape(parsed);
  } catch (error) {
    io.stderr.write(`error: ${(error as Error).message}\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (parsed.command === 'help') {
    io.stdout.write(`${USAGE}\n`);
    return EXIT_OK;
  }
  let store: Store | undefined;
  try {
    const password = COMMANDS[parsed.command]?.password ? await readPassword(io) : undefined;
    const dataDir = resolveDataDir(io.env, io.cwd);
    // The same audit key as the server's: MARKDESK_AUDIT_KEY, else the data directory's key file.
    const auditKey = resolveAuditKey({ dataDir, configured: setting(io.env, io.cwd, 'MARKDESK_AUDIT_KEY') ?? null });
    if (auditKey.created) io.stderr.write(`${auditKeyCreatedMessage(auditKey.created)}\n`);
    store = await openDatabase({ file: join(dataDir, DATABASE_FILE_NAME), auditKey: auditKey.key });
    await execute(parsed, store, password, io);
    return EXIT_OK;
  } catch (error) {
    // StaffError messages are written for people; anything else is a database problem.
    const message = error instanceof StaffError ? error.message : `the database could not be used: ${(error as Error).message}`;
    io.stderr.write(`error: ${message.replace(/\s+/g, ' ')}\n`);
    return EXIT_FAILED;
  } finally {
    await store?.close();
  }
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (invokedDirectly) {
  const code = await runStaffCli(process.argv.slice(2), {
    env: process.env,
    cwd: process.cwd(),
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
  });
  process.exitCode = code;
}
