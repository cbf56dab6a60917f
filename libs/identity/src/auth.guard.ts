import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import {
  BEFORE_PASSWORD_CHANGE,
  DomainError,
  ForbiddenError,
  IS_PUBLIC,
  Role,
  ROLES,
  UnauthenticatedError,
  userFromContext,
} from '@yg/core';

/** Why a request carries no user although it sent a token (set by the request-context middleware). */
export type AuthFailure = 'expired' | 'invalid' | 'revoked' | 'unavailable';

export const SESSION_REVOKED_MESSAGE =
  '登录已失效(账户已停用或已调整),请重新登录 (Your session has ended: the account was deactivated or changed; log in again)';

export function authFailureError(reason: AuthFailure | undefined): DomainError {
  if (reason === 'revoked')
    return new DomainError('UNAUTHENTICATED', SESSION_REVOKED_MESSAGE, { reason: 'SESSION_REVOKED' });
  if (reason === 'unavailable') {
    return new DomainError(
      'SERVICE_UNAVAILABLE',
      '暂时无法核验登录状态,请稍后重试 (Your session cannot be checked right now; retry shortly)',
      { retryable: true },
    );
  }
  return new UnauthenticatedError();
}

export const PASSWORD_CHANGE_REQUIRED_MESSAGE =
  '首次登录或密码被重置后须先修改密码 (Change the password an administrator set for you before anything else)';

/**
 * Every operation needs a valid token unless marked @Public; @Roles narrows who may call it. A
 * user holding a password an admin chose reaches only what is marked @AllowedBeforePasswordChange.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const user = userFromContext(ctx);
    if (!user) throw authFailureError(authFailureOf(ctx));
    if (
      user.passwordChangeRequired &&
      !this.reflector.getAllAndOverride<boolean>(BEFORE_PASSWORD_CHANGE, targets)
    ) {
      throw new DomainError('PASSWORD_CHANGE_REQUIRED', PASSWORD_CHANGE_REQUIRED_MESSAGE);
    }
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles?.length && !user.roles.some((r) => roles.includes(r))) {
      throw new ForbiddenError(
        `此操作需要以下角色之一:${roles.join(', ')} (this operation needs one of: ${roles.join(', ')})`,
      );
    }
    return true;
  }
}

function authFailureOf(ctx: ExecutionContext): AuthFailure | undefined {
  const req =
    ctx.getType<string>() === 'graphql'
      ? GqlExecutionContext.create(ctx).getContext<{ req?: { authError?: AuthFailure } }>().req
      : ctx.switchToHttp().getRequest<{ authError?: AuthFailure }>();
  return req?.authError;
}
