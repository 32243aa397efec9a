import { pino } from 'pino';
import type { AppConfig } from '../../config/app-config.js';
import { accessLineWriter, type AccessEntry } from './access-line.js';
import { createPino } from './pino.js';

function capture(level = 'info') {
  const lines: string[] = [];
  const logger = createPino(
    { level: level as AppConfig['logging']['level'], pretty: false },
    { write: (chunk: string) => void lines.push(chunk) },
  );
  return { logger, lines };
}

const entry: AccessEntry = { reqId: 'r-1', method: 'GET', url: '/users/"me"\\', route: '/users/me', statusCode: 200, durationMs: 1.5 };

describe(accessLineWriter.name, () => {
  it('should write the line logger.info writes for the same fields', () => {
    const viaPino = capture();
    viaPino.logger.info({ ...entry }, 'request completed');
    const ours = capture();

    accessLineWriter(ours.logger)(entry);

    const [expected, actual] = [viaPino.lines, ours.lines].map((lines) => {
      expect(lines).toHaveLength(1);
      expect(lines[0].endsWith('\n')).toBe(true);
      const { time, ...rest } = JSON.parse(lines[0]) as Record<string, unknown>;
      expect(typeof time).toBe('string');
      return rest;
    });
    expect(actual).toEqual(expected);
  });

  it('should leave out a route no route matched, as pino leaves out undefined', () => {
    const { logger, lines } = capture();

    accessLineWriter(logger)({ ...entry, route: undefined });

    expect(JSON.parse(lines[0])).not.toHaveProperty('route');
  });

  it('should write nothing when info is below the level', () => {
    const { logger, lines } = capture('warn');

    accessLineWriter(logger)(entry);

    expect(lines).toEqual([]);
  });

  it('should tell a metadata destination the level it writes, as pino does', () => {
    const stream = { lastLevel: 0, write: () => undefined, [Symbol.for('pino.metadata')]: true };
    const logger = pino({ level: 'info' }, stream);

    accessLineWriter(logger)(entry);

    expect(stream.lastLevel).toBe(30);
  });
});
