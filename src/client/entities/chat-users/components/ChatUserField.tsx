import History from '@mui/icons-material/History';
import Box from '@mui/material/Box';
import Button from '@mui/material/Button';
import Chip from '@mui/material/Chip';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { useState, type KeyboardEvent } from 'react';
import { chatUserIdSchema } from '../../../../shared/marks/schemas';
import { useT } from '../../../lib/i18n/I18nProvider';
import { isComposing } from '../../../lib/ime';
import { useRecentChatUsers } from '../hooks/use-recent-chat-users';
import { Field } from '../../../components/Field';

/** `Chat user ID`: Enter (outside IME composition) or Load opens the user; recent ones are one click away. */
export function ChatUserField({ userId, onLoad }: { userId: string | null; onLoad: (userId: string) => void }) {
  const t = useT();
  const recent = useRecentChatUsers();
  const [text, setText] = useState(userId ?? '');
  const [shownUserId, setShownUserId] = useState(userId);
  const [invalid, setInvalid] = useState(false);

  // The address bar may change the user (back button, shared link): show it in the field.
  if (userId !== shownUserId) {
    setShownUserId(userId);
    setText(userId ?? '');
  }

  const load = (value: string) => {
    const trimmed = value.trim();
    if (!chatUserIdSchema.safeParse(trimmed).success) {
      setInvalid(true);
      return;
    }
    setInvalid(false);
    setText(trimmed);
    onLoad(trimmed);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'Enter' || isComposing(event)) return;
    event.preventDefault();
    load(text);
  };

  return (
    <Box>
      <Stack direction="row" spacing={1} sx={{ alignItems: 'flex-start' }}>
        <Field
          id="chat-user-id"
          label={t('marks.chatUserId')}
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            if (invalid) setInvalid(false);
          }}
          onKeyDown={onKeyDown}
          error={invalid}
          helperText={invalid ? t('marks.chatUserInvalid') : t('marks.chatUserIdHelp')}
          autoComplete="off"
          spellCheck={false}
          sx={{ flexGrow: 1, maxWidth: 480 }}
        />
        <Button variant="contained" onClick={() => load(text)} sx={{ mt: 1 }}>
          {t('marks.load')}
        </Button>
      </Stack>
      {recent.length > 0 ? (
        <Stack direction="row" spacing={1} useFlexGap sx={{ mt: 1, alignItems: 'center', flexWrap: 'wrap' }}>
          <History fontSize="small" color="action" aria-hidden />
          <Typography variant="body2" color="text.secondary" id="recent-chat-users">
            {t('marks.recent')}
          </Typography>
          <Box component="ul" aria-labelledby="recent-chat-users" sx={{ display: 'flex', flexWrap: 'wrap', gap: 1, listStyle: 'none', p: 0, m: 0 }}>
            {recent.map((id) => (
              <li key={id}>
                <Chip label={id} size="small" variant={id === userId ? 'filled' : 'outlined'} onClick={() => load(id)} />
              </li>
            ))}
          </Box>
        </Stack>
      ) : null}
    </Box>
  );
}
