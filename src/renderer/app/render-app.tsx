/**
 * The UI: loaded as its own chunk after main.tsx has connected (boot.ts), so a deep link's
 * session is asked for while this bundle is still being fetched and evaluated.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider, type ApiHandle } from '../api/api-context';
import { App } from './App';
import './theme.css';
import './layout.css';
import '../components/components.css';
import '../views/sources/sources.css';
import '../views/sessions/sessions.css';
import '../views/waterfall/waterfall.css';
import '../views/span-detail/span-detail.css';
import '../views/conversation/conversation.css';

export function renderApp(engine: ApiHandle): void {
  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root');
  createRoot(root).render(
    <StrictMode>
      <ApiProvider handle={engine}>
        <App />
      </ApiProvider>
    </StrictMode>,
  );
}
