import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { dataSourceOptions, SchemaParts } from './data-source-options';
import { DatabaseRoleCheck } from './database-role.check';

@Module({})
export class DatabaseModule {
  static forRoot(parts: SchemaParts): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(config, parts),
            autoLoadEntities: true,
          }),
        }),
      ],
      providers: [DatabaseRoleCheck],
    };
  }
}
