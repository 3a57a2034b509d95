// What the SPA bench installs in each page before any of the app's code runs: observers for LCP,
// long tasks (TBT) and Event Timing, and a frame-interval probe, kept on the page's global object
// for the bench to read. The server-side typecheck has no DOM types, so the few browser APIs the
// bench's page.evaluate callbacks use are typed here.
export type PagePerf = {
  lcp: number;
  longTasks: { start: number; duration: number }[];
  events: { name: string; start: number; duration: number; interactionId: number }[];
};

type Entry = { name: string; startTime: number; duration: number; encodedBodySize?: number; decodedBodySize?: number };
export type BrowserGlobals = {
  performance: { now(): number; getEntriesByType(type: string): Entry[]; getEntriesByName(name: string): Entry[] };
  document: { querySelector(selector: string): { scrollTo(options: { top: number }): void } | null };
  __markdeskPerf: PagePerf;
  __markdeskFrames: { running: boolean; last: number; intervals: number[] };
  __markdeskFramesStart: () => void;
};

/**
 * Installed in every page before the app's code (addInitScript), as source text: a function of
 * this module would be rewritten by the TypeScript loader with helpers the page does not have.
 */
export const PAGE_PROBES = `
(() => {
  const perf = { lcp: 0, longTasks: [], events: [] };
  globalThis.__markdeskPerf = perf;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) perf.lcp = entry.startTime;
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) perf.longTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) perf.events.push({ name: entry.name, start: entry.startTime, duration: entry.duration, interactionId: entry.interactionId || 0 });
  }).observe({ type: 'event', buffered: true, durationThreshold: 16 });

  // After __markdeskFramesStart(), the intervals (ms) between animation frames.
  const frames = { running: false, last: 0, intervals: [] };
  globalThis.__markdeskFrames = frames;
  const tick = (now) => {
    if (!frames.running) return;
    if (frames.last !== 0) frames.intervals.push(now - frames.last);
    frames.last = now;
    requestAnimationFrame(tick);
  };
  globalThis.__markdeskFramesStart = () => {
    frames.running = true;
    frames.last = 0;
    frames.intervals = [];
    requestAnimationFrame(tick);
  };
})();
`;
