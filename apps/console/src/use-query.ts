import { useCallback, useEffect, useState } from 'react';
import { gql } from './api/client';
import type { Operation } from './api/generated';

/** Runs an operation when its variables change; `reload` runs it again (after a push or an action). */
export function useQuery<R, V>(op: Operation<R, V>, variables?: V, skip = false) {
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(!skip);
  const key = JSON.stringify(variables ?? {});
  const reload = useCallback(async () => {
    setLoading(true);
    try {
      setData(await gql(op, JSON.parse(key) as V));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [op, key]);
  useEffect(() => {
    if (!skip) void reload();
  }, [reload, skip]);
  return { data, error, loading, reload };
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
