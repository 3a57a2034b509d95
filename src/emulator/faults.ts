// Fault injection for tests of retry and back-off code: seeded dice decide, per REST call, whether
// to answer an error code instead, how long to wait, and whether to drop the connection.
import { createRandom, type Random } from './random';
import { isJsonObject } from './validate';

export type LatencySetting = number | { min: number; max: number };

export type FaultSettings = {
  /** Error code (as a string key) → probability 0..1; probabilities add up to at most 1. */
  errorRate: Record<string, number>;
  /** Extra time before each /v4 response; falls back to the `latencyMs` start option. */
  latencyMs: LatencySetting;
  /** Probability 0..1 that the connection is reset instead of answered. */
  resetRate: number;
  seed: number;
};

export type FaultDecision = {
  /** 'before': dropped unprocessed; 'after': processed (state changed), answer lost. */
  reset: 'none' | 'before' | 'after';
  errorCode: number | undefined;
};

export class FaultConfigError extends Error {
  override readonly name = 'FaultConfigError';
}

const MAX_LATENCY_MS = 60_000;
const DEFAULT_SEED = 1;

function probability(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
    throw new FaultConfigError(`${name} must be a number from 0 to 1`);
  }
  return value;
}

function milliseconds(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_LATENCY_MS) {
    throw new FaultConfigError(`${name} must be an integer from 0 to ${MAX_LATENCY_MS}`);
  }
  return value;
}

export function parseLatency(value: unknown): LatencySetting {
  if (isJsonObject(value)) {
    const min = milliseconds(value.min, 'latencyMs.min');
    const max = milliseconds(value.max, 'latencyMs.max');
    if (min > max) throw new FaultConfigError('latencyMs.min must not exceed latencyMs.max');
    return { min, max };
  }
  return milliseconds(value, 'latencyMs');
}

function parseErrorRate(value: unknown): Record<string, number> {
  if (value === undefined) return {};
  if (!isJsonObject(value)) throw new FaultConfigError('errorRate must be an object of error code → probability');
  const rates: Record<string, number> = {};
  let total = 0;
  for (const [code, rate] of Object.entries(value)) {
    if (!/^[1-9][0-9]{0,8}$/.test(code)) throw new FaultConfigError(`errorRate key ${code} is not an error code`);
    rates[code] = probability(rate, `errorRate.${code}`);
    total += rates[code];
  }
  if (total > 1 + 1e-9) throw new FaultConfigError('the errorRate probabilities add up to more than 1');
  return rates;
}

export class FaultInjector {
  private current: FaultSettings;
  private random: Random;
  // Latency has its own dice, so the error/reset sequence of a seed does not depend on it.
  private latencyRandom: Random;

  constructor(private readonly baseLatency: LatencySetting) {
    this.current = { errorRate: {}, latencyMs: baseLatency, resetRate: 0, seed: DEFAULT_SEED };
    this.random = createRandom(DEFAULT_SEED);
    this.latencyRandom = createRandom(DEFAULT_SEED);
  }

  /** Replaces the whole configuration (absent fields take their defaults) and reseeds the dice. */
  configure(input: unknown): FaultSettings {
    if (!isJsonObject(input)) throw new FaultConfigError('the fault configuration must be a JSON object');
    const known = new Set(['errorRate', 'latencyMs', 'resetRate', 'seed']);
    const unknown = Object.keys(input).find((key) => !known.has(key));
    if (unknown !== undefined) throw new FaultConfigError(`unknown field ${unknown}`);
    const seed = input.seed ?? DEFAULT_SEED;
    if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) throw new FaultConfigError('seed must be an integer');
    const settings: FaultSettings = {
      errorRate: parseErrorRate(input.errorRate),
      latencyMs: input.latencyMs === undefined ? this.baseLatency : parseLatency(input.latencyMs),
      resetRate: input.resetRate === undefined ? 0 : probability(input.resetRate, 'resetRate'),
      seed,
    };
    this.current = settings;
    this.random = createRandom(seed);
    this.latencyRandom = createRandom(seed ^ 0x5bd1e995);
    return this.settings();
  }

  settings(): FaultSettings {
    return structuredClone(this.current);
  }

  /** The wait before a /v4 answer: the configured latency (the start option until configured). */
  latencyMs(): number {
    const setting = this.current.latencyMs;
    if (typeof setting === 'number') return setting;
    return setting.min === setting.max ? setting.min : this.latencyRandom.int(setting.min, setting.max);
  }

  /** Rolls the dice for one call that passed every check. */
  decide(): FaultDecision {
    const { resetRate, errorRate } = this.current;
    if (resetRate > 0 && this.random.chance(resetRate)) {
      return { reset: this.random.chance(0.5) ? 'before' : 'after', errorCode: undefined };
    }
    let errorCode: number | undefined;
    const entries = Object.entries(errorRate);
    if (entries.length > 0) {
      let roll = this.random.next();
      for (const [code, rate] of entries) {
        if (roll < rate) {
          errorCode = Number(code);
          break;
        }
        roll -= rate;
      }
    }
    return { reset: 'none', errorCode };
  }
}
