import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { Paginated, Role } from '@yg/core';

@ObjectType('User', { description: '系统用户 User' })
export class UserModel {
  @Field(() => ID) id!: string;
  @Field(() => String) username!: string;
  @Field(() => String) displayName!: string;
  @Field(() => [Role]) roles!: Role[];
  @Field(() => ID) institutionId!: string;
  @Field(() => ID, { nullable: true }) practitionerId!: string | null;
  @Field(() => Boolean) active!: boolean;
  @Field(() => Date, { nullable: true }) lastLoginAt!: Date | null;
  @Field(() => Boolean, {
    description:
      '须先修改密码(管理员设置或重置的密码尚未更换) Must change the password an admin set before doing anything else',
  })
  passwordChangeRequired!: boolean;
  @Field(() => Date, { nullable: true, description: '停用时间 When it was deactivated' })
  deactivatedAt!: Date | null;
  @Field(() => Int, { description: '版本(修改时传回) Version, sent back with a change' }) version!: number;
}

export const UserConnection = Paginated(UserModel, 'UserConnection');

@ObjectType('AuthPayload', { description: '登录结果 Login result' })
export class AuthPayloadModel {
  @Field(() => String, { description: 'Bearer 访问令牌 Access token' }) token!: string;
  @Field(() => Date) expiresAt!: Date;
  @Field(() => UserModel) user!: UserModel;
}
