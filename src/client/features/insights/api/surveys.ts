import { queryOptions, useMutation, useQueryClient } from '@tanstack/react-query';
import { insightsRoutes } from '../../../../shared/api/contracts/insights';
import type { SurveyCreateRequest, SurveyStatus } from '../../../../shared/api/insights';
import { callRoute, routeUrl } from '../../../lib/call-route';
import { insightsKeys } from './keys';

/** A running survey is polled about once a second; a finished one never changes. */
export const SURVEY_POLL_MS = 1000;

const isActive = (status: Pick<SurveyStatus, 'state'> | undefined) => status?.state === 'running';

export function surveysQueryOptions() {
  return queryOptions({
    queryKey: insightsKeys.surveys(),
    queryFn: ({ signal }) => callRoute(insightsRoutes.surveys, { query: { limit: 50 }, signal }),
    refetchInterval: (query) => (query.state.data?.surveys.some(isActive) ? 5 * SURVEY_POLL_MS : false),
  });
}

export function surveyQueryOptions(id: string) {
  return queryOptions({
    queryKey: insightsKeys.survey(id),
    queryFn: ({ signal }) => callRoute(insightsRoutes.survey, { params: { id }, signal }),
    refetchInterval: (query) => (isActive(query.state.data) ? SURVEY_POLL_MS : false),
  });
}

export function compareQueryOptions(a: string, b: string) {
  return queryOptions({
    queryKey: insightsKeys.compare(a, b),
    queryFn: ({ signal }) => callRoute(insightsRoutes.compare, { query: { a, b }, signal }),
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useCreateSurvey() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: SurveyCreateRequest) => callRoute(insightsRoutes.createSurvey, { body: request }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: insightsKeys.surveys() }),
  });
}

export type SurveyAction = 'pause' | 'resume' | 'cancel';

const SURVEY_ACTION_ROUTES = { pause: insightsRoutes.pauseSurvey, resume: insightsRoutes.resumeSurvey, cancel: insightsRoutes.cancelSurvey } as const;

export function useControlSurvey(id: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: SurveyAction) => callRoute(SURVEY_ACTION_ROUTES[action], { params: { id }, body: {} }),
    onSuccess: (status) => queryClient.setQueryData(insightsKeys.survey(id), status),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: insightsKeys.survey(id) }), queryClient.invalidateQueries({ queryKey: insightsKeys.surveys() })]),
  });
}

/** The per-user CSV; `values` false leaves the custom mark values out. */
export function surveyCsvHref(id: string, values: boolean): string {
  return routeUrl(insightsRoutes.surveyCsv, { params: { id }, query: { values: values ? '1' : '0' } });
}
