import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthUser, UnauthenticatedError } from '@yg/core';
import { UserEntity } from './entities/user.entity';
import { TokenService } from './token.service';
import { AccountKind, PasswordLogin } from './login/password-login.service';

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
}

export function toAuthUser(u: UserEntity): AuthUser {
  return {
    id: u.id,
    tenantId: u.tenantId,
    institutionId: u.institutionId,
    practitionerId: u.practitionerId,
    roles: u.roles,
  };
}
