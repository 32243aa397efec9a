import { errors, jwtVerify, type JWTPayload } from 'jose';
import { AppError } from '../../common/errors/app-error.js';
import type { RemoteJwks } from './remote-jwks.js';

export interface IdTokenExpectations {
  provider: string;
  jwks: RemoteJwks;
  issuers: string[];
  /** Our client ids: `aud` must contain one, and `azp`, when present, must be one (OIDC Core 3.1.3.7). */
  clientIds: string[];
  /** Pinned: a token whose header names another algorithm (`none`, HS256 with a public key) is refused. */
  algorithms: string[];
}

/** Clock skew we tolerate between us and the provider, for `exp`/`iat`/`nbf`. */
const CLOCK_TOLERANCE_SECONDS = 60;

/** Verifies an OpenID Connect ID token: signature against the provider's JWKS, then iss, aud, azp, exp, iat. */
export async function verifyIdToken(token: string, expect: IdTokenExpectations): Promise<JWTPayload> {
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, expect.jwks.getKey, {
      issuer: expect.issuers,
      audience: expect.clientIds,
      algorithms: expect.algorithms,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ['sub', 'iat', 'exp'],
    }));
  } catch (error) {
    throw toAppError(expect.provider, error);
  }
  // OIDC Core 3.1.3.7 (3): refuse a token that also lists audiences we do not trust (jose only checks that one is ours).
  if ([payload.aud].flat().some((aud) => !expect.clientIds.includes(String(aud)))) {
    throw new AppError('provider_token_audience_mismatch', `${expect.provider} ID token is also meant for other clients`);
  }
  if (payload.azp !== undefined && !expect.clientIds.includes(String(payload.azp))) {
    throw new AppError('provider_token_audience_mismatch', `${expect.provider} ID token was issued to another client (azp)`);
  }
  return payload;
}

function toAppError(provider: string, error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'aud') {
    return new AppError('provider_token_audience_mismatch', `${provider} ID token was issued to another client`, { cause: error });
  }
  if (error instanceof errors.JWTExpired) {
    return new AppError('invalid_provider_token', `${provider} ID token has expired`, { cause: error });
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return new AppError('invalid_provider_token', `${provider} ID token has an invalid "${error.claim}" claim`, { cause: error });
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return new AppError('invalid_provider_token', `${provider} ID token is signed with an unknown key`, { cause: error });
  }
  return new AppError('invalid_provider_token', `${provider} ID token is not valid`, { cause: error });
}
