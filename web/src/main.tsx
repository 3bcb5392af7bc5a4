import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/charts/styles.css';
import './styles.css';
import './i18n/index.ts';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { AppProviders } from './AppProviders.tsx';
import { App } from './App.tsx';
import { queryClient } from './queryClient.ts';
import { OfflineBar } from './offline/OfflineBar.tsx';
import { startOffline } from './offline/runtime.ts';
import { registerServiceWorker } from './offline/serviceWorker.ts';

const root = document.getElementById('root');
if (!root) throw new Error('#root missing');

// The instructor's day kept in the browser is back in the cache before the first render (the app opens offline).
startOffline(queryClient);
registerServiceWorker();

createRoot(root).render(
  <StrictMode>
    <AppProviders queryClient={queryClient}>
      <BrowserRouter>
        <App />
        <OfflineBar />
      </BrowserRouter>
    </AppProviders>
  </StrictMode>,
);
