// What the SPA bench installs in each page before any of the app's code runs: observers for LCP,
// long tasks (TBT) and Event Timing, and a frame-interval probe, kept on the page's global object
// for the bench to read. These functions run in the browser (page.evaluate / addInitScript); the
// server-side typecheck has no DOM types, so the few browser APIs used are typed here.
export type PagePerf = {
  lcp: number;
  longTasks: { start: number; duration: number }[];
  events: { name: string; start: number; duration: number; interactionId: number }[];
};

type Entry = { name: string; startTime: number; duration: number; interactionId?: number; encodedBodySize?: number; decodedBodySize?: number };
type Observer = { observe(options: { type: string; buffered: boolean; durationThreshold?: number }): void };
export type BrowserGlobals = {
  PerformanceObserver: new (callback: (list: { getEntries(): Entry[] }) => void) => Observer;
  requestAnimationFrame(callback: (now: number) => void): number;
  performance: { now(): number; getEntriesByType(type: string): Entry[]; getEntriesByName(name: string): Entry[] };
  document: { querySelector(selector: string): { scrollTo(options: { top: number }): void } | null };
  __markdeskPerf: PagePerf;
  __markdeskFrames: { running: boolean; last: number; intervals: number[] };
  __markdeskFramesStart: () => void;
};

/** Runs in the page (addInitScript): plain browser code, no imports. */
export function installPerfObservers(): void {
  const page = globalThis as unknown as BrowserGlobals;
  const perf: PagePerf = { lcp: 0, longTasks: [], events: [] };
  page.__markdeskPerf = perf;
  new page.PerformanceObserver((list) => {
    for (const entry of list.getEntries()) perf.lcp = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new page.PerformanceObserver((list) => {
    for (const entry of list.getEntries()) perf.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  new page.PerformanceObserver((list) => {
    for (const entry of list.getEntries()) perf.events.push({ name: entry.name, start: entry.startTime, duration: entry.duration, interactionId: entry.interactionId ?? 0 });
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 });
}

/** Runs in the page (addInitScript): after `__markdeskFramesStart()`, the intervals (ms) between animation frames. */
export function frameIntervalsProbe(): void {
  const page = globalThis as unknown as BrowserGlobals;
  const probe = { running: false, last: 0, intervals: [] as number[] };
  page.__markdeskFrames = probe;
  const tick = (now: number) => {
    if (!probe.running) return;
    if (probe.last !== 0) probe.intervals.push(now - probe.last);
    probe.last = now;
    page.requestAnimationFrame(tick);
  };
  page.__markdeskFramesStart = () => {
    probe.running = true;
    probe.last = 0;
    probe.intervals = [];
    page.requestAnimationFrame(tick);
  };
}
