import { describe, expect, it } from '@jest/globals';
import type { CallHandler, ExecutionContext } from '@nestjs/common';
import { lastValueFrom, of, throwError } from 'rxjs';
import { AppError } from '../common/errors/app-error.js';
import { LoginMetricsInterceptor } from './login-metrics.interceptor.js';
import type { MetricsService } from './metrics.service.js';

function setup(): { sut: LoginMetricsInterceptor; records: Array<[string, string, number]>; context: ExecutionContext } {
  const records: Array<[string, string, number]> = [];
  const metrics = { loginEnded: (provider: string, outcome: string, seconds: number) => records.push([provider, outcome, seconds]) };
  const http = { getRequest: () => ({ params: { provider: 'google' } }), getResponse: () => ({ elapsedTime: 250 }) };
  const context = { switchToHttp: () => http } as unknown as ExecutionContext;
  return { sut: new LoginMetricsInterceptor(metrics as unknown as MetricsService), records, context };
}

const handler = (result: ReturnType<CallHandler['handle']>): CallHandler => ({ handle: () => result });

describe(LoginMetricsInterceptor.name, () => {
  it("should record a success once, timed from the request's arrival, and pass the answer on", async () => {
    const { sut, records, context } = setup();

    await expect(lastValueFrom(sut.intercept(context, handler(of('tokens'))))).resolves.toBe('tokens');
    expect(records).toEqual([['google', 'success', 0.25]]);
  });

  it('should record the code the client is answered with, and pass the error on', async () => {
    const { sut, records, context } = setup();
    const error = new AppError('account_inactive', 'This account is inactive');

    await expect(lastValueFrom(sut.intercept(context, handler(throwError(() => error))))).rejects.toBe(error);
    expect(records).toEqual([['google', 'account_inactive', 0.25]]);
  });
});
