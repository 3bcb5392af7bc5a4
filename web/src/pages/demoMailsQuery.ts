import { queryOptions } from '@tanstack/react-query';
import { api, unwrap } from '../api/client.ts';

/** Shared by the page and by the shell, which shows the menu entry only when this does not answer 404. */
export const demoMailsQuery = queryOptions({
  queryKey: ['demo-mails'],
  queryFn: () => unwrap(api.GET('/api/v1/demo/mails')),
  retry: false,
  staleTime: 10 * 1000,
});
