import { Inject } from '@nestjs/common';
import { AppError } from '../../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../../config/app-config.js';
import { AssociationStep, type AssociationContext, type PipelineStep } from '../association.types.js';

/**
 * auth_allowed: when `LOGIN_ALLOWED_EMAIL_DOMAINS` or `LOGIN_ALLOWED_EMAILS` is set, only people whose address
 * is on those lists *and trusted the way linking trusts it* (`emailTrustedForLinking`, docs/email-trust.md) get in.
 * `email_verified` alone is the weaker signal: Google verifies `alice@corp.com` on a personal account made with
 * that address, but only a Workspace token (`hd`) says corp.com's administrators manage it. Anything less is
 * `409 email_not_verified`; a trusted address off the lists, `403 login_not_allowed`.
 */
@AssociationStep('auth_allowed')
export class AuthAllowedStep implements PipelineStep {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async run(context: AssociationContext): Promise<void> {
    const { allowedEmailDomains: domains, allowedEmails: emails } = this.config.login;
    if (domains.length === 0 && emails.length === 0) return;
    const { email, emailTrustedForLinking } = context.profile;
    if (!email || !emailTrustedForLinking) {
      throw new AppError('email_not_verified', 'Sign-in here requires an email address your provider vouches for');
    }
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (!emails.includes(email) && !domains.includes(domain)) {
      throw new AppError('login_not_allowed', 'This account is not allowed to sign in here');
    }
  }
}
