import { SecretBox } from '../../../common/crypto/secret-box.js';
import { SocialAccount, type ExtraData } from '../../entities/social-account.entity.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** load_extra_data: keeps the provider's extra data and its tokens (encrypted) on the social account. */
@AssociationStep('load_extra_data')
export class LoadExtraDataStep implements PipelineStep {
  constructor(private readonly secretBox: SecretBox) {}

  async run(context: AssociationContext): Promise<void> {
    const account = context.socialAccount;
    if (!account) return;
    const { tokens, extraData } = context.identity;
    const changes: Partial<SocialAccount> = {
      extraData: Object.fromEntries(Object.entries(extraData).filter(([, v]) => v !== undefined)) as ExtraData,
    };
    if (tokens.accessToken) {
      changes.accessTokenEncrypted = this.secretBox.encrypt(tokens.accessToken);
      changes.tokenExpiresAt = tokens.expiresAt ?? null;
    }
    // A provider sends a refresh token only sometimes (first consent); keep the old one otherwise.
    if (tokens.refreshToken) changes.refreshTokenEncrypted = this.secretBox.encrypt(tokens.refreshToken);
    // No write when nothing changed (a returning ID-token login): concurrent logins of one person would queue on the row.
    const unchanged = !tokens.accessToken && !tokens.refreshToken && JSON.stringify(changes.extraData) === JSON.stringify(account.extraData ?? {});
    if (unchanged) return;
    await context.manager.update(SocialAccount, { id: account.id }, changes);
    Object.assign(account, changes);
  }
}
