import { ArgsType, Field, ID, InputType } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Role } from '@yg/core';

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
  @Field(() => String) @IsString() @MinLength(1) @MaxLength(40) displayName!: string;
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
  @Matches(/^1[3-9]\d{9}$/, { message: '手机号应为 11 位 (mobile: 11 digits)' })
  phone?: string;
}
