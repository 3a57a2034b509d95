// Settings of the command-line tools (npm run staff, npm run migrate), read as the server reads
// them: the environment first, else a .env file in the working directory.
import { parse as parseDotenv } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What a command-line tool is run with: its settings, its working directory and its output. */
export type CliIo = {
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
};

/** The tools' exit codes: done, failed, or called wrongly. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A setting from the environment, else from ./.env (as the server reads them); blank counts as unset. */
export function setting(env: Record<string, string | undefined>, cwd: string, name: string): string | undefined {
  const envFile = join(cwd, '.env');
  const fromFile = existsSync(envFile) ? parseDotenv(readFileSync(envFile))[name] : undefined;
  return [env[name], fromFile].find((value) => value !== undefined && value.trim() !== '')?.trim();
}

/** MARKDESK_DATA_DIR from the environment, else from ./.env, else ./data — resolved against cwd. */
export function resolveDataDir(env: Record<string, string | undefined>, cwd: string): string {
  return resolve(cwd, setting(env, cwd, 'MARKDESK_DATA_DIR') ?? './data');
}
