import { IntrinsicException } from '@nestjs/common';

/**
 * Errors a user can act on. Each carries a stable code (GraphQL `extensions.code`)
 * and a message in Chinese with English beside it.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_TRANSITION'
  | 'ACCOUNT_LOCKED'
  | 'PASSWORD_CHANGE_REQUIRED'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'SERVICE_UNAVAILABLE'
  | 'DATA_INTEGRITY';

/**
 * IntrinsicException: Nest's exception handler does not log it. A refusal the user can act on is
 * an answer, not a server error; logging each one at error level flooded the log during
 * booking storms (and cost a synchronous write per refusal). Unexpected errors are still logged,
 * once, by the GraphQL error formatter.
 */
export class DomainError extends IntrinsicException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    // No stack: a refusal is an answer, not a fault, and graphql-js reads the stack of every
    // error it wraps; formatting one per CONFLICT cost ~2 % of a booking storm's CPU.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.name = new.target.name;
  }
}

export class BadInputError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('BAD_USER_INPUT', message, details);
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = '未登录或登录已过期 (Not authenticated or session expired)') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = '无权执行此操作 (You are not allowed to do this)') {
    super('FORBIDDEN', message);
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, label: string, id?: string) {
    super('NOT_FOUND', `${label}不存在 (${entity} not found)`, id ? { entity, id } : { entity });
  }
}

export class ConflictError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('CONFLICT', message, details);
  }
}

export class InvalidTransitionError extends DomainError {
  constructor(entity: string, current: string, action: string) {
    super(
      'INVALID_TRANSITION',
      `当前状态 ${current} 不允许此操作 (${entity} in state ${current} cannot ${action})`,
      { entity, currentState: current, action },
    );
  }
}

/**
 * Stored data failed its integrity check (e.g. an encrypted field that is not this record's).
 * Retrying cannot help; the server logs the record so an administrator can restore it.
 */
export class DataIntegrityError extends DomainError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('DATA_INTEGRITY', message, details);
  }
}

/** A dependency (the database) is away for a moment: nothing was done, and the same request can be sent again. */
export class ServiceUnavailableError extends DomainError {
  constructor() {
    super(
      'SERVICE_UNAVAILABLE',
      '服务暂时不可用,请稍后重试 (Service temporarily unavailable; retry shortly)',
      {
        retryable: true,
      },
    );
  }
}
