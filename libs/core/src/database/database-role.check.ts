import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';

interface RoleFacts {
  user: string;
  superuser: boolean;
  bypassRls: boolean;
  ownsTables: boolean;
}

/** Why the connected role is too powerful for an app process, or null when it is ordinary. */
export function excessPrivilege(r: RoleFacts): string | null {
  if (r.superuser) return 'is a superuser';
  if (r.bypassRls) return 'bypasses row security';
  if (r.ownsTables) return 'owns the tables';
  return null;
}

/**
 * The append-only triggers and the grants bind every role but the tables' owner and
 * superusers, who can switch them off. In production the apps refuse to run as either;
 * elsewhere they say so once.
 */
@Injectable()
export class DatabaseRoleCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const [facts]: RoleFacts[] = await this.dataSource.query(
      `SELECT current_user AS "user", r.rolsuper AS superuser, r.rolbypassrls AS "bypassRls",
              EXISTS (SELECT 1 FROM pg_class c
                       WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())
                         AND c.relkind IN ('r', 'p')
                         AND pg_has_role(current_user, c.relowner, 'USAGE')) AS "ownsTables"
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const why = facts && excessPrivilege(facts);
    if (!why) return;
    const message =
      `数据库账户权限过大 (the app connects to Postgres as ${facts.user}, which ${why} and could switch off ` +
      `the audit trail's append-only rules): set DB_USER to an ordinary role and DB_MIGRATION_USER to the owner`;
    if (this.config.isProduction) throw new Error(message);
    this.logger.warn(message);
  }
}
