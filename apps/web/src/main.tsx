import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { SessionProvider } from './lib/session';
import { ToastProvider } from './lib/toasts';
import { router } from './router';
import './styles.css';

const mayPass = (status: number | undefined) =>
  status === undefined || status >= 500 || status === 408 || status === 429;

const queryClient = new QueryClient({
  defaultOptions: {
    // A refusal (4xx) is an answer, not a blip: asking again gets the same one. Timeouts and rate
    // limits (408, 429), server errors and lost connections are tried twice more.
    queries: { staleTime: 10_000, retry: (n, err) => n < 2 && mayPass((err as { status?: number }).status) },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <ToastProvider>
          <RouterProvider router={router} />
        </ToastProvider>
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
