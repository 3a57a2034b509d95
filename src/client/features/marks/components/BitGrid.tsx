import ExpandLess from '@mui/icons-material/ExpandLess';
import ExpandMore from '@mui/icons-material/ExpandMore';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Collapse from '@mui/material/Collapse';
import Typography from '@mui/material/Typography';
import type { Theme } from '@mui/material/styles';
import { memo, useId, useLayoutEffect, useRef, useState, type FocusEvent, type KeyboardEvent, type ReactNode } from 'react';
import { CUSTOM_BITS, RESERVED_BITS, STANDARD_BIT_INDEXES } from '../../../../shared/marks/bits';
import { useT } from '../../../lib/i18n/I18nProvider';
import { readPreference, writePreference } from '../../../lib/storage';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import type { EditorStore } from '../model/editor-store';
import { BitCheckbox } from './BitCheckbox';
import { ensureTabStop, handleGridKey, moveTabStop } from './bit-grid-focus';

type BitGridProps = { store: EditorStore; labeler: BitLabeler; disabled: boolean; reservedSet: boolean };

/** Remembers a person's choice to see the reserved bits; folded away by default. */
const RESERVED_SHOWN_PREFERENCE = 'reservedBitsShown';
/** Remembers a person's choice to see every custom bit, the unnamed ones too; folded away by default. */
const ALL_CUSTOM_SHOWN_PREFERENCE = 'allCustomBitsShown';

/** Bits 4–31 as a mask. */
export const RESERVED_MASK = RESERVED_BITS.reduce((mask, bit) => mask | (1n << BigInt(bit)), 0n);

/**
 * The 64 bits in three groups: Standard (0–3), Reserved for Chat (4–31, locked), Custom (32–63).
 * Two things are folded away unless they matter: the reserved bits (unless one is set in the
 * selection) and the custom bits no admin has named (each shows itself while it is set in the
 * selection or touched; "Show all custom bits" shows them all). The grid is one tab stop: arrow
 * keys move between the bits, Tab goes on to the custom mark.
 */
export const BitGrid = memo(function BitGrid({ store, labeler, disabled, reservedSet }: BitGridProps) {
  const t = useT();
  const reservedId = useId();
  const customId = useId();
  const grid = useRef<HTMLDivElement>(null);
  const [reservedChosen, setReservedChosen] = useState(() => readPreference(RESERVED_SHOWN_PREFERENCE) === 'true');
  const reservedShown = reservedChosen || reservedSet;
  const [allCustomShown, setAllCustomShown] = useState(() => readPreference(ALL_CUSTOM_SHOWN_PREFERENCE) === 'true');
  const unnamedCustomBits = CUSTOM_BITS.filter((bit) => !labeler.named(bit)).length;

  const renderBits = (bits: readonly number[], locked: boolean, foldUnnamed = false) =>
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
        folded={foldUnnamed && !allCustomShown && !labeler.named(bit)}
      />
    ));

  // One tab stop, after every change of what is shown (a box folded away hands its stop on itself).
  useLayoutEffect(() => {
    if (grid.current) ensureTabStop(grid.current);
  }, [allCustomShown, reservedShown, disabled, labeler]);

  const toggleReserved = () => {
    setReservedChosen(!reservedShown);
    writePreference(RESERVED_SHOWN_PREFERENCE, String(!reservedShown));
  };
  const toggleAllCustom = () => {
    setAllCustomShown(!allCustomShown);
    writePreference(ALL_CUSTOM_SHOWN_PREFERENCE, String(!allCustomShown));
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (grid.current && handleGridKey(grid.current, event.key, event.target)) event.preventDefault();
  };
  // A box reached by a click (or by a screen reader's cursor) becomes the stop Tab comes back to.
  const onFocus = (event: FocusEvent<HTMLDivElement>) => {
    if (grid.current && event.target instanceof HTMLInputElement && event.target.classList.contains('bit-box')) moveTabStop(grid.current, event.target);
  };

  return (
    <Box sx={bitCellStyles} ref={grid} data-bit-grid="" onKeyDown={onKeyDown} onFocus={onFocus}>
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
      <Box component="fieldset" sx={fieldsetStyle}>
        <Box component="legend" sx={legendStyle}>
          {t('editor.groupCustom')}
        </Box>
        <Box sx={gridStyle(170)} id={customId}>
          {renderBits(CUSTOM_BITS, false, true)}
        </Box>
        {unnamedCustomBits > 0 ? (
          <Box sx={{ display: 'flex', alignItems: 'center', gap: 1, flexWrap: 'wrap' }}>
            <Typography variant="body2" color="text.secondary" sx={{ flexGrow: 1 }}>
              {allCustomShown ? t('editor.allCustomShown') : t('editor.unnamedCustomFolded', { count: unnamedCustomBits })}
            </Typography>
            <Button
              size="small"
              onClick={toggleAllCustom}
              aria-expanded={allCustomShown}
              aria-controls={customId}
              endIcon={allCustomShown ? <ExpandLess /> : <ExpandMore />}
            >
              {allCustomShown ? t('editor.hideUnnamedCustom') : t('editor.showAllCustom')}
            </Button>
          </Box>
        ) : null}
      </Box>
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
    // A folded bit: `display: flex` above would otherwise win over the hidden attribute.
    '& .bit-cell[hidden]': { display: 'none' },
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
