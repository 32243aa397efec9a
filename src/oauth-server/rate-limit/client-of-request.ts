import { IncomingMessage } from 'node:http';

/** oidc-provider refuses bodies over 56 KiB itself; this reads no more than that. */
const BODY_LIMIT_BYTES = 56 * 1024;

/** Whether the body is a form (`application/x-www-form-urlencoded`, whatever its parameters). */
export const isForm = (req: IncomingMessage): boolean =>
  (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() === 'application/x-www-form-urlencoded';

/**
 * The client a request to oidc-provider names, as its client authentication reads it (RFC 6749 §2.3.1): the
 * Basic header's user (form-encoded), else `client_id` in the query or the form body. Reading the body consumes
 * the request, so the body read is returned, for replayWithBody. An over-long body is left to oidc-provider.
 */
export async function clientIdOf(req: IncomingMessage): Promise<{ clientId?: string; body?: Buffer }> {
  const basic = /^basic +([A-Za-z0-9+/=]+) *$/i.exec(req.headers.authorization ?? '');
  if (basic) {
    const user = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
    try {
      return { clientId: decodeURIComponent(user.replace(/\+/g, ' ')) };
    } catch {
      return { clientId: user };
    }
  }
  const query = new URLSearchParams(req.url!.split('?')[1] ?? '').get('client_id');
  if (query) return { clientId: query };
  const length = Number(req.headers['content-length'] ?? NaN);
  if (req.method !== 'POST' || !isForm(req) || !(length <= BODY_LIMIT_BYTES)) return {};
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  const body = Buffer.concat(chunks);
  return { clientId: new URLSearchParams(body.toString('utf8')).get('client_id') ?? undefined, body };
}

/**
 * A request like `req` whose body is `body` again, for oidc-provider, which reads the stream itself (a body handed
 * over parsed makes it print a warning, and it reads a stream only while `readable`).
 */
export function replayWithBody(req: IncomingMessage, body: Buffer): IncomingMessage {
  const replay = new IncomingMessage(req.socket);
  Object.assign(replay, {
    method: req.method,
    url: req.url,
    headers: req.headers,
    rawHeaders: req.rawHeaders,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    originalUrl: (req as { originalUrl?: string }).originalUrl,
    // Whole already: an IncomingMessage destroyed (at its end) while incomplete destroys the socket with it.
    complete: true,
  });
  replay.push(body);
  replay.push(null);
  return replay;
}
