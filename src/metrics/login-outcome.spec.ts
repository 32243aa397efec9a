import { describe, expect, it } from '@jest/globals';
import { markAnsweredCode } from '../common/errors/answered-code.js';
import { markLoginAdmitted, recordAdmittedLogin } from './login-outcome.js';
import type { MetricsService } from './metrics.service.js';

function setup(): { metrics: MetricsService; records: Array<[string, string, number]> } {
  const records: Array<[string, string, number]> = [];
  const metrics = { loginEnded: (provider: string, outcome: string, seconds: number) => records.push([provider, outcome, seconds]) };
  return { metrics: metrics as unknown as MetricsService, records };
}

describe(recordAdmittedLogin.name, () => {
  it("should record an admitted login's success once, timed from the request's arrival to its answer", () => {
    const { metrics, records } = setup();
    const reply = { statusCode: 200, elapsedTime: 250 };
    markLoginAdmitted(reply, 'google');

    recordAdmittedLogin(metrics, reply);

    expect(records).toEqual([['google', 'success', 0.25]]);
  });

  it('should record the code the error filter answered an admitted login with', () => {
    const { metrics, records } = setup();
    const reply = { statusCode: 403, elapsedTime: 40 };
    markLoginAdmitted(reply, 'github');
    markAnsweredCode(reply, 'account_inactive');

    recordAdmittedLogin(metrics, reply);

    expect(records).toEqual([['github', 'account_inactive', 0.04]]);
  });

  it('should record nothing for a request no login guard admitted, answered with an error or not', () => {
    const { metrics, records } = setup();
    const failed = { statusCode: 401, elapsedTime: 5 };
    markAnsweredCode(failed, 'invalid_token');

    recordAdmittedLogin(metrics, { statusCode: 200, elapsedTime: 5 });
    recordAdmittedLogin(metrics, failed);

    expect(records).toEqual([]);
  });
});
