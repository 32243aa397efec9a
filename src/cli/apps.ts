/**
 * Registers third-party applications with our authorization server, from a shell on a machine that has the
 * app's configuration (the same environment as the server). The admin API (`/admin/applications`) does the same.
 *   npm run apps -- create --name "Example App" --type confidential --redirect-uri https://app.example.com/cb
 *                  [--grant authorization_code --grant refresh_token] [--scope openid --scope profile:read] [--first-party]
 *   npm run apps -- list | show <client_id> | rotate-secret <client_id> | delete <client_id>
 *   npm run apps -- initial-token
 * A client_secret is printed once, when made; it is stored hashed. `initial-token` makes an initial access token for
 * dynamic client registration: the token for the registering party, its hash for OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS.
 */
import 'reflect-metadata';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditTrail } from '../audit/audit-trail.service.js';
import { AppError } from '../common/errors/app-error.js';
import { loadConfig, type AppConfig } from '../config/app-config.js';
import { ConfigModule } from '../config/config.module.js';
import { DatabaseModule } from '../database/database.module.js';
import { ENTITIES } from '../entities.js';
import { toApplicationDto } from '../oauth-server/admin/application.dto.js';
import { hashClientSecret, newClientSecret } from '../oauth-server/applications/application-secrets.js';
import { Application } from '../oauth-server/applications/application.entity.js';
import { ApplicationsService, type ApplicationInput } from '../oauth-server/applications/applications.service.js';
import { OAuthRecord } from '../oauth-server/oauth-record.entity.js';
import { GrantLiveness } from '../oauth-server/tokens/grant-liveness.js';
import { PRESETS } from '../providers/presets/index.js';
import { RedisModule } from '../redis/redis.module.js';

/** Only what registering applications needs: no HTTP server, providers or metrics. */
@Module({})
class AppsCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppsCliModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(ENTITIES),
        RedisModule,
        TypeOrmModule.forFeature([Application, OAuthRecord]),
      ],
      // AuditTrail because ApplicationsService records admin changes; the CLI has no user, so it records none.
      providers: [ApplicationsService, GrantLiveness, AuditTrail],
    };
  }
}

const USAGE =
  'Usage: npm run apps -- create --name <name> --type confidential|public [--redirect-uri <uri>]… [--grant <type>]… [--scope <scope>]… [--first-party]\n' +
  '       npm run apps -- list | show <client_id> | rotate-secret <client_id> | delete <client_id>\n' +
  '       npm run apps -- initial-token';

/** `--name x --grant a --grant b --first-party` → { name: ['x'], grant: ['a', 'b'], 'first-party': [] }. */
export function parseFlags(args: string[]): Map<string, string[]> {
  const flags = new Map<string, string[]>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!arg.startsWith('--')) throw new Error(`Unexpected "${arg}"\n${USAGE}`);
    const name = arg.slice(2);
    const value = args[i + 1] !== undefined && !args[i + 1].startsWith('--') ? args[++i] : undefined;
    flags.set(name, [...(flags.get(name) ?? []), ...(value === undefined ? [] : [value])]);
  }
  return flags;
}

export function createInput(flags: Map<string, string[]>): ApplicationInput {
  const known = new Set(['name', 'type', 'redirect-uri', 'grant', 'scope', 'first-party']);
  for (const name of flags.keys()) if (!known.has(name)) throw new Error(`Unknown option --${name}\n${USAGE}`);
  return {
    name: flags.get('name')?.[0] ?? '',
    type: (flags.get('type')?.[0] ?? 'confidential') as ApplicationInput['type'],
    redirectUris: flags.get('redirect-uri'),
    grantTypes: flags.get('grant'),
    scopes: flags.get('scope'),
    firstParty: flags.has('first-party'),
  };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (!command || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command === 'initial-token') {
    // Nothing is stored: the configuration holds the hash, the registering party the token (ADR 0024).
    const token = newClientSecret();
    process.stdout.write(
      `${JSON.stringify({ initial_access_token: token, OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS: hashClientSecret(token) }, null, 2)}\n`,
    );
    process.stderr.write(
      'Give initial_access_token to the party that will register (shown this once); add its hash to OAUTH_REGISTRATION_INITIAL_ACCESS_TOKENS.\n',
    );
    return;
  }
  const config = loadConfig(process.env, PRESETS);
  if (!config.oauthServer.enabled) throw new Error('OAUTH_SERVER_ENABLED=false: the authorization server is off');
  const app = await NestFactory.createApplicationContext(AppsCliModule.forRoot(config), { logger: ['error'] });
  try {
    const applications = app.get(ApplicationsService, { strict: false });
    const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
    if (command === 'create') {
      const { application, clientSecret } = await applications.create(createInput(parseFlags(rest)));
      print(toApplicationDto(application, clientSecret));
      if (clientSecret) process.stderr.write('The client_secret above is shown this once: store it now.\n');
    } else if (command === 'list') {
      print((await applications.list()).map((a) => toApplicationDto(a)));
    } else if (command === 'show' && rest[0]) {
      print(toApplicationDto(await applications.get(rest[0])));
    } else if (command === 'rotate-secret' && rest[0]) {
      const { application, clientSecret } = await applications.rotateSecret(rest[0]);
      print(toApplicationDto(application, clientSecret));
    } else if (command === 'delete' && rest[0]) {
      await applications.remove(rest[0]);
      process.stdout.write(`Deleted ${rest[0]} and everything issued to it.\n`);
    } else {
      throw new Error(USAGE);
    }
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof AppError || error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
