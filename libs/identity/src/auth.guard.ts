import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, IS_PUBLIC, Role, ROLES, UnauthenticatedError, userFromContext } from '@yg/core';

/** Every operation needs a valid token unless marked @Public; @Roles narrows who may call it. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(ctx: ExecutionContext): boolean {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const user = userFromContext(ctx);
    if (!user) throw new UnauthenticatedError();
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES, targets);
    if (roles?.length && !user.roles.some((r) => roles.includes(r))) {
      throw new ForbiddenError(
        `此操作需要以下角色之一:${roles.join(', ')} (this operation needs one of: ${roles.join(', ')})`,
      );
    }
    return true;
  }
}
