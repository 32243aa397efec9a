/**
 * What `LOGIN_PIPELINE` must respect among the built-in steps, checked at boot (docs/decisions/0011-login-pipeline-rules.md).
 * Each rule is one that, broken, would make logins fail on a unique index or do something nobody wants: sign a
 * returning person up again, store unbounded provider text, or match someone by email before by identity.
 * Steps of an application's own have no rules; leaving out `associate_by_email`, `get_username`, `auth_allowed`,
 * `user_details`, `load_extra_data` or even `create_user` (sign-up closed: `403 login_not_allowed`) is allowed.
 */
interface Rule {
  /** When this step is in the pipeline... */
  step: string;
  /** ...this one must be too, and run before it. */
  after: string;
  why: string;
  /** Only the order matters: `after` may be left out. */
  optional?: boolean;
}

export const PIPELINE_RULES: readonly Rule[] = [
  { step: 'social_user', after: 'social_uid', why: 'it looks the identity up by the uid social_uid checks' },
  { step: 'associate_by_email', after: 'social_user', why: 'a returning person must be found by their identity before anyone by email' },
  { step: 'create_user', after: 'social_user', why: 'a returning person would get a new account on every login' },
  { step: 'create_user', after: 'social_details', why: 'it stores the profile, which social_details cuts to what our columns hold' },
  { step: 'create_user', after: 'get_username', why: 'it takes the username get_username chose', optional: true },
  {
    step: 'create_user',
    after: 'associate_by_email',
    why: 'it would take the address before associate_by_email could link it',
    optional: true,
  },
  { step: 'associate_user', after: 'social_uid', why: 'it stores the uid social_uid checks' },
  { step: 'associate_user', after: 'social_user', why: 'a returning identity would be stored twice' },
  { step: 'associate_user', after: 'create_user', why: 'a new user has no identity to store until create_user made it', optional: true },
  {
    step: 'load_extra_data',
    after: 'associate_user',
    why: 'a new identity has nowhere to keep its data until associate_user stored it',
    optional: true,
  },
  { step: 'user_details', after: 'social_details', why: 'it stores the profile, which social_details cuts to what our columns hold' },
  { step: 'user_details', after: 'social_user', why: 'it refreshes the returning user social_user finds' },
];

/**
 * A pipeline also needs `associate_user` whenever it has `create_user`: else every login of a new identity makes
 * another account. Returns one sentence per broken rule (empty when the pipeline is fine).
 */
export function pipelineProblems(pipeline: readonly string[]): string[] {
  const problems: string[] = [];
  const position = (name: string) => pipeline.indexOf(name);
  for (const { step, after, why, optional } of PIPELINE_RULES) {
    if (position(step) < 0) continue;
    if (position(after) < 0) {
      if (!optional) problems.push(`${step} needs ${after} before it: ${why}`);
    } else if (position(after) > position(step)) {
      problems.push(`${after} must come before ${step}: ${why}`);
    }
  }
  if (position('create_user') >= 0 && position('associate_user') < 0) {
    problems.push('create_user needs associate_user after it: every login of a new identity would make another account');
  }
  return problems;
}
