import type { Server } from 'node:http';
import { Logger } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import { writeLogsSynchronously } from '../logging/pino.js';

/**
 * Drains HTTP first on shutdown (SIGTERM or SIGINT through `exitOnSignals()`, or `app.close()`).
 *
 * Nest closes the HTTP server only after every `onModuleDestroy` and `beforeApplicationShutdown` hook, and
 * some of those take away what an in-flight request still needs (ProviderHttpClient closes its connection pool
 * in `onModuleDestroy`; a Google login makes two provider calls). `beforeClose` is the first step of Nest's
 * shutdown, so the drain happens here: Fastify stops accepting connections, closes idle keep-alive ones, answers
 * 503 to new requests on busy ones, and waits for in-flight requests. After `timeoutMs` the remaining
 * connections are cut, so a stuck request cannot hold the deployment's rollout. Database and Redis close in
 * `onApplicationShutdown`, which Nest runs after this.
 *
 * It is also where log lines stop being buffered (`writeLogsSynchronously`, src/common/logging/pino.ts): after
 * the last shutdown step the process exits (`exitOnSignals`), so every line from here on, the shutdown's own
 * included, is written before the call that logs it returns.
 */
export class GracefulFastifyAdapter extends FastifyAdapter {
  private readonly log = new Logger('Shutdown');
  private drained: Promise<void> | undefined;

  constructor(
    options: FastifyServerOptions<Server>,
    private readonly timeoutMs: number,
  ) {
    super(options);
  }

  // Nest types beforeClose() as void but awaits it (NestApplication.close: `await this.httpAdapter.beforeClose?.()`),
  // which is what lets the drain finish before the shutdown hooks run.
  // eslint-disable-next-line @typescript-eslint/no-misused-promises
  override async beforeClose(): Promise<void> {
    writeLogsSynchronously();
    super.beforeClose();
    await this.drain();
  }

  override async close(): Promise<void> {
    writeLogsSynchronously();
    await this.drain();
    await super.close();
  }

  private drain(): Promise<void> {
    this.drained ??= (async () => {
      const server = this.getHttpServer<Server>();
      const started = performance.now();
      this.log.log(`Draining HTTP: no new connections, waiting up to ${this.timeoutMs} ms for requests in flight`);
      const force = setTimeout(() => {
        this.log.warn(`Requests still running after ${this.timeoutMs} ms: closing their connections`);
        server.closeAllConnections();
      }, this.timeoutMs);
      force.unref();
      try {
        await this.getInstance().close();
      } finally {
        clearTimeout(force);
      }
      this.log.log(`HTTP closed in ${Math.round(performance.now() - started)} ms`);
    })();
    return this.drained;
  }
}
