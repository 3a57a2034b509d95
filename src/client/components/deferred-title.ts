import { useEffect, useState } from 'react';

/**
 * A title (the exact time behind "3 hours ago", say) worked out once the page is idle, or sooner when
 * the pointer comes over its element, instead of as the element first renders: the first exact time
 * of a page builds an Intl.DateTimeFormat, about 100 ms on a slow laptop, which sat on the way to the
 * list's first paint. Idle time gives it to every element, so a screen reader meets it too. Spread
 * the result on the element.
 */
export function useDeferredTitle(title: () => string): { title?: string; onPointerEnter?: () => void } {
  const [shown, setShown] = useState(false);
  useEffect(() => {
    if (shown) return;
    return whenIdle(() => setShown(true));
  }, [shown]);
  return shown ? { title: title() } : { onPointerEnter: () => setShown(true) };
}

/** Runs `task` when the browser is idle (soon after, where it cannot tell); returns the cancel. */
function whenIdle(task: () => void): () => void {
  if (typeof requestIdleCallback === 'function') {
    const id = requestIdleCallback(task);
    return () => cancelIdleCallback(id);
  }
  const id = setTimeout(task, 200);
  return () => clearTimeout(id);
}
