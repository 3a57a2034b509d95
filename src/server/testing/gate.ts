// Test support: a gate that holds calls open until the test releases it, so a race is staged in
// one exact order instead of hoped for with sleeps.

export type Gate = {
  /** Called by the code being held: resolves when the gate is released (at once if it already is). */
  pass(): Promise<void>;
  /** Resolves once `count` calls are waiting at (or went through) the gate. */
  arrived(count?: number): Promise<void>;
  /** Lets every waiting call, and every later one, through. */
  release(): void;
  readonly arrivals: number;
};

export function createGate(): Gate {
  let arrivals = 0;
  let open = false;
  let opened: () => void = () => {};
  const whenOpen = new Promise<void>((resolve) => (opened = resolve));
  const watchers: { count: number; resolve: () => void }[] = [];
  return {
    pass() {
      arrivals++;
      for (const watcher of watchers.filter((w) => arrivals >= w.count)) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
      return open ? Promise.resolve() : whenOpen;
    },
    arrived(count = 1) {
      if (arrivals >= count) return Promise.resolve();
      return new Promise((resolve) => watchers.push({ count, resolve }));
    },
    release() {
      open = true;
      opened();
    },
    get arrivals() {
      return arrivals;
    },
  };
}
