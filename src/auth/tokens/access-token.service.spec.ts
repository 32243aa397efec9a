import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { jwtVerify } from 'jose';
import { loadConfig } from '../../config/app-config.js';
import { AccessTokenService } from './access-token.service.js';
import { generateSigningKeyPem, SigningKeyService } from './signing-keys.service.js';

const configWith = (env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ NODE_ENV: 'test', JWT_PRIVATE_KEYS: generateSigningKeyPem('ES256'), JWT_ACCESS_TTL_SECONDS: '60', ...env });
const serviceFor = (config = configWith()) => new AccessTokenService(config, new JwtService(), new SigningKeyService(config));

describe(AccessTokenService.name, () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  describe('sign', () => {
    it('should sign the header and claims @nestjs/jwt signed before, verifiable by jose as an RFC 9068 access token', async () => {
      const config = configWith({ JWT_ISSUER: 'https://api.example.com', JWT_AUDIENCE: 'example-api' });
      const keys = new SigningKeyService(config);
      const sut = new AccessTokenService(config, new JwtService(), keys);
      jest.useFakeTimers({ now: new Date('2026-12-06T15:00:00.500Z'), doNotFake: ['nextTick', 'setImmediate'] });

      const token = sut.sign('user-1', 'session-1');

      const now = Date.parse('2026-12-06T15:00:00Z') / 1000;
      const [header, claims] = token
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as object);
      expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: keys.current.kid });
      expect(claims).toEqual({
        sid: 'session-1',
        iat: now,
        exp: now + 60,
        aud: 'example-api',
        iss: 'https://api.example.com',
        sub: 'user-1',
        jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      jest.useRealTimers();
      const { payload } = await jwtVerify(token, keys.current.publicKey, {
        issuer: 'https://api.example.com',
        audience: 'example-api',
        typ: 'at+jwt',
        algorithms: ['ES256'],
        currentDate: new Date((now + 1) * 1000),
      });
      expect(payload.sub).toBe('user-1');
    });

    it('should give every token its own jti', () => {
      const sut = serviceFor();
      const ids = new Set(Array.from({ length: 50 }, () => new JwtService().decode<{ jti: string }>(sut.sign('user-1', 'session-1')).jti));

      expect(ids.size).toBe(50);
    });
  });

  describe('verify', () => {
    /** Our token re-signed with our key under another `typ`: same claims, same kid, only the type differs. */
    const retyped = (token: string, config: ReturnType<typeof configWith>, typ: string | undefined) => {
      const { payload, header } = new JwtService().decode(token, { complete: true }) as { payload: object; header: { kid: string } };
      return new JwtService().sign(payload, {
        privateKey: config.jwt.privateKeys[0],
        algorithm: 'ES256',
        header: { alg: 'ES256', kid: header.kid, ...(typ ? { typ } : {}) },
      });
    };

    it('should refuse a token of ours typed JWT, or untyped, even after verifying the at+jwt token with the same claims', () => {
      const config = configWith();
      const sut = serviceFor(config);
      const token = sut.sign('user-1', 'session-1');
      sut.verify(token);

      expect(() => sut.verify(retyped(token, config, 'JWT'))).toThrow('The access token is not valid');
      expect(() => sut.verify(retyped(token, config, undefined))).toThrow('The access token is not valid');
      expect(sut.verify(retyped(token, config, 'application/at+jwt'))).toMatchObject({ userId: 'user-1' });
    });

    it('should answer the same claims for a token it verified before', () => {
      const sut = serviceFor();
      const token = sut.sign('user-1', 'session-1');

      expect(sut.verify(token)).toEqual(sut.verify(token));
      expect(sut.verify(token)).toMatchObject({ userId: 'user-1', sessionId: 'session-1' });
    });

    it('should refuse a remembered token once its exp has passed', () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
      const sut = serviceFor();
      const token = sut.sign('user-1', 'session-1');
      sut.verify(token);

      jest.setSystemTime(Date.now() + 61_000);

      expect(() => sut.verify(token)).toThrow('The access token has expired');
    });

    it('should not take a token with another signature for a remembered one', () => {
      const sut = serviceFor();
      const token = sut.sign('user-1', 'session-1');
      sut.verify(token);
      const [header, payload, signature] = token.split('.');
      const forged = `${header}.${payload}.${signature.slice(0, -4)}AAAA`;

      expect(() => sut.verify(forged)).toThrow('The access token is not valid');
    });

    it('should refuse a token of another issuer even if another service instance remembered it', () => {
      const other = serviceFor(configWith({ JWT_ISSUER: 'https://other.example' }));
      const token = other.sign('user-1', 'session-1');
      other.verify(token);

      expect(() => serviceFor().verify(token)).toThrow();
    });
  });

  describe('remembered', () => {
    it('should know only a token that passed verify, and forget it once its exp has passed', () => {
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
      const sut = serviceFor();
      const token = sut.sign('user-1', 'session-1');

      expect(sut.remembered(token)).toBeUndefined();
      sut.verify(token);
      expect(sut.remembered(token)).toMatchObject({ userId: 'user-1', sessionId: 'session-1' });

      jest.setSystemTime(Date.now() + 61_000);

      expect(sut.remembered(token)).toBeUndefined();
    });
  });
});
