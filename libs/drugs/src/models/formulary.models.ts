import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON, Paginated } from '@yg/core';
import { FormularyStatus, FormularyTier } from '../domain/drug.enums';

@ObjectType('FormularyItemVersion', {
  description: '统一目录条目的一个版本 One version of a unified-list item',
})
export class FormularyItemVersionModel {
  @Field(() => Int) version!: number;
  @Field(() => String, { description: 'CREATE / UPDATE / RETIRE' }) action!: string;
  @Field(() => [String], { description: '改动的字段 Fields changed' }) changed!: string[];
  @Field(() => GraphQLJSON, { description: '该版本的内容 The item as it was' }) snapshot!: Record<
    string,
    unknown
  >;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => ID, { nullable: true }) actorUserId!: string | null;
  @Field(() => Date) at!: Date;
}

@ObjectType('FormularyItem', { description: '医共体统一药品目录条目 An item of the unified drug list' })
export class FormularyItemModel {
  @Field(() => ID) id!: string;
  @Field(() => String, { nullable: true, description: '医保药品代码 National code' }) nationalCode!:
    string | null;
  @Field(() => String, { description: '通用名+剂型键 Product key' }) productKey!: string;
  @Field(() => String) genericName!: string;
  @Field(() => String, { nullable: true }) dosageForm!: string | null;
  @Field(() => String, { nullable: true }) spec!: string | null;
  @Field(() => [FormularyTier], { description: '可配备的层级 Tiers that may stock it' })
  tiers!: FormularyTier[];
  @Field(() => String, { nullable: true, description: '指定的替代组 Explicit substitution group' })
  substitutionGroup!: string | null;
  @Field(() => String, { description: '替代组(未指定时为品种键) Effective substitution group' })
  substitutionKey!: string;
  @Field(() => FormularyStatus) status!: FormularyStatus;
  @Field(() => Int) version!: number;
  @Field(() => String, { nullable: true }) note!: string | null;
  @Field(() => String, { nullable: true }) retireReason!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date) updatedAt!: Date;
  @Field(() => Date, { nullable: true }) retiredAt!: Date | null;
}

export const FormularyConnection = Paginated(FormularyItemModel, 'FormularyConnection');
