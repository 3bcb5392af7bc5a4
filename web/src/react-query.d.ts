import '@tanstack/react-query';
import type { ApiError } from './api/problem.ts';

declare module '@tanstack/react-query' {
  interface Register {
    defaultError: ApiError | Error;
    mutationMeta: { authForm?: boolean };
  }
}
