import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, type EntityManager, type Repository } from 'typeorm';
import type { AuditEventName } from '../../audit/audit-event.entity.js';
import { AuditTrail } from '../../audit/audit-trail.service.js';
import { isNativeRedirectUri } from '../../auth/browser/url-allow-list.js';
import type { ClientInfo } from '../../auth/tokens/refresh-token.service.js';
import { AppError } from '../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { redirectUriProblem } from '../../config/redirect-uri.js';
import { TransactionRunner } from '../../database/transaction-runner.js';
import { readOnlyAdapter, type AdapterPayload } from '../adapter.js';
import { OAuthRecord } from '../oauth-record.entity.js';
import { GRANT_TYPES, OIDC_SCOPES, SCOPE_NAMES } from '../scopes.js';
import { GrantLiveness } from '../tokens/grant-liveness.js';
import { hashClientSecret, newClientSecret } from './application-secrets.js';
import { Application } from './application.entity.js';
import { impersonatedName } from './client-name-policy.js';

/** Our own client metadata (oidc-provider's `extraClientMetadata`). */
export const FIRST_PARTY = 'urn:nest-social-auth:first_party';
export const SCOPE_CEILING = 'urn:nest-social-auth:scopes';
/** Every scope the application may be granted (its registered ceiling). */
export const ceilingOf = (client: Record<string, unknown>): Set<string> =>
  new Set(
    String(client[SCOPE_CEILING] ?? '')
      .split(' ')
      .filter(Boolean),
  );

/** The ceiling of an application registered without `scopes`, and the most a dynamically registered one may ask for. */
export const DEFAULT_SCOPES = ['openid', 'profile', 'email', 'offline_access', 'profile:read'];

export type ApplicationInput = Pick<Application, 'name' | 'type'> &
  Partial<Pick<Application, 'redirectUris' | 'grantTypes' | 'scopes' | 'firstParty'>>;

/** Who made a change through the admin API: recorded in their audit trail. */
export interface AdminActor {
  userId: string;
  client: ClientInfo;
}

/** A made (or re-keyed) application and its secret, which is never readable again. */
export interface WithSecret {
  application: Application;
  clientSecret?: string;
}

/**
 * Registered third-party applications: the admin API and the CLI write through here, and oidc-provider reads
 * its `Client` model through `clientAdapter` (cached per instance for OAUTH_CLIENT_CACHE_MS; a change made on
 * this instance shows at once, on others within that time).
 */
@Injectable()
export class ApplicationsService {
  private readonly cache = new Map<string, { metadata: AdapterPayload | undefined; until: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(Application) private readonly applications: Repository<Application>,
    private readonly tx: TransactionRunner,
    private readonly liveness: GrantLiveness,
    private readonly audit: AuditTrail,
  ) {}

  async create(input: ApplicationInput, actor?: AdminActor): Promise<WithSecret> {
    const application = Object.assign(new Application(), this.validated(input), { clientId: randomBytes(16).toString('base64url') });
    const clientSecret = application.type === 'confidential' ? newClientSecret() : undefined;
    application.secretHash = clientSecret ? hashClientSecret(clientSecret) : null;
    await this.tx.run(async (manager) => {
      await manager.insert(Application, application);
      await this.audited(manager, actor, 'application_created', application.clientId);
    });
    return { application: await this.get(application.clientId), clientSecret };
  }

  list(): Promise<Application[]> {
    return this.applications.find({ order: { createdAt: 'ASC' } });
  }

  async get(clientId: string): Promise<Application> {
    const application = await this.applications.findOneBy({ clientId });
    if (!application) throw new AppError('not_found', 'No application with this client_id');
    return application;
  }

