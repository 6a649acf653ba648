import { useInfiniteQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { QueryState } from './Status.tsx';

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

/**
 * A list's states in words (loading, failed, or `empty`), its rows once there are some, then "Load more"
 * when the list is paged (a `useList`).
 */
export function ListView({
  list,
  count,
  empty,
  children,
}: {
  list: { isPending: boolean; error: unknown } & Partial<Parameters<typeof LoadMore>[0]['list']>;
  count: number;
  empty?: ReactNode;
  children: ReactNode;
}) {
  return (
    <>
      <QueryState isPending={list.isPending} error={list.error} empty={count === 0}>
        {empty}
      </QueryState>
      {count > 0 ? children : null}
      {list.fetchNextPage ? (
        <LoadMore list={{ hasNextPage: Boolean(list.hasNextPage), isFetchingNextPage: Boolean(list.isFetchingNextPage), fetchNextPage: list.fetchNextPage }} />
      ) : null}
    </>
  );
}
