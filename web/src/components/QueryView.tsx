import type { ReactNode } from 'react';
import { Button, Group, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/problem.ts';
import { LoadError } from '../shell/LoadError.tsx';
import { PageLoader } from '../shell/PageLoader.tsx';

/** What QueryView reads of a useQuery / useInfiniteQuery result. */
export interface QueryLike<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => unknown;
  hasNextPage?: boolean;
  isFetchingNextPage?: boolean;
  fetchNextPage?: () => unknown;
}

export interface QueryViewProps<T> {
  query: QueryLike<T>;
  /** Said instead of `children` when the list is empty (an array, or an API page's `items`). */
  empty?: string;
  /** Shown instead of the error for a 404 (the page of a record that does not exist). */
  notFound?: ReactNode;
  /** The text of the button that loads the next page of a paged list. */
  moreLabel?: string;
  children: (data: T) => ReactNode;
}

function isEmptyList(data: unknown): boolean {
  if (Array.isArray(data)) return data.length === 0;
  const items: unknown = typeof data === 'object' && data !== null && 'items' in data ? data.items : undefined;
  return Array.isArray(items) && items.length === 0;
}

/**
 * A query's four states, the same everywhere: a loader that says "Chargement…", the problem's French message with
 * "Réessayer", the empty list's sentence, or the data (and "Afficher plus" while a paged list has more).
 */
export function QueryView<T>({ query, empty, notFound, moreLabel, children }: QueryViewProps<T>) {
  const { t } = useTranslation();
  if (query.isPending) return <PageLoader />;
  if (query.isError) {
    if (notFound !== undefined && query.error instanceof ApiError && query.error.status === 404) return notFound;
    return <LoadError error={query.error} onRetry={() => void query.refetch()} />;
  }
  if (query.data === undefined) return <PageLoader />;
  if (empty !== undefined && isEmptyList(query.data)) return <Text c="dimmed">{empty}</Text>;
  const { fetchNextPage } = query;
  return (
    <>
      {children(query.data)}
      {query.hasNextPage && fetchNextPage && (
        <Group justify="center" mt="md">
          <Button variant="light" onClick={() => void fetchNextPage()} loading={query.isFetchingNextPage}>
            {moreLabel ?? t('common.loadMore')}
          </Button>
        </Group>
      )}
    </>
  );
}
