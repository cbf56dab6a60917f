import type { ApolloServerPlugin } from '@apollo/server';
import { DomainError, requestContext } from '@yg/core';
import type { AuditService } from '@yg/audit';
import { AnonymousRefusalBudget, ANONYMOUS_PER_ADDRESS, ANONYMOUS_PER_PROCESS } from './anonymous-refusals';

function auditedCount(): number {
  return requestContext.get()?.auditCount ?? 0;
}

/**
 * Makes sure every mutation leaves a trace. Services record successes inside their own
 * transactions; this records what they could not: refusals and failures (their transaction
 * rolled back) and any mutation that wrote nothing. It also asks for the new events to be sealed.
 */
export function auditPlugin(
  audit: AuditService,
  anonymous = new AnonymousRefusalBudget(),
): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const pending: Promise<void>[] = [];
      return {
        async executionDidStart({ operation }) {
          if (operation.operation !== 'mutation') return;
          return {
            willResolveField({ info }) {
              if (info.parentType.name !== 'Mutation') return;
              const before = auditedCount();
              const recordedBefore = audit.recordedInRequest().length;
              return (error, result) => {
                const action = `mutation.${info.fieldName}`;
                if (error) {
                  const code = error instanceof DomainError ? error.code : codeOf(error);
                  const denied =
                    code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' || code === 'PASSWORD_CHANGE_REQUIRED';
                  const recorded = audit.recordedInRequest().slice(recordedBefore);
                  const ctx = requestContext.get();
                  if (!ctx?.user && !recorded.length) {
                    // No session (and no account of its own, as a failed login writes): within a
                    // budget, so no one without an account fills the trail.
                    const { verdict, scope } = anonymous.take(ctx?.ip ?? null, Date.now());
                    if (verdict === 'skip') return;
                    if (verdict === 'summary') {
                      pending.push(
                        audit.recordStandalone({
                          action: 'audit.anonymous.limited',
                          outcome: 'DENIED',
                          errorCode: code,
                          details: {
                            scope,
                            perMinute: scope === 'address' ? ANONYMOUS_PER_ADDRESS : ANONYMOUS_PER_PROCESS,
                            firstSkipped: action,
                          },
                        }),
                      );
                      return;
                    }
                  }
                  pending.push(
                    (async () => {
                      // Some services commit their own refusal event before failing (a wrong
                      // password); a second, plugin-made event would count one attempt twice.
                      if (await audit.storedRefusalAmong(recorded)) return;
                      await audit.recordStandalone({
                        action,
                        outcome: denied ? 'DENIED' : 'FAILURE',
                        errorCode: code,
                      });
                    })(),
                  );
                } else if (auditedCount() === before) {
                  const id = (result as { id?: unknown } | null)?.id;
                  pending.push(
                    audit.recordStandalone({ action, entityId: typeof id === 'string' ? id : null }),
                  );
                }
              };
            },
          };
        },
        async willSendResponse() {
          await Promise.allSettled(pending);
          // Not awaited: the answer never waits on Redis. The request is bounded and best effort;
          // the periodic sealer catches up on whatever it misses.
          const tenants = requestContext.get()?.auditedTenants;
          if (tenants) for (const t of tenants) void audit.requestSeal(t);
        },
      };
    },
  };
}

function codeOf(error: Error): string {
  const original = (error as { originalError?: unknown }).originalError;
  if (original instanceof DomainError) return original.code;
  const ext = (error as { extensions?: { code?: unknown } }).extensions?.code;
  return typeof ext === 'string' ? ext : 'INTERNAL_SERVER_ERROR';
}
