import ContentCopy from '@mui/icons-material/ContentCopy';
import Download from '@mui/icons-material/Download';
import Edit from '@mui/icons-material/Edit';
import ExpandLess from '@mui/icons-material/ExpandLess';
import ExpandMore from '@mui/icons-material/ExpandMore';
import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Checkbox from '@mui/material/Checkbox';
import Collapse from '@mui/material/Collapse';
import FormControlLabel from '@mui/material/FormControlLabel';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useId, useMemo, useState } from 'react';
import { useHref, useLocation, useNavigate } from 'react-router';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import { CUSTOM_BITS, STANDARD_BIT_INDEXES } from '../../../../shared/marks/bits';
import { conversationKey } from '../../../../shared/marks/conversation';
import type { TriState } from '../../../../shared/marks/tristate';
import { useToast } from '../../../components/ToastProvider';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useHasRole } from '../../../lib/session-context';
import type { BitLabeler } from '../../../entities/marks/model/bit-labels';
import { marksDraftState } from '../../../entities/marks/model/draft';
import { describeChange } from '../../../entities/marks/model/preview';
import { chosenTriStates, shownTriState, toggleWhatIfBit, whatIfChange, type WhatIf } from '../model/what-if';
import { downloadText } from '../../../lib/download';
import { useCopyText } from '../../../lib/use-copy-text';
import { affectedByWhatIf, whatIfFileName, whatIfJobCsv } from '../model/what-if-csv';

type WhatIfPanelProps = {
  userId: string;
  entries: readonly ConversationEntry[];
  whatIf: WhatIf;
  onChange: (whatIf: WhatIf) => void;
  labeler: BitLabeler;
  /** The query of the address that holds this what-if (InspectPage's view): the link to share. */
  search: string;
};

/**
 * Toggles for the chosen conversations, applied only on this page. For editors, "Open in editor"
 * carries the choice and the toggles to the Marks page, where nothing is saved until Save marks.
 * A viewer, who cannot save, gets no editor: "Copy link" (the address holds the what-if) and
 * "Download as bulk CSV" (one job line per conversation it changes) hand it to someone who can.
 */
