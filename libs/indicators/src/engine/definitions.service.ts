import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuthUser, BadInputError, Clock, ConflictError, NotFoundError } from '@yg/core';
import { AuditService } from '@yg/audit';
import { InstitutionKind, NetworkService } from '@yg/network';
import { DefinitionRow, IndicatorDefinition, toDefinition } from '../domain/definition';
import { Formula, formulaProblems, Target, Term } from '../domain/formula';
import { monthIndex } from '../domain/period';
import {
  ExprModel,
  FormulaModel,
  IndicatorSetModel,
  TermModel,
  UpdateIndicatorDefinitionInput,
} from '../models/indicator.models';
import { currentMonth } from './months';

/** The consortium's own version of a code wins over the template, then the highest version. */
const EFFECTIVE = `
  SELECT DISTINCT ON (d.code) d.*
    FROM indicator_definition d
   WHERE (d.tenant_id = $1 OR d.tenant_id IS NULL)
   ORDER BY d.code, (d.tenant_id IS NOT NULL) DESC, d.version DESC`;

/** Indicator sets, definitions and their versions, and published months. */
@Injectable()
export class IndicatorDefinitions {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly network: NetworkService,
    private readonly clock: Clock,
  ) {}

  async sets(em: EntityManager = this.dataSource.manager): Promise<IndicatorSetModel[]> {
    return em.query(`SELECT code, name, edition, description FROM indicator_set ORDER BY position`);
  }

  /** What each indicator is now for the consortium, in set order. */
  async effective(em: EntityManager, tenantId: string, setCode?: string): Promise<IndicatorDefinition[]> {
    const rows: DefinitionRow[] = await em.query(
      `SELECT e.* FROM (${EFFECTIVE}) e JOIN indicator_set s ON s.code = e.set_code
        WHERE ($2::text IS NULL OR e.set_code = $2) ORDER BY s.position, e.position`,
      [tenantId, setCode ?? null],
    );
    return rows.map(toDefinition);
  }

  /** Every version of one code the consortium can see (template and own), newest first. */
  async versions(em: EntityManager, tenantId: string, code: string): Promise<IndicatorDefinition[]> {
    const rows: DefinitionRow[] = await em.query(
      `SELECT * FROM indicator_definition WHERE code = $2 AND (tenant_id = $1 OR tenant_id IS NULL)
        ORDER BY version DESC`,
      [tenantId, code],
    );
    if (!rows.length) throw new NotFoundError('IndicatorDefinition', '指标', code);
    return rows.map(toDefinition);
  }

  /** The versions a published month was pinned to, by code; empty when it is not published. */
  async pinned(
    em: EntityManager,
    tenantId: string,
    months: readonly string[],
  ): Promise<Map<string, Map<string, IndicatorDefinition>>> {
    const out = new Map<string, Map<string, IndicatorDefinition>>();
    if (!months.length) return out;
    const rows: (DefinitionRow & { pinned_month: string })[] = await em.query(
      `SELECT p.month AS pinned_month, d.* FROM indicator_publication_definition p
         JOIN indicator_definition d ON d.id = p.definition_id
        WHERE p.tenant_id = $1 AND p.month = ANY($2)`,
      [tenantId, months],
    );
    for (const r of rows) {
      let m = out.get(r.pinned_month);
      if (!m) out.set(r.pinned_month, (m = new Map()));
      m.set(r.code, toDefinition(r));
    }
    return out;
  }

  async isPublished(em: EntityManager, tenantId: string, month: string): Promise<boolean> {
    const rows = await em.query(`SELECT 1 FROM indicator_publication WHERE tenant_id = $1 AND month = $2`, [
      tenantId,
      month,
    ]);
    return rows.length > 0;
  }

  /** Editing makes the consortium's next version; months already published keep theirs. */
  async update(user: AuthUser, input: UpdateIndicatorDefinitionInput): Promise<IndicatorDefinition> {
    return this.dataSource.transaction(async (em) => {
      // One editor per code at a time, so version numbers never collide.
      await em.query(`SELECT pg_advisory_xact_lock(hashtext('indicator_definition'), hashtext($1 || $2))`, [
        user.tenantId,
        input.code,
      ]);
      const [current] = (await this.effective(em, user.tenantId)).filter((d) => d.code === input.code);
      if (!current) throw new NotFoundError('IndicatorDefinition', '指标', input.code);
      if (current.version !== input.version) {
        throw new ConflictError(
          `指标定义已被修改(当前第 ${current.version} 版),请刷新后再改 (the definition changed since you read it: now version ${current.version}; reload and retry)`,
          { currentVersion: current.version },
        );
      }
      const kind = input.kind ?? current.kind;
      const formula: Formula = input.formula ? cleanFormula(input.formula) : current.formula;
      const problems = formulaProblems(kind, formula, Object.values(InstitutionKind));
      if (problems.length) {
        throw new BadInputError(`公式有误 (the formula is not valid): ${problems.join('; ')}`, { problems });
      }
      const targets: Target[] = input.targets
        ? input.targets.map((t) => ({ source: t.source, value: t.value, note: t.note ?? null }))
        : current.targets;
      if (new Set(targets.map((t) => t.source)).size !== targets.length) {
        throw new BadInputError('每个来源只能有一个目标 (one target per source)');
      }
      const [{ next }] = await em.query(
        `SELECT max(version) + 1 AS next FROM indicator_definition
          WHERE code = $2 AND (tenant_id = $1 OR tenant_id IS NULL)`,
        [user.tenantId, input.code],
      );
      const [row]: DefinitionRow[] = await em.query(
        `INSERT INTO indicator_definition (tenant_id, set_code, code, version, position, name_zh, name_en,
           dimension, kind, formula, unit, direction, targets, working_definition, change_note, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) RETURNING *`,
        [
          user.tenantId,
          current.setCode,
          current.code,
          next,
          current.position,
          input.nameZh ?? current.nameZh,
          input.nameEn ?? current.nameEn,
          input.dimension ?? current.dimension,
          kind,
          JSON.stringify(formula),
          input.unit ?? current.unit,
          input.direction ?? current.direction,
          JSON.stringify(targets),
          input.workingDefinition ?? current.workingDefinition,
          input.changeNote.trim(),
          user.id,
          this.clock.now(),
        ],
      );
      const saved = toDefinition(row);
      await this.audit.record(em, {
        action: 'indicator.definition.update',
        entityType: 'IndicatorDefinition',
        entityId: saved.id,
        details: {
          code: saved.code,
          version: saved.version,
          previousVersion: current.version,
          changed: Object.keys(input).filter((k) => k !== 'code' && k !== 'changeNote'),
        },
      });
      return saved;
    });
  }

  /**
   * Publishes a finished month: its figures are from then on computed with the versions in
   * force now, whatever is edited later.
   */
  async publish(
    user: AuthUser,
    month: string,
  ): Promise<{ month: string; publishedAt: Date; definitions: number }> {
    return this.dataSource.transaction(async (em) => {
      const consortium = await this.network.consortium(user.tenantId, em);
      if (monthIndex(month) >= monthIndex(currentMonth(consortium.timeZone, this.clock.now()))) {
        throw new BadInputError('只能发布已结束的月份 (only a finished month can be published)');
      }
      const now = this.clock.now();
      const inserted = await em.query(
        `INSERT INTO indicator_publication (tenant_id, month, published_at, published_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT DO NOTHING RETURNING month`,
        [user.tenantId, month, now, user.id],
      );
      if (!inserted.length) throw new ConflictError(`${month} 已发布 (${month} is already published)`);
      const defs = await this.effective(em, user.tenantId);
      await em.query(
        `INSERT INTO indicator_publication_definition (tenant_id, month, code, definition_id)
         SELECT $1, $2, x.code, x.id FROM unnest($3::text[], $4::uuid[]) AS x(code, id)`,
        [user.tenantId, month, defs.map((d) => d.code), defs.map((d) => d.id)],
      );
      await this.audit.record(em, {
        action: 'indicator.month.publish',
        entityType: 'IndicatorPublication',
        entityId: null,
        details: { month, versions: Object.fromEntries(defs.map((d) => [d.code, d.version])) },
      });
      return { month, publishedAt: now, definitions: defs.length };
    });
  }
}

/** GraphQL leaves absent optional fields undefined or null; the stored formula keeps only what is set. */
function cleanFormula(f: FormulaModel): Formula {
  const term = (t: TermModel): Term => {
    const out: Term = { key: t.key! };
    if (t.coefficient !== undefined && t.coefficient !== null && t.coefficient !== 1)
      out.coefficient = t.coefficient;
    if (t.tiers?.length) out.tiers = [...t.tiers];
    if (t.kinds?.length) out.kinds = [...t.kinds];
    if (t.consortiumLevel) out.consortiumLevel = true;
    return out;
  };
  const expr = (e: ExprModel) =>
    e.per?.length ? { terms: e.terms.map(term), per: e.per.map(term) } : { terms: e.terms.map(term) };
  return {
    numerator: expr(f.numerator),
    denominator: f.denominator ? expr(f.denominator) : null,
    multiplier: f.multiplier,
  };
}
