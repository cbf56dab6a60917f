import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  AppConfig,
  ClockModule,
  ConfigModule,
  createRootLogger,
  DatabaseModule,
  LoggingModule,
  PinoNestLogger,
  QueueModule,
  RedisModule,
} from '@yg/core';
import { AuditService, PLATFORM_TENANT } from '@yg/audit';
import { IdentityModule, OperatorsService, OperatorSummary } from '@yg/identity';

export const OPERATOR_USAGE = `  operator:create <name> [--write]   create a platform operator (queue dashboard; read-only
                                     unless --write); the password is read from OPERATOR_PASSWORD
                                     or the first line of standard input
  operator:write <name> on|off       grant or withdraw write access (retry, remove jobs)
  operator:deactivate <name>         end the operator's access at once
  operator:reactivate <name>         allow the operator to log in again`;

/**
 * Operator accounts from the command line: the deployment's IT is above every tenant, so no
 * tenant admin can create one. Runs the same services as the api (audit trail, session
 * revocation broadcast to every running api).
 */
export async function runOperatorCommand(
  config: AppConfig,
  command: string,
  args: string[],
): Promise<string> {
  @Module({
    imports: [
      ConfigModule.forRoot(config),
      LoggingModule,
      ClockModule.forRoot(),
      DatabaseModule.forRoot({ entities: [], migrations: [] }),
      RedisModule,
      QueueModule.forRoot({ producerOnly: true }),
      IdentityModule,
    ],
  })
  class OperatorCliModule {}

  const app = await NestFactory.createApplicationContext(OperatorCliModule, {
    logger: new PinoNestLogger(
      createRootLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, 'cli'),
    ),
  });
  try {
    const operators = app.get(OperatorsService);
    const [name, flag] = args;
    if (!name) throw new Error(`usage:\n${OPERATOR_USAGE}`);
    let result: OperatorSummary;
    switch (command) {
      case 'operator:create':
        if (flag && flag !== '--write') throw new Error(`usage:\n${OPERATOR_USAGE}`);
        result = await operators.create(name, await readPassword(), flag === '--write');
        break;
      case 'operator:write':
        if (flag !== 'on' && flag !== 'off') throw new Error(`usage:\n${OPERATOR_USAGE}`);
        result = await operators.setWrite(name, flag === 'on');
        break;
      case 'operator:deactivate':
        result = await operators.setActive(name, false);
        break;
      case 'operator:reactivate':
        result = await operators.setActive(name, true);
        break;
      default:
        throw new Error(`usage:\n${OPERATOR_USAGE}`);
    }
    await app.get(AuditService).requestSeal(PLATFORM_TENANT);
    return `operator ${result.username}: ${result.active ? 'active' : 'deactivated'}, ${result.canWrite ? 'read and write' : 'read-only'}`;
  } finally {
    await app.close();
  }
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.OPERATOR_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY)
    process.stderr.write('password (input is shown; prefer OPERATOR_PASSWORD or a pipe): ');
  let input = '';
  for await (const chunk of process.stdin) {
    input += String(chunk);
    if (input.includes('\n')) break;
  }
  return input.split(/\r?\n/)[0];
}
