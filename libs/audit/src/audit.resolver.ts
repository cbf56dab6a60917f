import { Args, Query, Resolver } from '@nestjs/graphql';
import { AuthUser, Connection, CurrentUser, Role, Roles } from '@yg/core';
import { AuditChainService } from './audit-chain.service';
import { AuditQueryService } from './audit-query.service';
import {
  AuditChainVerificationModel,
  AuditEventConnection,
  AuditEventModel,
  AuditEventsArgs,
} from './models/audit.models';

@Resolver(() => AuditEventModel)
export class AuditResolver {
  constructor(
    private readonly query: AuditQueryService,
    private readonly chain: AuditChainService,
  ) {}

  @Query(() => AuditEventConnection, { description: '审计轨迹 Audit trail of my consortium' })
  @Roles(Role.AUDITOR, Role.CONSORTIUM_ADMIN)
  auditEvents(
    @CurrentUser() user: AuthUser,
    @Args() args: AuditEventsArgs,
  ): Promise<Connection<AuditEventModel>> {
    return this.query.list(user, args);
  }

  @Query(() => AuditChainVerificationModel, {
    description: '校验审计哈希链 Check the tamper-evident chain of my consortium',
  })
  @Roles(Role.AUDITOR, Role.CONSORTIUM_ADMIN)
  verifyAuditChain(@CurrentUser() user: AuthUser): Promise<AuditChainVerificationModel> {
    return this.chain.verify(user.tenantId);
  }
}
