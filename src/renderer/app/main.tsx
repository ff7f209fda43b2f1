// First: connects (and prepares a deep link's session) before the rest of the bundle runs.
import { engine } from './boot';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApiProvider } from '../api/api-context';
import { App } from './App';
import './theme.css';
import './layout.css';
import '../components/components.css';
import '../views/sources/sources.css';
import '../views/sessions/sessions.css';
import '../views/waterfall/waterfall.css';
import '../views/span-detail/span-detail.css';
import '../views/conversation/conversation.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <ApiProvider handle={engine}>
      <App />
    </ApiProvider>
  </StrictMode>,
);
