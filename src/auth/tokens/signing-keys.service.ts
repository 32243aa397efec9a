import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import { APP_CONFIG, type AppConfig, type SigningAlgorithm } from '../../config/app-config.js';
import type { JwksResponse, PublicJwkDto } from '../dto/jwks.response.js';

export interface SigningKey {
  kid: string;
  algorithm: SigningAlgorithm;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/**
 * Our signing keys, parsed once into `KeyObject`s (re-parsing PEM per request cost ~0.45 ms here).
 * The first key signs; all verify, so a rotated-out key keeps verifying until its tokens expire.
 * `kid` is the RFC 7638 thumbprint, the same on every instance given the same keys.
 */
@Injectable()
export class SigningKeyService {
  private readonly logger = new Logger(SigningKeyService.name);
  readonly current: SigningKey;
  private readonly byKid: Map<string, SigningKey>;
  readonly jwks: JwksResponse;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const { algorithm } = config.jwt;
    const pems = config.jwt.privateKeys.length > 0 ? config.jwt.privateKeys : [this.developmentKey(config.jwt.keysDir, algorithm)];
    const keys = pems.map((pem, i) => toSigningKey(pem, algorithm, i));
    this.current = keys[0]!;
    this.byKid = new Map(keys.map((k) => [k.kid, k]));
    this.jwks = { keys: keys.map(publicJwk) };
  }

  find(kid: string | undefined): SigningKey | undefined {
    return kid === undefined ? undefined : this.byKid.get(kid);
  }

  /** Development and tests only (production refuses to boot without JWT_PRIVATE_KEYS): made once, kept on disk. */
  private developmentKey(dir: string, algorithm: SigningAlgorithm): string {
    const file = join(dir, `signing-key-${algorithm.toLowerCase()}.pem`);
    if (existsSync(file)) return readFileSync(file, 'utf8');
    const pem = generateSigningKeyPem(algorithm);
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, pem, { mode: 0o600 });
    this.logger.warn(`Generated a development signing key at ${file}; set JWT_PRIVATE_KEYS in production`);
    return pem;
  }
}

export function generateSigningKeyPem(algorithm: SigningAlgorithm): string {
  const { privateKey } =
    algorithm === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

export function toSigningKey(pem: string, algorithm: SigningAlgorithm, index: number): SigningKey {
  const privateKey = createPrivateKey(pem);
  const fits =
    algorithm === 'ES256'
      ? privateKey.asymmetricKeyType === 'ec' && privateKey.asymmetricKeyDetails?.namedCurve === 'prime256v1'
      : privateKey.asymmetricKeyType === 'rsa' && (privateKey.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048;
  if (!fits)
    throw new Error(
      `JWT_PRIVATE_KEYS key ${index + 1} does not fit JWT_ALGORITHM=${algorithm} (ES256: P-256 EC key; RS256: RSA >= 2048 bits)`,
    );
  const publicKey = createPublicKey(privateKey);
  return { kid: thumbprint(publicKey), algorithm, privateKey, publicKey };
}

function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  const required = jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : ['e', 'kty', 'n'];
  const canonical = JSON.stringify(Object.fromEntries(required.map((k) => [k, jwk[k]])));
  return createHash('sha256').update(canonical).digest('base64url');
}

function publicJwk(key: SigningKey): PublicJwkDto {
  const jwk = key.publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return { ...jwk, kid: key.kid, alg: key.algorithm, use: 'sig' } as PublicJwkDto;
}

/** A token's JOSE header, unverified (the signature check follows): which of our keys, what `typ`. `{}` when unreadable. */
export function unverifiedHeader(token: string): ProtectedHeaderParameters {
  try {
    return decodeProtectedHeader(token);
  } catch {
    return {};
  }
}
