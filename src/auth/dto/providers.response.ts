import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { IdentityProvider, LoginFlow } from '../../providers/identity-provider.types.js';

const FLOWS: LoginFlow[] = ['token', 'id_token'];

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

  @ApiProperty({ enum: ['built-in', 'oidc'], description: '`oidc`: declared by configuration (PROVIDERS_FILE)' })
  type: 'built-in' | 'oidc';

  @ApiProperty({ enum: FLOWS, isArray: true, description: 'What `POST /auth/{provider}/token` accepts: `token` (access_token), `id_token`' })
  flows: LoginFlow[];

  @ApiProperty({ type: [String], description: 'Our public client ids at the provider (web, iOS, Android)' })
  client_ids: string[];

  @ApiProperty({ type: [String], example: ['openid', 'email', 'profile'], description: 'Scopes to ask the provider for' })
  scopes: string[];

  @ApiPropertyOptional({ example: 'https://accounts.google.com/o/oauth2/v2/auth', description: 'Absent when the provider cannot be asked right now (discovery down)' })
  authorization_endpoint?: string;

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
  const flows = [...provider.flows];
  return {
    id: provider.id,
    display_name: provider.displayName,
    type: description.type,
    flows,
    client_ids: [...description.clientIds],
    scopes: [...description.scopes],
    ...(description.authorizationEndpoint ? { authorization_endpoint: description.authorizationEndpoint } : {}),
    ...(flows.includes('id_token') ? { nonce_endpoint: `/auth/${encodeURIComponent(provider.id)}/nonce` } : {}),
  };
}
