import { Inject } from '@nestjs/common';
import { AppError } from '../../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/**
 * auth_allowed: when `LOGIN_ALLOWED_EMAIL_DOMAINS` or `LOGIN_ALLOWED_EMAILS` is set, only people with a
 * verified email on those lists get in. An unverified email proves nothing, so it is refused too.
 */
@AssociationStep('auth_allowed')
export class AuthAllowedStep implements PipelineStep {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async run(context: AssociationContext): Promise<void> {
    const { allowedEmailDomains: domains, allowedEmails: emails } = this.config.login;
    if (domains.length === 0 && emails.length === 0) return;
    const { email, emailVerified } = context.profile;
    if (!email || !emailVerified) throw new AppError('email_not_verified', 'Sign-in here requires a verified email address');
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (!emails.includes(email) && !domains.includes(domain)) {
      throw new AppError('login_not_allowed', 'This account is not allowed to sign in here');
    }
  }
}
