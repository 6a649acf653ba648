import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './App.tsx';
import { SessionProvider, startSession } from './auth/index.ts';
import { loadConfig } from './config.ts';

/** Bootstrap: runtime config, then the session (may leave for the sign-in page), then the app. */
async function main() {
  const element = document.getElementById('root');
  if (!element) throw new Error('index.html has no #root element');
  const root = createRoot(element);
  try {
    const config = await loadConfig();
    const session = await startSession(config);
    const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 10_000, retry: 1 } } });
    root.render(
      <StrictMode>
        <SessionProvider initial={session}>
          <QueryClientProvider client={queryClient}>
            <App />
          </QueryClientProvider>
        </SessionProvider>
      </StrictMode>,
    );
  } catch (error) {
    root.render(
      <main className="session-notice">
        <h1>Lobby Console could not start</h1>
        <p role="alert">{(error as Error).message}</p>
      </main>,
    );
  }
}

void main();
