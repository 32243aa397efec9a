import type { IncomingHttpHeaders } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { startLoopbackServer } from '../../../test/support/loopback-server.js';
import { loadConfig } from '../../config/app-config.js';
import { MetricsService } from '../../metrics/metrics.service.js';
import { ProviderHttpClient } from '../http/provider-http.client.js';
import { redeemAuthorizationCode, redeemRefreshToken, type ConfidentialClient } from './relying-party.js';

describe('relying party on openid-client', () => {
  let server: Awaited<ReturnType<typeof startLoopbackServer>>;
  /** What the token endpoint answers, and what it was sent. */
  let answer: { status: number; body: unknown; contentType?: string };
  let received: { headers: IncomingHttpHeaders; form: URLSearchParams } | undefined;
  const http = new ProviderHttpClient(loadConfig({ NODE_ENV: 'test' }), new MetricsService());
  const provider = { id: 'acme', displayName: 'Acme' };
  const client = (extra: Partial<ConfidentialClient> = {}): ConfidentialClient => ({
    tokenUrl: `${server.url}/token`,
    clientId: 'acme-app',
    clientSecret: 's3cret_-.~',
    ...extra,
  });
  const grant = { code: 'c-1', redirectUri: 'https://app.example/cb?tenant=a', codeVerifier: 'v'.repeat(43) };

  beforeAll(async () => {
    server = await startLoopbackServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        received = { headers: req.headers, form: new URLSearchParams(body) };
        res.writeHead(answer.status, { 'content-type': answer.contentType ?? 'application/json' }).end(JSON.stringify(answer.body));
      });
    });
  });
  afterAll(async () => {
    await http.onModuleDestroy();
    await server.close();
  });
  beforeEach(() => {
    answer = {
      status: 200,
      body: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-1', id_token: 'a.b.c', scope: 'openid' },
    };
    received = undefined;
  });

  it('should send the exact redirect_uri (query kept), the verifier, and Basic credentials servers that do not form-decode can read', async () => {
    const tokens = await redeemAuthorizationCode(http, provider, client(), grant);

    expect(Object.fromEntries(received!.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'c-1',
      redirect_uri: grant.redirectUri,
      code_verifier: grant.codeVerifier,
    });
    expect(Buffer.from(received!.headers.authorization!.replace(/^Basic /, ''), 'base64').toString()).toBe('acme-app:s3cret_-.~');
    expect(tokens).toEqual({
      access_token: 'at-1',
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: 'rt-1',
      id_token: 'a.b.c',
      scope: 'openid',
    });
  });

  it('should send the credentials in the form for client_secret_post', async () => {
    await redeemAuthorizationCode(http, provider, client({ authMethod: 'client_secret_post' }), grant);

    expect(received!.headers.authorization).toBeUndefined();
    expect(received!.form.get('client_secret')).toBe('s3cret_-.~');
  });

  it('should take the ID token aside (verified by ours, not compared with one issuer by openid-client) and drop an unusable expires_in', async () => {
    answer.body = {
      access_token: 'at-1',
      token_type: 'Bearer',
      expires_in: { seconds: 1 },
      id_token: 'eyJhbGciOiJub25lIn0.eyJpc3MiOiJlbHNld2hlcmUifQ.',
    };

    await expect(redeemAuthorizationCode(http, provider, client(), grant)).resolves.toMatchObject({
      expires_in: undefined,
      id_token: expect.stringMatching(/^eyJ/),
    });
  });

  it('should map a refused code and a refused refresh token to our codes', async () => {
    answer = { status: 400, body: { error: 'invalid_grant' } };

    await expect(redeemAuthorizationCode(http, provider, client(), grant)).rejects.toMatchObject({
      code: 'invalid_authorization_code',
      status: 400,
    });
    await expect(redeemRefreshToken(http, provider, client(), 'rt-1')).rejects.toMatchObject({
      code: 'provider_reauthentication_required',
    });
  });

  it("should keep our HTTP client's failures: a provider that answers HTML is 502 provider_unavailable, as before", async () => {
    answer = { status: 200, body: '<html>', contentType: 'text/html' };

    await expect(redeemAuthorizationCode(http, provider, client(), grant)).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: 'acme answered 200, not with JSON',
    });
  });

  it('should refuse tokens we could not store (a line break in the access token) as malformed', async () => {
    answer.body = { access_token: 'at-1\nX: 1', token_type: 'Bearer' };

    await expect(redeemAuthorizationCode(http, provider, client(), grant)).rejects.toMatchObject({
      code: 'provider_unavailable',
      message: 'Acme token endpoint answered malformed tokens',
    });
  });
});
