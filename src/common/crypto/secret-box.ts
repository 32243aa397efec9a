import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

/** Bound ciphertexts (additional data names their place); `v1` ones, bound to the key id only, are still read. */
const VERSION = 'v2';
const LEGACY_VERSION = 'v1';
/** Pinned: without it Node accepts GCM tags cut down to 4 bytes, a 32-bit forgery bar. */
const TAG_BYTES = 16;

/**
 * Where a ciphertext lives, authenticated with it (GCM additional data): `purpose` is the table and column
 * (`social_accounts.accessTokenEncrypted`) or the ticket kind (`ticket:login-code`), `id` the row id or the
 * ticket's hash. A ciphertext copied to another row, column or kind then fails to open instead of handing its
 * plaintext to the wrong owner. See docs/decisions/0016-sealed-for-their-place.md.
 */
export interface SealedPlace {
  purpose: string;
  id: string;
}

export interface Opened {
  plaintext: string;
  /** Sealed under a retired key or without a place (`v1`): the caller should seal it again and store that. */
  stale: boolean;
}

/**
 * Encrypts secrets at rest (provider tokens, sealed tickets) with AES-256-GCM. A ciphertext names its key id
 * (`v2.<keyId>.<iv>.<tag>.<data>`), so keys rotate: the first configured key encrypts, every key decrypts.
 */
@Injectable()
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = new Map(config.encryption.keys.map((k) => [k.id, k.key]));
    this.current = config.encryption.keys[0]!;
  }

  seal(plaintext: string, place: SealedPlace): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(VERSION, this.current.id, place));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join(
      '.',
    );
  }

  /** For nullable columns. */
  sealOptional(plaintext: string | undefined | null, place: SealedPlace): string | null {
    return plaintext ? this.seal(plaintext, place) : null;
  }

  /** Throws on a ciphertext that is malformed, under an unknown key, tampered with, or sealed for another place. */
  open(ciphertext: string, place: SealedPlace): Opened {
    const [version, keyId, iv, tag, data] = ciphertext.split('.');
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    if ((version !== VERSION && version !== LEGACY_VERSION) || !key || !iv || !tag || data === undefined) {
      throw new Error(`Cannot decrypt: unknown format or key id "${keyId ?? ''}"`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(additionalData(version, keyId, place));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plaintext = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    return { plaintext, stale: version !== VERSION || keyId !== this.current.id };
  }
}

/**
 * JSON of the parts, so no two different places give the same bytes (`a.b` + `c` vs `a` + `b.c`). The version is
 * in it too: relabelling a ciphertext `v1` (to skip the place) changes what the tag was computed over.
 */
function additionalData(version: string, keyId: string, place: SealedPlace): Buffer {
  return Buffer.from(version === LEGACY_VERSION ? keyId : JSON.stringify([version, keyId, place.purpose, place.id]));
}
