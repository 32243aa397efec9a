import { AppError } from '../../../common/errors/app-error.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** social_uid: the provider's stable id for the person; without one there is nothing to match on. */
@AssociationStep('social_uid')
export class SocialUidStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    context.uid = usableUid(context.identity.provider, context.profile.uid);
  }
}

/** The uid trimmed, as stored (at most 255 characters): `provider_unavailable` without one. Also for connecting an account. */
export function usableUid(provider: string, uid: string | undefined): string {
  const trimmed = uid?.trim();
  if (!trimmed || trimmed.length > 255) throw new AppError('provider_unavailable', `${provider} gave no usable account id`);
  return trimmed;
}
