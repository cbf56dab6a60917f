import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON, Paginated } from '@yg/core';
import { ImportFormat, ImportStatus, MappingStatus, StockSource } from '../domain/drug.enums';

@ObjectType('CatalogueMatchCounts', {
  description: '本次导入新增或变更条目的对照结果 Mapping outcomes of the items an import created or changed',
})
export class CatalogueMatchCountsModel {
  @Field(() => Int) autoConfirmed!: number;
  @Field(() => Int) proposed!: number;
  @Field(() => Int) unmapped!: number;
  @Field(() => Int) invalid!: number;
  @Field(() => Int, { description: '药师确认仍成立 A pharmacist’s confirmation still holds' }) kept!: number;
}

@ObjectType('CatalogueImport', {
  description:
    '机构药品目录导入(上传后由后台任务执行) A member catalogue import, run as a job after the upload',
})
export class CatalogueImportModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => String) fileName!: string;
  @Field(() => ImportFormat) format!: ImportFormat;
  @Field(() => Float, { nullable: true, description: '字节数 Size in bytes' }) sizeBytes!: number | null;
  @Field(() => String, { nullable: true }) fileSha256!: string | null;
  @Field(() => Boolean, {
    description: '完整目录(未列出的药品将停用) Full catalogue: items it does not list are deactivated',
  })
  fullImport!: boolean;
  @Field(() => ImportStatus) status!: ImportStatus;
  @Field(() => ID, { nullable: true, description: '同一文件的前次导入 Earlier import of the same file' })
  duplicateOf!: string | null;
  @Field(() => Int, {
    nullable: true,
    description: '数据行数,读完文件后可知 Data rows; known once the file is read',
  })
  rowsTotal!: number | null;
  @Field(() => Int, { description: '已处理行数(进度) Rows done (progress)' }) rowsDone!: number;
  @Field(() => Int) rowsOk!: number;
  @Field(() => Int) rowsBad!: number;
  @Field(() => Int) inserted!: number;
  @Field(() => Int, { description: '内容变更(新版本) Changed: a new version each' }) updated!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int, { description: '停用(文件标记暂停或完整导入中未列出) Deactivated' }) deactivated!: number;
  @Field(() => Int) reactivated!: number;
  @Field(() => Int, { description: '库存已更新 Stock rows changed' }) stockUpdated!: number;
  @Field(() => String, { nullable: true }) failure!: string | null;
  @Field(() => ID, { nullable: true }) requestedBy!: string | null;
  @Field(() => Int) attempts!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

export const CatalogueImportConnection = Paginated(CatalogueImportModel, 'CatalogueImportConnection');

@ObjectType('CatalogueStock', { description: '库存(按目录条目的单位) On-hand quantity, in the item’s unit' })
export class CatalogueStockModel {
  @Field(() => ID) catalogueItemId!: string;
  @Field(() => Float) onHand!: number;
  @Field(() => StockSource) source!: StockSource;
  @Field(() => ID, { nullable: true }) updatedBy!: string | null;
  @Field(() => Int) version!: number;
  @Field(() => Date) updatedAt!: Date;
}

@ObjectType('CatalogueItemVersion', { description: '目录条目的一个版本 A version of a catalogue item' })
export class CatalogueItemVersionModel {
  @Field(() => Int) version!: number;
  @Field(() => String, { description: 'CREATE / UPDATE / DEACTIVATE / REACTIVATE' }) change!: string;
  @Field(() => GraphQLJSON, { description: '该版本的内容 The item as it was' }) snapshot!: Record<
    string,
    unknown
  >;
  @Field(() => ID, { nullable: true }) importId!: string | null;
  @Field(() => Date) at!: Date;
}

@ObjectType('CatalogueItem', { description: '机构自有药品目录中的一条 A drug in a member’s own catalogue' })
export class CatalogueItemModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => String, { description: '院内编码 Local code' }) localCode!: string;
  @Field(() => String, { nullable: true, description: '商品名 Brand name' }) brandName!: string | null;
  @Field(() => String) genericName!: string;
  @Field(() => String, { nullable: true }) dosageForm!: string | null;
  @Field(() => String, { nullable: true }) spec!: string | null;
  @Field(() => String, { nullable: true }) maker!: string | null;
  @Field(() => Float, { nullable: true, description: '转换系数 Pack factor' }) packFactor!: number | null;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field(() => String, {
    nullable: true,
    description: '机构填报的医保代码 National code as the member gave it',
  })
  nationalCode!: string | null;
  @Field(() => Boolean) active!: boolean;
  @Field(() => Int) version!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Date, { nullable: true }) deactivatedAt!: Date | null;
}

export const CatalogueItemConnection = Paginated(CatalogueItemModel, 'CatalogueItemConnection');

