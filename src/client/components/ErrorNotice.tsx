import Alert from '@mui/material/Alert';
import AlertTitle from '@mui/material/AlertTitle';
import Button from '@mui/material/Button';
import Typography from '@mui/material/Typography';
import { ApiError } from '../lib/api-error';
import { useT } from '../lib/i18n/I18nProvider';
import { useDescribeError } from '../lib/use-describe-error';

/** Answers that the same request cannot change by being sent again. */
const FINAL_STATUSES = new Set([400, 403, 404, 409, 413, 415, 422]);

/**
 * Every error the person sees: a sentence they understand, and the request id to quote. "Try
 * again" is offered only where trying again can help (not for a job that does not exist).
 */
export function ErrorNotice({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const t = useT();
  const { sentence, requestId, unreachable } = useDescribeError()(error);
  const retryable = !(error instanceof ApiError && FINAL_STATUSES.has(error.status));
  return (
    <Alert
      severity="error"
      action={
        onRetry && retryable ? (
          <Button color="inherit" size="small" onClick={onRetry}>
            {t('error.retry')}
          </Button>
        ) : undefined
      }
    >
      {title ? <AlertTitle>{title}</AlertTitle> : null}
      {sentence}
      {requestId ? <RequestId requestId={requestId} /> : null}
      {!requestId && unreachable ? (
        <Typography variant="body2" component="span" sx={{ display: 'block', mt: 0.5 }}>
          {t('error.unreachable')}
        </Typography>
      ) : null}
    </Alert>
  );
}

export function RequestId({ requestId }: { requestId: string }) {
  const t = useT();
  return (
    <Typography variant="body2" component="span" sx={{ display: 'block', mt: 0.5, fontFamily: 'monospace', userSelect: 'all' }}>
      {t('error.requestId', { requestId })}
    </Typography>
  );
}
