import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Agent, request, type Dispatcher } from 'undici';
import { AppError } from '../../common/errors/app-error.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { MetricsService } from '../../metrics/metrics.service.js';

export interface ProviderRequest {
  method?: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON (objects) or as-is (strings, with the caller's content-type). */
  body?: unknown;
}

export interface ProviderResponse {
  status: number;
  json: unknown;
  /** The answer's `Cache-Control`, when it sent one (key sets: how long their keys may be cached). */
  cacheControl?: string;
}

/**
 * The one door to identity providers' HTTP APIs. Keep-alive connections (measured 4-5x faster than global
 * fetch here), a hard timeout on every call, and one mapping of failures: no answer in time is
 * `provider_timeout` (504); refused connections, 5xx, 429, bodies that are not JSON and bodies longer than
 * `PROVIDER_MAX_RESPONSE_BYTES` (read as a stream and abandoned at the limit, so a hostile or broken provider
 * cannot make us buffer and parse megabytes) are `provider_unavailable` (502). 4xx JSON answers are returned, because only the caller knows what they mean.
 * Log lines carry the host and path only: query strings hold tokens (Facebook's debug_token).
 */
@Injectable()
export class ProviderHttpClient implements OnModuleDestroy {
  private readonly logger = new Logger(ProviderHttpClient.name);
  private readonly agent = new Agent({ keepAliveTimeout: 10_000, connections: 64 });
  private readonly timeoutMs: number;
  private readonly maxBytes: number;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    this.timeoutMs = config.providers.timeoutMs;
    this.maxBytes = config.providers.maxResponseBytes;
  }

  async onModuleDestroy(): Promise<void> {
    await this.agent.close();
  }

  async send(provider: string, req: ProviderRequest): Promise<ProviderResponse> {
    const url = new URL(req.url);
    const what = `${provider} ${req.method ?? 'GET'} ${url.host}${url.pathname}`;
    const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['content-type'] ??= 'application/json';
    }
    const started = performance.now();
    let res: Dispatcher.ResponseData;
    let text: string;
    try {
      res = await request(url, {
        method: req.method ?? 'GET',
        headers,
        body,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      text = await this.readCapped(provider, what, res.body, res.headers['content-length']);
    } catch (error) {
      const timedOut = isTimeout(error);
      this.metrics.providerRequest(provider, timedOut ? 'timeout' : 'unavailable', (performance.now() - started) / 1000);
      if (error instanceof AppError) throw error; // too large (readCapped)
      if (timedOut) {
        throw new AppError('provider_timeout', `${provider} did not answer within ${this.timeoutMs} ms`, { cause: error });
      }
      throw new AppError('provider_unavailable', `${provider} could not be reached`, { cause: error });
    }
    const status = res.statusCode;
    const contentType = String(res.headers['content-type'] ?? '');
    const cacheControl = res.headers['cache-control'];
    const ms = performance.now() - started;
    // By status class, whatever it means to the caller: a provider answering 4xx or 5xx more often shows here.
    this.metrics.providerRequest(provider, `${Math.floor(status / 100)}xx`, ms / 1000);
    this.logger.debug(`${what} -> ${status} in ${ms.toFixed(0)} ms`);
    if (status >= 500 || status === 429) {
      throw new AppError('provider_unavailable', `${provider} answered ${status}`);
    }
    if (!/[/+]json\b/i.test(contentType)) {
      // The content type is the provider's text: for the log, not for the client.
      this.logger.warn(`${what} answered ${status} with content type ${JSON.stringify(contentType.slice(0, 100) || 'none')}, not JSON`);
      throw new AppError('provider_unavailable', `${provider} answered ${status}, not with JSON`);
    }
    try {
      return { status, json: JSON.parse(text), ...(cacheControl === undefined ? {} : { cacheControl: [cacheControl].flat().join(', ') }) };
    } catch (error) {
      throw new AppError('provider_unavailable', `${provider} answered malformed JSON`, { cause: error });
    }
  }

  /**
   * The body as text, at most `maxBytes` of it: a Content-Length above the limit is refused before reading, and a
   * body without one (chunked) is abandoned the moment it passes the limit. Destroying the stream closes the
   * connection rather than returning it to the pool half-read.
   */
  private async readCapped(
    provider: string,
    what: string,
    body: Dispatcher.ResponseData['body'],
    contentLength: string | string[] | undefined,
  ): Promise<string> {
    const tooLarge = (how: string) => {
      body.destroy();
      this.logger.warn(`${what} ${how} an answer longer than PROVIDER_MAX_RESPONSE_BYTES (${this.maxBytes}); refused unread`);
      return new AppError('provider_unavailable', `${provider} answered more than we accept`);
    };
    const announced = Number([contentLength].flat()[0]);
    if (Number.isFinite(announced) && announced > this.maxBytes) throw tooLarge('announced');
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      length += chunk.length;
      if (length > this.maxBytes) throw tooLarge('sent');
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, length).toString('utf8');
  }
}

const TIMEOUT_NAMES = ['TimeoutError', 'HeadersTimeoutError', 'BodyTimeoutError', 'ConnectTimeoutError'];

/** Walks the cause chain by shape, not `instanceof`: `AbortSignal.timeout` rejects with a DOMException from another realm. */
function isTimeout(error: unknown): boolean {
  for (let e = error as { name?: unknown; code?: unknown; cause?: unknown } | null; e && typeof e === 'object'; e = e.cause as typeof e) {
    if (TIMEOUT_NAMES.includes(String(e.name)) || /^UND_ERR_.*TIMEOUT/.test(String(e.code))) return true;
  }
  return false;
}
