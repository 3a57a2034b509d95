import { bitGroup } from '../../../../shared/marks/bits';
import { Glyph, type GlyphName } from '../../../components/glyphs';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';

const MAX_CHIPS = 4;

// Each standard bit has its own glyph and colour class, so Hidden and Collapsed (the ones that
// explain "it disappeared") never look like Favourite.
const STANDARD_GLYPH: Record<number, GlyphName> = { 0: 'star', 1: 'dot', 2: 'unfoldLess', 3: 'visibilityOff' };

/**
 * The set bits of a conversation as named chips on one line; when they do not fit the column they
 * share it, each name cut short with "…" (its title names the bit in full, the glyph stays). Past
 * MAX_CHIPS a "+N" chip holds the rest: its accessible name lists them, and on hover or keyboard focus a tooltip lists every bit.
 * Plain elements, styled once by the list (ConversationList's `listStyles`): a list row is cheap.
 * `tabbable` false takes "+N" out of the Tab order (a list row that is not the list's Tab stop).
 */
export function MarkChips({ bits, labeler, tabbable = true }: { bits: readonly number[]; labeler: BitLabeler; tabbable?: boolean }) {
  const shown = bits.slice(0, MAX_CHIPS);
  const rest = bits.slice(MAX_CHIPS);
  return (
    <span className="chips">
      {/* The chips shrink (and clip) inside their own box, so "+N" after them always stays in view. */}
      <span className="chips-shown">
        {shown.map((bit) => {
          const group = bitGroup(bit);
          const glyph = group === 'standard' ? STANDARD_GLYPH[bit] : undefined;
          return (
            <span key={bit} className={`chip chip-${group}${glyph ? ` chip-${glyph}` : ''}`} title={labeler.accessibleName(bit)}>
              {glyph ? <Glyph name={glyph} className="chip-glyph" /> : null}
              <span className="chip-label">{group === 'reserved' ? labeler.accessibleName(bit) : labeler.label(bit)}</span>
            </span>
          );
        })}
      </span>
      {rest.length > 0 ? (
        <button type="button" className="chip chip-more" tabIndex={tabbable ? 0 : -1} aria-label={`+${rest.length}: ${rest.map(labeler.accessibleName).join(', ')}`}>
          +{rest.length}
          <span role="tooltip" className="chip-tooltip">
            {bits.map(labeler.accessibleName).join(', ')}
          </span>
        </button>
      ) : null}
    </span>
  );
}
