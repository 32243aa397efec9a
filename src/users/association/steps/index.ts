import { AssociateByEmailStep } from './associate-by-email.step.js';
import { AssociateUserStep } from './associate-user.step.js';
import { AuthAllowedStep } from './auth-allowed.step.js';
import { CreateUserStep } from './create-user.step.js';
import { GetUsernameStep } from './get-username.step.js';
import { LoadExtraDataStep } from './load-extra-data.step.js';
import { RequireEmailStep } from './require-email.step.js';
import { SocialDetailsStep } from './social-details.step.js';
import { SocialUidStep } from './social-uid.step.js';
import { SocialUserStep } from './social-user.step.js';
import { UserDetailsStep } from './user-details.step.js';

/** Our steps. Their order is not here but in `LOGIN_PIPELINE` (default `DEFAULT_PIPELINE`). */
export const BUILT_IN_STEPS = [
  SocialDetailsStep,
  SocialUidStep,
  AuthAllowedStep,
  SocialUserStep,
  GetUsernameStep,
  AssociateByEmailStep,
  CreateUserStep,
  AssociateUserStep,
  LoadExtraDataStep,
  UserDetailsStep,
  RequireEmailStep, // opt-in: add require_email to LOGIN_PIPELINE
];
