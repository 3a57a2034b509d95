import MenuItem from '@mui/material/MenuItem';
import Stack from '@mui/material/Stack';
import TextField from '@mui/material/TextField';
import Typography from '@mui/material/Typography';
import { useRef, useState } from 'react';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';

const ANY = 'any';

type Props = {
  search: string;
  bit: number | null;
  /** Bits carried by at least one conversation (the filter offers these). */
  bits: readonly number[];
  shown: number;
  total: number;
  labeler: BitLabeler;
  onChange: (change: { search?: string; bit?: number | null }) => void;
};

/** "All conversations" narrowed by a text and a bit: e.g. the hidden ones among 1,500. */
export function RawFilters({ search, bit, bits, shown, total, labeler, onChange }: Props) {
  const t = useT();
  const format = useFormat();
  const [text, setText] = useState(search);
  // An input method composing Korean or Chinese: filter once the character is confirmed.
  const composing = useRef(false);
  return (
    <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1.5} sx={{ mb: 1, alignItems: { sm: 'center' } }}>
      <TextField
        size="small"
        type="search"
        label={t('inspect.rawSearch')}
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          if (!composing.current && !(event.nativeEvent as InputEvent).isComposing) onChange({ search: event.target.value });
        }}
        onCompositionStart={() => {
          composing.current = true;
        }}
        onCompositionEnd={(event) => {
          composing.current = false;
          onChange({ search: (event.target as HTMLInputElement).value });
        }}
        sx={{ flexGrow: 1 }}
      />
      <TextField
        select
        size="small"
        label={t('inspect.rawBit')}
        value={bit === null ? ANY : String(bit)}
        onChange={(event) => onChange({ bit: event.target.value === ANY ? null : Number(event.target.value) })}
        sx={{ minWidth: 180 }}
      >
        <MenuItem value={ANY}>{t('inspect.rawBitAny')}</MenuItem>
        {bits.map((b) => (
          <MenuItem key={b} value={String(b)}>
            {labeler.shortName(b)}
          </MenuItem>
        ))}
      </TextField>
      <Typography variant="body2" color="text.secondary" role="status" sx={{ whiteSpace: 'nowrap' }}>
        {t('inspect.rawShowing', { shown: format.number(shown), total: format.number(total) })}
      </Typography>
    </Stack>
  );
}
