// Test support for the job runner's tests (runner.test.ts, runner-recovery.test.ts): one BFF on the
// emulator, a Chat client that records what the runner sent and which limiters it slowed down, and
// a runner with small chunks and batches (one reader and one writer, so that a job lasts long
// enough to be paused).
import { Readable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { ChatCallAbortedError, type ChatCallOptions, type ChatClient } from '../chat/client';
import type { ChatCommand, RequestOf } from '../chat/commands';
import { startTestBff, type TestBff } from '../testing/bff-harness';
import { bitNamesFrom, readJobCsv } from './csv';
import { createJobRunner, type JobRunner, type JobRunnerOptions } from './runner';
import { storeCheckedJob } from './upload-store';
import { csvOf, jobAuditEntries, upstreamStates, type PlannedRow } from './testing';

export type RunnerHarness = {
  readonly bff: TestBff;
  /** conversation ids of every item the runner sent in mark_contact calls, in order (emptied before each test). */
  readonly sent: string[];
  /** Commands whose limiter the runner itself slowed down (emptied before each test). */
  readonly penalized: string[];
  readonly recordingChat: Pick<ChatClient, 'call' | 'limiterFor'>;
  /**
   * A runner on the BFF's store and ledger (unless given others). Its lease step runs only when the
   * test calls tickLeases() (and once in resumeInterrupted): no timer of a runner an earlier test
   * left behind takes a later test's job over.
   */
  runner(options?: Partial<Omit<JobRunnerOptions, 'log'>>): JobRunner;
  newJob(rows: PlannedRow[]): Promise<string>;
  until(condition: () => boolean | Promise<boolean>, timeoutMs?: number): Promise<void>;
  expectAllApplied(jobId: string, rows: PlannedRow[]): Promise<void>;
};

/** Registers the suite's hooks; the BFF is there from beforeAll on. */
export function useRunnerHarness(): RunnerHarness {
  let bff: TestBff | undefined;
  const sent: string[] = [];
  const penalized: string[] = [];
  const current = () => bff ?? expect.fail('the runner harness is used before beforeAll');
  const recordingChat: Pick<ChatClient, 'call' | 'limiterFor'> = {
    async call<C extends ChatCommand>(command: C, body: RequestOf<C>, options?: ChatCallOptions) {
      let givenUp = false;
      try {
        return await current().chat.call(command, body, options);
      } catch (error) {
        givenUp = error instanceof ChatCallAbortedError;
        throw error;
      } finally {
        // Only calls that went out: one given up before it was sent never reached Chat.
        if (command === 'recentcontact/mark_contact' && !givenUp) {
          for (const item of (body as RequestOf<'recentcontact/mark_contact'>).MarkItem) {
            sent.push('To_Account' in item.ContactItem ? item.ContactItem.To_Account : item.ContactItem.ToGroupId);
          }
        }
      }
    },
    limiterFor: (command) => {
      const limiter = current().chat.limiterFor(command);
      return {
        ...limiter,
        limitPerSecond: limiter.limitPerSecond,
        penalize(delayMs?: number) {
          penalized.push(command);
          limiter.penalize(delayMs);
        },
      };
    },
  };

  beforeAll(async () => {
    bff = await startTestBff();
  });
  afterAll(() => bff?.close());
  beforeEach(async () => {
    sent.length = 0;
    penalized.length = 0;
    await current().setFaults({});
  });

  return {
    get bff() {
      return current();
    },
    sent,
    penalized,
    recordingChat,
    runner(options = {}) {
      const { store, clock, app } = current();
      return createJobRunner({
        store,
        chat: recordingChat,
        clock,
        ledger: app.ledger,
        log: app.log,
        readConcurrency: 1,
        writeConcurrency: 1,
        chunkRows: 10,
        writeBatchRows: 5,
        retryDelayMs: { base: 5, max: 20 },
        leaseTimer: false,
        ...options,
      });
    },
    async newJob(rows) {
      const { store, clock } = current();
      await current().importUsers(...new Set(rows.map((row) => row.chatUser)));
      const checked = await storeCheckedJob(store, { createdBy: 'editor', clock }, readJobCsv(Readable.from([csvOf(rows)]), { names: bitNamesFrom({}) }));
      return checked.jobId;
    },
    async until(condition, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!(await condition())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    },
    async expectAllApplied(jobId, rows) {
      const states = await upstreamStates(current().chat, rows);
      for (const row of rows) {
        expect(states.get(`${row.chatUser}/${row.conversation.id}`), row.conversation.id).toEqual({ bits: row.setBits, customMark: row.customMark ?? '' });
      }
      const entries = await jobAuditEntries(current().store.read, jobId);
      expect(entries).toHaveLength(rows.length);
      expect(new Set(entries.map((entry) => entry.requestId)).size).toBe(rows.length);
      expect(entries.every((entry) => entry.status === 'applied')).toBe(true);
    },
  };
}
