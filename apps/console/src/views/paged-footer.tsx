import type { ReactNode } from 'react';
import { T } from '../i18n';

/** What the footer reads of a `usePagedQuery` list. */
interface Paged {
  data: unknown;
  nodes: unknown[];
  hasMore: boolean;
  loadingMore: boolean;
  loadMore: () => Promise<void>;
}

/**
 * Under a paged list: what to say when the answer is empty (`no-<name>`), how many rows are shown
 * (`<name>-shown`) and 加载更多 while the api has more (`data-action=<action>`), or `end` once it has not.
 */
export function PagedFooter({
  name,
  list,
  empty,
  action = 'more',
  end,
}: {
  name: string;
  list: Paged;
  empty?: ReactNode;
  action?: string;
  end?: ReactNode;
}) {
  return (
    <>
      {empty && list.data && list.nodes.length === 0 ? (
        <p className="note" data-testid={`no-${name}`}>
          {empty}
        </p>
      ) : null}
      <p data-testid={`${name}-paging`}>
        <T zh="已显示" en="Showing" /> <span data-testid={`${name}-shown`}>{list.nodes.length}</span>{' '}
        {list.hasMore ? (
          <button type="button" data-action={action} disabled={list.loadingMore} onClick={() => void list.loadMore()}>
            <T zh="加载更多" en="Load more" />
          </button>
        ) : list.data ? (
          end
        ) : null}
      </p>
    </>
  );
}
