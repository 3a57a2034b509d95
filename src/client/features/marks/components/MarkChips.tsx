import { bitGroup } from '../../../../shared/marks/bits';
import type { BitLabeler } from '../model/bit-labels';

const MAX_CHIPS = 4;

/**
 * The set bits of a conversation as named chips; the full list is in the tooltip of the "+N" chip.
 * Plain spans, styled once by the list (ConversationList's `listStyles`): a list row is cheap.
 */
export function MarkChips({ bits, labeler }: { bits: readonly number[]; labeler: BitLabeler }) {
  const shown = bits.slice(0, MAX_CHIPS);
  const rest = bits.slice(MAX_CHIPS);
  return (
    <span className="chips">
      {shown.map((bit) => (
        <span key={bit} className={`chip chip-${bitGroup(bit)}`} title={labeler.accessibleName(bit)}>
          {bitGroup(bit) === 'reserved' ? labeler.accessibleName(bit) : labeler.label(bit)}
        </span>
      ))}
      {rest.length > 0 ? (
        <span className="chip chip-more" title={rest.map(labeler.accessibleName).join(', ')}>
          +{rest.length}
        </span>
      ) : null}
    </span>
  );
}
