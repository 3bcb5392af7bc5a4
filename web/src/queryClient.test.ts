import { SECOND_FACTOR_DUE_KEY, SESSION_KEY } from './api/keys.ts';
import { ApiError } from './api/problem.ts';
import { queryClient } from './queryClient.ts';

const fail = (error: ApiError) =>
  queryClient.query({ queryKey: ['anything', Math.random()], queryFn: () => Promise.reject(error) }).catch(() => undefined);

describe('the app-wide answers to auth errors', () => {
  afterEach(() => queryClient.clear());

  it('marks the second factor due on a 403 second-factor-required, and only then', async () => {
    await fail(new ApiError({ status: 403, detail: 'Votre rôle ne permet pas cette action.' }));
    expect(queryClient.getQueryData(SECOND_FACTOR_DUE_KEY)).toBeUndefined();
    await fail(new ApiError({ status: 403, type: 'https://volant.app/problems/second-factor-required' }));
    expect(queryClient.getQueryData(SECOND_FACTOR_DUE_KEY)).toBe(true);
  });

  it('forgets the session on a 401', async () => {
    queryClient.setQueryData(SESSION_KEY, { user: { id: 'x' } });
    await fail(new ApiError({ status: 401 }));
    expect(queryClient.getQueryData(SESSION_KEY)).toBeNull();
  });
});
