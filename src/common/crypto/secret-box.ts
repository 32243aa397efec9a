import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

const VERSION = 'v1';
/** Pinned: without it Node accepts GCM tags cut down to 4 bytes, a 32-bit forgery bar. */
const TAG_BYTES = 16;

/**
 * Encrypts provider tokens at rest with AES-256-GCM. A ciphertext names its key id
 * (`v1.<keyId>.<iv>.<tag>.<data>`), so keys rotate: the first configured key encrypts, every key decrypts.
 */
@Injectable()
export class SecretBox {
  private readonly keys: Map<string, Buffer>;
  private readonly current: { id: string; key: Buffer };

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.keys = new Map(config.encryption.keys.map((k) => [k.id, k.key]));
    this.current = config.encryption.keys[0]!;
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(this.current.id));
    const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, this.current.id, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), data.toString('base64url')].join('.');
  }

  decrypt(ciphertext: string): string {
    const [version, keyId, iv, tag, data] = ciphertext.split('.');
    const key = keyId === undefined ? undefined : this.keys.get(keyId);
    if (version !== VERSION || !key || !iv || !tag || data === undefined) {
      throw new Error(`Cannot decrypt: unknown format or key id "${keyId ?? ''}"`);
    }
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(keyId!));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }

  /** For nullable columns. */
  encryptOptional(plaintext: string | undefined | null): string | null {
    return plaintext ? this.encrypt(plaintext) : null;
  }
}
