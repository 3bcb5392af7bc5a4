import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import { ApiError, isSecondFactorRequired } from './api/problem.ts';
import { SECOND_FACTOR_DUE_KEY, SESSION_KEY } from './api/keys.ts';
import { endSession } from './api/session.ts';

/**
 * A 401 anywhere means the session is gone: forget it, and the shell sends the user to /connexion. A 403
 * `second-factor-required` means the school requires 2FA for the role: the shell sends the user to "Mon compte".
 */
function onAuthError(error: unknown): void {
  if (!(error instanceof ApiError)) return;
  if (error.status === 401) endSession(queryClient);
  if (error.status === 403 && isSecondFactorRequired(error)) queryClient.setQueryData(SECOND_FACTOR_DUE_KEY, true);
}

export const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (query.queryKey[0] !== SESSION_KEY[0]) onAuthError(error);
    },
  }),
  mutationCache: new MutationCache({
    onError: (error, _variables, _context, mutation) => {
      // Login and invitation accept answer 401 for a wrong password: that is not a lost session.
      if (mutation.meta?.authForm !== true) onAuthError(error);
    },
  }),
  defaultOptions: {
    queries: {
      staleTime: 30 * 1000,
      retry: (failureCount, error) => {
        if (error instanceof ApiError && error.status >= 400 && error.status < 500) return false;
        return failureCount < 2;
      },
    },
    mutations: { retry: false },
  },
});
