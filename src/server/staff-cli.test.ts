import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticate, createLoginThrottle } from './auth/login-throttle';
import { createSession, resolveSession } from './auth/sessions';
import { EXIT_FAILED, EXIT_OK, EXIT_USAGE, runStaffCli } from './staff-cli';
import { systemClock } from './clock';
import { queryAdminActivity } from './store/admin-activity';
import { verifyAuditChain } from './store/audit-verify';
import { DATABASE_FILE_NAME, openDatabase, type Store } from './store/database';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const tsxCli = join(projectRoot, 'node_modules/tsx/dist/cli.mjs');
const cliScript = join(projectRoot, 'src/server/staff-cli.ts');

type Run = { code: number | null; stdout: string; stderr: string };

/** Runs the CLI as its own process, as `npm run staff` would, in `cwd` with `stdin` piped in. */
function runCli(args: string[], options: { cwd: string; stdin?: string; env?: Record<string, string> }): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  if (!options.env?.MARKDESK_DATA_DIR) delete env.MARKDESK_DATA_DIR;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [tsxCli, cliScript, ...args], { cwd: options.cwd, env, stdio: 'pipe' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}

const ROOT_PASSWORD = 'root password with spaces';
const RITA_PASSWORD = 'rita’s first passphrase';
const RITA_NEW_PASSWORD = 'rita’s second passphrase';

