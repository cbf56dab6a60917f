import { ArgsType, Field, ID, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { NotBlank, PageArgs, Role } from '@yg/core';

const PHONE = /^1[3-9]\d{9}$/;
const PHONE_MESSAGE = '手机号应为 11 位 (mobile: 11 digits)';

@ArgsType()
export class LoginArgs {
  @Field(() => String) @IsString() @MinLength(1) @MaxLength(64) username!: string;
  @Field(() => String) @IsString() @MinLength(1) @MaxLength(128) password!: string;
}

@InputType()
export class CreateUserInput {
  @Field(() => String, { description: '登录名:小写字母、数字、. _ - (3–40) Login name' })
  @Matches(/^[a-z0-9][a-z0-9._-]{2,39}$/, {
    message: '登录名为 3–40 位小写字母、数字或 . _ - (user name: 3–40 lower-case letters, digits, . _ -)',
  })
  username!: string;
  @Field(() => String) @IsString() @MinLength(1) @MaxLength(40) @NotBlank() displayName!: string;
  @Field(() => String, { description: '初始密码 Initial password' })
  @IsString()
  @MaxLength(128)
  password!: string;
  @Field(() => [Role])
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @IsEnum(Role, { each: true })
  roles!: Role[];
  @Field(() => ID) @IsUUID() institutionId!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() practitionerId?: string;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone?: string;
}

/** Only the fields given change; `null` clears phone or practitioner. */
@InputType()
export class UpdateUserInput {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => Int, { description: '读到的版本;已被改动则冲突 The version read; CONFLICT if it moved on' })
  @IsInt()
  @Min(1)
  version!: number;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  @NotBlank()
  displayName?: string;
  @Field(() => String, { nullable: true, description: '手机号;null 清除 Mobile; null clears it' })
  @IsOptional()
  @Matches(PHONE, { message: PHONE_MESSAGE })
  phone?: string | null;
  @Field(() => [Role], { nullable: true, description: '新角色(整体替换) Roles, replacing the current ones' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @IsEnum(Role, { each: true })
  roles?: Role[];
  @Field(() => ID, {
    nullable: true,
    description: '调往的机构(需重新登录) Move to this institution (ends sessions)',
  })
  @IsOptional()
  @IsUUID()
  institutionId?: string;
  @Field(() => ID, { nullable: true, description: '对应医务人员;null 解除 Practitioner; null unlinks' })
  @IsOptional()
  @IsUUID()
  practitionerId?: string | null;
}

@ArgsType()
export class DeactivateUserArgs {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { description: '停用原因(1–200 字) Why (1–200 characters)' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @NotBlank()
  reason!: string;
}

@ArgsType()
export class UsersArgs extends PageArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID() institutionId?: string;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() active?: boolean;
  @Field(() => Role, { nullable: true }) @IsOptional() @IsEnum(Role) role?: Role;
  @Field(() => String, { nullable: true, description: '登录名或姓名包含 User name or display name contains' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  search?: string;
}

@ArgsType()
export class ChangePasswordArgs {
  @Field(() => String, { description: '当前密码 Current password' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  currentPassword!: string;
  @Field(() => String, { description: '新密码:至少 10 位,含字母和数字 New password' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  newPassword!: string;
}

@ArgsType()
export class ResetPasswordArgs {
  @Field(() => ID) @IsUUID() id!: string;
  @Field(() => String, { description: '新密码:至少 10 位,含字母和数字 New password' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  newPassword!: string;
}
