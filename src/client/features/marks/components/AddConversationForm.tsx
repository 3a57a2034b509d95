import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { memo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { CHAT_USER_ID_MAX_BYTES, conversationSchema, GROUP_ID_MAX_BYTES } from '../../../../shared/marks/schemas';
import type { Conversation, ConversationType } from '../../../../shared/marks/conversation';
import { utf8ByteLength } from '../../../../shared/marks/utf8';
import { useT } from '../../../lib/i18n/I18nProvider';
import { isComposing } from '../../../lib/ime';
import { Field } from '../../../components/Field';

export type AddOutcome = 'added' | 'exists';

/**
 * A conversation not in the list (e.g. never messaged, not yet marked) can still be marked: add it by
 * type + ID. Memoised (`onAdd` is stable): selecting rows does not render its fields again.
 */
export const AddConversationForm = memo(function AddConversationForm({ onAdd }: { onAdd: (conversation: Conversation) => AddOutcome }) {
  const t = useT();
  const [type, setType] = useState<ConversationType>('c2c');
  const [id, setId] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const candidate = { type, id: id.trim() };
    const parsed = conversationSchema.safeParse(candidate);
    if (!parsed.success) {
      const bytes = utf8ByteLength(candidate.id);
      const max = type === 'c2c' ? CHAT_USER_ID_MAX_BYTES : GROUP_ID_MAX_BYTES;
      setError(bytes === 0 ? t('add.idEmpty') : bytes > max ? t('add.idTooLong', { bytes, max }) : t('add.idInvalid'));
      setStatus(null);
      return;
    }
    setError(null);
    const outcome = onAdd(parsed.data);
    setStatus(outcome === 'added' ? t('add.added', { id: parsed.data.id }) : t('add.exists', { id: parsed.data.id }));
    setId('');
  };

  return (
    <Box component="form" noValidate onSubmit={submit} aria-labelledby="add-conversation-title">
      <Typography variant="subtitle2" component="h3" id="add-conversation-title" sx={{ mb: 1 }}>
        {t('add.title')}
      </Typography>
      {/* Where the column is narrow (beside the editor at 1440 px), the button goes under the fields
          rather than squeezing the ID or breaking its own label over two lines. */}
      <Stack direction={{ xs: 'column', sm: 'row' }} spacing={1} useFlexGap sx={{ alignItems: { sm: 'flex-start' }, flexWrap: 'wrap' }}>
        <Field
          id="add-conversation-type"
          select
          size="small"
          label={t('add.type')}
          value={type}
          onChange={(event) => setType(event.target.value === 'group' ? 'group' : 'c2c')}
          sx={{ minWidth: 150 }}
        >
          <option value="c2c">{t('type.c2c')}</option>
          <option value="group">{t('type.group')}</option>
        </Field>
        <Field
          id="add-conversation-id"
          size="small"
          label={t('add.id')}
          value={id}
          onChange={(event) => setId(event.target.value)}
          onKeyDown={(event: KeyboardEvent) => {
            // Enter that confirms an IME character must not submit the form.
            if (event.key === 'Enter' && isComposing(event)) event.preventDefault();
          }}
          error={error !== null}
          helperText={error ?? undefined}
          autoComplete="off"
          spellCheck={false}
          sx={{ flex: { sm: '1 1 10rem' } }}
        />
        <Button type="submit" variant="outlined" sx={{ whiteSpace: 'nowrap', flexShrink: 0 }}>
          {t('add.submit')}
        </Button>
      </Stack>
      <Typography variant="body2" color="text.secondary" role="status" sx={{ mt: 0.5, minHeight: '1.5em' }}>
        {status}
      </Typography>
    </Box>
  );
});
