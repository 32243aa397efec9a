import { describe, expect, it } from '@jest/globals';
import { devIdpClaims, slugify } from './dev-idp.accounts.js';

describe(slugify.name, () => {
  it('should make one lowercase, dash-separated subject of what was typed', () => {
    expect(slugify('  Ada Lovelace ')).toBe('ada-lovelace');
    expect(slugify('Grace_Hopper@Navy!')).toBe('grace-hopper-navy');
  });

  it('should drop accents rather than the letters that carry them', () => {
    expect(slugify('Émilie du Châtelet')).toBe('emilie-du-chatelet');
  });

  it('should answer empty for a name with no letter or digit, and cut long ones to 40 characters', () => {
    expect(slugify(' -- !')).toBe('');
    expect(slugify('x'.repeat(39) + ' y')).toBe('x'.repeat(39));
  });
});

describe(devIdpClaims.name, () => {
  it('should give a verified address under .localhost and a name made from the subject', () => {
    expect(devIdpClaims('ada-lovelace')).toEqual({
      sub: 'ada-lovelace',
      name: 'Ada Lovelace',
      preferred_username: 'ada-lovelace',
      email: 'ada-lovelace@dev-idp.localhost',
      email_verified: true,
    });
  });
});
