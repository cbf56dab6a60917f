import { createHash } from 'node:crypto';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import {
  AppConfig,
  AuthUser,
  Clock,
  ClockModule,
  ConfigModule,
  createRootLogger,
  DatabaseModule,
  JOBS,
  LoggingModule,
  PinoNestLogger,
  QUEUES,
} from '@yg/core';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { IdentityModule } from '@yg/identity';
import { DomainEvent, EventBus, OutboxModule } from '@yg/outbox';
import { addMonths, Direction, IndicatorsModule } from '@yg/indicators';
import { currentMonth } from '@yg/indicators/engine/months';
import { NotificationFanout } from '@yg/notifications/jobs/notification-fanout.handler';
import { NotificationFanoutRepository } from '@yg/notifications/jobs/notification-fanout.repository';
import { RealtimeEmitter } from '@yg/realtime';
import {
  AssessmentCaseKind,
  AssessmentModule,
  AssessmentService,
  KeyTaskKind,
  LedgerService,
  MatterTimers,
  SchemeService,
} from '@yg/assessment';
import { NoQueuesModule, StoryClock } from '../activity/activity.module';
import { CONSORTIUM } from '../qianjiang.data';

export interface AssessmentSeedSummary {
  tasks: number;
  matters: number;
  /** The month published by this run, or null when it was there already. */
  published: string | null;
}

@Module({})
class DemoAssessmentModule {
  static forRoot(config: AppConfig, clock: Clock): DynamicModule {
    const indicators = IndicatorsModule.forRoot();
    return {
      module: DemoAssessmentModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        ClockModule.forRoot(clock),
        DatabaseModule.forRoot({ entities: [], migrations: [] }),
        NoQueuesModule,
        OutboxModule,
        AuditModule,
        NetworkModule,
        IdentityModule,
        indicators,
        AssessmentModule.forRoot({ indicators }),
      ],
      providers: [
        MatterTimers,
        NotificationFanout,
        NotificationFanoutRepository,
        { provide: RealtimeEmitter, useValue: { emit: () => undefined } },
      ],
    };
  }
}

type TaskSeed = {
  code: string;
  title: string;
  points: number;
  levels: [number, number, number];
} & ({ indicatorCode: string } | { direction: Direction });

/** A dozen key tasks of the year: four bound to indicators, eight reported by the units. */
const TASKS: TaskSeed[] = [
  { code: 'REF-RESP', title: '转诊按时响应', indicatorCode: 'C07', points: 10, levels: [80, 90, 98] },
  { code: 'CON-NOSHOW', title: '降低远程会诊爽约率', indicatorCode: 'C11', points: 5, levels: [15, 10, 5] },
  { code: 'DRUG-CONT', title: '上下级用药衔接', indicatorCode: 'C03', points: 10, levels: [85, 90, 95] },
  { code: 'TCM', title: '中医药服务占比', indicatorCode: 'N12', points: 5, levels: [20, 25, 30] },
  {
    code: 'FAM-SIGN',
    title: '家庭医生签约覆盖率',
    direction: Direction.HIGHER_BETTER,
    points: 10,
    levels: [40, 45, 50],
  },
  {
    code: 'CHRONIC',
    title: '高血压糖尿病规范管理率',
    direction: Direction.HIGHER_BETTER,
    points: 10,
    levels: [60, 65, 70],
  },
  {
    code: 'PURCHASE',
    title: '药品耗材统一采购占比',
    direction: Direction.HIGHER_BETTER,
    points: 8,
    levels: [90, 95, 100],
  },
  {
    code: 'INFO-DAYS',
    title: '诊疗数据按日上报天数',
    direction: Direction.HIGHER_BETTER,
    points: 8,
    levels: [24, 27, 30],
  },
  {
    code: 'TRAINING',
    title: '业务培训人次',
    direction: Direction.HIGHER_BETTER,
    points: 6,
    levels: [10, 15, 20],
  },
  {
    code: 'DISPATCH',
    title: '下沉帮扶人天',
    direction: Direction.HIGHER_BETTER,
    points: 8,
    levels: [20, 30, 40],
  },
  {
    code: 'ANTIBIOTIC',
    title: '门诊抗菌药物使用率',
    direction: Direction.LOWER_BETTER,
    points: 10,
    levels: [20, 15, 10],
  },
  {
    code: 'COMPLAINT',
    title: '群众投诉件数',
    direction: Direction.LOWER_BETTER,
    points: 10,
    levels: [3, 2, 0],
  },
];

/** A stable number in [0, 1) from a text, so the demo's figures are the same on every run. */
const unit = (s: string) => createHash('sha256').update(s).digest().readUInt32BE(0) / 2 ** 32;
const round1 = (x: number) => Math.round(x * 10) / 10;

/**
 * The demo consortium's key-task ledger for the year of last month (a dozen tasks, key matters
 * per quarter, units' reported progress) and last month's assessment opened, rated, scored at
 * the review meeting, drawn, and published — all through the services, as the demo admin,
 * auditor and institution admins. Key matters due by now are done or, for one, left overdue
 * with its notice sent; events go through the notification fan-out, so the worker later finds
 * nothing to do. Idempotent: tasks are known by year and code, the month by existing at all.
 */
