import { queryOptions } from '@tanstack/react-query';
import { auditVerifyResponseSchema, type AuditVerifyResponse } from '../../../../shared/api/audit';
import { apiRequest } from '../../../lib/api-client';
import { settingsKeys } from './keys';

/** GET /api/audit/verify: walks the audit log's hash chain. */
export function verifyAuditChain(signal?: AbortSignal): Promise<AuditVerifyResponse> {
  return apiRequest('/api/audit/verify', { schema: auditVerifyResponseSchema, signal });
}

export function auditChainQueryOptions() {
  return queryOptions({ queryKey: settingsKeys.auditChain(), queryFn: ({ signal }) => verifyAuditChain(signal), staleTime: 0 });
}
