import { describe, expect, it } from '@jest/globals';
import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host.js';
import { JwtService } from '@nestjs/jwt';
import type { AuthenticatedUser } from '../../common/decorators/current-user.decorator.js';
import { AppError } from '../../common/errors/app-error.js';
import { loadConfig } from '../../config/app-config.js';
import { AccessTokenService } from '../tokens/access-token.service.js';
import type { SessionLiveness } from '../tokens/session-liveness.js';
import { generateSigningKeyPem, SigningKeyService } from '../tokens/signing-keys.service.js';
import { JwtAuthGuard } from './jwt-auth.guard.js';

class NotesController {
  list(): string[] {
    return [];
  }
}

/** The session answers the guard sees: `known` is the cached one (undefined: not cached), `isLive` the looked-up one. */
function livenessSaying(known: boolean | undefined, looked = true): SessionLiveness {
  return { known: () => known, isLive: () => Promise.resolve(looked) } as unknown as SessionLiveness;
}

function setUp(env: NodeJS.ProcessEnv = {}, liveness = livenessSaying(true)) {
  const config = loadConfig({ NODE_ENV: 'test', JWT_PRIVATE_KEYS: generateSigningKeyPem('ES256'), ...env });
  const tokens = new AccessTokenService(config, new JwtService(), new SigningKeyService(config));
  const sut = new JwtAuthGuard(config, new Reflector(), tokens, liveness);
  const token = tokens.sign('user-1', 'session-1');
  const request = (): {
    req: { headers: Record<string, string>; auth?: AuthenticatedUser };
    headers: Record<string, string>;
    context: ExecutionContextHost;
  } => {
    const req: { headers: Record<string, string>; auth?: AuthenticatedUser } = { headers: { authorization: `Bearer ${token}` } };
    const headers: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => ((headers[name] = value), reply) };
    return { req, headers, context: new ExecutionContextHost([req, reply], NotesController, NotesController.prototype.list) };
  };
  return { sut, request };
}

describe(JwtAuthGuard.name, () => {
  it('should let a valid token through with a boolean, not a promise Nest would have to await', () => {
    const { sut, request } = setUp();
    const first = request();
    const again = request();

    expect(sut.canActivate(first.context)).toBe(true);
    expect(sut.canActivate(again.context)).toBe(true);
    expect(again.req.auth).toMatchObject({ userId: 'user-1', sessionId: 'session-1' });
  });

  describe('with JWT_CHECK_SESSION', () => {
    it('should answer from a cached live session at once, and wait for a lookup only when none is cached', async () => {
      const cached = setUp({ JWT_CHECK_SESSION: 'true' }, livenessSaying(true));
      const { sut, request } = setUp({ JWT_CHECK_SESSION: 'true' }, livenessSaying(undefined, true));
      const looked = request();

      expect(cached.sut.canActivate(cached.request().context)).toBe(true);
      const answer = sut.canActivate(looked.context);
      expect(answer).toBeInstanceOf(Promise);
      await expect(answer).resolves.toBe(true);
      expect(looked.req.auth).toMatchObject({ userId: 'user-1' });
    });

    it('should refuse the token of an ended session with 401 and the bearer challenge, cached or looked up', async () => {
      const cached = setUp({ JWT_CHECK_SESSION: 'true' }, livenessSaying(false));
      const looked = setUp({ JWT_CHECK_SESSION: 'true' }, livenessSaying(undefined, false));
      const a = cached.request();
      const b = looked.request();

      expect(() => cached.sut.canActivate(a.context)).toThrow(new AppError('invalid_token', 'This session has ended'));
      await expect(looked.sut.canActivate(b.context)).rejects.toThrow('This session has ended');
      expect([a.headers['www-authenticate'], b.headers['www-authenticate']]).toEqual([
        'Bearer error="invalid_token"',
        'Bearer error="invalid_token"',
      ]);
      expect([a.req.auth, b.req.auth]).toEqual([undefined, undefined]);
    });
  });
});
