import { useCallback, useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router';
import { readMarksDraft, type MarksDraft } from '../../../entities/marks/model/draft';

/**
 * A change prepared on another page (Inspect's what-if) arrives in the router state: its
 * conversations start selected and its bits ticked; nothing is sent until Save marks. The router
 * state is consumed at once (a reload or a Back must not tick the same bits again); the draft itself
 * stays until the selection changes or a save answers (`clearDraft`).
 */
export function useMarksDraft(): { draft: MarksDraft | null; clearDraft: () => void } {
  const location = useLocation();
  const navigate = useNavigate();
  const [draft, setDraft] = useState<MarksDraft | null>(() => readMarksDraft(location.state));
  useEffect(() => {
    if (readMarksDraft(location.state) !== null) void navigate({ search: location.search }, { replace: true, state: null });
  }, [location.state, location.search, navigate]);
  const clearDraft = useCallback(() => setDraft(null), []);
  return { draft, clearDraft };
}