@ObjectType('MappingProposal', { description: '候选统一目录条目 A candidate unified-list item' })
export class MappingProposalModel {
  @Field(() => ID) formularyItemId!: string;
  @Field(() => String, { description: 'NATIONAL_CODE / EXACT / CANDIDATE' }) tier!: string;
  @Field(() => Float) score!: number;
  @Field(() => [String], { description: '一致之处 What agreed' }) reasons!: string[];
  @Field(() => [String], { description: '需药师核对之处 What a pharmacist must check' }) warnings!: string[];
}

@ObjectType('CatalogueMapping', {
  description:
    '目录条目与统一目录的对照(id 即目录条目 id) How a catalogue item maps onto the unified list (id = the catalogue item’s id)',
})
export class CatalogueMappingModel {
  @Field(() => ID) id!: string;
  @Field(() => ID) catalogueItemId!: string;
  @Field(() => ID) institutionId!: string;
  @Field(() => MappingStatus) status!: MappingStatus;
  @Field(() => ID, { nullable: true }) formularyItemId!: string | null;
  @Field(() => String, { nullable: true, description: 'NATIONAL_CODE / EXACT / CANDIDATE / MANUAL' }) tier!:
    string | null;
  @Field(() => Float, { nullable: true }) score!: number | null;
  @Field(() => [String], { description: '一致之处 What agreed' }) reasons!: string[];
  @Field(() => [String], { description: '需药师核对之处 What a pharmacist must check' }) warnings!: string[];
  @Field(() => [String], { description: '数据问题(INVALID 时) Data problems, when INVALID' })
  problems!: string[];
  @Field(() => String, { nullable: true, description: '药师的说明 The pharmacist’s note' }) note!:
    string | null;
  @Field(() => [MappingProposalModel], { description: '候选(高分在前) Proposals, best first' })
  proposals!: MappingProposalModel[];
  @Field(() => ID, { nullable: true }) decidedBy!: string | null;
  @Field(() => Date, { nullable: true }) decidedAt!: Date | null;
  @Field(() => Int, { description: '确认/驳回时回传 Send back when deciding' }) version!: number;
  @Field(() => Date) updatedAt!: Date;
}

export const CatalogueMappingConnection = Paginated(CatalogueMappingModel, 'CatalogueMappingConnection');

@ObjectType('CatalogueMappingHistoryEntry', { description: '对照的一个版本 One version of a mapping' })
export class CatalogueMappingHistoryModel {
  @Field(() => Int) version!: number;
  @Field(() => String, { description: 'MATCH / REMATCH / CONFIRM / REJECT / REMAP' }) action!: string;
  @Field(() => MappingStatus) status!: MappingStatus;
  @Field(() => ID, { nullable: true }) formularyItemId!: string | null;
  @Field(() => String, { nullable: true }) tier!: string | null;
  @Field(() => Float, { nullable: true }) score!: number | null;
  @Field(() => [String]) reasons!: string[];
  @Field(() => [String]) warnings!: string[];
  @Field(() => ID, { nullable: true }) decidedBy!: string | null;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => Date) at!: Date;
}

@ObjectType('CatalogueCoverage', { description: '对照覆盖率 Mapping coverage (active items only)' })
export class CatalogueCoverageModel {
  @Field(() => ID, { nullable: true, description: '合计行为空 Null on the total' }) institutionId!:
    string | null;
  @Field(() => Int, { description: '在用目录条目 Active catalogue items' }) items!: number;
  @Field(() => Int, { description: '已对照(自动+药师确认) Mapped: automatic and confirmed' }) mapped!: number;
  @Field(() => Int) autoConfirmed!: number;
  @Field(() => Int) confirmed!: number;
  @Field(() => Int, { description: '待药师确认 Awaiting a pharmacist' }) pending!: number;
  @Field(() => Int, { description: '未对照(含驳回) Unmapped, rejected included' }) unmapped!: number;
  @Field(() => Int) rejected!: number;
  @Field(() => Int) invalid!: number;
  @Field(() => Float, { nullable: true, description: '已对照占比 0–1 Share mapped; null without items' })
  mappedShare!: number | null;
}

@ObjectType('CatalogueCoverageReport', { description: '各机构与合计 Per institution and in total' })
export class CatalogueCoverageReportModel {
  @Field(() => CatalogueCoverageModel, { description: '所列机构合计 Total over the institutions listed' })
  total!: CatalogueCoverageModel;
  @Field(() => [CatalogueCoverageModel]) institutions!: CatalogueCoverageModel[];
}

@ObjectType('UpdateStockResult', { description: '库存更新结果 What updateStock changed' })
export class UpdateStockResultModel {
  @Field(() => Int) updated!: number;
  @Field(() => Int, { description: '数量未变 Already at that quantity' }) unchanged!: number;
  @Field(() => [CatalogueStockModel]) items!: CatalogueStockModel[];
}
