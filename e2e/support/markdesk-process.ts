import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type StaffCredentials = Record<string, { role: string; password: string }>;
export type RunningMarkdesk = {
  url: string;
  dataDir: string;
  /** The accounts the first start created, with the passwords it printed once. */
  staff: StaffCredentials;
  output: () => string;
  stop: () => Promise<void>;
};

/** Reads the "  admin    (admin )  password: …" lines a first start prints. */
export function printedStaff(output: string): StaffCredentials {
  const staff: StaffCredentials = {};
  for (const match of output.matchAll(/^\s+(\S+)\s+\((\w+)\s*\)\s+password: (\S+)$/gm)) {
    staff[match[1]!] = { role: match[2]!, password: match[3]! };
  }
  return staff;
}

/**
 * Waits for a starting Markdesk's "running at" line; its output keeps being collected. Rejects with
 * that output if the process exits first or says nothing within two minutes.
 */
export async function markdeskUrl(child: ChildProcess): Promise<{ url: string; output: () => string }> {
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Markdesk did not start in time:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Markdesk is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Markdesk exited with ${code}:\n${output}`));
    });
  });
  return { url, output: () => output };
}

/** Starts `npm start` with a temporary data dir on a free port and waits for its URL line. */
export async function startMarkdesk(env: Record<string, string> = {}): Promise<RunningMarkdesk> {
  const dataDir = mkdtempSync(join(tmpdir(), 'markdesk-e2e-'));
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, MARKDESK_PORT: '0', MARKDESK_DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const { url, output } = await markdeskUrl(child);
  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { url, dataDir, staff: printedStaff(output()), output, stop };
}
