import { queryOptions } from '@tanstack/react-query';
import type { AuditVerifyResponse } from '../../../../shared/api/audit';
import { auditRoutes } from '../../../../shared/api/contracts/audit';
import { callRoute } from '../../../lib/call-route';
import { settingsKeys } from './keys';

/** GET /api/audit/verify: walks the audit log's hash chain. */
export function verifyAuditChain(signal?: AbortSignal): Promise<AuditVerifyResponse> {
  return callRoute(auditRoutes.verify, { signal });
}

export function auditChainQueryOptions() {
  return queryOptions({ queryKey: settingsKeys.auditChain(), queryFn: ({ signal }) => verifyAuditChain(signal), staleTime: 0 });
}

/** How often the progress of a running check is asked for. */
const PROGRESS_POLL_MS = 500;

/** GET /api/audit/verify/progress, polled while a check runs (the check is shared by everyone asking). */
export function auditChainProgressQueryOptions(running: boolean) {
  return queryOptions({
    queryKey: settingsKeys.auditChainProgress(),
    queryFn: ({ signal }) => callRoute(auditRoutes.verifyProgress, { signal }),
    enabled: running,
    refetchInterval: running ? PROGRESS_POLL_MS : false,
    staleTime: 0,
  });
}
