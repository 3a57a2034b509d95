import { useCallback, useRef, useState } from 'react';
import type { ConversationEntry } from '../../../../shared/api/chat-users';
import type { MarkItemRequest, MarkResult } from '../../../../shared/api/marks';
import type { MarkChange } from '../../../../shared/marks/change';
import { conversationKey, type Conversation } from '../../../../shared/marks/conversation';
import { useToast } from '../../../components/ToastProvider';
import type { ErrorDescription } from '../../../lib/describe-error';
import { useT } from '../../../lib/i18n/I18nProvider';
import { useDescribeError } from '../../../lib/use-describe-error';
import { PartialSaveError, useSaveMarks } from '../api/save-marks';
import type { SaveRequest, SelectedConversation } from '../components/MarkEditor';
import { countByStatus } from '../components/SaveResults';

/** Saves of more conversations than this ask for confirmation first. */
export const LARGE_SAVE_CONVERSATIONS = 100;

/** The one change applied to one conversation; `expectedCustomMark` guards a custom-mark edit against a concurrent one. */
export function markItem(conversation: Conversation, currentCustomMark: string, change: MarkChange): MarkItemRequest {
  const item: MarkItemRequest = { conversation };
  if (change.setBits.length > 0) item.setBits = change.setBits;
  if (change.clearBits.length > 0) item.clearBits = change.clearBits;
  if (change.customMark !== undefined) {
    item.customMark = change.customMark;
    item.expectedCustomMark = currentCustomMark;
  }
  return item;
}

export type LastSave = { change: MarkChange; reason: string; results: MarkResult[] };

/**
 * A save that did not get through (network, 5xx). Kept whole, so nothing is lost: the request as it
 * was sent (Retry sends exactly it again, with the same guards, so an item that landed the first time
 * comes back unchanged), and the selection as the editor showed it (the editor keeps showing it, so
 * a refetch does not reset the ticked bits, the custom mark or the reason).
 */
type FailedSave = {
  items: MarkItemRequest[];
  change: MarkChange;
  reason: string;
  merge: (results: MarkResult[]) => MarkResult[];
  shown: SelectedConversation[];
  error: SaveFailure;
};

/** Why a save did not get through; `saved`: a save sent in turns got this far before it stopped (Retry sends the rest). */
export type SaveFailure = ErrorDescription & { saved?: { done: number; total: number } };

type SaveOptions = {
  userId: string;
  /** Reads the conversations again (before a reapply). */
  refetch: () => Promise<readonly ConversationEntry[] | undefined>;
  /** Called when a save answered. */
  onSaved: () => void;
};

/**
 * Saving the editor's change for the conversations it shows: large saves confirmed first, a failed
 * save kept for Retry, the results of the last save, and Reapply of its conflicts against the state
 * read again. `pinned` is the selection the editor must keep showing (a save in flight or failed);
 * `selectionChanged` forgets both, since another selection is another change.
 */
