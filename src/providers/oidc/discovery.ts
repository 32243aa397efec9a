import { allowInsecureRequests, ClientError, customFetch, discovery } from 'openid-client';
import type { AppError } from '../../common/errors/app-error.js';
import { httpsUrlProblem } from '../../config/redirect-uri.js';
import type { ProviderHttpClient } from '../http/provider-http.client.js';
import { appErrorIn, providerFetch } from '../oauth2/relying-party.js';
import { providerError, quoted } from '../provider-error.js';
import type { JwksCachePolicy } from './remote-jwks.js';

/** The members of an OpenID Provider's metadata we use (OIDC Discovery 3). */
export interface OidcDiscoveryDocument {
  issuer: string;
  jwks_uri: string;
  id_token_signing_alg_values_supported: string[];
  userinfo_endpoint?: string;
  introspection_endpoint?: string;
  revocation_endpoint?: string;
  /** Told to frontends (`GET /auth/providers`) and where the redirect flow sends the browser. */
  authorization_endpoint?: string;
  /** The code flow redeems codes here (OIDC Discovery 3: required unless only the implicit flow is used). */
  token_endpoint?: string;
  token_endpoint_auth_methods_supported?: string[];
}

/**
 * ID-token algorithms we accept from any provider: asymmetric only. `none` is unsigned and HS* would be keyed
 * with the client secret, which every holder of the secret (and anyone it leaked to) could sign with.
 */
export const SAFE_ID_TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

/** The algorithms the provider says it signs ID tokens with, intersected with our safe set. */
export function idTokenAlgorithms(provider: string, doc: OidcDiscoveryDocument): string[] {
  const algorithms = SAFE_ID_TOKEN_ALGORITHMS.filter((alg) => doc.id_token_signing_alg_values_supported.includes(alg));
  if (algorithms.length === 0) {
    throw providerError(
      'provider_unavailable',
      `${provider} publishes an unusable discovery document`,
      `${provider} signs ID tokens with none of ${SAFE_ID_TOKEN_ALGORITHMS.join(', ')}`,
    );
  }
  return algorithms;
}

/**
 * Where the discovery document may send us: the issuer's own origin, plus the origins the declaration trusts
 * (`trustedEndpointOrigins`), and plain http (loopback only) when the provider's URLs may be http.
 */
export interface EndpointRule {
  httpAllowed: boolean;
  trustedOrigins: string[];
}

/** The members our server calls with our client secret or a user's token; the browser-facing authorization endpoint is only checked for https. */
const SERVER_SIDE_ENDPOINTS = ['jwks_uri', 'token_endpoint', 'userinfo_endpoint', 'introspection_endpoint', 'revocation_endpoint'] as const;

/** openid-client wants a client id; the Configuration discovery returns is only read for its metadata. */
const DISCOVERY_ONLY = 'discovery-only';

