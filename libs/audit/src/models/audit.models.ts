import { ArgsType, Field, ID, InputType, Int, ObjectType } from '@nestjs/graphql';
import { IsDate, IsOptional, IsString, IsUUID, MaxLength, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { GraphQLJSON, PageArgs, Paginated } from '@yg/core';

@ObjectType('AuditEvent', { description: '审计事件 Audit event' })
export class AuditEventModel {
  @Field(() => ID) id!: string;
  @Field(() => Date) occurredAt!: Date;
  @Field(() => ID, { nullable: true }) actorUserId!: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      '操作人姓名 Actor’s display name (also of a deactivated user; none for the system or a platform operator)',
  })
  actorName!: string | null;
  @Field(() => [String]) actorRoles!: string[];
  @Field(() => ID, { nullable: true }) actorInstitutionId!: string | null;
  @Field(() => String, { nullable: true, description: '操作人所属机构 Actor’s institution' })
  actorInstitutionName!: string | null;
  @Field(() => String) action!: string;
  @Field(() => String, { nullable: true }) entityType!: string | null;
  @Field(() => String, { nullable: true }) entityId!: string | null;
  @Field(() => String, { description: 'SUCCESS / FAILURE / DENIED' }) outcome!: string;
  @Field(() => String, { nullable: true }) errorCode!: string | null;
  @Field(() => String, { nullable: true }) requestId!: string | null;
  @Field(() => String, { nullable: true }) clientIp!: string | null;
  @Field(() => GraphQLJSON) details!: Record<string, unknown>;
}

export const AuditEventConnection = Paginated(AuditEventModel, 'AuditEventConnection');

@InputType()
export class AuditEventFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() actorUserId?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(64) entityType?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(128) entityId?: string;
  @Field(() => String, { nullable: true, description: '动作(前缀匹配) Action, prefix match' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  action?: string;
  @Field(() => Date, { nullable: true }) @IsOptional() @IsDate() from?: Date;
  @Field(() => Date, { nullable: true }) @IsOptional() @IsDate() to?: Date;
}

@ArgsType()
export class AuditEventsArgs extends PageArgs {
  @Field(() => AuditEventFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => AuditEventFilter)
  filter?: AuditEventFilter;
}

@ObjectType('AuditChainVerification', { description: '审计链校验结果 Audit chain check' })
export class AuditChainVerificationModel {
  @Field(() => Boolean) ok!: boolean;
  @Field(() => Int, { description: '已校验的环数 Links checked' }) checked!: number;
  @Field(() => Int, { description: '尚未封存的事件 Events not sealed yet' }) unsealed!: number;
  @Field(() => String, { nullable: true }) brokenAtSeq!: string | null;
  @Field(() => ID, { nullable: true }) brokenEventId!: string | null;
  @Field(() => String, { nullable: true }) reason!: string | null;
}
