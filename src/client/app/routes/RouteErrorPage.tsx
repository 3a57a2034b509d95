import Button from '@mui/material/Button';
import Paper from '@mui/material/Paper';
import Stack from '@mui/material/Stack';
import Typography from '@mui/material/Typography';
import { RequestId } from '../../components/ErrorNotice';
import { isApiError } from '../../lib/api-error';
import { useT } from '../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../lib/use-describe-error';

/** What a route's error boundary shows: a sentence, the request id when there is one, and a way on. */
export function RouteErrorPage({ error }: { error: unknown }) {
  const t = useT();
  const describeError = useDescribeError();
  // An API error says what happened; anything else is a bug in this page (or a stale deploy).
  const { sentence, requestId, unreachable } = isApiError(error) ? describeError(error) : { sentence: t('error.pageCrashed'), requestId: null, unreachable: false };
  return (
    <Paper variant="outlined" role="alert" sx={{ p: 4, maxWidth: 640, m: 2 }}>
      <Typography variant="h5" component="h1" gutterBottom>
        {t('error.title')}
      </Typography>
      <Typography>{sentence}</Typography>
      {requestId ? <RequestId requestId={requestId} /> : null}
      {/* Quote the request ID only when there is one; an unanswered request has none. */}
      <Typography color="text.secondary" sx={{ mt: 1 }}>
        {requestId ? t('error.quoteRequestId') : unreachable ? t('error.unreachable') : t('error.noRequestId')}
      </Typography>
      <Stack direction="row" spacing={1} sx={{ mt: 3 }}>
        <Button variant="contained" onClick={() => window.location.reload()}>
          {t('error.reload')}
        </Button>
      </Stack>
    </Paper>
  );
}
