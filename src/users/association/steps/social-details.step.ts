import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

const LIMITS = { name: 200, firstName: 100, lastName: 100, picture: 2048, username: 150, email: 320 } as const;

/** social_details: tidies the provider's profile to what our columns hold (trimmed, bounded; oversized emails dropped). */
@AssociationStep('social_details')
export class SocialDetailsStep implements PipelineStep {
  async run(context: AssociationContext): Promise<void> {
    const p = context.profile;
    for (const field of ['name', 'firstName', 'lastName', 'username'] as const) {
      const value = p[field]?.trim();
      p[field] = value ? value.slice(0, LIMITS[field]) : undefined;
    }
    if (p.picture && (p.picture.length > LIMITS.picture || !/^https?:\/\//.test(p.picture))) p.picture = undefined;
    if (p.email && (p.email.length > LIMITS.email || !p.email.includes('@'))) {
      p.email = undefined;
      p.emailVerified = false;
      p.emailTrustedForLinking = false;
    }
  }
}
