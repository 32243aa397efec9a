import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { IdentityProvider, LoginFlow } from '../../providers/identity-provider.types.js';

const FLOWS: LoginFlow[] = ['token', 'id_token', 'code', 'redirect'];

/**
 * One enabled provider as `GET /auth/providers` shows it: what a frontend needs to start its sign-in.
 * Served to anyone, so only public values (client ids are public by OAuth's design; secrets never are).
 * `flows` is a list of names so the code and redirect flows can join it without changing the shape.
 */
export class ProviderDto {
  @ApiProperty({ example: 'google', description: 'The `{provider}` of `/auth/{provider}/…`' })
  id: string;

  @ApiProperty({ example: 'Google' })
  display_name: string;

  @ApiProperty({
    enum: ['built-in', 'oidc', 'oauth2'],
    description: '`oidc`, `oauth2`: declared by configuration (PROVIDERS_FILE), from scratch or from a preset',
  })
  type: 'built-in' | 'oidc' | 'oauth2';

  @ApiProperty({
    enum: FLOWS,
    isArray: true,
    description:
      '`token` (access_token) and `id_token`: `POST /auth/{provider}/token`; `code`: `POST /auth/{provider}/code`; `redirect`: `GET /auth/{provider}/authorize`',
  })
  flows: LoginFlow[];

  @ApiProperty({ type: [String], description: 'Our public client ids at the provider (web, iOS, Android)' })
  client_ids: string[];

  @ApiProperty({ type: [String], example: ['openid', 'email', 'profile'], description: 'Scopes to ask the provider for' })
  scopes: string[];

  @ApiPropertyOptional({
    example: 'https://accounts.google.com/o/oauth2/v2/auth',
    description: 'Absent when the provider cannot be asked right now (discovery down)',
  })
  authorization_endpoint?: string;

  @ApiPropertyOptional({
    type: [String],
    example: ['https://app.example.com/auth/callback'],
    description: 'Present with the `code` flow: the redirect URIs `POST /auth/{provider}/code` accepts',
  })
  redirect_uris?: string[];

  @ApiPropertyOptional({
    example: '/auth/google/authorize',
    description: 'Present with the `redirect` flow: send the browser here with `?return_to=…`',
  })
  authorize_url?: string;

  @ApiPropertyOptional({ example: '/auth/google/nonce', description: 'Present when the provider takes ID tokens: get a nonce here first' })
  nonce_endpoint?: string;
}

export class ProvidersResponse {
  @ApiProperty({ type: [ProviderDto] })
  providers: ProviderDto[];
}

export async function toProviderDto(provider: IdentityProvider): Promise<ProviderDto> {
  // First: a declared provider's `flows` depend on the discovery document `describe` may fetch.
  const description = await provider.describe();
  const flows: LoginFlow[] = [...provider.flows];
  // `code` needs a redirect URI a frontend may use; `redirect` uses our own callback URL.
  if (provider.codeFlow?.redirectUris.length) flows.push('code');
  if (provider.codeFlow) flows.push('redirect');
  return {
    id: provider.id,
    display_name: provider.displayName,
    type: description.type,
    flows,
    client_ids: [...description.clientIds],
    scopes: [...description.scopes],
    ...(description.authorizationEndpoint ? { authorization_endpoint: description.authorizationEndpoint } : {}),
    ...(flows.includes('code') ? { redirect_uris: [...provider.codeFlow!.redirectUris] } : {}),
    ...(flows.includes('redirect') ? { authorize_url: `/auth/${encodeURIComponent(provider.id)}/authorize` } : {}),
    ...(flows.includes('id_token') ? { nonce_endpoint: `/auth/${encodeURIComponent(provider.id)}/nonce` } : {}),
  };
}
