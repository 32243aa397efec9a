/**
 * Sign in with Apple: OpenID Connect (https://appleid.apple.com/.well-known/openid-configuration) with quirks.
 * - The client secret is a JWT we sign (apple-client-secret.ts); the key comes from `PROVIDER_<ID>_PRIVATE_KEY` only.
 * - Asking for `name` or `email` requires `response_mode=form_post`, so the callback is a POST, and the name arrives
 *   once, on the first sign-in, in the callback's `user` field (JSON, unsigned):
 *   https://developer.apple.com/documentation/signinwithapple/incorporating-sign-in-with-apple-into-other-platforms
 *   We take only the name from it; the email comes from the signed ID token.
 * - `email_verified` and `is_private_email` may be the strings "true"/"false".
 * - Private relay addresses (`…@privaterelay.appleid.com`, `is_private_email`) are verified but never link accounts:
 *   one is made for our team and this user only, so it can only match an account Apple's relay gave us for the
 *   same person, whom `sub` already identifies; and mail to it only arrives from our registered domains, so no
 *   other provider can have verified it.
 *   https://developer.apple.com/documentation/signinwithapple/communicating-using-the-private-email-relay-service
 * - iOS apps get ID tokens whose audience is the bundle id: list it in `clientIds` after the Services ID.
 * Token endpoint errors (invalid_grant, invalid_client): https://developer.apple.com/documentation/signinwithapplerestapi/errorresponse
 */
import { text, type OidcProviderConfig } from '../../config/custom-provider-config.js';
import { GenericOidcIdentityProvider } from '../definitions/generic-oidc.js';
import type { CodeGrant, NormalizedProfile } from '../identity-provider.types.js';
import { displayText, MAX_TEXT_LENGTH } from '../profile-claims.js';
import { AppleClientSecret, appleKeyProblem } from './apple-client-secret.js';
import { definePreset, isTrue } from './preset.js';

interface AppleOptions {
  teamId?: string;
  keyId?: string;
  /** Without it, only ID tokens (iOS) are accepted: no code flow. */
  privateKeyPem?: string;
}

const RELAY_DOMAIN = '@privaterelay.appleid.com';

/** The callback's `user` field: `{"name":{"firstName":"…","lastName":"…"},"email":"…"}`, first sign-in only. */
function nameFrom(user: string | undefined): Pick<NormalizedProfile, 'name' | 'firstName' | 'lastName'> {
  let parsed: unknown;
  try {
    parsed = user === undefined ? undefined : JSON.parse(user);
  } catch {
    return {};
  }
  const name = (parsed as { name?: { firstName?: unknown; lastName?: unknown } } | null | undefined)?.name;
  // Unsigned and sent through the browser: a name that is no bounded string is dropped, not an error.
  const text = (value: unknown) => (typeof value === 'string' && value.length <= MAX_TEXT_LENGTH ? displayText(value) : undefined);
  const [firstName, lastName] = [text(name?.firstName), text(name?.lastName)];
  const full = [firstName, lastName].filter(Boolean).join(' ');
  return { firstName, lastName, name: full || undefined };
}

class AppleIdentityProvider extends GenericOidcIdentityProvider {
  private secret: AppleClientSecret | undefined;

  private get options(): AppleOptions {
    return this.config.preset!.options as AppleOptions;
  }

  protected override hasClientCredentials(): boolean {
    return this.options.privateKeyPem !== undefined;
  }

  protected override clientSecret(): Promise<string> {
    const { teamId, keyId, privateKeyPem } = this.options;
    this.secret ??= new AppleClientSecret({
      teamId: teamId!,
      keyId: keyId!,
      privateKeyPem: privateKeyPem!,
      clientId: this.config.clientIds[0],
    });
    return this.secret.get();
  }

  protected override authorizationParams(): Record<string, string> {
    return this.config.scopes.some((s) => s === 'name' || s === 'email') ? { response_mode: 'form_post' } : {};
  }

  protected override profile(claims: Record<string, unknown>, grant?: CodeGrant): NormalizedProfile {
    const standard = super.profile(claims, grant);
    const relay = isTrue(claims.is_private_email) || (standard.email?.endsWith(RELAY_DOMAIN) ?? false);
    return { ...standard, ...nameFrom(grant?.callbackParams?.user), emailTrustedForLinking: standard.emailTrustedForLinking && !relay };
  }
}

export const apple = definePreset<AppleOptions, OidcProviderConfig>({
  type: 'oidc',
  docs: 'https://developer.apple.com/documentation/signinwithapple/incorporating-sign-in-with-apple-into-other-platforms',
  fields: { teamId: 'text', keyId: 'text' },
  parse(raw, { report, env, envProblem }) {
    const privateKeyPem = env('PRIVATE_KEY')?.replace(/\\n/g, '\n');
    const required = privateKeyPem !== undefined;
    const teamId = text(raw.teamId, 'teamId', report, { required });
    const keyId = text(raw.keyId, 'keyId', report, { required });
    const problem = privateKeyPem === undefined ? undefined : appleKeyProblem(privateKeyPem);
    if (problem) envProblem('PRIVATE_KEY', problem);
    return problem || (required && (!teamId || !keyId)) ? undefined : { teamId, keyId, privateKeyPem };
  },
  defaults: () => ({
    displayName: 'Apple',
    issuer: 'https://appleid.apple.com',
    scopes: ['openid', 'name', 'email'],
    tokenAuthMethod: 'client_secret_post',
  }),
  create: (config, _options, http, cache) => new AppleIdentityProvider(config, http, cache),
});
