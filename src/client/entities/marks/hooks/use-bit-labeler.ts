import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useT } from '../../../lib/i18n/I18nProvider';
import { markLabelsQueryOptions } from '../api/get-mark-labels';
import { createBitLabeler, type BitLabeler } from '../model/bit-labels';

/** Bit names in the current language with the admins' labels; default names until (or unless) labels load. */
export function useBitLabeler(): BitLabeler {
  const t = useT();
  const labels = useQuery(markLabelsQueryOptions());
  return useMemo(() => createBitLabeler(t, labels.data?.labels), [t, labels.data]);
}
