import { DOCS_PATH } from './common/openapi/openapi.setup.js';
import type { AppConfig } from './config/app-config.js';
import { METRICS_PATH } from './metrics/metrics-endpoint.js';

/**
 * The one startup line a person reads: where the API, the demo page, the API docs, the readiness check and the
 * metrics are, as reached from outside (`PUBLIC_URL`), each only when enabled. Nest's per-route lines are debug.
 */
export function startupUrls(config: AppConfig): string {
  const base = config.browser.publicUrl;
  const urls = [`API ${base}`];
  if (config.browser.demo.enabled) urls.push(`demo ${base}/demo`);
  if (config.openapi.enabled) urls.push(`docs ${base}${DOCS_PATH}`);
  urls.push(`readiness ${base}/health/ready`);
  if (config.metrics.enabled) {
    // On a port of its own it is internal: reached at the listen address, not the public one.
    const metricsBase = config.metrics.port === undefined ? base : `http://${config.http.host}:${config.metrics.port}`;
    urls.push(`metrics ${metricsBase}${METRICS_PATH}`);
  }
  return urls.join(' · ');
}
