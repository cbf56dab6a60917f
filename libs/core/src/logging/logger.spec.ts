import { scrubPersonalNumbers, serializeError } from './logger';

describe('scrubPersonalNumbers', () => {
  it('masks stand-alone ID and mobile numbers wherever they are in a line', () => {
    const line = JSON.stringify({
      msg: 'invalid input syntax for type uuid: "50011419520314031X"',
      url: '/patients/500114195203140316?phone=13912345678',
      requestId: '13800001111',
    });
    const out = scrubPersonalNumbers(line);
    expect(out).not.toMatch(/50011419520314031X|500114195203140316|13912345678|13800001111/);
    expect(out).toContain('[id-redacted]');
    expect(out).toContain('[phone-redacted]');
  });

  it('leaves UUIDs, hashes, timestamps and longer digit runs alone', () => {
    const line = JSON.stringify({
      userId: '0f8fad5b-d9cb-469f-a165-13912345678a',
      hash: 'a13912345678b500114195203140316c',
      time: 1764000013000,
      big: '1391234567890',
      masked: '139****5678',
    });
    expect(scrubPersonalNumbers(line)).toBe(line);
  });
});

describe('serializeError', () => {
  it('drops the statement parameters and the row details of a failed query', () => {
    const err = Object.assign(new Error('duplicate key value violates unique constraint "app_user_phone"'), {
      query: 'INSERT INTO app_user (phone) VALUES ($1)',
      parameters: ['13912345678'],
      detail: 'Key (phone)=(13912345678) already exists.',
      driverError: { detail: 'Key (phone)=(13912345678) already exists.', code: '23505' },
    });
    const out = JSON.stringify(serializeError(err));
    expect(out).not.toContain('13912345678');
    expect(out).toContain('23505');
    expect(out).toContain('INSERT INTO app_user');
  });
});
