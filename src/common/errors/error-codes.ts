/**
 * Every error a client can see, with its HTTP status. Codes are a stable API: add, never rename.
 * Domain code throws `AppError(code)`; only `HttpErrorFilter` turns a code into a status.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  invalid_nonce: 400,
  unknown_provider: 404,
  not_found: 404,
  unsupported_grant: 400,
  invalid_pending_token: 400,
  invalid_link_token: 400,
  invalid_token: 401,
  invalid_provider_token: 401,
  provider_token_audience_mismatch: 401,
  invalid_refresh_token: 401,
  refresh_token_reused: 401,
  refresh_token_superseded: 401,
  account_inactive: 403,
  login_not_allowed: 403,
  link_token_user_mismatch: 403,
  email_not_verified: 409,
  account_link_required: 409,
  provider_reauthentication_required: 409,
  username_taken: 409,
  social_account_in_use: 409,
  last_login_method: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  profile_incomplete: 422,
  rate_limited: 429,
  internal_error: 500,
  provider_unavailable: 502,
  service_unavailable: 503,
  provider_timeout: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;
