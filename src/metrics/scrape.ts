import { safeEqual, sha256 } from '../common/crypto/random.js';
import type { MetricsService } from './metrics.service.js';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * One answer to `GET /metrics`, wherever it is served. With `METRICS_TOKEN`, only `Bearer <token>` may read;
 * refusals use the API's error shape. Both tokens are hashed first, so the constant-time comparison does not
 * reveal the token's length either.
 */
export async function scrape(
  metrics: MetricsService,
  token: string | undefined,
  authorization: string | undefined,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  if (token !== undefined) {
    const presented = /^Bearer (.+)$/i.exec(authorization ?? '')?.[1];
    if (presented === undefined || !safeEqual(sha256(presented), sha256(token))) {
      const body = JSON.stringify({ statusCode: 401, code: 'invalid_token', message: 'A valid metrics token is required' });
      return { status: 401, headers: { 'content-type': JSON_TYPE, 'www-authenticate': 'Bearer' }, body };
    }
  }
  const { contentType, body } = await metrics.exposition();
  return { status: 200, headers: { 'content-type': contentType, 'cache-control': 'no-store' }, body };
}
