import { expect } from '@jest/globals';
import type { Response } from 'supertest';

let lastOctet = 0;
/** Addresses of the TEST-NET-3 range, one per call, so counters never carry over between tests. */
export const freshIp = () => `203.0.113.${++lastOctet}`;

export function expectRateLimited(res: Response): void {
  expect(res.status).toBe(429);
  expect(res.body).toMatchObject({ statusCode: 429, code: 'rate_limited' });
  const retryAfter = Number(res.headers['retry-after']);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}
