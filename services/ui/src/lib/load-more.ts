import { useCallback } from 'react';

/** The table's "near the end" callback for an infinite query: asks for the next page unless there is none or one is on its way. */
export function useLoadMore(q: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> }): () => void {
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = q;
  return useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
}
