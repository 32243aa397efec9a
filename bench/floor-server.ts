/**
 * The floor under row 2 (rows 1a and 1b): NestJS 12 on Fastify with nothing but what issue 14 requires of the guarded
 * route, each part done the cheapest way we know, and no app around it. Started as a child process by servers.ts
 * (`PORT`, `HOST`, `FLOOR_DIR` from the env), on the Node of the row.
 *
 * Per request, as in the app: Fastify's request id echoed in `X-Request-Id` and held in the request context
 * (AsyncLocalStorage) for the rest of the request; the app's security headers, computed once by the app's own helmet
 * code and set on the raw response; CORS by `enableCors` with the app's options; one access line per request by the
 * app's access-line writer, into a buffered file; a global guard, synchronous, that reads the bearer token with the
 * app's `bearerCredentials` and admits one it has seen before (on the measured path the app's guard does the same:
 * `AccessTokenService.remembered`, a Map lookup); and on `GET /users/me` one read of the user by primary key with
 * better-sqlite3 (WAL, as the app opens it), answered by the app's `toUserDto`. Left out: everything else the app is
 * (its modules, metrics, the 405 hook, the rate limiter's guard, the validation pipe, the error filter, TypeORM).
 *
 * The token is not verified: the floor has no keys, and a first verification is not on the measured path. So the
 * floor measures the framework and the required work, not our implementation of them (bench/README.md, "The floor").
 */
import 'reflect-metadata';
import { mkdirSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { Controller, Get, Injectable, Module, Req, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import { bearerCredentials } from '../src/auth/guards/jwt-auth.guard.js';
import { corsOptions } from '../src/common/http/cors.js';
import { accessLineWriter } from '../src/common/logging/access-line.js';
import { REQUEST_ID_HEADER, requestIdFrom, runWithRequestId } from '../src/common/logging/request-context.js';
import { computeSecurityHeaders, helmetOptions } from '../src/common/security/helmet.js';
import type { AppConfig } from '../src/config/app-config.js';
import { toUserDto, type UserDto } from '../src/users/dto/user.dto.js';
import type { User } from '../src/users/entities/user.entity.js';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const dir = process.env.FLOOR_DIR ?? '.';
mkdirSync(dir, { recursive: true });

/** The one user, in a table of the users table's columns. */
const USER_ID = '0b6f1c1e-5f43-4c6b-9d3a-3b0e5f3f6a10';
const db = new Database(join(dir, 'floor.sqlite'));
db.pragma('journal_mode = WAL');
db.exec(`CREATE TABLE IF NOT EXISTS users (
  id varchar PRIMARY KEY NOT NULL, username varchar(150) NOT NULL UNIQUE, email varchar(254), emailVerified boolean NOT NULL,
  name varchar(300), firstName varchar(150), lastName varchar(150), picture varchar(2048), isActive boolean NOT NULL,
  createdAt datetime NOT NULL, updatedAt datetime NOT NULL, unverifiedEmail varchar(254))`);
db.prepare(`INSERT OR IGNORE INTO users VALUES (?, 'floor', NULL, 0, 'Floor User', NULL, NULL, NULL, 1, ?, ?, 'floor@example.com')`).run(
  USER_ID,
  '2026-12-06 00:00:00.000',
  '2026-12-06 00:00:00.000',
);
const byId = db.prepare('SELECT * FROM users WHERE id = ?');

interface UserRow {
  id: string;
  username: string;
  email: string | null;
  emailVerified: number;
  name: string | null;
  firstName: string | null;
  lastName: string | null;
  picture: string | null;
  isActive: number;
  createdAt: string;
  unverifiedEmail: string | null;
}

const NOTES = { notes: [{ id: 1, text: 'A constant note: the bench measures the route, not the data' }] };
const remembered = new Map<string, { userId: string }>();

type FloorRequest = { headers: Record<string, string | string[] | undefined>; url: string; auth?: { userId: string } };

@Injectable()
class RememberedTokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<FloorRequest>();
    if (req.url.startsWith('/public')) return true;
    const token = bearerCredentials(req.headers.authorization);
    if (typeof token !== 'string') return false;
    let auth = remembered.get(token);
    if (auth === undefined) remembered.set(token, (auth = { userId: USER_ID }));
    req.auth = auth;
    return true;
  }
}

@Controller()
class FloorController {
  @Get('public/notes')
  notes(): typeof NOTES {
    return NOTES;
  }

  @Get('users/me')
  me(@Req() req: FloorRequest): UserDto {
    const row = byId.get(req.auth!.userId) as UserRow | undefined;
    if (!row?.isActive) throw new Error('the floor user is missing');
    // The row's SQLite types to the entity's (0/1 to booleans, the UTC date text to a Date), then the app's DTO.
    const user = {
      ...row,
      emailVerified: row.emailVerified === 1,
      isActive: true,
      createdAt: new Date(`${row.createdAt.replace(' ', 'T')}Z`),
    };
    return toUserDto(user as unknown as User);
  }
}

@Module({ controllers: [FloorController] })
class FloorModule {}

const app = await NestFactory.create<NestFastifyApplication>(
  FloorModule,
  new FastifyAdapter({ genReqId: (req: { headers: IncomingHttpHeaders }) => requestIdFrom(req.headers[REQUEST_ID_HEADER]) }),
  { logger: false },
);
const fastify = app.getHttpAdapter().getInstance();
const { set: securityHeaders, remove: removedHeaders } = computeSecurityHeaders(helmetOptions({ nodeEnv: 'development' } as AppConfig));
const writeAccessLine = accessLineWriter(pino(pino.destination({ dest: join(dir, 'access.log'), minLength: 4096, sync: false })));

fastify.addHook('onRequest', (req, reply, done) => {
  void reply.header(REQUEST_ID_HEADER, req.id);
  const res = reply.raw;
  for (const [name, value] of securityHeaders) res.setHeader(name, value);
  for (const name of removedHeaders) res.removeHeader(name);
  // The app's users routes answer `Cache-Control: no-store` (@NoStore).
  if (req.url === '/users/me') void reply.header('cache-control', 'no-store');
  runWithRequestId(req.id, done);
});
fastify.addHook('onResponse', (req, reply, done) => {
  writeAccessLine({
    reqId: req.id,
    method: req.method,
    url: req.url,
    route: req.routeOptions.url,
    statusCode: reply.statusCode,
    durationMs: Math.round(reply.elapsedTime * 10) / 10,
  });
  done();
});
// The app's options, with no origin, as the bench's app servers have (CORS_ORIGINS unset).
app.enableCors(corsOptions([]));
app.useGlobalGuards(new RememberedTokenGuard());
await app.listen(port, host);
process.stdout.write(`floor listening on http://${host}:${port}\n`);

const shutdown = (): void => {
  void app.close().then(() => process.exit(0));
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
