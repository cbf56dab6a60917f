import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '@yg/audit';
import { AuthUser, BadInputError, DomainError, UnauthenticatedError } from '@yg/core';
import { hashPassword, passwordProblem } from './password';
import { SessionRegistry } from './session/session-registry';
import { UserEntity } from './entities/user.entity';
import { TokenService } from './token.service';
import { AccountKind, PasswordLogin } from './login/password-login.service';
import { BAD_CREDENTIALS } from './login/login-errors';

export interface LoginResult {
  token: string;
  expiresAt: Date;
  user: UserEntity;
}

/** Tenant users' password login (rate limits, lockout and the trail: PasswordLogin). */
@Injectable()
export class AuthService {
  private readonly users: AccountKind<UserEntity>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly passwords: PasswordLogin,
    private readonly audit: AuditService,
    private readonly sessions: SessionRegistry,
  ) {
    const repo = () => this.dataSource.getRepository(UserEntity);
    this.users = {
      table: 'app_user',
      entityType: 'User',
      rateNamespace: 'user',
      find: (username) =>
        repo()
          .createQueryBuilder('u')
          .addSelect('u.passwordHash')
          .where('u.username = :username', { username })
          .getOne(),
      actor: (u) => toAuthUser(u),
    };
  }

  async login(username: string, password: string): Promise<LoginResult> {
    const account = await this.passwords.attempt(this.users, username, password);
    // As it is now: roles, institution or session version may have changed during the check.
    const user = await this.dataSource.getRepository(UserEntity).findOneBy({ id: account.id });
    if (!user?.active) throw new UnauthenticatedError();
    const { token, expiresAt } = this.tokens.issue(toAuthUser(user), user.sessionVersion);
    return { token, expiresAt, user };
  }

  /**
   * The signed-in user's own new password. The current one is confirmed as a login checks it
   * (rate limits, lockout, the trail), so a session taken over cannot guess it any faster than a
   * login could. Every session of the user ends, other devices included; the caller gets a new one.
   */
  async changePassword(caller: AuthUser, current: string, next: string): Promise<LoginResult> {
    const problem = passwordProblem(next);
    if (problem) throw new BadInputError(problem, { field: 'newPassword' });
    if (next === current) {
      throw new BadInputError('新密码须与当前密码不同 (the new password must differ from the current one)', {
        field: 'newPassword',
      });
    }
    const me = await this.dataSource.getRepository(UserEntity).findOneBy({ id: caller.id });
    if (!me?.active) throw new UnauthenticatedError();
    try {
      await this.passwords.attempt(this.users, me.username, current, 'auth.password.confirm');
    } catch (err) {
      // A wrong current password is the form's mistake, not the end of the session (a disabled
      // account's refusal stays what it is).
      if (err instanceof DomainError && err.message === BAD_CREDENTIALS) {
        throw new BadInputError('当前密码不正确 (the current password is wrong)', {
          field: 'currentPassword',
        });
      }
      throw err;
    }
    const hash = await hashPassword(next);
    const user = await this.dataSource.transaction(async (em) => {
      // Only over the session read before the check: a reset or a move by an admin meanwhile wins.
      const [[row]]: [{ id: string }[], number] = await em.query(
        `UPDATE app_user SET password_hash = $2, session_version = session_version + 1,
                password_change_required = false
          WHERE id = $1 AND active AND session_version = $3 RETURNING id`,
        [me.id, hash, me.sessionVersion],
      );
      if (!row) throw new UnauthenticatedError();
      await this.audit.record(em, { action: 'user.password.change', entityType: 'User', entityId: me.id });
      return em.getRepository(UserEntity).findOneByOrFail({ id: me.id });
    });
    await this.sessions.changed({ kind: 'user', id: user.id });
    const { token, expiresAt } = this.tokens.issue(toAuthUser(user), user.sessionVersion);
    return { token, expiresAt, user };
  }
}

export function toAuthUser(u: UserEntity): AuthUser {
  return {
    id: u.id,
    tenantId: u.tenantId,
    institutionId: u.institutionId,
    practitionerId: u.practitionerId,
    roles: u.roles,
    passwordChangeRequired: u.passwordChangeRequired,
  };
}
