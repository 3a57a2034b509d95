import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { preloadRoute } from './app/routes';
import { firstScreenRequests, sendEarly } from './lib/early-requests';
import { initialLanguage } from './lib/i18n/I18nProvider';
import { loadDictionary } from './lib/i18n/translate';

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root element');

// The first screen's requests, the page's code and the one dictionary it needs all go out now,
// side by side; index.html's own placeholder stays on screen until the first render replaces it.
sendEarly(firstScreenRequests(window.location));
preloadRoute(window.location.pathname);
const render = () =>
  createRoot(container).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
// Should the dictionary not arrive, the provider asks for it again while rendering.
loadDictionary(initialLanguage()).then(render, render);
