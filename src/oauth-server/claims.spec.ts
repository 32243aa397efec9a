import { describe, expect, it } from '@jest/globals';
import type { User } from '../users/entities/user.entity.js';
import { claimsForScopes } from './claims.js';

const user = (over: Partial<User>): User => ({
  id: 'u-1',
  username: 'ada',
  email: null,
  emailVerified: false,
  unverifiedEmail: null,
  name: 'Ada',
  firstName: null,
  lastName: null,
  picture: null,
  isActive: true,
  createdAt: new Date(0),
  updatedAt: new Date(1_000),
  ...over,
});

describe(claimsForScopes.name, () => {
  it('should give a trusted address as verified', () => {
    expect(claimsForScopes(user({ email: 'ada@gmail.com', emailVerified: true }), new Set(['openid', 'email']))).toEqual({
      sub: 'u-1',
      email: 'ada@gmail.com',
      email_verified: true,
    });
  });

  it('should give an address nobody vouched for as email_verified false, never true', () => {
    expect(claimsForScopes(user({ unverifiedEmail: 'typed@example.com' }), new Set(['openid', 'email']))).toEqual({
      sub: 'u-1',
      email: 'typed@example.com',
      email_verified: false,
    });
  });

  it('should give no email claims without the email scope, and none for a user without an address', () => {
    expect(claimsForScopes(user({ email: 'ada@gmail.com', emailVerified: true }), new Set(['openid', 'profile']))).not.toHaveProperty(
      'email',
    );
    expect(claimsForScopes(user({}), new Set(['openid', 'email']))).toEqual({ sub: 'u-1' });
  });
});