  /** The type is fixed at creation: a public client turned confidential would have no secret, and the reverse a stale one. */
  async update(clientId: string, changes: Partial<Omit<ApplicationInput, 'type'>>, actor?: AdminActor): Promise<Application> {
    const current = await this.get(clientId);
    const given = Object.entries(changes).filter(([, value]) => value !== undefined && value !== null);
    const merged = this.validated({ ...current, ...Object.fromEntries(given), type: current.type });
    await this.tx.run(async (manager) => {
      await manager.update(Application, { clientId }, merged);
      await this.audited(manager, actor, 'application_updated', clientId);
    });
    this.cache.delete(clientId);
    return this.get(clientId);
  }

  async rotateSecret(clientId: string, actor?: AdminActor): Promise<WithSecret> {
    const application = await this.get(clientId);
    if (application.type !== 'confidential') throw new AppError('validation_failed', 'A public application has no secret');
    const clientSecret = newClientSecret();
    await this.tx.run(async (manager) => {
      await manager.update(Application, { clientId }, { secretHash: hashClientSecret(clientSecret) });
      await this.audited(manager, actor, 'application_secret_rotated', clientId);
    });
    this.cache.delete(clientId);
    return { application: await this.get(clientId), clientSecret };
  }

  /** Deletes the application and everything issued to it (grants, codes, refresh tokens): its access tokens stop too. */
  async remove(clientId: string, actor?: AdminActor): Promise<void> {
    await this.get(clientId);
    const grantHashes = await this.tx.run(async (manager) => {
      const grants = await manager.find(OAuthRecord, { select: { idHash: true }, where: { model: 'Grant', clientId } });
      const hashes = grants.map((g) => g.idHash);
      if (hashes.length > 0) await manager.delete(OAuthRecord, { grantIdHash: In(hashes) });
      await manager.delete(OAuthRecord, { clientId });
      await manager.delete(Application, { clientId });
      await this.audited(manager, actor, 'application_deleted', clientId);
      return hashes;
    });
    this.cache.delete(clientId);
    for (const hash of grantHashes) await this.liveness.ended(hash);
  }

  /** An admin's change is an event of the admin's trail; the CLI (`npm run apps`) has no user, so no event. */
  private async audited(manager: EntityManager, actor: AdminActor | undefined, event: AuditEventName, clientId: string): Promise<void> {
    if (actor) await this.audit.record(manager, { event, userId: actor.userId, client: actor.client, detail: { client_id: clientId } });
  }

  /** Our rules for an application, without storing it: throws `validation_failed` listing every problem, `problems` first. */
  check(input: ApplicationInput, problems: string[] = []): void {
    this.validated(input, problems);
  }

  /**
   * Stores a client registered (RFC 7591) or updated (RFC 7592) through oidc-provider, under our rules and never
   * first-party. `secret`: the one oidc-provider generated (stored hashed), or on an update the stored hash
   * handed back. Its type (public or confidential) is fixed at registration, as for the admin API.
   */
  async saveRegistered(clientId: string, input: ApplicationInput, secret: string | undefined): Promise<void> {
    const fields = this.validated({ ...input, firstParty: false });
    const existing = await this.applications.findOneBy({ clientId });
    if (existing && existing.type !== fields.type)
      throw new AppError('validation_failed', 'token_endpoint_auth_method cannot change between none and a secret: register a new client');
    let secretHash: string | null = null;
    if (fields.type === 'confidential') {
      if (!secret) throw new AppError('validation_failed', 'a confidential client needs a secret');
      // A hash is only ever the stored one, handed back on an update.
      if (secret.startsWith('sha256:') && secret !== existing?.secretHash)
        throw new AppError('validation_failed', 'client_secret does not match');
      secretHash = secret.startsWith('sha256:') ? secret : hashClientSecret(secret);
    }
    await this.tx.run(async (manager) => {
      if (existing) await manager.update(Application, { clientId }, { ...fields, secretHash });
      else await manager.insert(Application, { ...fields, clientId, secretHash });
    });
    this.cache.delete(clientId);
  }

  /** oidc-provider's storage for its `Client` model (`find` only: clients are managed here, not by it). */
  readonly clientAdapter = readOnlyAdapter((id) => this.clientMetadata(id), 'Applications are registered through the admin API or the CLI');

