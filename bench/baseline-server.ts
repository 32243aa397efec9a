/**
 * The baseline: the cheapest JSON answer Node can give, with nothing but `node:http`. Every server scenario is
 * read as a ratio to this, so the number says what the framework, the guard and the database cost on this machine
 * rather than how fast the machine is. Started as a child process by servers.ts (`PORT`, `HOST` from the env).
 */
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 0);
const host = process.env.HOST ?? '127.0.0.1';
const body = JSON.stringify({ hello: 'world' });

const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
});

server.listen(port, host, () => {
  process.stdout.write(`baseline listening on http://${host}:${port}\n`);
});

const shutdown = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
