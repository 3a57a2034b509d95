import { jobRoutes } from '../../../../shared/api/contracts/jobs';
import { routeUrl } from '../../../lib/call-route';

/**
 * GET /api/jobs/:id/results.csv: the input columns plus status, upstream_code and message per row.
 * A plain link, so the browser streams the download with the session cookie.
 */
export function jobResultsHref(jobId: string): string {
  return routeUrl(jobRoutes.results, { params: { id: jobId } });
}
