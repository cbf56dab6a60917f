import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { UserEntity } from './entities/user.entity';
import { TokenService } from './token.service';
import { AuthService } from './auth.service';
import { UsersService } from './users.service';
import { IdentityResolver } from './identity.resolver';
import { AuthGuard } from './auth.guard';
import { AudienceService } from './audience.service';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity]), JwtModule.register({}), AuditModule, NetworkModule],
  providers: [TokenService, AuthService, UsersService, IdentityResolver, AuthGuard, AudienceService],
  exports: [TokenService, UsersService, AuthService, AuthGuard, AudienceService],
})
export class IdentityModule {}
