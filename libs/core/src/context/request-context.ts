import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { AuthUser } from '../auth/auth-user';

/** Per-request facts every layer may need: log correlation, audit actor, client address. */
export interface RequestContext {
  requestId: string;
  ip: string | null;
  user?: AuthUser;
  /** Tenants whose trail this request wrote to, and how many events; set by the audit service. */
  auditedTenants?: Set<string>;
  auditCount?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContext = {
  run<T>(ctx: RequestContext, fn: () => T): T {
    return storage.run(ctx, fn);
  },
  get(): RequestContext | undefined {
    return storage.getStore();
  },
  requestId(): string | undefined {
    return storage.getStore()?.requestId;
  },
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/** Trust a caller's request id only when it looks like one. */
export function requestIdFrom(header: unknown): string {
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}
