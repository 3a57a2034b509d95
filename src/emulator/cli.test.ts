// `npm run emulator`: starts, prints how to reach it, serves signed calls, stops on SIGTERM.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { callChat } from './test-support';

const cliPath = fileURLToPath(new URL('./cli.ts', import.meta.url));
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

function runCli(args: string[]): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, ['--import', 'tsx', cliPath, ...args], { cwd: projectRoot, stdio: 'pipe' });
}

function exitOf(child: ChildProcessWithoutNullStreams): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

/** Resolves with stdout once the banner is complete. */
function banner(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      if (/Secret key: .+\n/.test(text)) resolve(text);
    });
    child.on('exit', (code) => reject(new Error(`the CLI exited (${String(code)}) before printing its banner: ${text}`)));
  });
}

describe('the emulator CLI', () => {
  it('prints URL, SDKAppID, admin and secret key, serves signed calls, and stops cleanly on SIGTERM', async () => {
    const child = runCli(['--port', '0', '--no-demo-data', '--sdkappid', '1400000123', '--admin', 'ops', '--secret-key', 'k3y']);
    const exited = exitOf(child);
    const text = await banner(child);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(text)?.[1];
    expect(url).toBeDefined();
    expect(text).toContain('SDKAppID: 1400000123');
    expect(text).toContain('Admin identifier: ops');
    expect(text).toContain('Secret key: k3y');

    const running = { url: url as string, sdkAppId: 1400000123, adminIdentifier: 'ops', secretKey: 'k3y', close: async () => {} };
    const response = await callChat(running, 'im_open_login_svc/account_check', { CheckItem: [{ UserID: 'ops' }] });
    expect(response).toMatchObject({ ActionStatus: 'OK', ResultItem: [{ UserID: 'ops', AccountStatus: 'Imported' }] });

    child.kill('SIGTERM');
    expect((await exited).code).toBe(0);
  });

  it.each([
    ['an unknown flag', ['--bogus']],
    ['a bad edition', ['--edition', 'premium']],
    ['a port out of range', ['--port', '70000']],
    ['a non-numeric SDKAppID', ['--sdkappid', 'abc']],
  ])('refuses %s with one line on stderr and exit code 2', async (_name, args) => {
    const { code, stderr, stdout } = await exitOf(runCli(args));
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^emulator: /);
  });
});
