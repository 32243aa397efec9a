/**
 * Microsoft Entra ID (work, school and personal Microsoft accounts), OpenID Connect on the v2.0 endpoint.
 * Multi-tenant issuer validation: https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-the-issuer
 * Claims (`oid`, `tid`, pairwise `sub`): https://learn.microsoft.com/en-us/entra/identity-platform/id-token-claims-reference
 * `xms_edov`: https://learn.microsoft.com/en-us/entra/identity-platform/optional-claims-reference
 *
 * Quirks: with tenant `common` / `organizations` the discovery document's issuer is the template
 * `{instance}/{tenantid}/v2.0`, and every tenant's tokens are signed with the same keys; so a token is only
 * accepted when its `iss` is that template with its own `tid` (a GUID) put in, and `tid` is a tenant this
 * declaration admits. `email` is mutable and unverified unless `xms_edov` (or `email_verified`) says otherwise.
 * The user is `oid`: `sub` is pairwise per application, so a web and a mobile registration would see two users.
 */
import { decodeJwt, type JWTPayload } from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import { strings, text, type OidcProviderConfig } from '../../config/custom-provider-config.js';
import { GenericOidcIdentityProvider } from '../definitions/generic-oidc.js';
import type { CodeGrant, NormalizedProfile, VerifiedIdentity } from '../identity-provider.types.js';
import { claimId } from '../profile-claims.js';
import { providerError } from '../provider-error.js';
import { baseUrl, definePreset, isTrue } from './preset.js';

interface MicrosoftOptions {
  /** The cloud instance (`https://login.microsoftonline.us` for US Government), or a fake. */
  instance: string;
  /** `common`, `organizations`, `consumers`, or one tenant's id. */
  tenant: string;
  /** When set, only these tenants' users get in (a multi-tenant app for some customers). */
  allowedTenants?: string[];
}

/** Personal Microsoft accounts live in this tenant. */
const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ALIASES = ['common', 'organizations', 'consumers'];

/**
 * The discovery document sends userinfo to Microsoft Graph, another origin than the instance's, per national cloud:
 * https://learn.microsoft.com/en-us/graph/deployments#microsoft-graph-and-graph-explorer-service-root-endpoints
 * Another instance (a fake, a proxy) declares its own `trustedEndpointOrigins`.
 */
const GRAPH_OF_INSTANCE: Readonly<Record<string, string>> = {
  'https://login.microsoftonline.com': 'https://graph.microsoft.com',
  'https://login.microsoftonline.us': 'https://graph.microsoft.us',
  'https://login.chinacloudapi.cn': 'https://microsoftgraph.chinacloudapi.cn',
};

class MicrosoftIdentityProvider extends GenericOidcIdentityProvider {
  private get options(): MicrosoftOptions {
    return this.config.preset!.options as MicrosoftOptions;
  }

  /** The document publishes the template (or the consumers tenant's issuer); `issuersFor` holds each token to it. */
  protected override publishedIssuer(): string {
    const { instance, tenant } = this.options;
    if (tenant === 'consumers') return `${instance}/${CONSUMERS_TENANT}/v2.0`;
    return `${instance}/${ALIASES.includes(tenant) ? '{tenantid}' : tenant}/v2.0`;
  }

  /** Read before the signature is checked, only to know which `iss` to demand: the verification then holds it to it. */
  protected override issuersFor(idToken: string): string[] {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(idToken);
    } catch (error) {
      throw new AppError('invalid_provider_token', 'The Microsoft ID token is not a JWT', { cause: error });
    }
    const tid = typeof claims.tid === 'string' ? claims.tid : '';
    if (!GUID.test(tid)) throw new AppError('invalid_provider_token', 'The Microsoft ID token has no tenant id (tid) GUID');
    const { instance, tenant, allowedTenants } = this.options;
    const admitted =
      (tenant === 'common' ||
        (tenant === 'organizations' && tid !== CONSUMERS_TENANT) ||
        (tenant === 'consumers' && tid === CONSUMERS_TENANT) ||
        tid === tenant) &&
      (allowedTenants === undefined || allowedTenants.includes(tid));
    if (!admitted) throw new AppError('login_not_allowed', `Users of Microsoft tenant ${tid} cannot sign in here`);
    return [`${instance}/${tid}/v2.0`];
  }

  protected override profile(claims: Record<string, unknown>, grant?: CodeGrant): NormalizedProfile {
    const standard = super.profile(claims, grant);
    if (claims.oid === undefined) {
      throw providerError(
        'invalid_provider_token',
        'The Microsoft ID token has no oid claim',
        `${this.id} ID token has no oid claim (is "profile" in the declared scopes?)`,
      );
    }
    const oid = claimId(this.claimRules, 'oid', claims.oid);
    const emailVerified = standard.email !== undefined && (standard.emailVerified || isTrue(claims.xms_edov));
    return { ...standard, uid: oid, emailVerified, emailTrustedForLinking: emailVerified && this.config.trustEmailForLinking };
  }

  protected override extraData(claims: JWTPayload): VerifiedIdentity['extraData'] {
    // `tid` was checked to be a GUID before the signature (issuersFor).
    return { tid: typeof claims.tid === 'string' ? claims.tid : undefined };
  }
}

export const microsoft = definePreset<MicrosoftOptions, OidcProviderConfig>({
  type: 'oidc',
  docs: 'https://learn.microsoft.com/en-us/entra/identity-platform/access-tokens#validate-the-issuer',
  fields: { tenant: 'text', instance: 'text', allowedTenants: 'list' },
  locked: ['issuer'],
  parse(raw, { report }) {
    const instance = baseUrl(raw.instance, 'https://login.microsoftonline.com', 'instance', report);
    const tenant = text(raw.tenant ?? 'common', 'tenant', report)?.toLowerCase();
    if (tenant !== undefined && !ALIASES.includes(tenant) && !GUID.test(tenant)) {
      report('tenant', `must be common, organizations, consumers or a tenant id (GUID), got "${tenant}"`);
    }
    const allowedTenants = strings(raw.allowedTenants, 'allowedTenants', report)?.map((t) => t.toLowerCase());
    if (allowedTenants?.some((t) => !GUID.test(t))) report('allowedTenants', 'must be tenant ids (GUIDs)');
    return instance && tenant ? { instance, tenant, allowedTenants } : undefined;
  },
  defaults: ({ instance, tenant }) => ({
    displayName: 'Microsoft',
    issuer: `${instance}/${tenant}/v2.0`,
    scopes: ['openid', 'email', 'profile'],
    trustedEndpointOrigins: GRAPH_OF_INSTANCE[instance] === undefined ? [] : [GRAPH_OF_INSTANCE[instance]],
  }),
  create: (config, _options, http, cache) => new MicrosoftIdentityProvider(config, http, cache),
});
