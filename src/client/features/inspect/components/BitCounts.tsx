import Box from '@mui/material/Box';
import Typography from '@mui/material/Typography';
import { bitGroup, STANDARD_BIT_INDEXES } from '../../../../shared/marks/bits';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';

type BitCountsProps = {
  /** Index = bit: conversations carrying it (with the what-if applied, when there is one). */
  counts: readonly number[];
  /** The same without the what-if, to show the difference. */
  savedCounts: readonly number[];
  labeler: BitLabeler;
};

/** A small bar chart: how many conversations carry each bit. Standard bits always, others when used. */
export function BitCounts({ counts, savedCounts, labeler }: BitCountsProps) {
  const t = useT();
  const format = useFormat();
  const bits = counts
    .map((_, bit) => bit)
    .filter((bit) => STANDARD_BIT_INDEXES.includes(bit) || (counts[bit] ?? 0) > 0 || (savedCounts[bit] ?? 0) > 0);
  const max = Math.max(1, ...bits.map((bit) => counts[bit] ?? 0));
  return (
    <Box component="ul" sx={{ listStyle: 'none', p: 0, m: 0, display: 'grid', gap: 0.5 }}>
      {bits.map((bit) => {
        const count = counts[bit] ?? 0;
        const delta = count - (savedCounts[bit] ?? 0);
        return (
          <Box component="li" key={bit} data-bit={bit} sx={{ display: 'grid', gridTemplateColumns: 'minmax(96px, 180px) minmax(0, 1fr) 88px', gap: 1, alignItems: 'center' }}>
            <Typography variant="body2" noWrap title={labeler.accessibleName(bit)}>
              {labeler.shortName(bit)}
            </Typography>
            <Box aria-hidden sx={{ height: 12, bgcolor: 'action.hover', borderRadius: 1, overflow: 'hidden' }}>
              <Box
                sx={{ height: '100%', bgcolor: bitGroup(bit) === 'custom' ? 'secondary.main' : bitGroup(bit) === 'reserved' ? 'text.disabled' : 'primary.main', borderRadius: 1 }}
                style={{ width: `${(count / max) * 100}%` }}
              />
            </Box>
            <Typography variant="body2" sx={{ fontVariantNumeric: 'tabular-nums', textAlign: 'right' }}>
              {format.number(count)}
              {delta !== 0 ? (
                <Box component="span" sx={{ ml: 0.5, fontWeight: 600 }}>
                  {t('inspect.countDelta', { delta: `${delta > 0 ? '+' : '−'}${format.number(Math.abs(delta))}` })}
                </Box>
              ) : null}
            </Typography>
          </Box>
        );
      })}
    </Box>
  );
}
