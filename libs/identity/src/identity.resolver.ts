import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import {
  AllowedBeforePasswordChange,
  AuthUser,
  Connection,
  CurrentUser,
  GqlContext,
  maskPhone,
  Public,
  Role,
  Roles,
} from '@yg/core';
import { InstitutionEntity, InstitutionModel, NetworkService } from '@yg/network';
import { AuthService, LoginResult } from './auth.service';
import { UsersService } from './users.service';
import { UserAdminService } from './user-admin.service';
import { AuthPayloadModel, UserConnection, UserModel } from './models/identity.models';
import {
  CreateUserInput,
  ChangePasswordArgs,
  DeactivateUserArgs,
  LoginArgs,
  ResetPasswordArgs,
  UpdateUserInput,
  UsersArgs,
} from './dto/identity.inputs';
import { UserEntity } from './entities/user.entity';

@Resolver(() => UserModel)
export class IdentityResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly usersService: UsersService,
    private readonly admin: UserAdminService,
    private readonly network: NetworkService,
  ) {}

  @Public()
  @Mutation(() => AuthPayloadModel, {
    description: '登录 Log in with user name and password (one login per request)',
  })
  login(@Args() args: LoginArgs): Promise<LoginResult> {
    return this.auth.login(args.username, args.password);
  }

  @Query(() => UserModel, { description: '当前用户 The caller' })
  @AllowedBeforePasswordChange()
  me(@CurrentUser() user: AuthUser): Promise<UserEntity> {
    return this.usersService.me(user);
  }

  @Query(() => UserConnection, {
    description: '用户列表(医共体管理员:全部;机构管理员:本机构) Users I administer',
  })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  users(@CurrentUser() user: AuthUser, @Args() args: UsersArgs): Promise<Connection<UserEntity>> {
    return this.admin.users(user, args);
  }

  @Mutation(() => UserModel, { description: '新建用户 Create a user' })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  createUser(@CurrentUser() user: AuthUser, @Args('input') input: CreateUserInput): Promise<UserEntity> {
    return this.usersService.createUser(user, input);
  }

  @Mutation(() => UserModel, {
    description: '修改用户(姓名、电话、角色、机构);角色变更立即生效 Edit a user; role changes apply at once',
  })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  updateUser(@CurrentUser() user: AuthUser, @Args('input') input: UpdateUserInput): Promise<UserEntity> {
    return this.admin.updateUser(user, input);
  }

  @Mutation(() => UserModel, {
    description: '停用用户,立即结束其所有会话 Deactivate a user; ends their sessions at once',
  })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  deactivateUser(@CurrentUser() user: AuthUser, @Args() args: DeactivateUserArgs): Promise<UserEntity> {
    return this.admin.deactivateUser(user, args);
  }

  @Mutation(() => AuthPayloadModel, {
    description:
      '修改本人密码:结束本人所有会话并返回新令牌 Change my password: ends all my sessions and returns a new token',
  })
  @AllowedBeforePasswordChange()
  changePassword(@CurrentUser() user: AuthUser, @Args() args: ChangePasswordArgs): Promise<LoginResult> {
    return this.auth.changePassword(user, args.currentPassword, args.newPassword);
  }

  @Mutation(() => UserModel, {
    description: '重置用户密码(结束其所有会话) Set a new password for a user; ends their sessions',
  })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  resetUserPassword(@CurrentUser() user: AuthUser, @Args() args: ResetPasswordArgs): Promise<UserEntity> {
    return this.admin.resetPassword(user, args);
  }

  @Mutation(() => UserModel, {
    description: '重新启用用户(需重新登录) Reactivate a user (they log in again)',
  })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  reactivateUser(
    @CurrentUser() user: AuthUser,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<UserEntity> {
    return this.admin.reactivateUser(user, id);
  }

  @ResolveField(() => String, {
    nullable: true,
    description: '手机号(脱敏,短信通知所用) Mobile for SMS notices, masked: 139****0000',
  })
  phoneMasked(@Parent() u: UserEntity): string | null {
    return u.phone ? maskPhone(u.phone) : null;
  }

  @ResolveField(() => InstitutionModel)
  institution(@Parent() u: UserEntity, @Context() ctx: GqlContext): Promise<InstitutionEntity | null> {
    // `login` answers before the request has a caller: the per-request loader is scoped to the
    // caller's tenant, so the user just authenticated is looked up in their own tenant instead.
    if (!ctx.req.user) return this.network.institution(u.tenantId, u.institutionId);
    return ctx.loaders.get(this.network.institutionLoader).load(u.institutionId);
  }
}
