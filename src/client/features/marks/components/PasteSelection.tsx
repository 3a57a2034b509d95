import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import GlobalStyles from '@mui/material/GlobalStyles';
import Typography from '@mui/material/Typography';
import { memo, useState, type FormEvent } from 'react';
import type { Conversation } from '../../../../shared/marks/conversation';
import { plainFieldStyles } from '../../../components/plain-field-styles';
import { useFormat, useT } from '../../../lib/i18n/I18nProvider';
import { matchPastedIds, MAX_PASTED_IDS, type PasteMatch } from '../model/paste-selection';

export type PasteSelectionProps = {
  /** The conversations in the list, in any order. */
  listed: readonly Conversation[];
  /** Adds the keys to the selection. */
  onSelect: (keys: string[]) => void;
  /** Adds conversations that are not in the list (and selects them). */
  onAddMissing: (missing: Conversation[]) => void;
};

const HINT_ID = 'paste-conversation-ids-hint';

/**
 * Paste the conversation IDs from a ticket to select them all at once. The field is a plain
 * labelled textarea that the person resizes: MUI's auto-growing one measured the page's layout as
 * the Marks page mounted (about 150 ms on a slow laptop, before its first paint).
 */
export const PasteSelection = memo(function PasteSelection({ listed, onSelect, onAddMissing }: PasteSelectionProps) {
  const t = useT();
  const format = useFormat();
  const [text, setText] = useState('');
  const [match, setMatch] = useState<PasteMatch | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next = matchPastedIds(text, listed);
    setMatch(next);
    if (next.keys.length > 0) onSelect(next.keys);
  };

  const missingList = match?.missing.map((conversation) => conversation.id).join(', ') ?? '';
  return (
    <Stack component="form" className="paste-selection-form" noValidate onSubmit={submit} spacing={1} aria-labelledby="paste-selection-title">
      <Typography variant="subtitle2" component="h3" id="paste-selection-title">
        {t('paste.title')}
      </Typography>
      <PasteFieldStyles />
      <div className="field field-floating">
        <label htmlFor="paste-conversation-ids">{t('paste.field')}</label>
        <textarea
          id="paste-conversation-ids"
          rows={3}
          value={text}
          onChange={(event) => setText(event.target.value)}
          autoComplete="off"
          spellCheck={false}
          aria-describedby={HINT_ID}
        />
        <span id={HINT_ID} className="field-help">
          {t('paste.hint', { max: format.number(MAX_PASTED_IDS) })}
        </span>
      </div>
      <Stack direction="row" spacing={1}>
        <Button type="submit" variant="outlined" disabled={text.trim() === ''}>
          {t('paste.select')}
        </Button>
      </Stack>
      <Typography variant="body2" role="status" color="text.secondary" sx={{ minHeight: '1.5em' }}>
        {match === null
          ? null
          : [
              t('paste.selected', { count: format.number(match.keys.length), read: format.number(match.read) }),
              match.missing.length > 0 ? t('paste.missing', { ids: missingList }) : '',
              match.invalid.length > 0 ? t('paste.invalid', { ids: match.invalid.join(', ') }) : '',
              match.truncated ? t('paste.truncated', { max: format.number(MAX_PASTED_IDS) }) : '',
            ]
              .filter(Boolean)
              .join(' ')}
      </Typography>
      {match !== null && match.missing.length > 0 ? (
        <div>
          <Button
            size="small"
            onClick={() => {
              onAddMissing(match.missing);
              setMatch({ ...match, keys: [...match.keys], missing: [] });
            }}
          >
            {t('paste.addMissing', { count: format.number(match.missing.length) })}
          </Button>
        </div>
      ) : null}
    </Stack>
  );
});

/** The field's styles, written once (per theme) under its class. */
const PasteFieldStyles = memo(function PasteFieldStyles() {
  return (
    <GlobalStyles
      styles={(theme) => ({
        '.paste-selection-form': theme.unstable_sx({
          ...plainFieldStyles(theme),
          '& .field textarea': { py: 1, resize: 'vertical', minHeight: '3em' },
        }),
      })}
    />
  );
});
