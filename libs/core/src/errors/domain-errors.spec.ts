import { Logger } from '@nestjs/common';
import { ExternalExceptionFilter } from '@nestjs/core/exceptions/external-exception-filter';
import { ConflictError, NotFoundError } from './domain-errors';

describe('DomainError and Nest’s exception handler', () => {
  const host = {} as never;
  let logged: jest.SpyInstance;
  beforeEach(() => {
    logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => logged.mockRestore());

  it('passes refusals on to the client without logging them as server errors', () => {
    const filter = new ExternalExceptionFilter();
    const conflict = new ConflictError('已有预约 (already booked)', { busyExpertId: 'x' });
    expect(() => filter.catch(conflict, host)).toThrow(conflict);
    expect(() => filter.catch(new NotFoundError('Consultation', '会诊'), host)).toThrow('会诊不存在');
    expect(logged).not.toHaveBeenCalled();
  });

  it('still logs an unexpected error', () => {
    expect(() => new ExternalExceptionFilter().catch(new TypeError('boom'), host)).toThrow('boom');
    expect(logged).toHaveBeenCalledTimes(1);
  });

  it('keeps its name, code and details', () => {
    const e = new ConflictError('x', { a: 1 });
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.code, e.details]).toEqual(['ConflictError', 'CONFLICT', { a: 1 }]);
  });
});

describe('DomainError stacks', () => {
  it('carry no frames, and leave other errors theirs', () => {
    expect(new ConflictError('已有预约 (already booked)').stack).toBe(
      'ConflictError: 已有预约 (already booked)',
    );
    expect(new Error('boom').stack).toMatch(/\n\s+at /);
  });
});
