import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { DomainEvent } from './domain-event';

export type EventHandlerFn = (event: DomainEvent, messageId: string) => Promise<void>;

interface Registered {
  name: string;
  types: Set<string> | '*';
  handle: EventHandlerFn;
}

/**
 * Hands each event to the handlers that asked for its type. Modules register their handlers
 * at start-up; a handler that makes database changes wraps them in `once`, so a redelivered
 * event changes nothing the second time.
 */
@Injectable()
export class EventBus {
  private readonly logger = new Logger(EventBus.name);
  private readonly handlers: Registered[] = [];

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  register(name: string, types: string[] | '*', handle: EventHandlerFn): void {
    if (this.handlers.some((h) => h.name === name)) throw new Error(`event handler ${name} registered twice`);
    this.handlers.push({ name, types: types === '*' ? '*' : new Set(types), handle });
  }

  /** Runs every matching handler; one failing fails the job so BullMQ retries, the others stay done. */
  async dispatch(event: DomainEvent, messageId: string): Promise<void> {
    const failures: Error[] = [];
    for (const h of this.handlers) {
      if (h.types !== '*' && !h.types.has(event.type)) continue;
      try {
        await h.handle(event, messageId);
      } catch (err) {
        this.logger.warn(
          `handler ${h.name} failed on ${event.type} #${messageId}: ${(err as Error).message}`,
        );
        failures.push(err as Error);
      }
    }
    if (failures.length) throw failures[0];
  }

  /**
   * Runs `fn` in a transaction at most once per (message, handler), claimed by `claim_event`
   * (a handler that folds its work into one SQL function calls that claim there). Returns false
   * when the work was already done.
   */
  async once(messageId: string, handler: string, fn: (em: EntityManager) => Promise<void>): Promise<boolean> {
    return this.dataSource.transaction(async (em) => {
      const [{ claimed }]: { claimed: boolean }[] = await em.query(`SELECT claim_event($1, $2) AS claimed`, [
        messageId,
        handler,
      ]);
      if (!claimed) return false;
      await fn(em);
      return true;
    });
  }
}
