import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Paginated } from '@yg/core';
import { DrugCodeStatus, DrugKind, ImportFormat, ImportStatus, InsuranceClass } from '../domain/drug.enums';

@ObjectType('EssentialDrugEdition', {
  description: '国家基本药物目录版本 An edition of the essential-drug list',
})
export class EssentialDrugEditionModel {
  @Field(() => String, { description: '版本,如 2018 Edition year' }) code!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true, description: '文号 Document number' }) documentNo!: string | null;
  @Field(() => String, { nullable: true }) publishedOn!: string | null;
  @Field(() => String, { nullable: true, description: '施行日期 In force from' }) effectiveOn!: string | null;
  @Field(() => Int, { nullable: true, description: '品种/条目数 Varieties or entries listed' }) entries!:
    number | null;
  @Field(() => String, { nullable: true }) note!: string | null;
}

@ObjectType('DrugDictionaryEdition', {
  description: '国家医保药品目录版本 An edition of the national code list',
})
export class DrugDictionaryEditionModel {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => Date) createdAt!: Date;
}

@ObjectType('Drug', { description: '国家医保药品代码 A national medical-insurance drug code' })
export class DrugModel {
  @Field(() => String, { description: '医保药品代码 National code' }) code!: string;
  @Field(() => DrugKind) kind!: DrugKind;
  @Field(() => String, {
    description: '分类 Class (kind letter and positions 2–6, as in the class tree: XA01AB)',
  })
  classCode!: string;
  @Field(() => String, { description: '通用名+剂型键 Product key (generic + dosage form)' })
  productKey!: string;
  @Field(() => String, { description: '药品名称 Generic name' }) genericName!: string;
  @Field(() => String, { nullable: true }) dosageForm!: string | null;
  @Field(() => String, { nullable: true }) spec!: string | null;
  @Field(() => String, { nullable: true, description: '生产企业 Maker' }) maker!: string | null;
  @Field(() => String, { nullable: true, description: '商品名 Trade name' }) tradeName!: string | null;
  @Field(() => String, { nullable: true, description: '批准文号 Approval number' }) approvalNo!:
    string | null;
  @Field(() => InsuranceClass, { nullable: true, description: '甲乙类 Insurance class' })
  insuranceClass!: InsuranceClass | null;
  @Field(() => Boolean, { description: '国家基本药物 Essential drug' }) essential!: boolean;
  @Field(() => String, { nullable: true, description: '基药目录版本 Essential-list edition' })
  essentialEdition!: string | null;
  @Field(() => DrugCodeStatus) status!: DrugCodeStatus;
}

export const DrugConnection = Paginated(DrugModel, 'DrugConnection');

@ObjectType('ImportRowError', { description: '导入错误行 A row the import refused' })
export class ImportRowErrorModel {
  @Field(() => Int, { description: '行号(含表头) Line, header included' }) line!: number;
  @Field(() => Int, { nullable: true, description: '工作表序号 Worksheet number (XLSX)' }) sheet?:
    number | null;
  @Field(() => String, { nullable: true }) code?: string | null;
  @Field(() => String) reason!: string;
}

@ObjectType('DrugDictionaryImport', { description: '国家药品目录导入 A national dictionary import' })
export class DrugDictionaryImportModel {
  @Field(() => ID) id!: string;
  @Field(() => Boolean, { description: '完整版(缺失代码将停用) Full edition: absent codes are retired' })
  fullEdition!: boolean;
  @Field(() => String, { nullable: true }) essentialEdition!: string | null;
  @Field(() => String) fileName!: string;
  @Field(() => ImportFormat) format!: ImportFormat;
  @Field(() => String, { nullable: true }) fileSha256!: string | null;
  @Field(() => ImportStatus) status!: ImportStatus;
  @Field(() => ID, { nullable: true, description: '同一文件的前次导入 Earlier import of the same file' })
  duplicateOf!: string | null;
  @Field(() => Int) rowsTotal!: number;
  @Field(() => Int) rowsOk!: number;
  @Field(() => Int) rowsBad!: number;
  @Field(() => Int, { description: '去重后的代码数 Distinct codes' }) codesDistinct!: number;
  @Field(() => Int) inserted!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) retired!: number;
  @Field(() => Int) reactivated!: number;
  @Field(() => String, { nullable: true }) failure!: string | null;
  @Field(() => String) requestedBy!: string;
  @Field(() => Int) attempts!: number;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) startedAt!: Date | null;
  @Field(() => Date, { nullable: true }) finishedAt!: Date | null;
}

export const DrugDictionaryImportConnection = Paginated(
  DrugDictionaryImportModel,
  'DrugDictionaryImportConnection',
);
