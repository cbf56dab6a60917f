import { Global, Inject, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { APP_CONFIG } from '../config/config.module';
import type { AppConfig } from '../config/app-config';
import { createRootLogger } from './logger';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');
export const InjectLogger = () => Inject(ROOT_LOGGER);

@Global()
@Module({
  providers: [
    {
      provide: ROOT_LOGGER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): Logger =>
        createRootLogger(config.logLevel, process.env.YG_PROCESS_NAME ?? 'yigongti', config.logFile),
    },
  ],
  exports: [ROOT_LOGGER],
})
export class LoggingModule {}
