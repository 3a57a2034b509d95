// Once per `vitest run`: say which suites cannot run on this machine, in one line each.
import { POSTGRES_SKIPPED_LINE, testDatabaseUrl } from './postgres';

export default function setup(): void {
  if (!testDatabaseUrl()) console.warn(POSTGRES_SKIPPED_LINE);
}
