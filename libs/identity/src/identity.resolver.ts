import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { AuthUser, CurrentUser, GqlContext, Public, Role, Roles } from '@yg/core';
import { InstitutionEntity, InstitutionModel, NetworkService } from '@yg/network';
import { AuthService, LoginResult } from './auth.service';
import { UsersService } from './users.service';
import { AuthPayloadModel, UserModel } from './models/identity.models';
import { CreateUserInput, LoginArgs } from './dto/identity.inputs';
import { UserEntity } from './entities/user.entity';

@Resolver(() => UserModel)
export class IdentityResolver {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly network: NetworkService,
  ) {}

  @Public()
  @Mutation(() => AuthPayloadModel, { description: '登录 Log in with user name and password' })
  login(@Args() args: LoginArgs): Promise<LoginResult> {
    return this.auth.login(args.username, args.password);
  }

  @Query(() => UserModel, { description: '当前用户 The caller' })
  me(@CurrentUser() user: AuthUser): Promise<UserEntity> {
    return this.users.me(user);
  }

  @Mutation(() => UserModel, { description: '新建用户 Create a user' })
  @Roles(Role.CONSORTIUM_ADMIN, Role.INSTITUTION_ADMIN)
  createUser(@CurrentUser() user: AuthUser, @Args('input') input: CreateUserInput): Promise<UserEntity> {
    return this.users.createUser(user, input);
  }

  @ResolveField(() => InstitutionModel)
  institution(@Parent() u: UserEntity, @Context() ctx: GqlContext): Promise<InstitutionEntity | null> {
    return ctx.loaders.get(this.network.institutionLoader).load(u.institutionId);
  }
}
