import { createServer, type Server } from 'node:http';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsService } from './metrics.service.js';
import { scrape } from './scrape.js';

export const METRICS_PATH = '/metrics';

const NOT_FOUND = {
  status: 404,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ statusCode: 404, code: 'not_found', message: 'Not found' }),
};

/**
 * Serves `GET /metrics`: on the API port, or with `METRICS_PORT` on a plain node:http listener of its own (then the
 * API port does not serve it at all, and a network policy can keep that port internal), or nowhere when disabled.
 *
 * On the API port it is a Fastify route, outside Nest's router like `/docs`: not part of the client API (no
 * OpenAPI entry, no JwtAuthGuard; `METRICS_TOKEN` guards it), and Prometheus' text format, not JSON.
 * Registered at bootstrap, before Fastify is ready.
 */
@Injectable()
export class MetricsEndpoint implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private listener: Server | undefined;

  constructor(
    private readonly metrics: MetricsService,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { enabled, port, token } = this.config.metrics;
    if (!enabled) return;
    if (port === undefined) {
      this.adapterHost.httpAdapter.getInstance<FastifyInstance>().get(METRICS_PATH, async (req, reply) => {
        const answer = await scrape(this.metrics, token, req.headers.authorization);
        return reply.code(answer.status).headers(answer.headers).send(answer.body);
      });
      return;
    }
    this.listener = await this.listen(port, token);
    this.logger.log(`Metrics on http://${this.config.http.host}:${port}${METRICS_PATH}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    if (!listener) return;
    // A scrape is short and idempotent: no drain, Prometheus retries on its next interval.
    listener.closeAllConnections();
    await new Promise((resolve) => listener.close(resolve));
  }

  private async listen(port: number, token: string | undefined): Promise<Server> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      const answer =
        req.method === 'GET' && path === METRICS_PATH ? scrape(this.metrics, token, req.headers.authorization) : Promise.resolve(NOT_FOUND);
      answer.then(
        ({ status, headers, body }) => res.writeHead(status, headers).end(body),
        (error: unknown) => {
          this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
          res.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.config.http.host, () => resolve());
    });
    return server;
  }
}
