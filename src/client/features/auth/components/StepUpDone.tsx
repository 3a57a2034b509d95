import { useEffect } from 'react';
import { useT } from '../../../lib/i18n/I18nProvider';

/** The message a step-up window sends the page that opened it once the provider has confirmed the person. */
export const STEP_UP_DONE_MESSAGE = 'markdesk:step-up-done';
/** Where the identity provider sends a step-up window back to. */
export const STEP_UP_DONE_PATH = '/step-up-done';

/**
 * The end of a single sign-on step-up in its own window: tells the page that opened it (same origin
 * only) and closes, so the page can send the refused request again without losing anything typed.
 */
export default function StepUpDone() {
  const t = useT();
  useEffect(() => {
    window.opener?.postMessage({ type: STEP_UP_DONE_MESSAGE }, window.location.origin);
    window.close();
  }, []);
  return (
    <main id="main" style={{ padding: 24 }}>
      <p>{t('stepUp.doneWindow')}</p>
    </main>
  );
}
