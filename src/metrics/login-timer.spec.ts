import { describe, expect, it } from '@jest/globals';
import { BadRequestException } from '@nestjs/common';
import { AppError } from '../common/errors/app-error.js';
import { LoginTimer } from './login-timer.js';

function timer(): { sut: LoginTimer; records: Array<[string, number]> } {
  const records: Array<[string, number]> = [];
  return { sut: new LoginTimer((outcome, seconds) => records.push([outcome, seconds])), records };
}

describe(LoginTimer.name, () => {
  it('should record success with the elapsed seconds and pass the result on', async () => {
    const { sut, records } = timer();

    await expect(sut.observe(Promise.resolve('tokens'))).resolves.toBe('tokens');
    expect(records).toEqual([['success', expect.any(Number)]]);
    expect(records[0][1]).toBeGreaterThanOrEqual(0);
  });

  it('should record the code the client is answered with, and rethrow', async () => {
    const { sut, records } = timer();
    const error = new AppError('account_inactive', 'This account is inactive');

    await expect(sut.observe(Promise.reject(error))).rejects.toBe(error);
    expect(records.map(([outcome]) => outcome)).toEqual(['account_inactive']);
  });

  it('should label errors that are not ours as the filter answers them, never by their message', () => {
    const cases: Array<[unknown, string]> = [
      [new BadRequestException(['bad']), 'validation_failed'],
      [new Error('ECONNRESET at 10.0.0.7'), 'internal_error'],
    ];
    for (const [error, outcome] of cases) {
      const { sut, records } = timer();
      sut.failed(error);
      expect(records.map(([o]) => o)).toEqual([outcome]);
    }
  });

  it('should record a login once, whichever part ends it', async () => {
    const { sut, records } = timer();
    sut.failed(new AppError('invalid_provider_token', 'no'));

    await expect(sut.observe(Promise.resolve('late'))).resolves.toBe('late');
    expect(records.map(([outcome]) => outcome)).toEqual(['invalid_provider_token']);
  });
});
