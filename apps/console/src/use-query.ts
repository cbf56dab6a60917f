import { useCallback, useEffect, useRef, useState } from 'react';
import { gql } from './api/client';
import type { Operation } from './api/generated';

/**
 * Runs an operation when its variables change; `reload` runs it again (after a push or an action).
 * Only the latest run's answer is shown: when filters change while an answer is on its way, an
 * earlier answer arriving last would otherwise replace the one for the filters on screen. A failed
 * run clears the earlier answer: kept, it would show under the error as if it answered these variables.
 */
export function useQuery<R, V>(op: Operation<R, V>, variables?: V, skip = false) {
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(!skip);
  const latest = useRef(0);
  const key = JSON.stringify(variables ?? {});
  const reload = useCallback(async () => {
    const run = ++latest.current;
    setLoading(true);
    try {
      const answer = await gql(op, JSON.parse(key) as V);
      if (run !== latest.current) return;
      setData(answer);
      setError(null);
    } catch (err) {
      if (run !== latest.current) return;
      setData(null);
      setError(err);
    } finally {
      if (run === latest.current) setLoading(false);
    }
  }, [op, key]);
  useEffect(() => {
    if (!skip) void reload();
  }, [reload, skip]);
  return { data, error, loading, reload };
}

type Connection<N> = { nodes: N[]; pageInfo: { endCursor?: string | null; hasNextPage: boolean } };

/**
 * A connection read page by page: the first page as `useQuery` reads it, then `loadMore` appends
 * the next ones for the same variables (other variables start over). One page is on its way at a
 * time, and a node already shown (rows move between pages while reading) is shown once.
 */
export function usePagedQuery<R, V extends { after?: string | null }, N extends { id: string }>(
  op: Operation<R, V>,
  variables: V,
  connection: (answer: R) => Connection<N>,
) {
  const first = useQuery(op, variables);
  const key = JSON.stringify(variables);
  const [more, setMore] = useState<{ key: string; pages: Connection<N>[] } | null>(null);
  const [moreError, setMoreError] = useState<unknown>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const pages = [...(first.data ? [connection(first.data)] : []), ...(more?.key === key ? more.pages : [])];
  const seen = new Set<string>();
  const nodes = pages.flatMap((p) => p.nodes).filter((n) => !seen.has(n.id) && !!seen.add(n.id));
  const last = pages.at(-1);
  const loadMore = async () => {
    const after = last?.pageInfo.endCursor;
    if (!after || loadingMore) return;
    setLoadingMore(true);
    try {
      const page = connection(await gql(op, { ...variables, after }));
      setMore((prev) => ({ key, pages: [...(prev?.key === key ? prev.pages : []), page] }));
      setMoreError(null);
    } catch (err) {
      setMoreError(err);
    } finally {
      setLoadingMore(false);
    }
  };
  const reload = async () => {
    setMore(null);
    await first.reload();
  };
  return {
    /** The first page's answer (null until it is in). */
    data: first.data,
    error: first.error,
    moreError,
    nodes,
    hasMore: !!last?.pageInfo.hasNextPage,
    loadMore,
    loadingMore,
    reload,
  };
}

/**
 * Runs a decision, keeps its refusal to show (until the next one succeeds), then reads the list
 * again: after a refusal too, since a refusal usually means someone else changed it meanwhile.
 */
export function useAction(reload: () => Promise<unknown>) {
  const [error, setError] = useState<unknown>(null);
  const act = useCallback(
    async (fn: () => Promise<unknown>) => {
      try {
        await fn();
        setError(null);
      } catch (err) {
        setError(err);
      }
      await reload();
    },
    [reload],
  );
  return { error, act };
}

/** Every page of a connection, for the small lists a consortium has (institutions, staff). */
export async function allPages<N>(
  fetchPage: (
    after: string | null,
  ) => Promise<{ nodes: N[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } }>,
): Promise<N[]> {
  const out: N[] = [];
  let after: string | null = null;
  for (let i = 0; i < 50; i++) {
    const page = await fetchPage(after);
    out.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return out;
}

/**
 * Every page of a connection, read once when the component mounts (the institutions a form
 * offers); `data` is null until the last page is in.
 */
export function useAllPages<N>(
  fetchPage: (
    after: string | null,
  ) => Promise<{ nodes: N[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } }>,
) {
  const [data, setData] = useState<N[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const first = useRef(fetchPage);
  useEffect(() => {
    let live = true;
    allPages(first.current).then(
      (all) => live && setData(all),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, []);
  return { data, error };
}
