import ExpandLess from '@mui/icons-material/ExpandLess';
import ExpandMore from '@mui/icons-material/ExpandMore';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Collapse from '@mui/material/Collapse';
import Typography from '@mui/material/Typography';
import type { Theme } from '@mui/material/styles';
import { memo, useId, useState, type ReactNode } from 'react';
import { CUSTOM_BITS, RESERVED_BITS, STANDARD_BIT_INDEXES } from '../../../../shared/marks/bits';
import { useT } from '../../../lib/i18n/I18nProvider';
import { readPreference, writePreference } from '../../../lib/storage';
import type { BitLabeler } from '../model/bit-labels';
import type { EditorStore } from '../model/editor-store';
import { BitCheckbox } from './BitCheckbox';

type BitGridProps = { store: EditorStore; labeler: BitLabeler; disabled: boolean; reservedSet: boolean };

/** Remembers a person's choice to see the reserved bits; folded away by default. */
const RESERVED_SHOWN_PREFERENCE = 'reservedBitsShown';

/** Bits 4–31 as a mask. */
export const RESERVED_MASK = RESERVED_BITS.reduce((mask, bit) => mask | (1n << BigInt(bit)), 0n);

/** The 64 bits in three groups: Standard (0–3), Reserved for Chat (4–31, locked), Custom (32–63). */
export const BitGrid = memo(function BitGrid({ store, labeler, disabled, reservedSet }: BitGridProps) {
  const t = useT();
  const reservedId = useId();
  const [reservedChosen, setReservedChosen] = useState(() => readPreference(RESERVED_SHOWN_PREFERENCE) === 'true');
  const reservedShown = reservedChosen || reservedSet;

  const renderBits = (bits: readonly number[], locked: boolean) =>
    bits.map((bit) => (
      <BitCheckbox
        key={bit}
        store={store}
        bit={bit}
        label={labeler.label(bit)}
        accessibleName={labeler.accessibleName(bit)}
        description={labeler.description(bit)}
        disabled={disabled}
        locked={locked}
      />
    ));

  const toggleReserved = () => {
    setReservedChosen(!reservedShown);
    writePreference(RESERVED_SHOWN_PREFERENCE, String(!reservedShown));
  };

  return (
    <Box sx={bitCellStyles}>
      <BitGroup legend={t('editor.groupStandard')} minColumnWidth={140}>
        {renderBits(STANDARD_BIT_INDEXES, false)}
      </BitGroup>
      <Box component="fieldset" sx={fieldsetStyle}>
        <Box component="legend" sx={legendStyle}>
          {t('editor.groupReserved')}
        </Box>
        <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
          <Typography variant="body2" color="text.secondary" sx={{ flexGrow: 1 }}>
            {t('editor.reservedNote')}
          </Typography>
          <Button
            size="small"
            onClick={toggleReserved}
            disabled={reservedSet}
            aria-expanded={reservedShown}
            aria-controls={reservedId}
            endIcon={reservedShown ? <ExpandLess /> : <ExpandMore />}
          >
            {reservedShown ? t('editor.hideReserved') : t('editor.showReserved')}
          </Button>
        </Box>
        <Collapse in={reservedShown} id={reservedId} unmountOnExit>
          <Box sx={gridStyle(72)}>{renderBits(RESERVED_BITS, true)}</Box>
        </Collapse>
      </Box>
      <BitGroup legend={t('editor.groupCustom')} minColumnWidth={170}>
        {renderBits(CUSTOM_BITS, false)}
      </BitGroup>
    </Box>
  );
});

function BitGroup({ legend, minColumnWidth, children }: { legend: string; minColumnWidth: number; children: ReactNode }) {
  return (
    <Box component="fieldset" sx={fieldsetStyle}>
      <Box component="legend" sx={legendStyle}>
        {legend}
      </Box>
      <Box sx={gridStyle(minColumnWidth)}>{children}</Box>
    </Box>
  );
}

/**
 * Styles of every BitCheckbox, written once for the grid instead of once per checkbox. The boxes are
 * native checkboxes in the theme's colour, 18 px with a margin that keeps a 32 px target each.
 */
const bitCellStyles = (theme: Theme) =>
  ({
    '& .bit-cell': { display: 'flex', alignItems: 'center', gap: 0.5, minWidth: 0, minHeight: 32, cursor: 'pointer', ...theme.typography.body2 },
    '& .bit-cell[data-disabled]': { cursor: 'default', color: theme.palette.text.disabled },
    '& .bit-box': { width: 18, height: 18, m: '7px', flexShrink: 0, cursor: 'inherit', accentColor: theme.palette.primary.main },
    '& .bit-box:focus-visible': { outline: `2px solid ${theme.palette.primary.main}`, outlineOffset: 2 },
    '& .bit-label': { overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', minWidth: 0 },
    '& .bit-index': { ...theme.typography.caption, color: theme.palette.text.secondary },
    '& .bit-lock': { fontSize: 14, flexShrink: 0 },
    // 28 times "Reserved" says nothing: a locked box shows its lock and number (its accessible name stays "Reserved (bit N)").
    '& .bit-cell[data-locked] .bit-label': { display: 'none' },
  }) as const;

const fieldsetStyle = { border: 1, borderColor: 'divider', borderRadius: 1, px: 1.5, pb: 1, pt: 0.5, mb: 1.5, minWidth: 0 } as const;
const legendStyle = { px: 0.5, typography: 'subtitle2' } as const;
// As many columns as the editor's width allows, whatever the page layout around it.
const gridStyle = (minColumnWidth: number) =>
  ({ display: 'grid', gridTemplateColumns: `repeat(auto-fill, minmax(${minColumnWidth}px, 1fr))`, columnGap: 1 }) as const;
