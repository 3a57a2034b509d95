import { useState } from 'react';

/**
 * A title (the exact time behind "3 hours ago", say) worked out when the pointer first comes over
 * its element, not at every render: a list's rows render often and are seldom hovered, and the first
 * exact time of a page builds an Intl.DateTimeFormat, about 100 ms on a slow laptop on the way to
 * the list's first paint. Spread the result on the element.
 */
export function useTitleOnHover(title: () => string): { title?: string; onPointerEnter?: () => void } {
  const [hovered, setHovered] = useState(false);
  return hovered ? { title: title() } : { onPointerEnter: () => setHovered(true) };
}
