import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import {
  APP_CONFIG,
  AppConfig,
  ProcessOptions,
  ClockModule,
  ConfigModule,
  createValidationPipe,
  DatabaseModule,
  LoggingModule,
  QueueModule,
  RedisModule,
  ROOT_LOGGER,
} from '@yg/core';
import { AuditModule, AuditService } from '@yg/audit';
import { NetworkModule } from '@yg/network';
import { AuthGuard, IdentityModule } from '@yg/identity';
import { PatientsModule } from '@yg/patients';
import { OutboxModule } from '@yg/outbox';
import { NotificationsModule } from '@yg/notifications';
import { RealtimeModule } from '@yg/realtime';
import { ReferralsModule } from '@yg/referrals';
import { ConsultationsModule } from '@yg/consultations';
import { DocumentsModule } from '@yg/documents';
import { DrugsModule } from '@yg/drugs';
import { EncounterMeasureSource, IntakeModule } from '@yg/intake';
import { IndicatorsModule } from '@yg/indicators';
import { UNIFICATION_MEASURE_SOURCES, UnificationModule, UnificationReadsModule } from '@yg/unification';
import { AssessmentMeasures, AssessmentMeasuresModule, AssessmentModule } from '@yg/assessment';
import { MIGRATIONS } from '@yg/schema';
import { graphqlOptions } from './graphql/graphql.options';
import { HealthController } from './health/health.controller';
import { RequestContextHook } from './http/request-context.hook';
import { ApiMetrics } from './metrics/api-metrics';
import { ApiMetricsModule } from './metrics/api-metrics.module';
import { OperatorLoginController } from './admin/operator-login.controller';

/** The HTTP process: GraphQL, socket.io, health. Stateless, so any number of copies can run. */
@Module({})
export class AppModule {
  static forRoot(config?: AppConfig, opts: ProcessOptions = {}): DynamicModule {
    const indicators = IndicatorsModule.forRoot({
      sources: [EncounterMeasureSource, AssessmentMeasures, ...UNIFICATION_MEASURE_SOURCES],
      imports: [IntakeModule, AssessmentMeasuresModule, UnificationReadsModule],
      sourceInstances: opts.measureSources,
    });
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule,
        ClockModule.forRoot(opts.clock),
        DatabaseModule.forRoot({ entities: [], migrations: MIGRATIONS }),
        RedisModule,
        QueueModule.forRoot({ producerOnly: true }),
        AuditModule,
        NetworkModule,
        IdentityModule,
        PatientsModule,
        OutboxModule,
        NotificationsModule,
        RealtimeModule,
        ReferralsModule,
        ConsultationsModule,
        DocumentsModule,
        DrugsModule,
        IntakeModule,
        indicators,
        UnificationModule,
        AssessmentModule.forRoot({ indicators }),
        ApiMetricsModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: [AuditModule, ApiMetricsModule],
          inject: [APP_CONFIG, ROOT_LOGGER, AuditService, ApiMetrics],
          useFactory: graphqlOptions,
        }),
      ],
      controllers: [HealthController, OperatorLoginController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useFactory: createValidationPipe },
        RequestContextHook,
      ],
    };
  }
}
