import { Direction, Formula, IndicatorKind, Target } from './formula';

/** One version of one indicator, as the engine and the api use it. */
export interface IndicatorDefinition {
  id: string;
  /** null: the platform template; otherwise the consortium's own edit. */
  tenantId: string | null;
  setCode: string;
  code: string;
  version: number;
  position: number;
  nameZh: string;
  nameEn: string;
  dimension: string;
  kind: IndicatorKind;
  formula: Formula;
  unit: string;
  direction: Direction;
  targets: Target[];
  workingDefinition: string;
  changeNote: string | null;
  createdBy: string | null;
  createdAt: Date;
}

export interface DefinitionRow {
  id: string;
  tenant_id: string | null;
  set_code: string;
  code: string;
  version: number;
  position: number;
  name_zh: string;
  name_en: string;
  dimension: string;
  kind: IndicatorKind;
  formula: Formula;
  unit: string;
  direction: Direction;
  targets: Target[];
  working_definition: string;
  change_note: string | null;
  created_by: string | null;
  created_at: Date;
}

export function toDefinition(r: DefinitionRow): IndicatorDefinition {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    setCode: r.set_code,
    code: r.code,
    version: r.version,
    position: r.position,
    nameZh: r.name_zh,
    nameEn: r.name_en,
    dimension: r.dimension,
    kind: r.kind,
    formula: r.formula,
    unit: r.unit,
    direction: r.direction,
    targets: r.targets,
    workingDefinition: r.working_definition,
    changeNote: r.change_note,
    createdBy: r.created_by,
    createdAt: new Date(r.created_at),
  };
}
