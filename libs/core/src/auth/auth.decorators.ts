import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { Role } from './role.enum';
import { AuthUser } from './auth-user';
import { UnauthenticatedError } from '../errors/domain-errors';

export const IS_PUBLIC = 'yg:isPublic';
export const ROLES = 'yg:roles';
export const BEFORE_PASSWORD_CHANGE = 'yg:beforePasswordChange';

/** Reachable without a token (login, health). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Answers a user who must still replace an admin-chosen password (the rest refuses them). */
export const AllowedBeforePasswordChange = () => SetMetadata(BEFORE_PASSWORD_CHANGE, true);

/** Only these roles may call the operation; without it any authenticated user may. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

export function userFromContext(ctx: ExecutionContext): AuthUser | undefined {
  const req =
    ctx.getType<string>() === 'graphql'
      ? GqlExecutionContext.create(ctx).getContext<{ req: { user?: AuthUser } }>().req
      : ctx.switchToHttp().getRequest<{ user?: AuthUser }>();
  return req?.user;
}

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  const user = userFromContext(ctx);
  if (!user) throw new UnauthenticatedError();
  return user;
});
