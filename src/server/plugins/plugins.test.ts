// The app owns its resources: app.close() stops the job runner (within the shutdown deadline),
// then closes the ledger, the Chat client and the database — in that order, each once.
import { describe, expect, it } from 'vitest';
import { startTestBff } from '../testing/bff-harness';

describe('the app’s resource plugins', () => {
  it('close in the reverse order of registration: runners, ledger, Chat client, database', async () => {
    const bff = await startTestBff();
    const order: string[] = [];
    const record = <T extends object, K extends keyof T>(target: T, method: K, name: string) => {
      const original = target[method] as (...args: unknown[]) => unknown;
      target[method] = ((...args: unknown[]) => {
        order.push(name);
        return original.apply(target, args);
      }) as T[K];
    };
    const stopTimeouts: (number | undefined)[] = [];
    const stop = bff.app.jobs.stop.bind(bff.app.jobs);
    bff.app.jobs.stop = (options) => {
      order.push('jobs');
      stopTimeouts.push(options?.timeoutMs);
      return stop(options);
    };
    record(bff.app.surveys, 'stop', 'surveys');
    record(bff.app.ledger, 'close', 'ledger');
    record(bff.chat, 'close', 'chat');
    record(bff.store, 'close', 'store');

    await bff.close();
    expect(order).toEqual(['jobs', 'surveys', 'ledger', 'chat', 'store']);
    // The job runner waits for its calls in flight at most until the one deadline (25 s by default).
    expect(stopTimeouts).toHaveLength(1);
    expect(stopTimeouts[0]).toBeGreaterThan(0);
    expect(stopTimeouts[0]).toBeLessThanOrEqual(25_000);
  });
});
