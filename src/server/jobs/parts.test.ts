// The runner's parts on their own, in injected time: no wall-clock sleeps.
import { describe, expect, it } from 'vitest';
import { BackOff } from './back-off';
import { BatchQueue } from './batch-queue';
import { GroupCommitter } from './group-committer';
import { allowedStates, allows, JOB_TRANSITIONS } from './job-states';
import type { SettledLine } from './ledger';
import { ThroughputMeter } from './throughput-meter';
import { createFakeClock } from '../testing/fake-clock';

const line = (n: number): SettledLine => ({
  line: n,
  chatUser: 'alice',
  conversation: { type: 'c2c', id: `p${n}` },
  change: { setBits: [0], clearBits: [] },
  before: { bits: [], customMark: '' },
  after: { bits: [0], customMark: '' },
  status: 'applied',
});

describe('BatchQueue', () => {
  it('hands items over in order, holds pushers while full, and ends takers when closed', async () => {
    const queue = new BatchQueue<number>(1);
    await queue.push(1);
    let secondIn = false;
    const second = queue.push(2).then(() => (secondIn = true));
    await Promise.resolve();
    expect(secondIn).toBe(false);
    expect(await queue.take()).toBe(1);
    await second;
    expect(await queue.take()).toBe(2);
    const waiting = queue.take();
    queue.close();
    expect(await waiting).toBeUndefined();
  });
});

describe('GroupCommitter', () => {
  function setup(maxLines = 3) {
    const commits: { lines: number[]; forget: number[] }[] = [];
    let fail = false;
    const errors: unknown[] = [];
    const timers: { callback: () => void; ms: number }[] = [];
    const committer = new GroupCommitter({
      commit: async (lines, forget) => {
        if (fail) throw new Error('disk full');
        commits.push({ lines: lines.map((l) => l.line), forget });
      },
      afterMs: 100,
      maxLines,
      onCommitted: () => {},
      onError: (error) => errors.push(error),
      timers: { set: (callback, ms) => timers.push({ callback, ms }), clear: () => {} },
    });
    return { committer, commits, errors, timers, failNext: () => (fail = true), heal: () => (fail = false) };
  }

  it('commits a group once enough lines gathered, or when its timer fires, with the announcements they settle', async () => {
    const { committer, commits, timers } = setup();
    committer.add([line(1)], [10]);
    expect(timers).toHaveLength(1);
    expect(timers[0]!.ms).toBe(100);
    committer.add([line(2), line(3)], [11]);
    await committer.flush();
    expect(commits).toEqual([{ lines: [1, 2, 3], forget: [10, 11] }]);
    committer.add([line(4)]);
    timers.at(-1)!.callback();
    await committer.flush();
    expect(commits.at(-1)).toEqual({ lines: [4], forget: [] });
  });

  it('after a failed commit keeps every announcement, so a restart can still settle those calls', async () => {
    const { committer, commits, errors, failNext, heal } = setup(100);
    failNext();
    committer.add([line(1)], [10]);
    await committer.flush();
    expect(errors).toHaveLength(1);
    expect(committer.failed).toBe(true);
    heal();
    committer.add([line(2)], [11]);
    await committer.flush();
    expect(commits).toEqual([{ lines: [2], forget: [] }]);
  });
});

describe('BackOff', () => {
  it('pauses longer while failures continue, resets on success, and stops a line that keeps failing', () => {
    const clock = createFakeClock(1000);
    const backOff = new BackOff({ base: 100, max: 400, maxAttempts: 3 }, clock);
    expect(backOff.waitMs()).toBe(0);
    expect(backOff.failed([1, 2])).toEqual({ attempts: 1, exhausted: false });
    expect(backOff.waitMs()).toBe(100);
    clock.advance(100);
    expect(backOff.waitMs()).toBe(0);
    backOff.failed([1]);
    expect(backOff.waitMs()).toBe(200);
    clock.advance(200);
    backOff.succeeded();
    backOff.failed([3]);
    expect(backOff.waitMs()).toBe(100);
    clock.advance(1000);
    expect(backOff.failed([1])).toEqual({ attempts: 3, exhausted: true });
    expect(backOff.waitMs()).toBe(200);
  });
});

describe('ThroughputMeter', () => {
  it('reports calls per second and the time left over its window', () => {
    let now = 0;
    const meter = new ThroughputMeter(() => now, 5000);
    now = 1000;
    for (let n = 0; n < 10; n++) meter.call();
    meter.lines(1000);
    expect(meter.live(2000)).toEqual({ callsPerSecond: 10, etaSeconds: 2 });
    now = 7000;
    expect(meter.live(2000)).toEqual({ callsPerSecond: 0, etaSeconds: null });
  });
});

describe('the job state table', () => {
  it('allows each action only from its states', () => {
    expect(allows('start', 'checked')).toBe(true);
    expect(allows('start', 'paused')).toBe(false);
    expect(allows('resume', 'failed')).toBe(true);
    expect(allows('cancel', 'done')).toBe(false);
    expect(allowedStates('resume')).toBe('paused or failed');
    expect(allowedStates('cancel')).toBe('checked, running, paused or failed');
    for (const { from, to } of Object.values(JOB_TRANSITIONS)) expect(from).not.toContain(to);
  });
});
