import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';
import { PipelinePause } from '../login-outcomes.js';

/**
 * require_email (not in the default pipeline): a login whose provider gave no email pauses until the user
 * types one (`POST /auth/complete`). A returning user whose account already has an email (verified or typed)
 * passes, when the step runs after `social_user`. A typed email is never verified nor trusted for linking.
 */
@AssociationStep('require_email')
export class RequireEmailStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    if (context.profile.email || context.user?.email || context.user?.unverifiedEmail) return;
    throw new PipelinePause(
      'require_email',
      ['email'],
      'The provider gave no email address; ask the user for one and send it to /auth/complete',
    );
  }
}
