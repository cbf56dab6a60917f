import type DataLoader from 'dataloader';
import type { AuthUser } from '../auth/auth-user';

export type LoaderFactory<K, V> = (user: AuthUser | undefined) => DataLoader<K, V>;

/**
 * Per-request DataLoader cache. A resolver asks for a loader by its factory; the first
 * ask in a request builds it, later asks reuse it, so a list resolves in one query.
 */
export class Loaders {
  private readonly cache = new Map<LoaderFactory<unknown, unknown>, DataLoader<unknown, unknown>>();

  constructor(private readonly user: AuthUser | undefined) {}

  get<K, V>(factory: LoaderFactory<K, V>): DataLoader<K, V> {
    let loader = this.cache.get(factory as LoaderFactory<unknown, unknown>);
    if (!loader) {
      loader = (factory as LoaderFactory<unknown, unknown>)(this.user);
      this.cache.set(factory as LoaderFactory<unknown, unknown>, loader);
    }
    return loader as DataLoader<K, V>;
  }
}

export interface GqlContext {
  req: { user?: AuthUser; ip?: string; headers: Record<string, string | string[] | undefined> };
  loaders: Loaders;
}