let cwd: string;
let server: Store;
const clock = systemClock;

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'markdesk-cli-'));
  // The data dir comes from a .env file in the working directory, as an operator would set it.
  writeFileSync(join(cwd, '.env'), 'MARKDESK_DATA_DIR=./state\n');
  // A "running server": the same database file, held open for the whole test.
  server = await openDatabase({ file: join(cwd, 'state', DATABASE_FILE_NAME) });
});
afterAll(async () => {
  await server.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('npm run staff', () => {
  it('adds accounts from a password on stdin and lists them, without echoing any password', async () => {
    const root = await runCli(['add', 'root', '--role', 'admin', '--password-stdin'], { cwd, stdin: `${ROOT_PASSWORD}\n` });
    expect(root).toEqual({ code: 0, stdout: 'Created root (admin).\n', stderr: '' });
    const rita = await runCli(['add', 'Rita', '--role=editor', '--password-stdin'], { cwd, stdin: `${RITA_PASSWORD}\r\n` });
    expect(rita).toMatchObject({ code: 0, stdout: 'Created rita (editor).\n' });

    const list = await runCli(['list'], { cwd });
    expect(list.code).toBe(0);
    const lines = list.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^USERNAME\s+ROLE\s+STATUS\s+SOURCE\s+MFA\s+CREATED\s+LAST LOGIN$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(0, 3))).toEqual([
      ['rita', 'editor', 'active'],
      ['root', 'admin', 'active'],
    ]);

    // The running server sees them at once, and the trailing newline was not part of the password.
    const result = await authenticate(server, createLoginThrottle(server), { username: 'root', password: ROOT_PASSWORD, ip: '127.0.0.1' }, clock);
    expect(result).toEqual({ ok: true, username: 'root', role: 'admin' });
    for (const output of [root, rita, list]) expect(output.stdout + output.stderr).not.toMatch(/passphrase|password with/);
  });

  it('changes role, disables and resets a password, ending the person’s sessions in the running server', async () => {
    const login = async () => (await createSession(server, 'rita', { ip: '127.0.0.1', userAgent: 'test' }, clock)).sessionId;

    let session = await login();
    expect(await runCli(['set-role', 'rita', 'viewer'], { cwd })).toMatchObject({ code: 0, stdout: expect.stringMatching(/^rita is now viewer/) });
    expect(await resolveSession(server, session, clock)).toBeNull();

    session = await login();
    expect(await runCli(['disable', 'rita'], { cwd })).toMatchObject({ code: 0, stdout: expect.stringMatching(/^rita is disabled/) });
    expect(await resolveSession(server, session, clock)).toBeNull();
    expect(await runCli(['enable', 'rita'], { cwd })).toMatchObject({ code: 0 });

    session = await login();
    const reset = await runCli(['reset-password', 'rita', '--password-stdin'], { cwd, stdin: RITA_NEW_PASSWORD });
    expect(reset).toMatchObject({ code: 0, stdout: 'Set a new password for rita; any sessions of theirs have ended.\n' });
    expect(await resolveSession(server, session, clock)).toBeNull();
    const result = await authenticate(server, createLoginThrottle(server), { username: 'rita', password: RITA_NEW_PASSWORD, ip: '127.0.0.1' }, clock);
    expect(result).toEqual({ ok: true, username: 'rita', role: 'viewer' });
  });

  it('fails with one clear line and exit code 1 (and 2 for usage), never repeating the password', async () => {
    const weak = await runCli(['add', 'sam', '--role', 'viewer', '--password-stdin'], { cwd, stdin: 'hunter2\n' });
    expect(weak).toEqual({ code: 1, stdout: '', stderr: 'error: The password must have at least 12 characters.\n' });
    const usage = await runCli(['list', '--password=hunter2hunter2'], { cwd });
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^error: Passwords are never taken as arguments; use --password-stdin\.\nUsage: npm run staff/);
    expect(usage.stderr).not.toContain('hunter2');
  });

  // The same entry point in-process, for the many small cases (a process each would be slow).
  async function runInProcess(args: string[], stdin = ''): Promise<Run> {
    let stdout = '';
    let stderr = '';
    const code = await runStaffCli(args, {
      env: {},
      cwd,
      stdin: Readable.from([stdin]),
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    return { code, stdout, stderr };
  }

  it('adds a break-glass account, turns the flag off and on, and resets MFA (ending that person’s sessions)', async () => {
    expect(await runInProcess(['add', 'glass', '--role', 'editor', '--password-stdin', '--break-glass'], RITA_PASSWORD)).toMatchObject({
      code: EXIT_OK,
      stdout: 'Created glass (editor, break-glass).\n',
    });
    expect((await server.read.selectFrom('staff').select('break_glass').where('username', '=', 'glass').executeTakeFirstOrThrow()).break_glass).toBe(1);
    expect((await runInProcess(['break-glass', 'glass', 'off'])).code).toBe(EXIT_OK);
    expect((await server.read.selectFrom('staff').select('break_glass').where('username', '=', 'glass').executeTakeFirstOrThrow()).break_glass).toBe(0);
    expect((await runInProcess(['break-glass', 'glass', 'maybe'])).code).toBe(EXIT_USAGE);
    await server.write((tx) => tx.updateTable('staff').set({ totp_secret: 'v1.sealed' }).where('username', '=', 'glass').execute());
    const { sessionId } = await createSession(server, 'glass', { ip: '127.0.0.1', userAgent: 'test' }, clock);
    expect(await runInProcess(['reset-mfa', 'glass'])).toMatchObject({ code: EXIT_OK });
    expect((await server.read.selectFrom('staff').select('totp_secret').where('username', '=', 'glass').executeTakeFirstOrThrow()).totp_secret).toBeNull();
    expect(await resolveSession(server, sessionId, clock)).toBeNull();
    expect(await runInProcess(['reset-mfa', 'nobody'])).toEqual({ code: EXIT_FAILED, stdout: '', stderr: 'error: There is no staff account "nobody".\n' });
  });

  it('explains refused changes in one line', async () => {
    expect(await runInProcess(['add', 'RITA', '--role', 'viewer', '--password-stdin'], RITA_PASSWORD)).toEqual({
      code: EXIT_FAILED,
      stdout: '',
      stderr: 'error: There is already a staff account "rita".\n',
    });
    expect(await runInProcess(['disable', 'nobody'])).toEqual({ code: EXIT_FAILED, stdout: '', stderr: 'error: There is no staff account "nobody".\n' });
    expect(await runInProcess(['add', 'bad name', '--role', 'viewer', '--password-stdin'], RITA_PASSWORD)).toMatchObject({ code: EXIT_FAILED });
    expect(await runInProcess(['add', 'sam', '--role', 'viewer', '--password-stdin'], '')).toEqual({
      code: EXIT_FAILED,
      stdout: '',
      stderr: 'error: No password arrived on standard input.\n',
    });
    const lastAdmin = await runInProcess(['set-role', 'root', 'editor']);
    expect(lastAdmin.code).toBe(EXIT_FAILED);
    expect(lastAdmin.stderr).toMatch(/^error: "root" is the last enabled admin.*\n$/);
  });

  it('refuses a name or password it could not store exactly, and a password that is not UTF-8', async () => {
    const unstorable = (subject: string) =>
      `error: ${subject} contains a character that cannot be stored (an invisible control character or a broken emoji half). Remove it.\n`;
    expect(await runInProcess(['add', 'sam\u0007', '--role', 'viewer', '--password-stdin'], RITA_PASSWORD)).toEqual({
      code: EXIT_FAILED,
      stdout: '',
      stderr: unstorable('The username'),
    });
    // An arrow key typed into the password: the escape sequence would have become part of it.
    expect(await runInProcess(['add', 'sam', '--role', 'viewer', '--password-stdin'], 'correct horse\u001b[D battery')).toEqual({
      code: EXIT_FAILED,
      stdout: '',
      stderr: unstorable('The password'),
    });
    let stderr = '';
    const code = await runStaffCli(['add', 'sam', '--role', 'viewer', '--password-stdin'], {
      env: {},
      cwd,
      // "correct horse " then a byte that starts no UTF-8 character: it must not become U+FFFD.
      stdin: Readable.from([Buffer.from('correct horse '), Buffer.from([0xff]), Buffer.from(' battery')]),
      stdout: { write: () => true },
      stderr: { write: (text: string) => (stderr += text) },
    });
    expect({ code, stderr }).toEqual({ code: EXIT_FAILED, stderr: 'error: The password on standard input is not UTF-8 text.\n' });
    expect((await runInProcess(['list'])).stdout).not.toMatch(/^sam\b/m);
  });

  it('joins a character split between two chunks of standard input', async () => {
    const password = '비밀번호 correct horse';
    const bytes = Buffer.from(password);
    const code = await runStaffCli(['add', 'split', '--role', 'viewer', '--password-stdin'], {
      env: {},
      cwd,
      // The first Hangul syllable (3 bytes) is cut after its first byte.
      stdin: Readable.from([bytes.subarray(0, 1), bytes.subarray(1)]),
      stdout: { write: () => true },
      stderr: { write: () => true },
    });
    expect(code).toBe(EXIT_OK);
    const result = await authenticate(server, createLoginThrottle(server), { username: 'split', password, ip: '127.0.0.1' }, clock);
    expect(result).toMatchObject({ ok: true, username: 'split' });
  });

  it('answers usage mistakes with exit code 2 before reading any password', async () => {
    const cases = [
      [],
      ['frobnicate'],
      ['add', 'sam', '--password-stdin'],
      ['add', 'sam', '--role', 'owner', '--password-stdin'],
      ['add', 'sam', '--role', 'viewer'],
      ['add', '--role', 'viewer', '--password-stdin'],
      ['set-role', 'sam'],
      ['set-role', 'sam', 'owner'],
      ['disable', 'sam', '--password-stdin'],
      ['list', '--secret=hunter2hunter2'],
    ];
    for (const args of cases) {
      const run = await runInProcess(args, 'hunter2hunter2');
      expect(run.code, args.join(' ')).toBe(EXIT_USAGE);
      expect(run.stderr).toMatch(/^error: .+\nUsage: npm run staff/);
      expect(run.stderr).not.toContain('hunter2');
    }
    expect(await runInProcess(['help'])).toMatchObject({ code: EXIT_OK, stdout: expect.stringContaining('reset-password NAME --password-stdin') });
  });

  it('prefers MARKDESK_DATA_DIR from the environment over .env', async () => {
    const run = await runCli(['list'], { cwd, env: { MARKDESK_DATA_DIR: join(cwd, 'elsewhere') } });
    // A fresh data directory also gets its audit key, and the CLI says to keep a copy.
    expect(run).toEqual({ code: 0, stdout: 'There are no staff accounts yet.\n', stderr: expect.stringMatching(/^Generated the audit log key in .*Keep a copy/) });
    expect(existsSync(join(cwd, 'elsewhere', DATABASE_FILE_NAME))).toBe(true);
  });

  it('records its changes as admin activity in the server’s keyed chain', async () => {
    const env = { MARKDESK_DATA_DIR: join(cwd, 'chain'), MARKDESK_AUDIT_KEY: 'x'.repeat(40) };
    expect((await runCli(['add', 'olga', '--role', 'editor', '--password-stdin'], { cwd, env, stdin: 'correct horse battery staple\n' })).code).toBe(0);
    expect((await runCli(['set-role', 'olga', 'viewer'], { cwd, env })).code).toBe(0);
    const store = await openDatabase({ file: join(cwd, 'chain', DATABASE_FILE_NAME), auditKey: Buffer.from('x'.repeat(40)) });
    const { entries } = await queryAdminActivity(store.read, { limit: 10 });
    expect(entries.map((entry) => [entry.action, entry.target, entry.staff.startsWith('cli')])).toEqual([
      ['role_changed', 'olga', true],
      ['staff_created', 'olga', true],
    ]);
    expect(await verifyAuditChain(store)).toMatchObject({ ok: true, checked: 2 });
    await store.close();
  });
});