  async clientMetadata(clientId: string): Promise<AdapterPayload | undefined> {
    const now = Date.now();
    const hit = this.cache.get(clientId);
    if (hit && hit.until > now) return hit.metadata;
    const application = clientId.length <= 64 ? await this.applications.findOneBy({ clientId }) : null;
    const metadata = application ? toClientMetadata(application) : undefined;
    if (this.cache.size >= 10_000) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(clientId, { metadata, until: now + this.config.oauthServer.clientCacheMs });
    return metadata;
  }

  private validated(input: ApplicationInput, problems: string[] = []) {
    const name = input.name?.trim() ?? '';
    if (!name || name.length > 100) problems.push('name must be 1 to 100 characters');
    const impersonated = input.firstParty ? undefined : impersonatedName(name, this.config.oauthServer.reservedClientNames);
    if (impersonated) problems.push(`name must not pass for "${impersonated}" (a reserved name: OAUTH_RESERVED_CLIENT_NAMES)`);
    if (input.type !== 'confidential' && input.type !== 'public') problems.push('type must be confidential or public');
    const grantTypes = [...new Set(input.grantTypes ?? ['authorization_code', 'refresh_token'])];
    problems.push(...outside(grantTypes, GRANT_TYPES, (grant) => `grant type "${grant}" is not one of ${GRANT_TYPES.join(', ')}`));
    if (grantTypes.length === 0) problems.push('at least one grant type');
    if (input.type === 'public' && grantTypes.some((g) => g === 'client_credentials' || g.startsWith('urn:'))) {
      problems.push('a public application cannot use client_credentials or token exchange (it has no secret)');
    }
    const redirectUris = [...new Set(input.redirectUris ?? [])];
    problems.push(...redirectUris.flatMap((uri) => redirectUriProblem(uri) ?? []).map((problem) => `redirect_uris ${problem}`));
    if (grantTypes.includes('authorization_code') && redirectUris.length === 0)
      problems.push('authorization_code needs at least one redirect URI');
    const scopes = [...new Set(input.scopes ?? DEFAULT_SCOPES)];
    problems.push(...outside(scopes, SCOPE_NAMES, (scope) => `scope "${scope}" is not one of ${SCOPE_NAMES.join(', ')}`));
    if (problems.length > 0) throw new AppError('validation_failed', problems.join('; '), { details: { problems } });
    return { name, type: input.type, redirectUris, grantTypes, scopes, firstParty: input.firstParty ?? false };
  }
}

/** One problem for each of `values` not among `allowed`. */
const outside = (values: string[], allowed: readonly string[], problem: (value: string) => string): string[] =>
  values.filter((value) => !allowed.includes(value)).map(problem);

/**
 * The client's `scope` for oidc-provider, which checks it against its OpenID scopes only: the whole ceiling (our
 * API's scopes too) is ours. Never empty: an absent `scope` would let it ask for any of them.
 */
export const oidcScopeOf = (scopes: string[]): string => scopes.filter((s) => s in OIDC_SCOPES).join(' ') || 'openid';

/** What oidc-provider knows of an application: RFC 7591 client metadata, with the secret's hash as `client_secret`. */
export function toClientMetadata(application: Application): AdapterPayload {
  const usesCode = application.grantTypes.includes('authorization_code');
  const native = application.redirectUris.some(isNativeRedirectUri);
  return {
    client_id: application.clientId,
    client_name: application.name,
    ...(application.type === 'confidential'
      ? { client_secret: application.secretHash ?? undefined, token_endpoint_auth_method: 'client_secret_basic' }
      : { token_endpoint_auth_method: 'none' }),
    application_type: native ? 'native' : 'web',
    redirect_uris: application.redirectUris,
    grant_types: application.grantTypes,
    response_types: usesCode ? ['code'] : [],
    scope: oidcScopeOf(application.scopes),
    [SCOPE_CEILING]: application.scopes.join(' '),
    [FIRST_PARTY]: application.firstParty,
  };
}
