import { useCallback, useState } from 'react';

export type CopyState = 'idle' | 'copied' | 'failed';

/**
 * Copies text to the clipboard and tells how it went: a browser may refuse (no permission, a page
 * not in focus), and the person must then be told to copy by hand. The one place the SPA copies.
 */
export function useCopyText(): [state: CopyState, copy: (text: string) => Promise<CopyState>] {
  const [state, setState] = useState<CopyState>('idle');
  const copy = useCallback(async (text: string) => {
    let outcome: CopyState;
    try {
      await navigator.clipboard.writeText(text);
      outcome = 'copied';
    } catch {
      outcome = 'failed';
    }
    setState(outcome);
    return outcome;
  }, []);
  return [state, copy];
}
