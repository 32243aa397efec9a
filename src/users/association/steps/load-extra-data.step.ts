import type { EntityManager } from 'typeorm';
import { SecretBox } from '../../../common/crypto/secret-box.js';
import type { VerifiedIdentity } from '../../../providers/identity-provider.types.js';
import { SocialAccount, tokenPlace, type ExtraData } from '../../entities/social-account.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** load_extra_data: keeps the provider's extra data and its tokens (encrypted) on the social account. */
@AssociationStep('load_extra_data')
export class LoadExtraDataStep implements PipelineStep {
  constructor(private readonly secretBox: SecretBox) {}

  async run(context: AssociationContext): Promise<void> {
    if (context.socialAccount) await saveProviderData(context.manager, this.secretBox, context.socialAccount, context.identity);
  }
}

/**
 * Writes the identity's extra data and its tokens (encrypted) onto `account`, and updates `account` in memory.
 * Shared by this step and connecting an account from `/users/me/social-accounts`, so both store the same way.
 */
export async function saveProviderData(
  manager: EntityManager,
  secretBox: SecretBox,
  account: SocialAccount,
  identity: VerifiedIdentity,
): Promise<void> {
  const { tokens, extraData } = identity;
  const changes: Partial<SocialAccount> = {
    extraData: Object.fromEntries(Object.entries(extraData).filter(([, v]) => v !== undefined)) as ExtraData,
  };
  if (tokens.accessToken) {
    changes.accessTokenEncrypted = secretBox.seal(tokens.accessToken, tokenPlace(account.id, 'accessTokenEncrypted'));
    changes.tokenExpiresAt = tokens.expiresAt ?? null;
  }
  // A provider sends a refresh token only sometimes (first consent); keep the old one otherwise.
  if (tokens.refreshToken)
    changes.refreshTokenEncrypted = secretBox.seal(tokens.refreshToken, tokenPlace(account.id, 'refreshTokenEncrypted'));
  // No write when nothing changed (a returning ID-token login): concurrent logins of one person would queue on the row.
  const unchanged =
    !tokens.accessToken && !tokens.refreshToken && JSON.stringify(changes.extraData) === JSON.stringify(account.extraData ?? {});
  if (unchanged) return;
  await manager.update(SocialAccount, { id: account.id }, changes);
  Object.assign(account, changes);
}
