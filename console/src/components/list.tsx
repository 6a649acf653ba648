import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';

interface PageOf<T> {
  items: T[];
  nextCursor: string | null;
}

/** A cursor-paged list (`items`, `nextCursor`) as one growing array with "Load more". */
export function useList<T>(
  key: readonly unknown[],
  fetchPage: (cursor: string | undefined) => Promise<PageOf<T>>,
  opts: { refetchInterval?: number | false; enabled?: boolean } = {},
) {
  const query = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: PageOf<T>) => last.nextCursor ?? undefined,
    refetchInterval: opts.refetchInterval,
    enabled: opts.enabled,
  });
  return { ...query, items: query.data?.pages.flatMap((page) => page.items) ?? [] };
}

export function LoadMore({ list }: { list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown } }) {
  if (!list.hasNextPage) return null;
  return (
    <p>
      <button type="button" onClick={() => void list.fetchNextPage()} disabled={list.isFetchingNextPage}>
        {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
      </button>
    </p>
  );
}

/** A data table: column headers (a falsy entry is a column not shown), then the rows. */
export function DataTable({ columns, children }: { columns: readonly (string | false | null | undefined)[]; children: ReactNode }) {
  return (
    <table className="data">
      <thead>
        <tr>
          {columns.map((column) =>
            column ? (
              <th scope="col" key={column}>
                {column}
              </th>
            ) : null,
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  );
}