/** OIDC Discovery 4: a terminating "/" of the issuer is removed before appending the well-known path. */
export const discoveryUrl = (issuer: string) => `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;

/**
 * A provider's discovery document, fetched through `ProviderHttpClient` and cached like its keys
 * (`RemoteJwks`): reused until older than `maxAgeMs`, and a failed fetch is not retried within `cooldownMs`,
 * so a provider that is down is not asked again for every login.
 */
export class OidcDiscovery {
  private doc: OidcDiscoveryDocument | undefined;
  private fetchedAt = 0;
  private failure: { error: unknown; at: number } | undefined;
  private inflight: Promise<OidcDiscoveryDocument> | undefined;
  private readonly now: () => number;
  /**
   * The `issuer` the document must publish: the configured one (OIDC Discovery 4.3), except for multi-tenant
   * providers whose document publishes a template (Microsoft's `…/{tenantid}/v2.0`); their preset then checks
   * each token's `iss` against the template itself.
   */
  private readonly publishedIssuer: string;
  private readonly allowedOrigins: Set<string>;

  constructor(
    private readonly provider: string,
    private readonly issuer: string,
    private readonly http: ProviderHttpClient,
    private readonly policy: JwksCachePolicy,
    private readonly endpoints: EndpointRule,
    options: { now?: () => number; publishedIssuer?: string } = {},
  ) {
    this.now = options.now ?? Date.now;
    this.publishedIssuer = options.publishedIssuer ?? issuer;
    this.allowedOrigins = new Set([new URL(issuer).origin, ...endpoints.trustedOrigins.map((o) => new URL(o).origin)]);
  }

  /** The last document fetched and accepted, if any; never triggers a fetch. */
  get current(): OidcDiscoveryDocument | undefined {
    return this.doc;
  }

  async get(): Promise<OidcDiscoveryDocument> {
    if (this.doc && this.now() - this.fetchedAt <= this.policy.maxAgeMs) return this.doc;
    if (this.failure && this.now() - this.failure.at < this.policy.cooldownMs) throw this.failure.error;
    this.inflight ??= this.fetch().finally(() => (this.inflight = undefined));
    return this.inflight;
  }

  /**
   * openid-client fetches and parses the document over our HTTP client. It is given the well-known URL itself, so it
   * leaves the issuer to `validate`: OIDC Discovery 4.3 wants the very string (openid-client compares normalized
   * URLs), and Entra's multi-tenant document publishes a template.
   */
  private async fetch(): Promise<OidcDiscoveryDocument> {
    try {
      const execute = this.endpoints.httpAllowed || this.issuer.startsWith('http:') ? [allowInsecureRequests] : [];
      const config = await discovery(new URL(discoveryUrl(this.issuer)), DISCOVERY_ONLY, undefined, undefined, {
        [customFetch]: providerFetch(this.http, this.provider),
        execute,
      }).catch((error: unknown) => {
        const status = error instanceof ClientError && error.cause instanceof Response ? error.cause.status : undefined;
        throw (
          appErrorIn(error) ??
          this.unavailable(
            status === undefined
              ? `answered an unreadable discovery document (${(error as Error).message})`
              : `answered HTTP ${status} for its discovery document`,
          )
        );
      });
      const doc = this.validate(config.serverMetadata());
      [this.doc, this.fetchedAt, this.failure] = [doc, this.now(), undefined];
      return doc;
    } catch (error) {
      this.failure = { error, at: this.now() };
      throw error;
    }
  }

  private validate(json: unknown): OidcDiscoveryDocument {
    const doc = (json ?? {}) as Partial<Record<keyof OidcDiscoveryDocument, unknown>>;
    // OIDC Discovery 4.3: the issuer in the document MUST be identical to the one we asked; otherwise
    // another issuer's keys and endpoints would be trusted for this one (and its tokens would not match anyway).
    if (doc.issuer !== this.publishedIssuer) {
      throw this.unavailable(
        `publishes issuer ${quoted(doc.issuer)} in its discovery document, not the expected "${this.publishedIssuer}" (OIDC Discovery 4.3)`,
      );
    }
    const algs = doc.id_token_signing_alg_values_supported;
    if (!Array.isArray(algs) || !algs.every((a) => typeof a === 'string')) {
      throw this.unavailable('lists no id_token_signing_alg_values_supported in its discovery document');
    }
    const methods = doc.token_endpoint_auth_methods_supported;
    if (methods !== undefined && (!Array.isArray(methods) || !methods.every((m) => typeof m === 'string'))) {
      throw this.unavailable('lists token_endpoint_auth_methods_supported that are not strings in its discovery document');
    }
    for (const key of [...SERVER_SIDE_ENDPOINTS, 'authorization_endpoint'] as const) {
      const url = doc[key];
      if (url === undefined && key !== 'jwks_uri') continue;
      // Keys, tokens and our client secret travel to these URLs: same rule as the issuer (https, or http on loopback only where allowed).
      const problem = typeof url === 'string' ? httpsUrlProblem(url, this.endpoints.httpAllowed) : 'is missing';
      if (problem) throw this.unavailable(`discovery document ${key} ${problem}`);
    }
    for (const key of SERVER_SIDE_ENDPOINTS) {
      const url = doc[key];
      // A document that can name any host would make us post our client secret, or a user's token, wherever it
      // says (server-side request forgery with credentials): only the issuer's origin and the declared ones.
      if (typeof url === 'string' && !this.allowedOrigins.has(new URL(url).origin)) {
        throw this.unavailable(
          `discovery document ${key} is on ${new URL(url).origin}, neither the issuer's origin nor one of ` +
            `its trustedEndpointOrigins (${[...this.allowedOrigins].join(', ')}); refused. Add that origin to trustedEndpointOrigins if the provider documents it.`,
        );
      }
    }
    return doc as OidcDiscoveryDocument;
  }

  /** What is wrong with the document (the provider's values, our expectations) is for the operator's log only. */
  private unavailable(detail: string): AppError {
    return providerError('provider_unavailable', `${this.provider} publishes an unusable discovery document`, `${this.provider} ${detail}`);
  }
}