export function WhatIfPanel({ userId, entries, whatIf, onChange, labeler, search }: WhatIfPanelProps) {
  const t = useT();
  const navigate = useNavigate();
  const toast = useToast();
  const canEdit = useHasRole('editor');
  // The page's own address holds the what-if (see inspect-url.ts): that is the link to share.
  const location = useLocation();
  const here = useHref({ pathname: location.pathname, search });
  const customId = useId();
  const [customShown, setCustomShown] = useState(false);
  const original = useMemo(() => chosenTriStates(entries, whatIf.chosen), [entries, whatIf.chosen]);
  const change = whatIfChange(whatIf);
  const sentence = describeChange(change, labeler, t);
  const nothingChosen = whatIf.chosen.size === 0;

  const openInEditor = () => {
    const conversations = entries.filter((entry) => whatIf.chosen.has(conversationKey(entry.conversation))).map((entry) => entry.conversation);
    if (conversations.length === 0) return;
    void navigate(`/marks?${new URLSearchParams({ user: userId }).toString()}`, {
      state: marksDraftState({ conversations, setBits: change.setBits, clearBits: change.clearBits }),
    });
  };

  const affected = useMemo(() => affectedByWhatIf(entries, whatIf).length, [entries, whatIf]);
  const [, copyText] = useCopyText();
  const copyLink = async () => {
    const copied = (await copyText(new URL(here, window.location.origin).href)) === 'copied';
    toast(copied ? { severity: 'success', message: t('inspect.linkCopied') } : { severity: 'error', message: t('inspect.linkNotCopied') });
  };
  const downloadCsv = () => downloadText(whatIfJobCsv(userId, entries, whatIf), whatIfFileName(userId), 'text/csv;charset=utf-8');

  const box = (bit: number) => {
    const state = shownTriState(whatIf, original[bit] as TriState, bit);
    return (
      <FormControlLabel
        key={bit}
        sx={{ m: 0, minWidth: 0 }}
        control={
          <Checkbox
            size="small"
            checked={state === 'on'}
            indeterminate={state === 'mixed'}
            disabled={nothingChosen}
            onChange={() => onChange(toggleWhatIfBit(whatIf, original[bit] as TriState, bit))}
            slotProps={{ input: { 'aria-label': labeler.accessibleName(bit) } }}
          />
        }
        label={
          <Typography variant="body2" noWrap component="span" title={labeler.accessibleName(bit)} sx={whatIf.touched.has(bit) ? { fontWeight: 700 } : undefined}>
            {labeler.shortName(bit)}
          </Typography>
        }
      />
    );
  };

  return (
    <Box>
      <Alert severity="warning" sx={{ mb: 2 }}>
        <AlertTitle>{t('inspect.whatIfNotSaved')}</AlertTitle>
        {canEdit ? t('inspect.whatIfNotSavedBody') : t('inspect.whatIfNotSavedBodyViewer')}
      </Alert>
      <Stack direction="row" spacing={1} useFlexGap sx={{ alignItems: 'center', flexWrap: 'wrap', mb: 1 }}>
        <Typography variant="body2" role="status" sx={{ flexGrow: 1 }}>
          {nothingChosen ? t('inspect.whatIfChooseHint') : t('inspect.whatIfChosen', { count: whatIf.chosen.size })}
        </Typography>
        <Button size="small" onClick={() => onChange({ ...whatIf, chosen: new Set(entries.map((entry) => conversationKey(entry.conversation))) })}>
          {t('inspect.chooseAll', { count: entries.length })}
        </Button>
        <Button size="small" disabled={nothingChosen} onClick={() => onChange({ ...whatIf, chosen: new Set() })}>
          {t('inspect.clearChoice')}
        </Button>
      </Stack>
      <Box component="fieldset" sx={fieldsetStyle}>
        <Box component="legend" sx={legendStyle}>
          {t('editor.groupStandard')}
        </Box>
        <Box sx={gridStyle}>{STANDARD_BIT_INDEXES.map(box)}</Box>
      </Box>
      <Box component="fieldset" sx={fieldsetStyle}>
        <Box component="legend" sx={legendStyle}>
          {t('editor.groupCustom')}
        </Box>
        <Button size="small" onClick={() => setCustomShown(!customShown)} aria-expanded={customShown} aria-controls={customId} endIcon={customShown ? <ExpandLess /> : <ExpandMore />}>
          {customShown ? t('inspect.hideCustomBits') : t('inspect.showCustomBits')}
        </Button>
        <Collapse in={customShown} id={customId} unmountOnExit>
          <Box sx={gridStyle}>{CUSTOM_BITS.map(box)}</Box>
        </Collapse>
      </Box>
      <Typography variant="body2" sx={{ my: 1 }} data-testid="what-if-change">
        {sentence ?? t('inspect.whatIfNothing')}
      </Typography>
      <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
        {canEdit ? (
          <Button variant="contained" startIcon={<Edit />} onClick={openInEditor} disabled={nothingChosen}>
            {t('inspect.openInEditor')}
          </Button>
        ) : (
          <>
            <Button variant="contained" startIcon={<ContentCopy />} onClick={() => void copyLink()}>
              {t('inspect.copyLink')}
            </Button>
            <Button variant="outlined" startIcon={<Download />} onClick={downloadCsv} disabled={affected === 0}>
              {t('inspect.downloadBulkCsv')}
            </Button>
          </>
        )}
        <Button onClick={() => onChange({ chosen: whatIf.chosen, touched: new Map() })} disabled={whatIf.touched.size === 0}>
          {t('inspect.resetWhatIf')}
        </Button>
      </Stack>
      {canEdit ? null : (
        <Typography variant="caption" color="text.secondary" component="p" sx={{ mt: 1 }}>
          {t('inspect.viewerHandOff', { count: String(affected) })}
        </Typography>
      )}
    </Box>
  );
}

const fieldsetStyle = { border: 1, borderColor: 'divider', borderRadius: 1, px: 1.5, pb: 1, pt: 0.5, mb: 1.5, minWidth: 0 } as const;
const legendStyle = { px: 0.5, typography: 'subtitle2' } as const;
const gridStyle = { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(150px, 1fr))', columnGap: 1 } as const;
