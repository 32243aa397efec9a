import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
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
