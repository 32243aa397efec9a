/**
 * oidc-provider's storage adapter (its `adapter` option, one instance per model name), on our database through
 * TypeORM, so a flow started on one instance finishes on another. One table, `oauth_records` (see its entity):
 * - ids are stored as SHA-256 hashes and left out of the stored payload, given back by `find` from the id asked;
 * - `consume` is one `UPDATE … WHERE consumedAt IS NULL`: of two instances redeeming the same code or refresh token
 *   at once, exactly one changes the row, and the other fails with `invalid_grant`;
 * - expired rows are never answered and are deleted by `purgeExpired` (run on a timer by the provider service).
 * Clients are not stored here: `Client` reads our applications (src/oauth-server/applications/).
 */
import { createHash } from 'node:crypto';
import { IsNull, LessThan, MoreThan, type DataSource, type Repository } from 'typeorm';
import type { SealedPlace, SecretBox } from '../common/crypto/secret-box.js';
import type { TransactionRunner } from '../database/transaction-runner.js';
import { OAuthRecord } from './oauth-record.entity.js';

export type AdapterPayload = Record<string, unknown> & {
  jti?: string;
  grantId?: string;
  uid?: string;
  userCode?: string;
  accountId?: string;
  clientId?: string;
  consumed?: unknown;
};

export interface OidcAdapter {
  upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
  find(id: string): Promise<AdapterPayload | undefined>;
  findByUid(uid: string): Promise<AdapterPayload | undefined>;
  findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
  consume(id: string): Promise<void>;
  destroy(id: string): Promise<void>;
  revokeByGrantId(grantId: string): Promise<void>;
}

export const sha256Hex = (value: string): string => createHash('sha256').update(value).digest('hex');

/** What the adapter needs besides the database: how a lost consume race fails, and where clients come from. */
export interface AdapterDependencies {
  dataSource: DataSource;
  tx: TransactionRunner;
  box: SecretBox;
  /** oidc-provider's `errors.InvalidGrant`, so the losing consumer answers 400 `invalid_grant`, not 500. */
  alreadyConsumed: () => Error;
  /** The `Client` model's storage: our applications (read-only except for dynamic registration). */
  clients: OidcAdapter;
  /** The `InitialAccessToken` model's storage: the configured ones (registration.ts). */
  initialAccessTokens?: OidcAdapter;
  /**
   * OAUTH_REFRESH_REUSE_GRACE_SECONDS (0 = off): a refresh token spent less than this long ago is not found (a
   * plain `invalid_grant`, nothing issued, the grant kept) instead of reported consumed (which revokes the grant).
   * docs/decisions/0023-oauth-refresh-reuse-grace.md.
   */
  refreshReuseGraceSeconds?: number;
}

/**
 * Models whose id must be found again from other columns: a session by its `uid` (`findByUid`), a grant by its
 * (user, client) when the user comes back in another session (consent remembered). Their ids are kept encrypted.
 */
const SEALED_ID_MODELS = new Set(['Session', 'Grant']);

export class TypeOrmAdapter implements OidcAdapter {
  private readonly records: Repository<OAuthRecord>;

