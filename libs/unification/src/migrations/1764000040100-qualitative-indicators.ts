import { MigrationInterface, QueryRunner } from 'typeorm';

const BASIS: Record<string, [string, string]> = {
  N01: [
    'uni.resource_unified',
    '取七统一评估:人员、财务、业务、药械、信息五个维度的医共体结果合并(全部达标 1,全部未达标 0,其余 0.5)。',
  ],
  N02: [
    'uni.democratic_decision',
    '取七统一评估:管理委员会会议纪要/决策记录(近 3 个月)已审核认可为 1,待审核 0.5,无记录或均退回 0。',
  ],
  N03: [
    'uni.service_coordination',
    '取七统一评估:转诊、远程会诊在系统内办理及检查检验结果互认记录,三项在医共体内均有为 1,均无为 0,其余 0.5。',
  ],
};

/**
 * The three qualitative national indicators (资源统一管理, 民主决策, 服务协同联动) take their value
 * from the seven-unification scorecard: each template gets a version 2 reading its uni.*
 * measure (1 met, 0.5 partly met, 0 not met; a level, so a quarter averages its months).
 */
export class QualitativeIndicators1764000040100 implements MigrationInterface {
  name = 'QualitativeIndicators1764000040100';

  async up(q: QueryRunner): Promise<void> {
    for (const [code, [key, basis]] of Object.entries(BASIS)) {
      await q.query(
        `INSERT INTO indicator_definition (tenant_id, set_code, code, version, position, name_zh, name_en, dimension,
           kind, formula, unit, direction, targets, working_definition)
         SELECT NULL, set_code, code, 2, position, name_zh, name_en, dimension, 'VALUE', $2, '分', direction, $3,
                working_definition || ' 工作定义:' || $4
           FROM indicator_definition WHERE tenant_id IS NULL AND code = $1 AND version = 1`,
        [
          code,
          JSON.stringify({
            numerator: { terms: [{ key, consortiumLevel: true }] },
            denominator: null,
            multiplier: 1,
          }),
          JSON.stringify([{ source: 'NATIONAL', value: 1, note: '1 为达标 (1: met)' }]),
          basis,
        ],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE indicator_definition DISABLE TRIGGER indicator_definition_append_only`);
    await q.query(
      `DELETE FROM indicator_definition WHERE tenant_id IS NULL AND version = 2 AND code = ANY($1)`,
      [Object.keys(BASIS)],
    );
    await q.query(`ALTER TABLE indicator_definition ENABLE TRIGGER indicator_definition_append_only`);
  }
}
