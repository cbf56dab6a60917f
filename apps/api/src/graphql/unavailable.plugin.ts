import type { ApolloServerPlugin } from '@apollo/server';

/** Seconds a client should wait before sending again (Retry-After). */
const RETRY_AFTER_S = 2;

/**
 * A response that carries nothing but SERVICE_UNAVAILABLE errors (no field answered) is an
 * HTTP 503 with Retry-After, so proxies, load balancers and client retry links see an outage
 * instead of a 200. A partial answer stays 200 with its errors.
 */
export function unavailablePlugin(): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const { errors, data } = response.body.singleResult;
          if (!errors?.length || !errors.every((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE')) return;
          if (data && Object.values(data).some((v) => v !== null)) return;
          response.http.status = 503;
          response.http.headers.set('retry-after', String(RETRY_AFTER_S));
        },
      };
    },
  };
}
