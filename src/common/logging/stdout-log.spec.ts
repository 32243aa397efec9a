import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { LOG_BUFFER_BYTES, StdoutLog } from './pino.js';

/** StdoutLog over a real sonic-boom writing to a file, read back synchronously. */
describe(StdoutLog.name, () => {
  const dirs: string[] = [];
  const logs: StdoutLog[] = [];
  afterEach(() => {
    for (const log of logs.splice(0)) log.writeSynchronously();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function fileLog() {
    const dir = mkdtempSync(join(tmpdir(), 'nsa-stdout-log-'));
    dirs.push(dir);
    const file = join(dir, 'out.log');
    // A descriptor opened here, as stdout's is: sonic-boom is ready at once.
    const log = new StdoutLog(pino.destination({ dest: openSync(file, 'a'), sync: false, minLength: LOG_BUFFER_BYTES }));
    logs.push(log);
    const written = () => {
      try {
        return readFileSync(file, 'utf8');
      } catch {
        return '';
      }
    };
    return { log, written };
  }
  const line = (i: number) => `{"level":"info","n":${i},"msg":"${'x'.repeat(200)}"}\n`;

  it('should hold short lines, then write every line, in order, on a synchronous flush', () => {
    const { log, written } = fileLog();
    const lines = Array.from({ length: 50 }, (_, i) => line(i));
    for (const l of lines) log.write(l);

    log.flush(true);

    expect(written()).toBe(lines.join(''));
  });

  it('should write a fatal line, and every line before it, before write returns', () => {
    const { log, written } = fileLog();
    log.write(line(1));
    log.lastLevel = 60;
    log.write('{"level":"fatal"}\n');

    expect(written()).toBe(`${line(1)}{"level":"fatal"}\n`);
  });

  it('should write each line before write returns once writing synchronously (shutdown)', () => {
    const { log, written } = fileLog();
    log.write(line(1));
    log.writeSynchronously();
    expect(written()).toBe(line(1));

    log.write(line(2));

    expect(written()).toBe(line(1) + line(2));
  });
});
