import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Clock } from '@yg/core';
import { AuditService } from '@yg/audit';
import { eventEntry, OutboxService } from '@yg/outbox';
import { MatterFacts, matterEvent } from './ledger-events';
import { MATTER_REMINDER_BEFORE_MS } from './ledger.service';

export type MatterTimerOutcome = { done: true; changed: boolean } | { done: false; retryAt: Date };
const UNCHANGED: MatterTimerOutcome = { done: true, changed: false };

interface Row {
  id: string;
  tenant_id: string;
  task_id: string;
  title: string;
  task_title: string;
  responsible_institution_id: string | null;
  department: string | null;
  due_at: Date;
  done_at: Date | null;
  reminded_at: Date | null;
  overdue_at: Date | null;
}

/**
 * Key-matter reminders and overdue notices. Each re-reads the matter under a row lock and acts
 * only when its moment has come and it has not acted yet (reminded_at / overdue_at): early runs
 * wait, a second run changes nothing. The sweep catches jobs lost with Redis.
 */
@Injectable()
export class MatterTimers {
  private readonly logger = new Logger(MatterTimers.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly clock: Clock,
  ) {}

  reminder(id: string): Promise<MatterTimerOutcome> {
    return this.withMatter(id, async (em, m) => {
      if (m.done_at || m.reminded_at) return UNCHANGED;
      const now = this.clock.now();
      const remindAt = new Date(m.due_at.getTime() - MATTER_REMINDER_BEFORE_MS);
      if (now < remindAt) return { done: false, retryAt: remindAt };
      // Past the due time the overdue notice speaks instead.
      if (now >= m.due_at) return UNCHANGED;
      await em.query(`UPDATE key_matter SET reminded_at = $2 WHERE id = $1`, [m.id, now]);
      await this.record(em, m, 'key-matter.reminder', now);
      return { done: true, changed: true };
    });
  }

  overdue(id: string): Promise<MatterTimerOutcome> {
    return this.withMatter(id, async (em, m) => {
      if (m.done_at || m.overdue_at) return UNCHANGED;
      const now = this.clock.now();
      if (now < m.due_at) return { done: false, retryAt: m.due_at };
      await em.query(`UPDATE key_matter SET overdue_at = $2 WHERE id = $1`, [m.id, now]);
      await this.record(em, m, 'key-matter.overdue', now);
      return { done: true, changed: true };
    });
  }

  /** Matters whose moment has passed without their job having acted. Returns how many changed. */
  async sweep(limit = 500): Promise<number> {
    const now = this.clock.now();
    const rows: { id: string; kind: 'remind' | 'overdue' }[] = await this.dataSource.query(
      `(SELECT id, 'overdue' AS kind FROM key_matter
         WHERE done_at IS NULL AND overdue_at IS NULL AND due_at <= $1 LIMIT ${limit})
       UNION ALL
       (SELECT id, 'remind' FROM key_matter
         WHERE done_at IS NULL AND reminded_at IS NULL AND due_at > $1
           AND due_at - make_interval(secs => $2) <= $1
           AND created_at <= due_at - make_interval(secs => $2) LIMIT ${limit})`,
      [now, MATTER_REMINDER_BEFORE_MS / 1000],
    );
    let changed = 0;
    for (const r of rows) {
      const o = await (r.kind === 'overdue' ? this.overdue(r.id) : this.reminder(r.id));
      if (o.done && o.changed) changed++;
    }
    if (changed) this.logger.log(`sweep acted on ${changed} key matter(s)`);
    return changed;
  }

  private async record(
    em: EntityManager,
    m: Row,
    type: 'key-matter.reminder' | 'key-matter.overdue',
    at: Date,
  ) {
    const facts: MatterFacts = {
      id: m.id,
      tenantId: m.tenant_id,
      taskId: m.task_id,
      title: m.title,
      taskTitle: m.task_title,
      responsibleInstitutionId: m.responsible_institution_id,
      department: m.department,
      dueAt: m.due_at,
    };
    await this.audit.record(em, {
      action: type,
      entityType: 'KeyMatter',
      entityId: m.id,
      tenantId: m.tenant_id,
      actor: null,
      details: { dueAt: m.due_at.toISOString() },
    });
    await this.outbox.enqueue(em, eventEntry(matterEvent(type, facts, at)));
  }

  private withMatter(id: string, fn: (em: EntityManager, m: Row) => Promise<MatterTimerOutcome>) {
    return this.dataSource.transaction(async (em) => {
      const [m]: Row[] = await em.query(
        `SELECT k.*, t.title AS task_title FROM key_matter k JOIN key_task t ON t.id = k.task_id
          WHERE k.id = $1 FOR UPDATE OF k`,
        [id],
      );
      return m ? fn(em, m) : UNCHANGED;
    });
  }
}
