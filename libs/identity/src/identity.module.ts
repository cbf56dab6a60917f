import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { UserEntity } from './entities/user.entity';
import { TokenService } from './token.service';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';
import { UserAdminService } from './user-admin.service';
import { IdentityResolver } from './identity.resolver';
import { AuthGuard } from './auth.guard';
import { SessionBus } from './session/session-bus';
import { SessionRegistry } from './session/session-registry';
import { LoginRateLimiter } from './login/login-rate-limiter';
import { PasswordLogin } from './login/password-login.service';
import { OperatorsService } from './operators/operators.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), JwtModule.register({}), AuditModule, NetworkModule],
  providers: [
    TokenService,
    AuthService,
    UsersService,
    UserAdminService,
    IdentityResolver,
    AuthGuard,
    SessionBus,
    SessionRegistry,
    LoginRateLimiter,
    PasswordLogin,
    OperatorsService,
  ],
  exports: [TokenService, UsersService, AuthService, AuthGuard, SessionRegistry, OperatorsService],
})
export class IdentityModule {}
