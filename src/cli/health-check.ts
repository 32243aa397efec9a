/**
 * The container's HEALTHCHECK (Dockerfile): exits 0 when `GET /health/live` of the server on this machine answers
 * 200 within 3 s, 1 otherwise. In Node because slim images have no curl; it reads the server's own PORT and HOST.
 */
import { EnvReader } from '../config/env-reader.js';
import { int, string } from '../config/settings/setting.js';

async function main(): Promise<number> {
  const r = new EnvReader(process.env);
  const port = r.read('PORT', int(3000, { min: 1, max: 65535 }));
  const host = r.read('HOST', string('127.0.0.1'));
  // A server listening on every interface answers on loopback.
  const address = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '[::1]' : host.includes(':') ? `[${host}]` : host;
  try {
    const response = await fetch(`http://${address}:${port}/health/live`, { signal: AbortSignal.timeout(3000) });
    if (response.ok) return 0;
    process.stderr.write(`/health/live answered ${response.status}\n`);
  } catch (error) {
    process.stderr.write(`/health/live did not answer: ${(error as Error).message}\n`);
  }
  return 1;
}

process.exitCode = await main();
