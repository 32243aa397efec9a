/**
 * Base for the fake identity providers: a real node:http server on 127.0.0.1 (port 0), so the backend's
 * HTTP client (undici, keep-alive, timeouts) is exercised exactly as in production. Subclasses register
 * routes; this class records every request and injects faults (slow, error status, broken bodies,
 * dropped connections) on all routes, or only on a path prefix.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProviderFault = (
  | { kind: 'slow'; delayMs: number }
  | { kind: 'status'; status: number; body?: string }
  | { kind: 'malformed-json' }
  | { kind: 'wrong-content-type' }
  | { kind: 'drop-connection' }
  /** 10 MB of valid JSON, announced by Content-Length, or streamed in chunks without one (`chunked`). */
  | { kind: 'huge'; chunked?: boolean }
) & { /** Only requests whose path starts with this prefix are affected. */ path?: string };

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A recorded request plus the capture groups of the route's RegExp (empty for string routes). */
export interface RouteRequest extends RecordedRequest {
  params: string[];
}

export interface Responder {
  json(status: number, body: unknown, headers?: Record<string, string>): void;
  text(status: number, body: string, contentType: string, headers?: Record<string, string>): void;
}

export type RouteHandler = (req: RouteRequest, res: Responder) => void | Promise<void>;

interface Route {
  method: string;
  path: string | RegExp;
  handler: RouteHandler;
}

export abstract class FakeProviderServer {
  readonly requests: RecordedRequest[] = [];
  private readonly routes: Route[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private server: Server | undefined;
  private base = '';
  private fault: ProviderFault | null = null;
  /** Members merged into JSON answers of a path: a provider that sends a wrong type or size in one member. */
  private readonly patches = new Map<string, Record<string, unknown>>();

  /** `http://127.0.0.1:PORT`; throws before `start()` so a misconfigured test fails loudly. */
  get baseUrl(): string {
    if (!this.base) throw new Error(`${this.constructor.name} is not started`);
    return this.base;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.base;
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // Keep-alive sockets (undici, fetch) would otherwise hold close() open until they time out.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  setFault(fault: ProviderFault | null): void {
    this.fault = fault;
  }

  /** From now on, JSON object answers at `path` carry `members` too (replacing the real ones), until `reset()`. */
  patchAnswers(path: string, members: Record<string, unknown>): void {
    this.patches.set(path, members);
  }

  /** Forgets requests, faults and patches; subclasses extend it to forget issued tokens. */
  reset(): void {
    this.requests.length = 0;
    this.fault = null;
    this.patches.clear();
  }

  protected route(method: string, path: string | RegExp, handler: RouteHandler): void {
    this.routes.push({ method: method.toUpperCase(), path, handler });
  }

  /** The token of an `Authorization: <scheme> <token>` header, for any of the given schemes. */
  protected authToken(req: RecordedRequest, schemes: string[] = ['bearer']): string | undefined {
    const match = /^(\S+)\s+(\S+)$/.exec(req.headers.authorization ?? '');
    return match && schemes.includes(match[1].toLowerCase()) ? match[2] : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://fake.invalid');
    const info: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      body: Buffer.concat(chunks).toString('utf8'),
    };
    this.requests.push(info);
    const responder: Responder = {
      text: (status, body, contentType, headers = {}) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(status, { 'content-type': contentType, ...headers }).end(body);
      },
      json: (status, body, headers) => {
        const patch = this.patches.get(info.path);
        const patched = patch && body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, ...patch } : body;
        responder.text(status, JSON.stringify(patched), 'application/json; charset=utf-8', headers);
      },
    };

    const fault = this.fault && info.path.startsWith(this.fault.path ?? '') ? this.fault : null;
    switch (fault?.kind) {
      case 'slow':
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => (this.timers.delete(timer), resolve()), fault.delayMs);
          this.timers.add(timer);
        });
        break; // then answer normally
      case 'status': {
        const body = fault.body ?? JSON.stringify({ error: { code: fault.status, message: 'Injected fault' } });
        return responder.text(fault.status, body, isJson(body) ? 'application/json; charset=utf-8' : 'text/plain');
      }
      case 'malformed-json':
        return responder.text(200, '{"sub": "12', 'application/json; charset=utf-8');
      case 'wrong-content-type':
        return responder.text(200, '<!DOCTYPE html><html><body><h1>Sign in</h1></body></html>', 'text/html; charset=utf-8');
      case 'drop-connection':
        return void req.socket.destroy();
      case 'huge':
        return sendHuge(res, fault.chunked ?? false);
    }

    const route = this.routes.find((r) => r.method === info.method && matches(r.path, info.path));
    if (!route) return responder.json(404, { error: 'not_found', path: info.path });
    const params = route.path instanceof RegExp ? (route.path.exec(info.path) ?? []).slice(1) : [];
    try {
      await route.handler({ ...info, params }, responder);
    } catch (err) {
      responder.json(500, { error: 'fake_handler_failed', message: String(err) });
    }
  }
}

const HUGE_BYTES = 10 * 1024 * 1024;

/** A valid JSON object of 10 MB, so only a size limit can refuse it. Stops writing once the client hangs up. */
function sendHuge(res: ServerResponse, chunked: boolean): void {
  const chunk = 'x'.repeat(64 * 1024);
  const [head, tail] = ['{"padding":"', '"}'];
  res.on('error', () => undefined);
  res.writeHead(200, {
    'content-type': 'application/json',
    ...(chunked ? {} : { 'content-length': String(head.length + HUGE_BYTES + tail.length) }),
  });
  res.write(head);
  let sent = 0;
  const more = (): void => {
    while (sent < HUGE_BYTES && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) return void res.once('drain', more);
    }
    if (!res.destroyed) res.end(tail);
  };
  more();
}

function matches(path: string | RegExp, actual: string): boolean {
  return typeof path === 'string' ? path === actual : path.test(actual);
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
