import { Inject, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { MoreThan, type Repository } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail.service.js';
import type { ClientInfo } from '../auth/tokens/refresh-token.service.js';
import { AppError } from '../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionRunner } from '../database/transaction-runner.js';
import { ApplicationsService } from './applications/applications.service.js';
import { OAuthRecord } from './oauth-record.entity.js';
import { apiResource } from './scopes.js';
import { GrantLiveness } from './tokens/grant-liveness.js';

/** A user's grants (oidc-provider's `Grant` rows, one per application they consented to), listed and revoked. */
@Injectable()
export class AuthorizationsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectRepository(OAuthRecord) private readonly records: Repository<OAuthRecord>,
    private readonly tx: TransactionRunner,
    private readonly applications: ApplicationsService,
    private readonly liveness: GrantLiveness,
    private readonly audit: AuditTrail,
  ) {}

  async list(userId: string) {
    const grants = await this.records.find({
      where: { model: 'Grant', accountId: userId, expiresAt: MoreThan(new Date()) },
      order: { createdAt: 'ASC' },
    });
    const resource = apiResource(this.config);
    return Promise.all(
      grants.map(async (grant) => {
        const payload = JSON.parse(grant.payload) as { openid?: { scope?: string }; resources?: Record<string, string> };
        const scopes = new Set(
          [...(payload.openid?.scope ?? '').split(' '), ...(payload.resources?.[resource] ?? '').split(' ')].filter(Boolean),
        );
        const client = grant.clientId ? await this.applications.clientMetadata(grant.clientId) : undefined;
        return {
          id: grant.idHash,
          client_id: grant.clientId ?? '',
          client_name: String(client?.client_name ?? grant.clientId ?? ''),
          scopes: [...scopes],
          created_at: grant.createdAt.toISOString(),
        };
      }),
    );
  }

  /** The grant and everything issued under it (codes, refresh tokens); its access tokens stop at our API (GrantLiveness). */
  async revoke(userId: string, id: string, client: ClientInfo | null = null): Promise<void> {
    const removed = await this.tx.run(async (manager) => {
      const grant = await manager.findOneBy(OAuthRecord, { model: 'Grant', idHash: id, accountId: userId });
      if (!grant) return false;
      await manager.delete(OAuthRecord, { grantIdHash: id });
      await this.audit.record(manager, { event: 'authorization_revoked', userId, client, detail: { client_id: grant.clientId ?? '' } });
      return true;
    });
    if (!removed) throw new AppError('not_found', 'No authorization with this id');
    await this.liveness.ended(id);
  }
}
