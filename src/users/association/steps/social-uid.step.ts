import { AppError } from '../../../common/errors/app-error.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/** social_uid: the provider's stable id for the person; without one there is nothing to match on. */
@AssociationStep('social_uid')
export class SocialUidStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    const uid = context.profile.uid?.trim();
    if (!uid || uid.length > 255) throw new AppError('provider_unavailable', `${context.identity.provider} gave no usable account id`);
    context.uid = uid;
  }
}
