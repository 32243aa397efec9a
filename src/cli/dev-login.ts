/**
 * `npm run dev:login -- alice`: our tokens for user "alice" of the dev IdP, from a running development server, with
 * no browser and no credentials. Prints `POST /auth/login-code`'s JSON (access_token, refresh_token, user) on
 * stdout, so `ACCESS=$(npm run --silent dev:login -- alice | node -pe 'JSON.parse(require("fs").readFileSync(0)).access_token')`
 * works; problems go to stderr with exit code 1.
 *
 * Options: `--provider <id>` (default `dev`; any declared provider whose issuer is the dev IdP),
 * `--url <origin>` (default PUBLIC_URL, else http://localhost:3000), `--return-to <url>` (default `<url>/demo`).
 */
import { parseArgs } from 'node:util';
import { DevSignInError, signInThroughDevIdp } from './dev-idp-sign-in.js';

const USAGE = 'usage: npm run dev:login -- <username> [--provider dev] [--url http://localhost:3000] [--return-to <url>]';

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      provider: { type: 'string', default: 'dev' },
      url: { type: 'string' },
      'return-to': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    process.stderr.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  const baseUrl = (values.url ?? process.env.PUBLIC_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
  try {
    const tokens = await signInThroughDevIdp({
      baseUrl,
      provider: values.provider,
      username: positionals[0],
      returnTo: values['return-to'] ?? `${baseUrl}/demo`,
    });
    process.stdout.write(`${JSON.stringify(tokens, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof DevSignInError)) throw error;
    process.stderr.write(`dev:login: ${error.message}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`dev:login: ${(error as Error).message}\n${USAGE}\n`);
  return 1;
});
