import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';
import { marksSearchParams, parseMarksLocation, type MarksLocation } from '../model/filters';

/** The Marks page's state that belongs in the address bar: chat user and filters. */
export function useMarksLocation(): [MarksLocation, (change: Partial<MarksLocation>, options?: { replace?: boolean }) => void] {
  const [searchParams, setSearchParams] = useSearchParams();
  const location = useMemo(() => parseMarksLocation(searchParams), [searchParams]);
  const update = useCallback(
    (change: Partial<MarksLocation>, options: { replace?: boolean } = {}) => {
      setSearchParams((current) => marksSearchParams({ ...parseMarksLocation(current), ...change }), { replace: options.replace ?? false });
    },
    [setSearchParams],
  );
  return [location, update];
}
