/**
 * Signing-key rotation in three deploys, so no instance ever meets a `kid` it cannot verify:
 *   stage   → a new key is appended: every instance verifies it, none signs with it yet
 *   promote → the new key moves first: instances sign with it, the old one still verifies
 *   retire  → once JWT_ACCESS_TTL_SECONDS has passed since promote, the old key is dropped
 * Each prints the next JWT_PRIVATE_KEYS value (reading the current one from the environment). Usage:
 *   node dist/cli/keys.js generate [ES256|RS256] | list | stage | promote | retire   (npm run keys -- … in a checkout)
 */
import { describeKeys, formatKeys, nextKeys } from '../auth/tokens/key-rotation.js';
import { generateSigningKeyPem } from '../auth/tokens/signing-keys.service.js';
import { loadSigningKeys, type SigningAlgorithm } from '../config/app-config.js';

function currentKeys(): { pems: string[]; algorithm: SigningAlgorithm } {
  // Only these two settings: the rest of a production configuration is not needed to rotate keys.
  const { pems, algorithm } = loadSigningKeys();
  if (pems.length === 0) throw new Error('JWT_PRIVATE_KEYS is empty: nothing to rotate (use "generate" for a first key)');
  return { pems, algorithm };
}

function main(argv: string[]): void {
  const [command = 'list', arg] = argv;
  if (command === 'generate') {
    const algorithm = (arg ?? 'ES256') as SigningAlgorithm;
    const pem = generateSigningKeyPem(algorithm);
    process.stdout.write(`${describeKeys([pem], algorithm).join('\n')}\n${formatKeys([pem])}\n`);
    return;
  }
  const { pems, algorithm } = currentKeys();
  if (command === 'list') {
    process.stdout.write(`${describeKeys(pems, algorithm).join('\n')}\n`);
    return;
  }
  if (command !== 'stage' && command !== 'promote' && command !== 'retire') throw new Error(`Unknown command "${command}"`);
  const next = nextKeys(command, pems, algorithm);
  process.stdout.write(`${describeKeys(next, algorithm).join('\n')}\n${formatKeys(next)}\n`);
}

try {
  main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
