import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import { bitGroup } from '../../../../shared/marks/bits';
import type { BitLabeler } from '../model/bit-labels';

const MAX_CHIPS = 4;

/** The set bits of a conversation as named chips; the full list is in the tooltip of the "+N" chip. */
export function MarkChips({ bits, labeler }: { bits: readonly number[]; labeler: BitLabeler }) {
  const shown = bits.slice(0, MAX_CHIPS);
  const rest = bits.slice(MAX_CHIPS);
  return (
    <Box component="span" sx={{ display: 'flex', gap: 0.5, flexWrap: 'nowrap', overflow: 'hidden' }}>
      {shown.map((bit) => (
        <Chip
          key={bit}
          size="small"
          variant={bitGroup(bit) === 'standard' ? 'filled' : 'outlined'}
          color={bitGroup(bit) === 'custom' ? 'secondary' : 'default'}
          label={bitGroup(bit) === 'reserved' ? labeler.accessibleName(bit) : labeler.label(bit)}
          title={labeler.accessibleName(bit)}
        />
      ))}
      {rest.length > 0 ? <Chip size="small" label={`+${rest.length}`} title={rest.map(labeler.accessibleName).join(', ')} /> : null}
    </Box>
  );
}
