import { describe, expect, it } from '@jest/globals';
import { oauthErrorName } from './oauth-error.js';

describe('oauthErrorName', () => {
  it('should keep registered OAuth error names', () => {
    for (const name of ['invalid_grant', 'access_denied', 'invalid_client', 'redirect_uri_mismatch', 'temporarily_unavailable']) {
      expect(oauthErrorName(name)).toBe(name);
    }
  });

  it('should replace anything else with invalid: markup, spaces, capitals, tokens, overlong names, the empty string', () => {
    for (const raw of ['<script>alert(1)</script>', 'invalid grant', 'Invalid_Grant', 'ya29.a0AfH6SM-token', 'x'.repeat(65), '']) {
      expect(oauthErrorName(raw)).toBe('invalid');
    }
  });
});
