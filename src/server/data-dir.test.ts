// One data directory, one Chat app: the record, and the refusal through the real start (main.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimDataDir, DATA_DIR_IDENTITY_FILE } from './data-dir';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
let dataDir: string;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'markdesk-datadir-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

const recorded = () => JSON.parse(readFileSync(join(dataDir, DATA_DIR_IDENTITY_FILE), 'utf8')) as unknown;

describe('claimDataDir', () => {
  it('records the app of the first start (a new directory, or one from before records) and accepts it again', () => {
    expect(claimDataDir(dataDir, { mode: 'live', sdkAppId: 1400000001 })).toEqual({ ok: true, recorded: true });
    expect(recorded()).toEqual({ mode: 'live', sdkAppId: 1400000001 });
    expect(claimDataDir(dataDir, { mode: 'live', sdkAppId: 1400000001 })).toEqual({ ok: true, recorded: false });
  });

  it('refuses another SDKAppID, and the sandbox’s directory in live mode and the other way round', () => {
    claimDataDir(dataDir, { mode: 'live', sdkAppId: 1400000001 });
    const other = claimDataDir(dataDir, { mode: 'live', sdkAppId: 1400000002 });
    expect(other).toEqual({ ok: false, message: expect.stringContaining('belongs to the live Chat app 1400000001, not the live Chat app 1400000002') });
    expect(claimDataDir(dataDir, { mode: 'sandbox' })).toMatchObject({ ok: false, message: expect.stringContaining('not the sandbox') });

    const sandboxDir = mkdtempSync(join(tmpdir(), 'markdesk-datadir-'));
    try {
      claimDataDir(sandboxDir, { mode: 'sandbox' });
      expect(claimDataDir(sandboxDir, { mode: 'sandbox' })).toEqual({ ok: true, recorded: false });
      expect(claimDataDir(sandboxDir, { mode: 'live', sdkAppId: 1400000001 })).toMatchObject({ ok: false, message: expect.stringContaining('belongs to the sandbox') });
    } finally {
      rmSync(sandboxDir, { recursive: true, force: true });
    }
  });

  it('refuses a record it cannot read rather than guessing', () => {
    writeFileSync(join(dataDir, DATA_DIR_IDENTITY_FILE), '{"mode":"live"}');
    expect(claimDataDir(dataDir, { mode: 'live', sdkAppId: 1400000001 })).toMatchObject({ ok: false, message: expect.stringContaining('unreadable') });
    expect(readFileSync(join(dataDir, DATA_DIR_IDENTITY_FILE), 'utf8')).toBe('{"mode":"live"}');
  });
});

type Run = { exitCode: Promise<number | null>; output: () => string; stderr: () => string; waitFor: (pattern: RegExp) => Promise<void>; kill: (signal: NodeJS.Signals) => void };

/** main.ts as `npm start` runs it (without the SPA build), with only the given configuration. */
function startMain(env: Record<string, string>): Run {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(CHAT_|MARKDESK_)/.test(name)));
  const child = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href,
      join(root, 'src/server/main.ts'),
    ],
    { cwd: dataDir, env: { ...inherited, MARKDESK_PORT: '0', MARKDESK_HOST: '127.0.0.1', MARKDESK_DATA_DIR: dataDir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  let stderr = '';
  const listeners: (() => void)[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((listener) => listener());
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    output += chunk.toString();
    listeners.forEach((listener) => listener());
  });
  const exitCode = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    exitCode,
    output: () => output,
    stderr: () => stderr,
    waitFor: (pattern) =>
      Promise.race([
        new Promise<void>((resolve) => {
          const check = () => pattern.test(output) && resolve();
          listeners.push(check);
          check();
        }),
        exitCode.then((code) => Promise.reject(new Error(`main.ts exited (${code}) before printing ${pattern}:\n${output}`))),
      ]),
    kill: (signal) => child.kill(signal),
  };
}

const live = (sdkAppId: string) => ({ CHAT_SDKAPPID: sdkAppId, CHAT_SECRET_KEY: 'not-a-real-key', CHAT_API_BASE_URL: 'http://127.0.0.1:9' });

describe('main.ts', () => {
  it('adopts a directory at its first start, then refuses it for the sandbox or another app with one line', { timeout: 60_000 }, async () => {
    const first = startMain(live('1400000001'));
    try {
      await first.waitFor(/Markdesk is running at/);
    } finally {
      first.kill('SIGKILL');
      await first.exitCode;
    }
    expect(recorded()).toEqual({ mode: 'live', sdkAppId: 1400000001 });

    for (const [env, wanted] of [
      [{}, 'the sandbox'],
      [live('1400000002'), 'the live Chat app 1400000002'],
    ] as const) {
      const refused = startMain(env);
      expect(await refused.exitCode).toBe(1);
      const lines = refused.stderr().trim().split('\n');
      expect(lines).toEqual([
        `Markdesk cannot start. The data directory ${dataDir} belongs to the live Chat app 1400000001, not ${wanted}; start it for the live Chat app 1400000001, or set MARKDESK_DATA_DIR to another directory for ${wanted}.`,
      ]);
      expect(refused.output()).not.toContain('not-a-real-key');
    }
    expect(recorded()).toEqual({ mode: 'live', sdkAppId: 1400000001 });
  });
});