export async function seedAssessment(
  config: AppConfig,
  opts: { now?: Date } = {},
): Promise<AssessmentSeedSummary> {
  const clock = new StoryClock();
  const quiet = { ...config, logLevel: config.logLevel === 'silent' ? 'silent' : 'warn' } as AppConfig;
  const app = await NestFactory.createApplicationContext(DemoAssessmentModule.forRoot(quiet, clock), {
    logger: new PinoNestLogger(createRootLogger(quiet.logLevel, 'seed')),
  });
  try {
    await app.init();
    const ds = app.get<DataSource>(getDataSourceToken());
    const now = opts.now ?? new Date();
    const [{ id: tenantId }] = await ds.query(`SELECT id FROM consortium WHERE name = $1`, [CONSORTIUM.name]);
    const userOf = async (username: string): Promise<AuthUser> => {
      const [u] = await ds.query(`SELECT id, institution_id, roles FROM app_user WHERE username = $1`, [
        username,
      ]);
      return { id: u.id, tenantId, institutionId: u.institution_id, roles: u.roles, practitionerId: null };
    };
    const admin = await userOf('admin');
    const auditor = await userOf('auditor');
    const [{ max: lastOutboxId }] = await ds.query(
      `SELECT coalesce(max(id), 0)::text AS max FROM outbox_message`,
    );
    const month = addMonths(currentMonth(CONSORTIUM.timeZone, now), -1);
    const year = Number(month.slice(0, 4));
    const ledger = app.get(LedgerService);
    const at = (iso: string) =>
      clock.set(new Date(Math.min(new Date(iso).getTime(), now.getTime() - 60_000)));

    // ---- the ledger, as kept since the start of the year ----
    at(`${year}-01-06T02:00:00Z`);
    const existing = new Set((await ledger.tasksOf(ds.manager, tenantId, year)).map((t) => t.code));
    const institutions: { id: string; name: string; tier: string }[] = await ds.query(
      `SELECT id, name, tier FROM institution WHERE tenant_id = $1 AND tier <> 'EXTERNAL' ORDER BY division_code, name`,
      [tenantId],
    );
    const township = institutions.filter((i) => i.tier === 'TOWNSHIP');
    let tasks = 0;
    let matters = 0;
    for (const t of TASKS) {
      if (existing.has(t.code)) continue;
      const created = await ledger.createTask(admin, {
        year,
        code: t.code,
        title: t.title,
        kind: 'indicatorCode' in t ? KeyTaskKind.INDICATOR : KeyTaskKind.REPORTED,
        indicatorCode: 'indicatorCode' in t ? t.indicatorCode : undefined,
        direction: 'direction' in t ? t.direction : undefined,
        requiredLevel: t.levels[0],
        effortLevel: t.levels[1],
        challengeLevel: t.levels[2],
        points: t.points,
      });
      tasks++;
      // One key matter per quarter, for a township centre or a county department in turn.
      for (let q = 1; q <= 4; q++) {
        const inst = township[(TASKS.indexOf(t) * 4 + q) % township.length];
        const byDept = q === 4;
        const m = await ledger.createMatter(admin, {
          taskId: created.id,
          quarter: q,
          title: `${t.title}:第${q}季度${byDept ? '汇总通报' : '进度核查'}`,
          responsibleInstitutionId: byDept ? undefined : inst.id,
          department: byDept ? '医共体办公室' : undefined,
          dueAt: new Date(Date.UTC(year, q * 3, 0, 10)),
        });
        matters++;
        // Done a few days early, except one left overdue for the demo.
        const due = new Date(m.dueAt);
        const nextDue = new Date(Date.UTC(year, (q + 1) * 3, 0, 10));
        const leftOverdue = t.code === 'FAM-SIGN' && due < now && (q === 4 || nextDue >= now);
        if (due.getTime() - 5 * 86_400_000 < now.getTime() && !leftOverdue) {
          at(new Date(due.getTime() - 5 * 86_400_000).toISOString());
          await ledger.completeMatter(admin, m.id);
          at(`${year}-01-06T02:00:00Z`);
        }
      }
    }
    // Reminders and overdue notices that fell due: run as the worker would, at their moment.
    const timers = app.get(MatterTimers);
    const due: { job_name: string; payload: { keyMatterId: string }; run_at: Date }[] = await ds.query(
      `SELECT job_name, payload, run_at FROM outbox_message
        WHERE queue = $1 AND tenant_id = $2 AND run_at <= $3 AND id > $4 ORDER BY run_at, id`,
      [QUEUES.ASSESSMENT_TASKS, tenantId, now, lastOutboxId],
    );
    for (const d of due) {
      clock.set(new Date(d.run_at));
      await (d.job_name === JOBS.KEY_MATTER_REMINDER ? timers.reminder : timers.overdue).call(
        timers,
        d.payload.keyMatterId,
      );
    }

    // ---- the month ----
    const assessments = app.get(AssessmentService);
    let published: string | null = null;
    const [open] = await ds.query(`SELECT 1 FROM assessment_month WHERE tenant_id = $1 AND month = $2`, [
      tenantId,
      month,
    ]);
    if (!open) {
      const all = await ledger.tasksOf(ds.manager, tenantId, year);
      at(new Date(now.getTime() - 6 * 3600_000).toISOString());
      const schemes = app.get(SchemeService);
      if ((await schemes.current(ds.manager, tenantId)).version === 0) {
        await schemes.update(admin, {
          basedOnVersion: 0,
          completionWeight: 60,
          recognitionWeight: 20,
          analysisWeight: 20,
          creditBelowRequired: false,
          changeNote: '按机构类型分组:中心卫生院与社区卫生服务中心同组 (grouped by kind)',
          groups: [
            { code: 'COUNTY', name: '区级医院与社区医院集团', kinds: [], tiers: ['COUNTY'] },
            {
              code: 'CENTRE',
              name: '中心卫生院与社区卫生服务中心',
              kinds: ['REGIONAL_SUBCENTER', 'COMMUNITY_HEALTH_CENTER'],
              tiers: [],
            },
            { code: 'TOWNSHIP', name: '乡镇卫生院', kinds: [], tiers: ['TOWNSHIP'] },
            { code: 'VILLAGE', name: '村卫生室', kinds: [], tiers: ['VILLAGE'] },
          ],
        });
      }
      // Units report their figures for the month.
      at(new Date(now.getTime() - 5 * 3600_000).toISOString());
      for (const t of all.filter((x) => x.kind === KeyTaskKind.REPORTED)) {
        for (const i of institutions) {
          const r = unit(`${t.code}:${i.name}`);
          if (r < 0.08) continue; // a few never report: their completion shows why
          const lo = Math.min(t.requiredLevel, t.challengeLevel);
          const hi = Math.max(t.requiredLevel, t.challengeLevel);
          const value = round1(lo - (hi - lo) * 0.3 + r * (hi - lo) * 1.6);
          await ledger.reportProgress(admin, {
            taskId: t.id,
            institutionId: i.id,
            month,
            // Rates and shares stay within 100 %.
            value: Math.min(/率|占比/.test(t.title) ? 100 : Infinity, Math.max(0, value)),
            evidence: `${i.name} ${month} ${t.title}台账`,
            evidenceSha256: createHash('sha256').update(`${t.code}:${i.id}:${month}`).digest('hex'),
          });
        }
      }
      at(new Date(now.getTime() - 4 * 3600_000).toISOString());
      const a = await assessments.open(admin, month, [admin.id, auditor.id]);
      const units = a.groups.flatMap((g) => g.units.map((u) => u.institutionId));
      at(new Date(now.getTime() - 3 * 3600_000).toISOString());
      for (const rater of [admin, auditor]) {
        for (const id of units) {
          const r = unit(`rating:${rater.id}:${id}`);
          if (rater === auditor && r < 0.05) continue; // a rating or two missing, listed as such
          await assessments.rate(rater, month, id, Math.round(60 + r * 40));
        }
      }
      at(new Date(now.getTime() - 2 * 3600_000).toISOString());
      for (const id of units)
        await assessments.scoreAnalysis(admin, month, id, Math.round(8 + unit(`analysis:${id}`) * 12));
      const drawn = await assessments.draw(admin, month, `${month}-review`);
      const best = drawn.groups.find((g) => g.code === 'TOWNSHIP')?.units[0] ?? drawn.groups[0].units[0];
      const worst =
        drawn.groups.find((g) => g.code === 'TOWNSHIP')?.units.at(-1) ?? drawn.groups[0].units.at(-1)!;
      await assessments.recordCase(admin, month, AssessmentCaseKind.GOOD, {
        institutionId: best.institutionId,
        title: '签约服务与慢病管理联动',
        summary: '家庭医生团队按月随访,签约居民慢病规范管理率领先。',
      });
      await assessments.recordCase(admin, month, AssessmentCaseKind.BAD, {
        institutionId: worst.institutionId,
        title: '进展填报滞后',
        summary: '重点任务进展未按时填报,佐证材料缺失。',
      });
      at(new Date(now.getTime() - 3600_000).toISOString());
      const latest = await assessments.view(admin, month);
      await assessments.publish(admin, month, latest.version);
      published = month;
    }

    // This run's events through the notification fan-out, as the worker would.
    const events: { id: string; payload: DomainEvent }[] = await ds.query(
      `SELECT id::text AS id, payload FROM outbox_message WHERE id > $1 AND queue = $2 ORDER BY id`,
      [lastOutboxId, QUEUES.EVENTS],
    );
    const bus = app.get(EventBus);
    for (const e of events) await bus.dispatch(e.payload, e.id);
    return { tasks, matters, published };
  } finally {
    await app.close();
  }
}
