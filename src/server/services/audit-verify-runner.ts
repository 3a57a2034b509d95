// One chain check at a time, shared by everyone who asks while it runs (a second admin pressing
// "Verify now" joins the check in progress instead of starting another walk over the whole log).
import { verifyAuditChainAsync, type AuditChainVerdict, type ChainProgress, type VerifyOptions } from '../store/audit-verify';
import type { Store } from '../store/database';

export type VerifyRunner = {
  /** The check in progress, or a new one; `started` is true for the caller that started it. */
  run(): { verdict: Promise<AuditChainVerdict>; started: boolean };
  progress(): ChainProgress & { running: boolean };
};

export function createVerifyRunner(store: Store, options: Omit<VerifyOptions, 'onProgress'> = {}): VerifyRunner {
  let current: Promise<AuditChainVerdict> | null = null;
  let progress: ChainProgress = { checked: 0, total: 0 };
  return {
    run() {
      if (current) return { verdict: current, started: false };
      progress = { checked: 0, total: 0 };
      const verdict = verifyAuditChainAsync(store, { ...options, onProgress: (next) => void (progress = next) }).finally(() => {
        current = null;
      });
      current = verdict;
      return { verdict, started: true };
    },
    progress: () => ({ running: current !== null, ...progress }),
  };
}
