import { describe, expect, it } from '@jest/globals';
import { checkedProfile, claimEmail, claimFlag, claimId, claimNonce, claimText, claimUrl, type ClaimRules } from './profile-claims.js';

const OIDC: ClaimRules = { provider: 'acme', verifiedAsString: true };
const refused = { code: 'invalid_provider_token', status: 401 };

describe('profile claims', () => {
  describe(claimId.name, () => {
    it.each([
      ['a number', 42],
      ['an object', { id: 1 }],
      ['an array', ['1']],
      ['empty', ''],
      ['blank', '  '],
      ['256 characters', 'a'.repeat(256)],
      ['a NUL', 'a\u0000b'],
      ['a line break', 'a\nb'],
      ['a C1 control', 'a\u0085b'],
      ['null', null],
      ['absent', undefined],
    ])('should refuse %s as a string id', (_what, value) => {
      expect(() => claimId(OIDC, 'sub', value)).toThrow(expect.objectContaining(refused));
    });

    it('should keep a string id exactly, up to 255 characters', () => {
      expect(claimId(OIDC, 'sub', ' 10769150350006150715113082367 ')).toBe(' 10769150350006150715113082367 ');
      expect(claimId(OIDC, 'sub', 'a'.repeat(255))).toHaveLength(255);
    });

    it('should take whole numbers only where the provider documents them', () => {
      expect(claimId({ provider: 'github', ids: 'number' }, 'id', 583231)).toBe('583231');
      expect(() => claimId({ provider: 'github', ids: 'number' }, 'id', '583231')).toThrow(expect.objectContaining(refused));
      expect(() => claimId({ provider: 'github', ids: 'number' }, 'id', 1.5)).toThrow(expect.objectContaining(refused));
      expect(() => claimId({ provider: 'github', ids: 'number' }, 'id', 2 ** 53)).toThrow(expect.objectContaining(refused));
      expect(claimId({ provider: 'acme', ids: 'either' }, 'id', 7)).toBe('7');
      expect(claimId({ provider: 'acme', ids: 'either' }, 'id', '7')).toBe('7');
    });
  });

  describe(claimEmail.name, () => {
    it('should lower-case an address and read absent, null and "" as none', () => {
      expect(claimEmail(OIDC, 'email', ' Ada@Example.COM ')).toBe('ada@example.com');
      for (const none of [undefined, null, '']) expect(claimEmail(OIDC, 'email', none)).toBeUndefined();
    });

    it.each([
      ['an object', { a: 1 }],
      ['no @', 'ada.example.com'],
      ['a space', 'ada lovelace@example.com'],
      ['321 characters', `${'a'.repeat(309)}@example.com`],
      ['a CR LF', 'a@b.c\r\nBcc: e@f.g'],
    ])('should refuse %s', (_what, value) => expect(() => claimEmail(OIDC, 'email', value)).toThrow(expect.objectContaining(refused)));
  });

  describe(claimFlag.name, () => {
    it('should read booleans, absent as false, and the strings only where documented', () => {
      expect([
        claimFlag(OIDC, 'v', true),
        claimFlag(OIDC, 'v', false),
        claimFlag(OIDC, 'v', undefined),
        claimFlag(OIDC, 'v', 'true'),
        claimFlag(OIDC, 'v', 'false'),
      ]).toEqual([true, false, false, true, false]);
      expect(() => claimFlag({ provider: 'discord' }, 'verified', 'true')).toThrow(expect.objectContaining(refused));
      for (const bad of [1, 'yes', 'TRUE', {}, []]) expect(() => claimFlag(OIDC, 'v', bad)).toThrow(expect.objectContaining(refused));
    });
  });

  describe(claimText.name, () => {
    it('should replace control characters with a space and trim, reading an all-control text as none', () => {
      expect(claimText(OIDC, 'name', 'Ada\u0000Love\r\nlace\t')).toBe('Ada Love lace');
      expect(claimText(OIDC, 'name', '\u0000\u001b')).toBeUndefined();
    });

    it('should refuse a text that is no string or longer than 1000 characters', () => {
      for (const bad of [42, { first: 'Ada' }, ['Ada'], 'a'.repeat(1001)])
        expect(() => claimText(OIDC, 'name', bad)).toThrow(expect.objectContaining(refused));
    });
  });

  describe(claimUrl.name, () => {
    it('should refuse a URL that is no string, too long, or carries control characters', () => {
      expect(claimUrl(OIDC, 'picture', 'https://cdn.example/a.png')).toBe('https://cdn.example/a.png');
      for (const bad of [42, `https://x/${'a'.repeat(2048)}`, 'https://x/\u0000'])
        expect(() => claimUrl(OIDC, 'picture', bad)).toThrow(expect.objectContaining(refused));
    });
  });

  describe(claimNonce.name, () => {
    it('should read an absent nonce as none and refuse one of another type', () => {
      expect(claimNonce(OIDC, undefined)).toBeUndefined();
      expect(claimNonce(OIDC, 'n-0S6_WzA2Mj')).toBe('n-0S6_WzA2Mj');
      expect(() => claimNonce(OIDC, 12345)).toThrow(expect.objectContaining(refused));
    });
  });

  describe(checkedProfile.name, () => {
    it('should call an email verified only when there is one', () => {
      expect(checkedProfile({ uid: 's', emailVerified: true }, OIDC)).toMatchObject({ uid: 's', email: undefined, emailVerified: false });
      expect(checkedProfile({ uid: 's', email: 'a@b.c', emailVerified: 'true' }, OIDC)).toMatchObject({
        email: 'a@b.c',
        emailVerified: true,
      });
    });
  });
});
