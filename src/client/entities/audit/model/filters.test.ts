import { describe, expect, it } from 'vitest';
import { auditQuerySchema } from '../../../../shared/api/audit';
import {
  auditExportHref,
  auditQueryOf,
  bulkJobOf,
  conversationHistoryHref,
  historyHref,
  historySearchParams,
  isDateRangeInverted,
  parseHistoryFilters,
  presetOf,
  presetRange,
  startOfDay,
} from './filters';

describe('history filters', () => {
  it('round-trips through the address bar and drops what is not a filter value', () => {
    const params = new URLSearchParams('chatUser=%20minji.kim%20&conversationType=group&conversationId=@TGS%232ABC&staff=support&status=conflict&from=2026-11-01&to=2026-02-31&cursor=x');
    const filters = parseHistoryFilters(params);
    expect(filters).toEqual({
      chatUser: 'minji.kim',
      conversationType: 'group',
      conversationId: '@TGS#2ABC',
      staff: 'support',
      status: 'conflict',
      from: '2026-11-01',
      to: '',
      reason: '',
      exact: false,
      jobId: '',
      requestId: '',
      entryId: '',
    });
    expect(historySearchParams(filters).toString()).toBe('chatUser=minji.kim&conversationType=group&conversationId=%40TGS%232ABC&staff=support&status=conflict&from=2026-11-01');
    expect(parseHistoryFilters(new URLSearchParams('conversationType=dm&status=gone'))).toMatchObject({ conversationType: null, status: null });
  });

  it('turns days into the instants the API filters on, which the contract accepts', () => {
    const query = auditQueryOf({ ...parseHistoryFilters(new URLSearchParams()), from: '2026-11-30', to: '2026-11-30' });
    expect(query).toEqual({ from: new Date(2026, 10, 30).toISOString(), to: new Date(2026, 11, 1).toISOString() });
    expect(auditQuerySchema.safeParse(query).success).toBe(true);
    expect(startOfDay('2026-13-01')).toBeNull();
  });

  it('knows an inverted range, and builds the export and per-conversation links', () => {
    const filters = parseHistoryFilters(new URLSearchParams('from=2026-11-20&to=2026-11-19'));
    expect(isDateRangeInverted(filters)).toBe(true);
    expect(auditExportHref(parseHistoryFilters(new URLSearchParams('staff=support')))).toBe('/api/audit/export.csv?staff=support&match=contains');
    expect(conversationHistoryHref('olivia.brown', { type: 'group', id: '@TGS#2ABC' })).toBe(
      '/history?chatUser=olivia.brown&conversationType=group&conversationId=%40TGS%232ABC&match=exact',
    );
  });

  it('sends typed names as substrings unless exact, and carries reason, job, request and entry', () => {
    const typed = parseHistoryFilters(new URLSearchParams('staff=supp&reason=%234711&jobId=J1&requestId=r-1&entryId=e-1'));
    const query = auditQueryOf(typed);
    expect(query).toEqual({ staff: 'supp', match: 'contains', reason: '#4711', jobId: 'J1', requestId: 'r-1', entryId: 'e-1' });
    expect(auditQuerySchema.safeParse(query).success).toBe(true);
    expect(auditQueryOf(parseHistoryFilters(new URLSearchParams('staff=support&match=exact')))).toEqual({ staff: 'support' });
    expect(historySearchParams(typed).toString()).toBe('staff=supp&reason=%234711&jobId=J1&requestId=r-1&entryId=e-1');
    expect(historyHref({ entryId: 'e 1' })).toBe('/history?entryId=e+1');
    expect(bulkJobOf('job:J1:line:12')).toBe('J1');
    expect(bulkJobOf('4f9c-req')).toBeNull();
  });

  it('turns date presets into local days and recognises them', () => {
    const now = new Date(2026, 2, 3, 15, 30);
    expect(presetRange('today', now)).toEqual({ from: '2026-03-03', to: '2026-03-03' });
    expect(presetRange('last7', now)).toEqual({ from: '2026-02-25', to: '2026-03-03' });
    expect(presetRange('last30', now)).toEqual({ from: '2026-02-02', to: '2026-03-03' });
    expect(presetOf({ from: '2026-02-25', to: '2026-03-03' }, now)).toBe('last7');
    expect(presetOf({ from: '2026-02-24', to: '2026-03-03' }, now)).toBeNull();
  });
});
