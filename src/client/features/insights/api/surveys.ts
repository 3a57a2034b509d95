import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import {
  surveyCompareResponseSchema,
  surveyCreatedResponseSchema,
  surveyListResponseSchema,
  surveyStatusSchema,
  type SurveyCreateRequest,
  type SurveyStatus,
} from '../../../../shared/api/insights';
import { apiRequest } from '../../../lib/api-client';
import { insightsKeys } from './keys';

/** A running survey is polled about once a second; a finished one never changes. */
export const SURVEY_POLL_MS = 1000;

const isActive = (status: Pick<SurveyStatus, 'state'> | undefined) => status?.state === 'running';

export function surveysQueryOptions() {
  return queryOptions({
    queryKey: insightsKeys.surveys(),
    queryFn: ({ signal }) => apiRequest('/api/surveys?limit=50', { schema: surveyListResponseSchema, signal }),
    refetchInterval: (query) => (query.state.data?.surveys.some(isActive) ? 5 * SURVEY_POLL_MS : false),
  });
}

export function surveyQueryOptions(id: string) {
  return queryOptions({
    queryKey: insightsKeys.survey(id),
    queryFn: ({ signal }) => apiRequest(`/api/surveys/${encodeURIComponent(id)}`, { schema: surveyStatusSchema, signal }),
    refetchInterval: (query) => (isActive(query.state.data) ? SURVEY_POLL_MS : false),
  });
}

export function compareQueryOptions(a: string, b: string) {
  return queryOptions({
    queryKey: insightsKeys.compare(a, b),
    queryFn: ({ signal }) => apiRequest(`/api/surveys/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`, { schema: surveyCompareResponseSchema, signal }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useCreateSurvey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: SurveyCreateRequest) => apiRequest('/api/surveys', { method: 'POST', body: request, schema: surveyCreatedResponseSchema }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: insightsKeys.surveys() }),
  });
}

export type SurveyAction = 'pause' | 'resume' | 'cancel';

export function useControlSurvey(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: SurveyAction) => apiRequest(`/api/surveys/${encodeURIComponent(id)}/${action}`, { method: 'POST', body: {}, schema: surveyStatusSchema }),
    onSuccess: (status) => queryClient.setQueryData(insightsKeys.survey(id), status),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: insightsKeys.survey(id) }), queryClient.invalidateQueries({ queryKey: insightsKeys.surveys() })]),
  });
}

/** The per-user CSV; `values` false leaves the custom mark values out. */
export function surveyCsvHref(id: string, values: boolean): string {
  return `/api/surveys/${encodeURIComponent(id)}/users.csv?values=${values ? 1 : 0}`;
}