export function useSaveWithReapply({ userId, refetch, onSaved }: SaveOptions) {
  const t = useT();
  const toast = useToast();
  const describeError = useDescribeError();
  const mutation = useSaveMarks(userId);
  const [lastSave, setLastSave] = useState<LastSave | null>(null);
  const [failedSave, setFailedSave] = useState<FailedSave | null>(null);
  // The selection the editor showed when the save in flight was sent: a refetch meanwhile leaves it be.
  const [inFlight, setInFlight] = useState<SelectedConversation[] | null>(null);
  // Counts the saves that answered: the results take the focus after each.
  const [savesAnswered, setSavesAnswered] = useState(0);
  // A save of more than LARGE_SAVE_CONVERSATIONS is confirmed first, naming the count and the change.
  const [confirming, setConfirming] = useState<SaveRequest | null>(null);
  // Bumped by every change of the selection: a save answering after one no longer speaks for the editor.
  const selectionEpoch = useRef(0);

  const selectionChanged = useCallback(() => {
    setFailedSave(null);
    setInFlight(null);
    selectionEpoch.current++;
  }, []);

  const send = (items: MarkItemRequest[], change: MarkChange, reason: string, merge: (results: MarkResult[]) => MarkResult[], shown: SelectedConversation[]) => {
    setInFlight(shown);
    const epoch = selectionEpoch.current;
    mutation.mutate(
      { items, ...(reason === '' ? {} : { reason }) },
      {
        onSuccess: (results) => {
          const merged = merge(results);
          setInFlight(null);
          onSaved();
          setFailedSave(null);
          setLastSave({ change, reason, results: merged });
          setSavesAnswered((count) => count + 1);
          const counts = countByStatus(merged);
          if (counts.conflict + counts.failed === 0) toast({ severity: 'success', message: t('results.saved', counts) });
          else toast({ severity: 'warning', message: t('results.needsAttention') });
        },
        // Said in the editor, beside Save, with Retry; everything the person entered stays. A save
        // sent in turns that stopped part way shows the results of the turns that got through, and
        // Retry sends only the items after them.
        onError: (error) => {
          const partial = error instanceof PartialSaveError ? error.results : [];
          const described = describeError(error instanceof PartialSaveError ? error.cause : error);
          if (partial.length > 0) setLastSave({ change, reason, results: merge(partial) });
          if (epoch !== selectionEpoch.current) {
            toast({ severity: 'error', message: described.sentence, requestId: described.requestId });
            return;
          }
          setInFlight(null);
          setFailedSave({
            items: items.slice(partial.length),
            change,
            reason,
            merge: (rest) => merge([...partial, ...rest]),
            shown,
            error: partial.length > 0 ? { ...described, saved: { done: partial.length, total: items.length } } : described,
          });
        },
      },
    );
  };

  const saveNow = ({ change, reason }: SaveRequest, shown: SelectedConversation[]) => {
    // Guarded by the custom marks the person saw (the editor's selection), not by a refetch since.
    const items = shown.map((item) => markItem(item.conversation, item.state.customMark, change));
    send(items, change, reason, (results) => results, shown);
  };

  // Conflicts: read the current state again, then send the same change against what is there now.
  // A second click while the state is being read again (before the send) is the same reapply.
  const rereading = useRef(false);
  const [rereadPending, setRereadPending] = useState(false);
  const reapply = async (shown: SelectedConversation[]) => {
    if (!lastSave || rereading.current || mutation.isPending) return;
    const conflicts = lastSave.results.filter((result) => result.status === 'conflict');
    rereading.current = true;
    setRereadPending(true);
    const fresh = await refetch().finally(() => {
      rereading.current = false;
      setRereadPending(false);
    });
    const freshByKey = new Map((fresh ?? []).map((entry) => [conversationKey(entry.conversation), entry]));
    const items = conflicts.map((result) => {
      const current = freshByKey.get(conversationKey(result.conversation));
      return markItem(result.conversation, current?.customMark ?? result.after.customMark, lastSave.change);
    });
    if (items.length === 0) return;
    send(
      items,
      lastSave.change,
      lastSave.reason,
      (results) => {
        const byKey = new Map(results.map((result) => [conversationKey(result.conversation), result]));
        return lastSave.results.map((result) => byKey.get(conversationKey(result.conversation)) ?? result);
      },
      shown,
    );
  };

  return {
    pinned: failedSave?.shown ?? inFlight,
    saving: mutation.isPending || rereadPending,
    saveError: failedSave?.error ?? null,
    lastSave,
    savesAnswered,
    confirming,
    selectionChanged,
    /** Save marks: at once, or after the confirmation when it is large. */
    save: (request: SaveRequest, shown: SelectedConversation[]) => {
      if (shown.length > LARGE_SAVE_CONVERSATIONS) setConfirming(request);
      else saveNow(request, shown);
    },
    confirm: (shown: SelectedConversation[]) => {
      if (confirming) saveNow(confirming, shown);
    },
    cancelConfirm: () => setConfirming(null),
    retry: () => {
      if (failedSave) send(failedSave.items, failedSave.change, failedSave.reason, failedSave.merge, failedSave.shown);
    },
    reapply,
    dismissResults: () => setLastSave(null),
  };
}
