import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeApi, json } from '../../../test/fake-api';
import { getMarkLabels, markLabelsQueryOptions } from './get-mark-labels';

afterEach(() => vi.unstubAllGlobals());

describe('mark labels query', () => {
  it('reads the labels with the ETag of their version and who changed them last', async () => {
    installFakeApi({ 'GET /api/mark-labels': json({ labels: {}, updatedBy: 'admin', updatedAt: '2026-11-21T09:30:00Z' }, 200, { etag: '"v4-abc"' }) });
    expect(await getMarkLabels()).toEqual({ labels: {}, updatedBy: 'admin', updatedAt: '2026-11-21T09:30:00Z', etag: '"v4-abc"' });
  });

  it('shows another admin’s new names within a minute, and on returning to the tab', () => {
    const options = markLabelsQueryOptions();
    expect(options.staleTime).toBeLessThanOrEqual(60_000);
    expect(options.refetchInterval).toBeLessThanOrEqual(60_000);
    expect(options.refetchOnWindowFocus).toBe('always');
  });
});
