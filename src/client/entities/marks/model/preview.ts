import type { MarkChange } from '../../../../shared/marks/change';
import type { Translate } from '../../../lib/i18n/translate';
import type { BitLabeler } from './bit-labels';

export const PREVIEW_SEPARATOR = ' · ';

/**
 * Exactly what Save sends, as a sentence:
 * `Set: Favourite, VIP (bit 32) · Clear: Hidden · Custom mark → 'escalated'`. Null when nothing.
 */
export function describeChange(change: MarkChange, labeler: BitLabeler, t: Translate): string | null {
  const parts: string[] = [];
  if (change.setBits.length > 0) parts.push(t('editor.previewSet', { bits: change.setBits.map(labeler.shortName).join(', ') }));
  if (change.clearBits.length > 0) parts.push(t('editor.previewClear', { bits: change.clearBits.map(labeler.shortName).join(', ') }));
  if (change.customMark !== undefined) {
    parts.push(change.customMark === '' ? t('editor.previewCustomMarkClear') : t('editor.previewCustomMark', { value: change.customMark }));
  }
  return parts.length === 0 ? null : parts.join(PREVIEW_SEPARATOR);
}
