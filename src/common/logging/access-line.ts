import { pino, type Logger } from 'pino';

/** What the access line holds: never headers, never the body, never the query string. */
export interface AccessEntry {
  reqId: string;
  method: string;
  url: string;
  route: string | undefined;
  statusCode: number;
  durationMs: number;
}

const INFO = 30;
type MetadataStream = pino.DestinationStream & Record<string, unknown>;

/**
 * The "request completed" line at info, written straight to the logger's destination: the same JSON line
 * `logger.info(entry, 'request completed')` writes (level word, the logger's own time function, pid and hostname,
 * the fields, msg), built as one template string. pino's general path (mixin, merge, a key-by-key serializer with
 * redaction checks) was ~5 % of a request's CPU for a line whose shape is fixed and holds nothing to redact
 * (docs/decisions/0006-request-path-performance.md). Any other level goes through pino itself.
 */
export function accessLineWriter(logger: Logger): (entry: AccessEntry) => void {
  const symbols = pino.symbols;
  const stream = (logger as unknown as Record<symbol, MetadataStream>)[symbols.streamSym];
  const time = (logger as unknown as Record<symbol, () => string>)[symbols.timeSym];
  const bindings = (logger as unknown as Record<symbol, string>)[symbols.chindingsSym] ?? '';
  const needsMetadata = (stream as unknown as Record<symbol, unknown>)[symbols.needsMetadataGsym] === true;
  return (entry) => {
    if (!logger.isLevelEnabled('info')) return;
    const route = entry.route === undefined ? '' : `,"route":${JSON.stringify(entry.route)}`;
    const line =
      `{"level":"info"${time()}${bindings},"reqId":${JSON.stringify(entry.reqId)},"method":${JSON.stringify(entry.method)},` +
      `"url":${JSON.stringify(entry.url)}${route},"statusCode":${entry.statusCode},"durationMs":${entry.durationMs},"msg":"request completed"}\n`;
    if (needsMetadata) {
      stream.lastLevel = INFO;
      stream.lastObj = entry;
      stream.lastMsg = 'request completed';
      stream.lastLogger = logger;
    }
    stream.write(line);
  };
}
