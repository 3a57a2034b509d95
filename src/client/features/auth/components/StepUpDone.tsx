import { useEffect } from 'react';
import { useT } from '../../../lib/i18n/I18nProvider';

/** The message a step-up window sends the page that opened it once the provider has confirmed the person. */
export const STEP_UP_DONE_MESSAGE = 'markdesk:step-up-done';
/** Where the identity provider sends a step-up window back to. */
export const STEP_UP_DONE_PATH = '/step-up-done';
/**
 * The same-origin channel the message goes out on too. The opener is usually gone by then: the
 * console's Cross-Origin-Opener-Policy (same-origin) cuts a window's link to its opener once it
 * has been to the provider's origin, so `window.opener` is null when the window comes back here.
 * A BroadcastChannel reaches the pages of this origin in this browser whatever the opener policy.
 */
export const STEP_UP_DONE_CHANNEL = 'markdesk-step-up';

/**
 * The end of a single sign-on step-up in its own window: tells the page that opened it (same origin
 * only: its opener if it still has one, and the step-up channel) and closes, so the page can send
 * the refused request again without losing anything typed.
 */
export default function StepUpDone() {
  const t = useT();
  useEffect(() => {
    const message = { type: STEP_UP_DONE_MESSAGE };
    (window.opener as Window | null)?.postMessage(message, window.location.origin);
    if (typeof BroadcastChannel === 'function') {
      const channel = new BroadcastChannel(STEP_UP_DONE_CHANNEL);
      channel.postMessage(message);
      channel.close();
    }
    window.close();
  }, []);
  return (
    <main id="main" style={{ padding: 24 }}>
      <p>{t('stepUp.doneWindow')}</p>
    </main>
  );
}
