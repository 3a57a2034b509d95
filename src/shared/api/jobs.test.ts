import { describe, expect, it } from 'vitest';
import { JOB_CSV_COLUMNS, JOB_RESULT_COLUMNS, jobCheckedResponseSchema, jobListResponseSchema, jobStatusSchema } from './jobs';

describe('bulk jobs', () => {
  it('names the documented CSV columns', () => {
    expect(JOB_CSV_COLUMNS.join(',')).toBe('chat_user,conversation_type,conversation_id,set_bits,clear_bits,custom_mark,clear_custom_mark');
    expect(JOB_RESULT_COLUMNS.slice(-3)).toEqual(['status', 'upstream_code', 'message']);
  });

  it('reads a checked job', () => {
    const checked = {
      jobId: 'j1',
      state: 'checked',
      rows: 3,
      valid: 2,
      invalid: [{ line: 3, error: 'Bit 17 is reserved for Chat and cannot be changed.' }],
      preview: [{ line: 2, chatUser: 'user0', conversation: { type: 'c2c', id: 'user1' }, setBits: [0], clearBits: [], customMark: 'VIP' }],
    };
    expect(jobCheckedResponseSchema.parse(checked)).toEqual(checked);
  });

  it('reads the status shape and refuses unknown states', () => {
    const status = {
      jobId: 'j1',
      state: 'running',
      total: 100000,
      done: 1800,
      applied: 1700,
      unchanged: 90,
      conflicts: 5,
      failed: 5,
      callsPerSecond: 180,
      etaSeconds: 5.4,
      createdBy: 'support',
      createdAt: '2026-11-20T08:00:00Z',
    };
    expect(jobStatusSchema.parse(status)).toEqual(status);
    expect(jobListResponseSchema.parse({ jobs: [{ ...status, state: 'done', etaSeconds: null }] }).jobs).toHaveLength(1);
    expect(jobStatusSchema.safeParse({ ...status, state: 'queued' }).success).toBe(false);
  });
});
