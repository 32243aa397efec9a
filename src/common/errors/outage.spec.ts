import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import pg from 'pg';
import { QueryFailedError } from 'typeorm';
import { AppError } from './app-error.js';
import { HttpErrorFilter } from './http-error.filter.js';
import { isStoreOutage } from './outage.js';

/** A port nothing listens on: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const pgError = (code: string) => Object.assign(new pg.DatabaseError('server said no', 0, 'error'), { code });
const wrapped = (driverError: Error) => new QueryFailedError('SELECT 1', [], driverError);

describe(isStoreOutage.name, () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'outage-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  describe('real driver errors', () => {
    it('should recognise pg refusing to connect (ECONNREFUSED, possibly an AggregateError)', async () => {
      const pool = new pg.Pool({ host: '127.0.0.1', port: await closedPort(), user: 'x', database: 'x', connectionTimeoutMillis: 2000 });
      const error = await pool.query('SELECT 1').catch((e: unknown) => e);
      await pool.end();
      expect(isStoreOutage(error)).toBe(true);
    });

    it('should recognise pg losing its connection mid-session', async () => {
      // A server that accepts and hangs up at once: the client sees the connection end.
      const server = createServer((socket) => socket.destroy());
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const client = new pg.Client({ host: '127.0.0.1', port: (server.address() as { port: number }).port, user: 'x', database: 'x' });
      const error = await client.connect().catch((e: unknown) => e);
      await new Promise((resolve) => server.close(resolve));
      expect(String((error as Error).message)).toMatch(/Connection terminated/);
      expect(isStoreOutage(error)).toBe(true);
    });

    it('should recognise SQLITE_BUSY from another connection holding the write lock, as TypeORM wraps it', () => {
      const file = join(dir, 'busy.sqlite');
      const holder = new Database(file);
      const other = new Database(file, { timeout: 0 });
      holder.exec('CREATE TABLE t (x INTEGER)');
      holder.exec('BEGIN EXCLUSIVE');
      let error: unknown;
      try {
        other.exec('INSERT INTO t VALUES (1)');
      } catch (e) {
        error = e;
      }
      holder.exec('ROLLBACK');
      holder.close();
      other.close();
      expect((error as { code?: string }).code).toMatch(/^SQLITE_BUSY/);
      expect(isStoreOutage(wrapped(error as Error))).toBe(true);
    });

    it('should recognise SQLITE_CANTOPEN (a path SQLite cannot open: here a directory)', () => {
      let error: unknown;
      try {
        new Database(dir);
      } catch (e) {
        error = e;
      }
      expect((error as { code?: string }).code).toBe('SQLITE_CANTOPEN');
      expect(isStoreOutage(error)).toBe(true);
    });

    it('should recognise a command sent to a Redis that is down (no offline queue, as src/redis/redis.module.ts sets)', async () => {
      const redis = new Redis({
        port: await closedPort(),
        lazyConnect: true,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        retryStrategy: () => null,
      });
      redis.on('error', () => undefined);
      await redis.connect().catch(() => undefined);
      const error = await redis.get('k').catch((e: unknown) => e);
      redis.disconnect();
      expect(error).toBeInstanceOf(Error);
      expect(isStoreOutage(error)).toBe(true);
    });
  });

  describe('PostgreSQL SQLSTATEs', () => {
    it.each(['57P01', '57P02', '57P03', '08006', '08001', '08P01', '53300', '53100', '57014'])(
      'should treat %s as an outage, wrapped by TypeORM or not',
      (code) => {
        expect(isStoreOutage(pgError(code))).toBe(true);
        expect(isStoreOutage(wrapped(pgError(code)))).toBe(true);
      },
    );

    it.each(['23505', '23503', '22P02', '42601', '40001', '40P01'])(
      'should not treat %s as an outage (constraint, data, our SQL, retryable conflict)',
      (code) => {
        expect(isStoreOutage(wrapped(pgError(code)))).toBe(false);
      },
    );
  });

  it('should look through causes and aggregates, but not treat bugs or domain errors as outages', () => {
    expect(isStoreOutage(new AppError('internal_error', 'x', { cause: new Error('Connection terminated unexpectedly') }))).toBe(true);
    expect(isStoreOutage(new AggregateError([new Error('x'), Object.assign(new Error('y'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isStoreOutage(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isStoreOutage(new AppError('invalid_token', 'nope'))).toBe(false);
    expect(isStoreOutage('ECONNREFUSED')).toBe(false);
    expect(isStoreOutage(null)).toBe(false);
  });

  it('should stop on a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(isStoreOutage(a)).toBe(false);
  });
});

describe('HttpErrorFilter and outages', () => {
  it('should answer an outage with 503 service_unavailable, without the driver message', () => {
    const body = new HttpErrorFilter().toBody(wrapped(pgError('57P01')));
    expect(body).toEqual({ statusCode: 503, code: 'service_unavailable', message: 'Service temporarily unavailable; try again shortly' });
  });
});
