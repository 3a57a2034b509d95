import Box from '@mui/material/Box';
import Chip from '@mui/material/Chip';
import Typography from '@mui/material/Typography';
import { bitGroup } from '../../../../shared/marks/bits';
import { useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';

type Emphasis = 'added' | 'removed';

/**
 * Named bits as chips: standard bits by name, the others with their number (`VIP (bit 32)`).
 * `emphasis` marks the bits that a change added (after) or removed (before).
 */
export function BitNames({ bits, labeler, emphasis }: { bits: readonly number[]; labeler: BitLabeler; emphasis?: { bits: ReadonlySet<number>; kind: Emphasis } }) {
  const t = useT();
  if (bits.length === 0) {
    return (
      <Typography component="span" variant="body2" color="text.secondary" sx={{ fontStyle: 'italic' }}>
        {t('history.noBits')}
      </Typography>
    );
  }
  return (
    <Box component="span" sx={{ display: 'inline-flex', flexWrap: 'wrap', gap: 0.5, verticalAlign: 'middle' }}>
      {bits.map((bit) => {
        const emphasised = emphasis?.bits.has(bit) === true;
        const kind = emphasised ? emphasis?.kind : undefined;
        return (
          <Chip
            key={bit}
            size="small"
            label={labeler.shortName(bit)}
            title={kind === 'added' ? t('history.bitAdded', { bit: labeler.accessibleName(bit) }) : kind === 'removed' ? t('history.bitRemoved', { bit: labeler.accessibleName(bit) }) : labeler.accessibleName(bit)}
            variant={bitGroup(bit) === 'standard' || emphasised ? 'filled' : 'outlined'}
            color={kind === 'added' ? 'success' : kind === 'removed' ? 'error' : bitGroup(bit) === 'custom' ? 'secondary' : 'default'}
            sx={kind === 'removed' ? { textDecoration: 'line-through' } : undefined}
          />
        );
      })}
    </Box>
  );
}

/** A custom mark in quotes, or "(none)". */
export function CustomMarkText({ value }: { value: string }) {
  const t = useT();
  if (value === '') {
    return (
      <Typography component="span" variant="body2" color="text.secondary" sx={{ fontStyle: 'italic' }}>
        {t('history.noCustomMark')}
      </Typography>
    );
  }
  return (
    <Typography component="span" variant="body2" sx={{ overflowWrap: 'anywhere' }}>
      {t('history.quoted', { value })}
    </Typography>
  );
}
