import { useInfiniteQuery, type QueryKey } from '@tanstack/react-query';

export interface Page<T> {
  items: T[];
  /** Absent or null on the last page. */
  next_cursor?: string | null;
}

/** A `{items, next_cursor}` list, loaded page after page ("Afficher plus"); `data` is the items of the pages loaded. */
export function useCursorList<T>(queryKey: QueryKey, fetchPage: (cursor: string | undefined) => Promise<Page<T>>) {
  return useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // The cache keeps the pages (to load the next one); the page shows one list.
    select: (data) => data.pages.flatMap((page) => page.items),
  });
}
