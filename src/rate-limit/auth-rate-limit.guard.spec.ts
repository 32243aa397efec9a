import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { Public } from '../common/decorators/public.decorator.js';
import { AppError } from '../common/errors/app-error.js';
import { loadConfig } from '../config/app-config.js';
import { AuthThrottler } from './auth-rate-limit.guard.js';
import { MemoryThrottlerStorage } from './memory-throttler.storage.js';

const config = loadConfig({ NODE_ENV: 'test' });

/** A public /auth request from `ip`, naming `identity` in its body (or none). */
function request(ip: string, identity?: string) {
  const headers: Record<string, string> = {};
  const req = { ip, body: identity ? { id: identity } : {}, routeOptions: { url: '/auth/:provider/token' }, url: '/auth/google/token' };
  const reply = { header: (name: string, value: string) => (headers[name] = value) };
  @Public()
  class LoginController {}
  const context = {
    getType: () => 'http',
    getHandler: () => function login() {},
    getClass: () => LoginController,
    switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }),
  } as unknown as ExecutionContext;
  return { context, headers };
}

const options = (perIp: number, perIdentity: number): ThrottlerModuleOptions => ({
  generateKey: (_context, tracker, name) => `${name}:${tracker}`,
  throttlers: [
    { name: 'ip', ttl: 60_000, limit: perIp },
    {
      name: 'identity',
      ttl: 60_000,
      limit: perIdentity,
      skipIf: (context) => !context.switchToHttp().getRequest<{ body: { id?: string } }>().body.id,
      getTracker: (req: Record<string, unknown>) => (req.body as { id: string }).id,
    },
  ],
});

async function attempt(sut: AuthThrottler, ip: string, identity?: string): Promise<string> {
  const { context, headers } = request(ip, identity);
  try {
    await sut.canActivate(context);
    return 'ok';
  } catch (error) {
    return error instanceof AppError ? `${error.code} retry-after=${headers['retry-after']}` : String(error);
  }
}

describe(AuthThrottler.name, () => {
  it('should count each limit with the options common generateKey, and answer 429 with Retry-After past one', async () => {
    const storage = new MemoryThrottlerStorage();
    const sut = new AuthThrottler(options(3, 100), storage, new Reflector(), config);

    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await attempt(sut, '203.0.113.7'));

    expect(answers).toEqual(['ok', 'ok', 'ok', 'rate_limited retry-after=60']);
    expect(await attempt(sut, '203.0.113.8')).toBe('ok');
  });

  it('should limit an identity across addresses, and skip that limit for a request naming none', async () => {
    const sut = new AuthThrottler(options(100, 2), new MemoryThrottlerStorage(), new Reflector(), config);

    expect(await attempt(sut, '203.0.113.1', 'token-a')).toBe('ok');
    expect(await attempt(sut, '203.0.113.2', 'token-a')).toBe('ok');
    expect(await attempt(sut, '203.0.113.3', 'token-a')).toBe('rate_limited retry-after=60');
    expect(await attempt(sut, '203.0.113.3', 'token-b')).toBe('ok');
    expect(await attempt(sut, '203.0.113.3')).toBe('ok');
  });

  it('should not count the later limits of a request the first one refused', async () => {
    const storage = new MemoryThrottlerStorage();
    const sut = new AuthThrottler(options(1, 100), storage, new Reflector(), config);
    await attempt(sut, '203.0.113.9', 'token-c');

    expect(await attempt(sut, '203.0.113.9', 'token-c')).toBe('rate_limited retry-after=60');

    expect(await storage.increment('identity:token-c', 60_000, 100, 60_000)).toMatchObject({ totalHits: 2 });
  });

  it('should count an IPv6 client by its /64, as ThrottlerGuard does', async () => {
    const sut = new AuthThrottler(options(1, 100), new MemoryThrottlerStorage(), new Reflector(), config);

    expect(await attempt(sut, '2001:db8:1:2::1')).toBe('ok');
    expect(await attempt(sut, '2001:db8:1:2:ffff::9')).toBe('rate_limited retry-after=60');
    expect(await attempt(sut, '2001:db8:1:3::1')).toBe('ok');
  });

  it('should refuse at boot a limit without a key function', () => {
    const withoutKeys: ThrottlerModuleOptions = { throttlers: [{ name: 'ip', ttl: 1000, limit: 1 }] };

    expect(() => new AuthThrottler(withoutKeys, new MemoryThrottlerStorage(), new Reflector(), config)).toThrow('needs a numeric ttl');
  });

  it('should refuse at boot a storage that can only count one limit per call', () => {
    const memory = new MemoryThrottlerStorage();
    const oneAtATime = { increment: memory.increment.bind(memory) } as unknown as MemoryThrottlerStorage;

    expect(() => new AuthThrottler(options(1, 1), oneAtATime, new Reflector(), config)).toThrow('counts several limits at once');
  });
});
