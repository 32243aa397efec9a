import { describe, expect, it } from '@jest/globals';
import { unknownProvider } from './unknown-provider.js';

describe(unknownProvider.name, () => {
  it('should name the enabled providers and the variable that switches a built-in one on', () => {
    const sut = unknownProvider('google', ['dev', 'github'], []);

    expect(sut.code).toBe('unknown_provider');
    expect(sut.message).toBe(
      'No enabled identity provider is called "google". Enabled: dev, github. To enable google set GOOGLE_CLIENT_IDS (docs/adding-a-provider.md).',
    );
    expect(sut.details).toEqual({
      enabled_providers: ['dev', 'github'],
      how_to_enable: 'To enable google set GOOGLE_CLIENT_IDS (docs/adding-a-provider.md)',
    });
  });

  it('should name both variables of the built-in providers that need a secret', () => {
    expect(unknownProvider('github', [], []).details!.how_to_enable).toBe(
      'To enable github set GITHUB_CLIENT_IDS and GITHUB_CLIENT_SECRETS (docs/adding-a-provider.md)',
    );
    expect(unknownProvider('facebook', [], []).message).toContain(
      'Enabled: none. To enable facebook set FACEBOOK_CLIENT_IDS and FACEBOOK_CLIENT_SECRETS',
    );
  });

  it('should name DEV_IDP_ENABLED for the dev IdP, the enabled field for a declared provider switched off, and the providers file otherwise', () => {
    expect(unknownProvider('dev', [], []).details!.how_to_enable).toMatch(
      /^To enable the development identity provider set DEV_IDP_ENABLED=true/,
    );
    expect(unknownProvider('acme', [], ['acme']).details!.how_to_enable).toBe(
      '"acme" is declared with enabled: false; set it to true (docs/adding-a-provider.md)',
    );
    expect(unknownProvider('myspace', ['dev'], ['acme']).details!.how_to_enable).toBe(
      'To add "myspace", declare it in PROVIDERS_FILE (docs/adding-a-provider.md)',
    );
  });
});
