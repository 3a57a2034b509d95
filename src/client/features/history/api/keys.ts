import type { HistoryFilters } from '../../../entities/audit/model/filters';

/** Query keys of the history feature; an undo or a mark save invalidates `historyKeys.all`. */
export const historyKeys = {
  all: ['history'] as const,
  list: (filters: HistoryFilters, pageSize: number) => [...historyKeys.all, 'list', filters, pageSize] as const,
};