  constructor(
    private readonly model: string,
    private readonly deps: AdapterDependencies,
  ) {
    this.records = deps.dataSource.getRepository(OAuthRecord);
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void> {
    const { jti: _id, ...stored } = payload;
    const now = new Date();
    const row: OAuthRecord = {
      model: this.model,
      idHash: sha256Hex(id),
      payload: JSON.stringify(stored),
      grantIdHash: this.model === 'Grant' ? sha256Hex(id) : payload.grantId ? sha256Hex(payload.grantId) : null,
      uidHash: payload.uid && this.model === 'Session' ? sha256Hex(payload.uid) : null,
      sealedId: SEALED_ID_MODELS.has(this.model) ? this.deps.box.seal(id, sealedIdPlace(sha256Hex(id))) : null,
      userCodeHash: payload.userCode ? sha256Hex(payload.userCode) : null,
      accountId: typeof payload.accountId === 'string' ? payload.accountId : null,
      clientId: typeof payload.clientId === 'string' ? payload.clientId : null,
      expiresAt: expiresIn ? new Date(now.getTime() + expiresIn * 1000) : null,
      consumedAt: null,
      createdAt: now,
    };
    // An upsert never un-consumes: oidc-provider re-saves a consumed token (e.g. a rotated refresh token's `rotations`).
    const { consumedAt: _consumed, ...update } = row;
    await this.deps.tx.run(async (manager) => {
      const updated = await manager.update(OAuthRecord, { model: this.model, idHash: row.idHash }, update);
      if (!updated.affected) await manager.insert(OAuthRecord, row);
    });
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    const row = await this.records.findOneBy({ model: this.model, idHash: sha256Hex(id) });
    if (row && this.inReuseGrace(row)) return undefined;
    return this.answer(row, id);
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const row = await this.records.findOneBy({ model: this.model, uidHash: sha256Hex(uid) });
    return row?.sealedId ? this.answer(row, openSealedId(this.deps.box, row.sealedId, row.idHash)) : undefined;
  }

  /** Only the device flow has user codes, and it is off: there is no id to give back with the payload. */
  async findByUserCode(): Promise<undefined> {
    return undefined;
  }

  async consume(id: string): Promise<void> {
    const consumed = await this.deps.tx.run((manager) =>
      manager.update(OAuthRecord, { model: this.model, idHash: sha256Hex(id), consumedAt: IsNull() }, { consumedAt: new Date() }),
    );
    if (!consumed.affected) throw this.deps.alreadyConsumed();
  }

  async destroy(id: string): Promise<void> {
    await this.deps.tx.run((manager) => manager.delete(OAuthRecord, { model: this.model, idHash: sha256Hex(id) }));
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await this.deps.tx.run((manager) => manager.delete(OAuthRecord, { model: this.model, grantIdHash: sha256Hex(grantId) }));
  }

  /** A refresh token spent within the grace window: a racing or retried request, answered as not found (ADR 0023). */
  private inReuseGrace(row: OAuthRecord): boolean {
    const grace = this.deps.refreshReuseGraceSeconds ?? 0;
    return this.model === 'RefreshToken' && grace > 0 && row.consumedAt !== null && Date.now() - row.consumedAt.getTime() < grace * 1000;
  }

  private answer(row: OAuthRecord | null, id: string): AdapterPayload | undefined {
    if (!row || (row.expiresAt && row.expiresAt.getTime() <= Date.now())) return undefined;
    const payload = JSON.parse(row.payload) as AdapterPayload;
    payload.jti = id;
    if (row.consumedAt) payload.consumed = Math.floor(row.consumedAt.getTime() / 1000);
    return payload;
  }
}

/** The id of this user's newest unexpired grant to this client, if any. */
export async function latestGrantId(
  dataSource: DataSource,
  box: SecretBox,
  accountId: string,
  clientId: string,
): Promise<string | undefined> {
  const row = await dataSource.getRepository(OAuthRecord).findOne({
    where: { model: 'Grant', accountId, clientId, expiresAt: MoreThan(new Date()) },
    order: { createdAt: 'DESC' },
  });
  return row?.sealedId ? openSealedId(box, row.sealedId, row.idHash) : undefined;
}

/** A sealed id opens only in its own row (docs/decisions/0016-sealed-for-their-place.md). */
const sealedIdPlace = (idHash: string): SealedPlace => ({ purpose: 'oauth_records.sealedId', id: idHash });
const openSealedId = (box: SecretBox, sealedId: string, idHash: string): string => box.open(sealedId, sealedIdPlace(idHash)).plaintext;

/** Deletes every expired row (all models); answers how many. */
export async function purgeExpired(dataSource: DataSource, tx: TransactionRunner): Promise<number> {
  const result = await tx.run((manager) => manager.delete(OAuthRecord, { expiresAt: LessThan(new Date()) }));
  return result.affected ?? 0;
}

/** Storage that only answers `find`: oidc-provider's writes are refused with `refusal`, the rest finds nothing. */
export function readOnlyAdapter(find: OidcAdapter['find'], refusal: string): OidcAdapter {
  const nothing = async (): Promise<undefined> => undefined;
  const upsert = async (): Promise<never> => {
    throw new Error(refusal);
  };
  return { find, upsert, findByUid: nothing, findByUserCode: nothing, consume: nothing, destroy: nothing, revokeByGrantId: nothing };
}

/** oidc-provider's `adapter` option: a constructor it calls with each model's name. */
export function typeOrmAdapterFactory(deps: AdapterDependencies): new (model: string) => OidcAdapter {
  return class {
    constructor(model: string) {
      if (model === 'Client') return deps.clients;
      if (model === 'InitialAccessToken' && deps.initialAccessTokens) return deps.initialAccessTokens;
      return new TypeOrmAdapter(model, deps);
    }
  } as unknown as new (model: string) => OidcAdapter;
}
