import FiberManualRecord from '@mui/icons-material/FiberManualRecord';
import Star from '@mui/icons-material/Star';
import UnfoldLess from '@mui/icons-material/UnfoldLess';
import VisibilityOff from '@mui/icons-material/VisibilityOff';
import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Tooltip from '@mui/material/Tooltip';
import { useState, type ReactElement } from 'react';
import { bitGroup } from '../../../../shared/marks/bits';
import type { BitLabeler } from '../model/bit-labels';

const MAX_CHIPS = 4;

// Each standard bit has its own icon, so Hidden and Collapsed (the ones that explain "it
// disappeared") never look like Favourite.
const STANDARD_ICON: Record<number, ReactElement> = {
  0: <Star aria-hidden />,
  1: <FiberManualRecord aria-hidden />,
  2: <UnfoldLess aria-hidden />,
  3: <VisibilityOff aria-hidden />,
};
const STANDARD_COLOR: Record<number, 'default' | 'primary' | 'warning' | 'info'> = { 0: 'primary', 1: 'info', 2: 'default', 3: 'warning' };

/**
 * The set bits of a conversation as named chips that wrap onto further lines; past MAX_CHIPS a
 * "+N" chip holds the rest, listed in its tooltip on hover and on keyboard focus (and in its
 * accessible name).
 */
export function MarkChips({ bits, labeler }: { bits: readonly number[]; labeler: BitLabeler }) {
  const shown = bits.slice(0, MAX_CHIPS);
  const rest = bits.slice(MAX_CHIPS);
  const all = bits.map(labeler.accessibleName).join(', ');
  return (
    <Box component="span" sx={{ display: 'flex', gap: 0.5, flexWrap: 'wrap', minWidth: 0 }}>
      {shown.map((bit) => {
        const group = bitGroup(bit);
        const icon = group === 'standard' ? STANDARD_ICON[bit] : undefined;
        return (
          <Chip
            key={bit}
            size="small"
            variant={group === 'standard' ? 'filled' : 'outlined'}
            color={group === 'custom' ? 'secondary' : group === 'standard' ? (STANDARD_COLOR[bit] ?? 'default') : 'default'}
            {...(icon ? { icon } : {})}
            label={group === 'reserved' ? labeler.accessibleName(bit) : labeler.label(bit)}
            title={labeler.accessibleName(bit)}
            sx={{ maxWidth: '100%' }}
          />
        );
      })}
      {rest.length > 0 ? <MoreChip count={rest.length} names={rest.map(labeler.accessibleName).join(', ')} all={all} /> : null}
    </Box>
  );
}

/** "+N": the full list in a tooltip on hover and whenever it has focus (however it got there). */
function MoreChip({ count, names, all }: { count: number; names: string; all: string }) {
  const [open, setOpen] = useState(false);
  return (
    <Tooltip title={all} open={open} onOpen={() => setOpen(true)} onClose={() => setOpen(false)} describeChild>
      <Chip
        size="small"
        label={`+${count}`}
        tabIndex={0}
        role="button"
        aria-label={`+${count}: ${names}`}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
      />
    </Tooltip>
  );
}
