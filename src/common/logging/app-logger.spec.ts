import { describe, expect, it } from '@jest/globals';
import type { AppConfig } from '../../config/app-config.js';
import { SECRET_SETTING_NAMES } from '../../config/settings/index.js';
import { AppLogger, createAppLogger } from './app-logger.js';
import { formatLine } from './pretty-destination.js';
import { runWithRequestId } from './request-context.js';

function capture(level: AppConfig['logging']['level'] = 'trace'): {
  logger: AppLogger;
  entries: () => Array<Record<string, unknown>>;
  raw: () => string;
} {
  const lines: string[] = [];
  const logger = createAppLogger({ logging: { level, pretty: false } } as AppConfig, { write: (line: string) => void lines.push(line) });
  return { logger, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>), raw: () => lines.join('') };
}

describe(AppLogger.name, () => {
  it('should write Nest calls as JSON lines with the context Nest passes last', () => {
    const { logger, entries } = capture();

    logger.log('Listening', 'Bootstrap');
    logger.verbose('details', 'Bootstrap');

    expect(entries()).toEqual([
      expect.objectContaining({ level: 'info', context: 'Bootstrap', msg: 'Listening' }),
      expect.objectContaining({ level: 'trace', context: 'Bootstrap', msg: 'details' }),
    ]);
  });

  it("should write Nest's per-route and per-module boot lines at debug, so info shows none of them", () => {
    const { logger, entries } = capture('info');

    logger.log('Mapped {/users/me, GET} route', 'RouterExplorer');
    logger.log('UsersController {/users}:', 'RoutesResolver');
    logger.log('UsersModule dependencies initialized', 'InstanceLoader');
    logger.log('Listening', 'Bootstrap');

    expect(entries().map((e) => e.msg)).toEqual(['Listening']);
  });

  it('should still write those boot lines at debug', () => {
    const { logger, entries } = capture('debug');

    logger.log('Mapped {/users/me, GET} route', 'RouterExplorer');

    expect(entries()).toEqual([
      expect.objectContaining({ level: 'debug', context: 'RouterExplorer', msg: 'Mapped {/users/me, GET} route' }),
    ]);
  });

  it('should keep the stack Nest passes to error() apart from the context', () => {
    const { logger, entries } = capture();

    logger.error('Shutdown failed', new Error('boom').stack, 'NestApplicationContext');

    expect(entries()[0]).toMatchObject({
      level: 'error',
      context: 'NestApplicationContext',
      msg: 'Shutdown failed',
      stack: expect.stringContaining('Error: boom'),
    });
  });

  it('should add the current request id to every line logged within a request', () => {
    const { logger, entries } = capture();

    runWithRequestId('req-42', () => logger.warn('inside', 'Test'));
    logger.warn('outside', 'Test');

    expect(entries().map((e) => e.reqId)).toEqual(['req-42', undefined]);
  });

  it('should redact credentials in headers and bodies wherever a logged object holds them', () => {
    const { logger, raw } = capture();
    const headers = {
      authorization: 'Bearer s-auth',
      cookie: 's-cookie',
      'set-cookie': 's-set-cookie',
      'x-api-key': 's-key',
      accept: 'application/json',
    };
    const body = {
      access_token: 's-at',
      refresh_token: 's-rt',
      id_token: 's-it',
      code: 's-code',
      code_verifier: 's-cv',
      client_secret: 's-cs',
      password: 's-pw',
      token: 's-t',
      nonce: 's-n',
      link_token: 's-lt',
      pending_token: 's-pt',
    };

    logger.warn({ headers, body, req: { headers }, res: { headers }, err: { response: { body } }, ...body }, 'Test');

    expect(raw()).not.toMatch(/"s-[a-z-]+"|Bearer/);
    expect(raw()).toContain('application/json');
    expect(raw()).toContain('[Redacted]');
  });

  it('should redact every setting the configuration catalogue marks secret, alone or in a logged environment', () => {
    const { logger, raw } = capture();
    const env = Object.fromEntries(SECRET_SETTING_NAMES.map((name) => [name, `s-${name.toLowerCase().replace(/_/g, '-')}`]));

    logger.warn({ env: { ...env, PORT: '3000' }, ...env }, 'Test');

    expect(SECRET_SETTING_NAMES).toEqual(
      expect.arrayContaining(['JWT_PRIVATE_KEYS', 'ENCRYPTION_KEYS', 'DATABASE_URL', 'GOOGLE_CLIENT_SECRETS']),
    );
    expect(raw()).not.toMatch(/"s-[a-z-]+"/);
    expect(raw()).toContain('"PORT":"3000"');
  });

  it("should redact a declared provider's secrets, whose names only its environment spells", () => {
    const declared = { PROVIDER_ACME_CLIENT_SECRET: 's-acme-secret', PROVIDER_APPLE_PRIVATE_KEY: 's-apple-key' };
    Object.assign(process.env, declared);
    try {
      const { logger, raw } = capture();

      logger.warn({ env: { ...declared, PROVIDER_ACME_ISSUER: 'https://acme.example' }, ...declared }, 'Test');

      expect(raw()).not.toMatch(/"s-[a-z-]+"/);
      expect(raw()).toContain('"PROVIDER_ACME_ISSUER":"https://acme.example"');
    } finally {
      for (const name of Object.keys(declared)) delete process.env[name];
    }
  });

  it('should write nothing when the level is silent', () => {
    const { logger, raw } = capture('silent');

    logger.error('nobody hears this', 'Test');

    expect(raw()).toBe('');
  });
});

describe(formatLine.name, () => {
  it('should show time, level, context, request id and message first, other fields after', () => {
    const line = JSON.stringify({
      level: 'info',
      time: '2026-01-02T03:04:05.678Z',
      pid: 1,
      context: 'Http',
      reqId: 'r1',
      msg: 'request completed',
      statusCode: 200,
    });

    expect(formatLine(line)).toBe('03:04:05.678 INFO  [Http] (r1) request completed statusCode=200');
  });
});
