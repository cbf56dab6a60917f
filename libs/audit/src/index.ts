export * from './audit.module';
export * from './audit-jobs.module';
export * from './audit.service';
export * from './audit-chain.service';
export * from './entities/audit-event.entity';
export * from './entities/audit-seal.entity';
export * from './domain/chain';
export * from './migrations/1764000001000-audit';
