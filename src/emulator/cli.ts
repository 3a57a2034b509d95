// `npm run emulator -- --port 9000 [--host H] [--sdkappid N] [--secret-key K] [--admin ID]
//   [--no-demo-data] [--db FILE] [--faults] [--edition basic] [--latency-ms N] [--no-rate-limits]`
// Starts the Chat REST emulator for anyone's backend tests and prints how to reach it.
import { parseArgs } from 'node:util';
import { startEmulator, type EmulatorOptions } from './server';

const USAGE =
  'usage: npm run emulator -- [--port 9000] [--host 127.0.0.1] [--sdkappid N] [--secret-key K] [--admin ID] ' +
  '[--no-demo-data] [--db FILE] [--faults] [--edition ultimate|basic] [--latency-ms N] [--no-rate-limits]';

const DEFAULT_PORT = 9000;

class UsageError extends Error {}

/** --help: not an error, the usage goes to stdout. */
class HelpRequested extends Error {}

function integer(value: string | undefined, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max} (got "${value}")`);
  }
  return Number(value);
}

function parseCommandLine(args: string[]): EmulatorOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        sdkappid: { type: 'string' },
        'secret-key': { type: 'string' },
        admin: { type: 'string' },
        'no-demo-data': { type: 'boolean' },
        db: { type: 'string' },
        faults: { type: 'boolean' },
        edition: { type: 'string' },
        'latency-ms': { type: 'string' },
        'no-rate-limits': { type: 'boolean' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  if (values.help) throw new HelpRequested(USAGE);
  const edition = values.edition;
  if (edition !== undefined && edition !== 'ultimate' && edition !== 'basic') {
    throw new UsageError(`--edition must be ultimate or basic (got "${edition}")`);
  }
  for (const flag of ['secret-key', 'admin', 'db', 'host'] as const) {
    if (values[flag] === '') throw new UsageError(`--${flag} must not be empty`);
  }
  const options: EmulatorOptions = {
    port: integer(values.port, '--port', 0, 65535) ?? DEFAULT_PORT,
    demoData: !values['no-demo-data'],
    faults: values.faults ?? false,
  };
  const sdkAppId = integer(values.sdkappid, '--sdkappid', 1, 0xffffffff);
  if (sdkAppId !== undefined) options.sdkAppId = sdkAppId;
  const latencyMs = integer(values['latency-ms'], '--latency-ms', 0, 60_000);
  if (latencyMs !== undefined) options.latencyMs = latencyMs;
  // For load tests of a client's own overhead: Tencent's ceilings would measure the queue instead.
  if (values['no-rate-limits']) options.rateLimits = false;
  if (values.host !== undefined) options.host = values.host;
  if (values['secret-key'] !== undefined) options.secretKey = values['secret-key'];
  if (values.admin !== undefined) options.adminIdentifier = values.admin;
  if (values.db !== undefined) options.dbFile = values.db;
  if (edition !== undefined) options.edition = edition;
  return options;
}

async function main(): Promise<void> {
  let options: EmulatorOptions;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (error) {
    if (error instanceof HelpRequested) {
      console.log(error.message);
      process.exit(0);
    }
    if (!(error instanceof UsageError)) throw error;
    console.error(`emulator: ${error.message}`);
    process.exit(2);
  }
  let emulator;
  try {
    emulator = await startEmulator(options);
  } catch (error) {
    console.error(`emulator: cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
  // The emulator's own throwaway credentials: printing them is the point.
  console.log(`Chat REST emulator listening on ${emulator.url}`);
  console.log(`SDKAppID: ${emulator.sdkAppId}`);
  console.log(`Admin identifier: ${emulator.adminIdentifier}`);
  console.log(`Secret key: ${emulator.secretKey}`);
  console.log(
    `Demo data: ${options.demoData ? 'on' : 'off'} · state: ${options.dbFile ?? 'in memory'} · edition: ${options.edition ?? 'ultimate'}` +
      ` · fault injection: ${options.faults ? 'on (/__emulator/faults)' : 'off'}`,
  );

  const stop = () => {
    void emulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
