import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
} from 'class-validator';
import { GraphQLJSON, PageArgs, PageInfo } from '@yg/core';

export enum OutsideChannelValue {
  SMS = 'SMS',
  WEBHOOK = 'WEBHOOK',
}
registerEnumType(OutsideChannelValue, {
  name: 'OutsideChannel',
  valuesMap: { SMS: { description: '短信 SMS' }, WEBHOOK: { description: 'Webhook (HTTP POST, HMAC 签名)' } },
});

@ObjectType('Notification', { description: '站内通知 Inbox entry' })
export class NotificationModel {
  @Field(() => ID) id!: string;
  @Field(() => String) kind!: string;
  @Field(() => String) title!: string;
  @Field(() => String, { nullable: true }) body!: string | null;
  @Field(() => String, { nullable: true }) link!: string | null;
  @Field(() => GraphQLJSON) payload!: Record<string, unknown>;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) readAt!: Date | null;
}

@ObjectType('NotificationConnection')
export class NotificationConnectionModel {
  @Field(() => [NotificationModel]) nodes!: NotificationModel[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: '未读数 Unread count' }) unreadCount!: number;
}

@ArgsType()
export class NotificationsArgs extends PageArgs {
  @Field(() => Boolean, { defaultValue: false }) @IsBoolean() unreadOnly!: boolean;
}

@ArgsType()
export class MarkReadArgs {
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true })
  ids?: string[];
  @Field(() => Boolean, { defaultValue: false, description: '全部标为已读 Mark everything read' })
  @IsBoolean()
  all!: boolean;
}

@ObjectType('NotificationPreferences', { description: '通知渠道偏好 Channel preferences' })
export class NotificationPreferencesModel {
  @Field(() => [OutsideChannelValue]) channels!: OutsideChannelValue[];
  @Field(() => String, {
    nullable: true,
    description: 'Webhook 地址,仅在选择 WEBHOOK 时保存 Webhook address, kept only while WEBHOOK is chosen',
  })
  webhookUrl!: string | null;
  @Field(() => String, {
    nullable: true,
    description: '仅在设置新地址时返回一次,用于校验签名 Signing secret, shown once when a URL is set',
  })
  webhookSecret?: string | null;
  @Field(() => String, {
    nullable: true,
    description:
      '短信发送号码(脱敏;未登记则为空,不能选择短信) The number SMS goes to, masked; null: none on record, SMS cannot be chosen',
  })
  smsTo!: string | null;
}

@InputType()
export class UpdateNotificationPreferencesInput {
  @Field(() => [OutsideChannelValue])
  @IsArray()
  @ArrayMaxSize(2)
  @IsEnum(OutsideChannelValue, { each: true })
  channels!: OutsideChannelValue[];
  @Field(() => String, {
    nullable: true,
    description:
      'Webhook 地址,选择 WEBHOOK 时必填;不选 WEBHOOK 则不保存,已存的地址和签名密钥一并清除 ' +
      'Webhook address, required with WEBHOOK; without WEBHOOK it is not kept, and a stored address and its signing secret are removed',
  })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  // Parsed and checked (scheme, resolved addresses, allow-list) by the service, which names the reason.
  webhookUrl?: string;
}
