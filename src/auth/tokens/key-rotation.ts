import type { SigningAlgorithm } from '../../config/app-config.js';
import { generateSigningKeyPem, toSigningKey } from './signing-keys.service.js';

/** The steps of a signing-key rotation over JWT_PRIVATE_KEYS (first key signs, all verify); see src/cli/keys.ts. */
/** One line, `\n`-escaped, as env files and secret stores want it. */
export function formatKeys(pems: string[]): string {
  return `JWT_PRIVATE_KEYS="${pems
    .map((p) => p.trim())
    .join('\n')
    .replace(/\n/g, '\\n')}"`;
}

export function describeKeys(pems: string[], algorithm: SigningAlgorithm): string[] {
  return pems.map((pem, i) => `${toSigningKey(pem, algorithm, i).kid}  ${algorithm}  ${i === 0 ? 'signs and verifies' : 'verifies only'}`);
}

export function nextKeys(command: 'stage' | 'promote' | 'retire', pems: string[], algorithm: SigningAlgorithm): string[] {
  if (command === 'stage') return [...pems, generateSigningKeyPem(algorithm)];
  if (pems.length < 2) throw new Error(`"${command}" needs a staged key: run "stage" (and deploy it) first`);
  if (command === 'promote') return [pems[pems.length - 1], ...pems.slice(0, -1)];
  return [pems[0]];
}
