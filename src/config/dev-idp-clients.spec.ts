import { describe, expect, it } from '@jest/globals';
import { readDevIdpClients } from './dev-idp-clients.js';
import { EnvReader } from './env-reader.js';

/** What readDevIdpClients answers for this DEV_IDP_CLIENTS value, and the problems it reported. */
function read(clients: unknown, enabled = true) {
  const r = new EnvReader({ DEV_IDP_CLIENTS: typeof clients === 'string' ? clients : JSON.stringify(clients) });
  const sut = readDevIdpClients(r, enabled);
  try {
    r.throwIfProblems();
    return { clients: sut, problems: [] };
  } catch (error) {
    return { clients: sut, problems: (error as { problems: string[] }).problems };
  }
}

const WEB = { client_id: 'acme-web', client_secret: 'acme-web-local-secret', redirect_uris: ['http://localhost:3000/auth/acme/callback'] };

describe(readDevIdpClients.name, () => {
  it('should read a confidential and a public client, with code and its grants by default', () => {
    const { clients, problems } = read([WEB, { client_id: 'acme-spa', redirect_uris: ['http://localhost:5173/callback'] }]);

    expect(problems).toEqual([]);
    expect(clients).toEqual([
      {
        clientId: 'acme-web',
        clientSecret: 'acme-web-local-secret',
        redirectUris: ['http://localhost:3000/auth/acme/callback'],
        responseTypes: ['code'],
        grantTypes: ['authorization_code', 'refresh_token'],
      },
      {
        clientId: 'acme-spa',
        clientSecret: undefined,
        redirectUris: ['http://localhost:5173/callback'],
        responseTypes: ['code'],
        grantTypes: ['authorization_code', 'refresh_token'],
      },
    ]);
  });

  it('should answer no client and no problem when unset', () => {
    const r = new EnvReader({});
    expect(readDevIdpClients(r, true)).toEqual([]);
    expect(() => r.throwIfProblems()).not.toThrow();
  });

  it('should refuse it while the dev IdP is off, naming the switch', () => {
    expect(read([WEB], false).problems).toEqual([
      'DEV_IDP_CLIENTS has no effect while the dev IdP is off: set DEV_IDP_ENABLED=true (it is on by default under `npm start`)',
    ]);
  });

  it('should refuse text that is not JSON without repeating it, since it may hold a secret', () => {
    const { problems } = read('[{"client_id": "acme-web", "client_secret": "s3cret-value-here",]');

    expect(problems).toEqual([expect.stringMatching(/^DEV_IDP_CLIENTS must be JSON: .*does not parse$/)]);
    expect(problems.join()).not.toContain('s3cret');
  });

  it('should name the entry and the field of each mistake', () => {
    const { problems } = read([
      { ...WEB, redirect_uri: 'x' },
      { client_id: 'bad id', redirect_uris: [] },
      { client_id: 'acme-native', redirect_uris: ['http://app.example.com/cb'], response_types: ['token'] },
      { client_id: 'acme-short', client_secret: 'tiny7', redirect_uris: [] },
      'acme',
    ]);

    expect(problems).toEqual([
      'DEV_IDP_CLIENTS [0] has unknown fields: redirect_uri (known: client_id, client_secret, redirect_uris, response_types, grant_types)',
      'DEV_IDP_CLIENTS [1] client_id must be letters, digits, ".", ":", "_" or "-", got "bad id"',
      'DEV_IDP_CLIENTS [2] ("acme-native") redirect_uris has "http://app.example.com/cb": each must be https, http on loopback, or a reverse-domain scheme',
      'DEV_IDP_CLIENTS [2] ("acme-native") response_types must be a list of "code", "id_token", "code id_token", got ["token"]',
      'DEV_IDP_CLIENTS [3] ("acme-short") client_secret must be a string of at least 8 characters, or left out for a public client',
      'DEV_IDP_CLIENTS [3] ("acme-short") redirect_uris must be a non-empty list of URLs',
      'DEV_IDP_CLIENTS [4] must be an object',
    ]);
    expect(problems.join()).not.toContain('tiny7');
  });

  it("should refuse a client id twice, and our own dev client's id", () => {
    expect(read([WEB, WEB, { ...WEB, client_id: 'nest-social-auth-dev' }]).problems).toEqual([
      'DEV_IDP_CLIENTS names client_id "acme-web" twice; ids must be unique',
      'DEV_IDP_CLIENTS names client_id "nest-social-auth-dev" twice (it is the dev IdP\'s own client for the "dev" provider); ids must be unique',
    ]);
  });

  it('should derive implicit for an ID token in the redirect, which needs https redirect URIs off localhost', () => {
    const implicit = { client_id: 'acme-implicit', redirect_uris: ['https://app.example.com/cb'], response_types: ['id_token'] };
    expect(read([implicit]).clients[0].grantTypes).toEqual(['implicit']);

    expect(read([{ ...implicit, redirect_uris: ['http://localhost:5173/cb'] }]).problems).toEqual([
      expect.stringMatching(
        /^DEV_IDP_CLIENTS \[0\] \("acme-implicit"\) response_types \["id_token"\] put the ID token in the redirect, which needs https redirect_uris not on localhost; locally use \["code"\]/,
      ),
    ]);
    expect(read([{ ...implicit, grant_types: ['authorization_code'] }]).problems).toEqual([
      'DEV_IDP_CLIENTS [0] ("acme-implicit") grant_types must include implicit for response_types ["id_token"]',
    ]);
  });
});
