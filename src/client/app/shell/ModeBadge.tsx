import Chip from '@mui/material/Chip';
import Skeleton from '@mui/material/Skeleton';
import type { HealthResponse } from '../../../shared/api/health';
import { useHealth } from '../../features/health/api/get-health';
import { useT } from '../../lib/i18n/I18nProvider';
import type { Translate } from '../../lib/i18n/translate';
import { useDescribeError } from '../../lib/use-describe-error';

export function modeLabel(health: HealthResponse, t: Translate): string {
  if (health.mode === 'sandbox') return t('topBar.sandbox');
  return t('topBar.live', { sdkAppId: health.chat.sdkAppId ?? '—', region: health.chat.region ?? '—' });
}

/** `Sandbox` or `Live · {SDKAppID} · {region}`: which Chat app a change will reach. */
export function ModeBadge() {
  const t = useT();
  const describeError = useDescribeError();
  const health = useHealth();
  if (health.isPending) return <Skeleton variant="rounded" width={96} height={24} />;
  if (health.isError) {
    const { sentence, requestId } = describeError(health.error);
    return (
      <Chip size="small" color="warning" label={t('topBar.modeUnknown')} title={requestId ? `${sentence} ${t('error.requestId', { requestId })}` : sentence} />
    );
  }
  const sandbox = health.data.mode === 'sandbox';
  return (
    // A native title, not MUI's Tooltip (which would pull Popper into the first download).
    <Chip size="small" color={sandbox ? 'primary' : 'error'} label={modeLabel(health.data, t)} title={sandbox ? t('topBar.sandboxHint') : t('topBar.liveHint')} />
  );
}
