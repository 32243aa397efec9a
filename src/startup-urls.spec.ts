import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './config/app-config.js';
import { startupUrls } from './startup-urls.js';

const DEVELOPMENT = { NODE_ENV: 'development', PORT: '3000' };

describe(startupUrls.name, () => {
  it('should list the API, demo, docs, readiness and metrics URLs of a development start', () => {
    expect(startupUrls(loadConfig(DEVELOPMENT))).toBe(
      'API http://localhost:3000 · demo http://localhost:3000/demo · docs http://localhost:3000/docs · ' +
        'readiness http://localhost:3000/health/ready · metrics http://localhost:3000/metrics',
    );
  });

  it('should leave out what is disabled, and give metrics on their own port at the listen address', () => {
    const config = loadConfig({
      ...DEVELOPMENT,
      PUBLIC_URL: 'https://auth.example.com',
      DEMO_ENABLED: 'false',
      OPENAPI_ENABLED: 'false',
      METRICS_PORT: '9464',
    });
    expect(startupUrls(config)).toBe(
      'API https://auth.example.com · readiness https://auth.example.com/health/ready · metrics http://127.0.0.1:9464/metrics',
    );
    expect(startupUrls(loadConfig({ ...DEVELOPMENT, METRICS_ENABLED: 'false' }))).not.toContain('metrics');
  });
});
