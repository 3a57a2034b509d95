// A place in a limiter's queue that the caller can give up with an AbortSignal.

export type Settle = { resolve: () => void; reject: (error: unknown) => void };

/**
 * Resolves when the limiter settles the waiter that `create` made. Aborting `signal` first asks
 * `leave` to take the waiter out; when it was still waiting (`leave` returns true) the promise
 * rejects with the signal's reason, otherwise it was served already and stays resolved.
 */
export function abortableWait<W>(
  signal: AbortSignal | undefined,
  create: (settle: Settle) => W,
  join: (waiter: W) => void,
  leave: (waiter: W) => boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const giveUp = () => {
      if (leave(waiter)) reject(signal!.reason);
    };
    const waiter = create({
      resolve: () => {
        signal?.removeEventListener('abort', giveUp);
        resolve();
      },
      reject: (error) => {
        signal?.removeEventListener('abort', giveUp);
        reject(error);
      },
    });
    signal?.addEventListener('abort', giveUp, { once: true });
    join(waiter);
  });
}
