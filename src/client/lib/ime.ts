import type { KeyboardEvent } from 'react';

/**
 * True while an input method (Korean, Chinese, Japanese…) is composing: Enter then confirms a
 * character and must trigger nothing else. keyCode 229 covers browsers that report isComposing late.
 */
export function isComposing(event: KeyboardEvent): boolean {
  return event.nativeEvent.isComposing || event.keyCode === 229;
}
