import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Brings dist/ up to date for a test file that needs real server processes. Incremental, its state kept in dist/
 * (deleting dist/ deletes it too): the first such file of a run compiles, the others find nothing changed.
 */
export function buildOnce(): void {
  execFileSync(
    process.execPath,
    ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'],
    { stdio: 'inherit' },
  );
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The app as production runs it: `node dist/main.js` in its own process, configured by its environment. */
export class AppProcess {
  private child: ChildProcess | undefined;
  private output = '';
  readonly url: string;

  constructor(
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly nodeArgs: readonly string[] = [],
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** What it wrote to stdout and stderr so far. */
  get log(): string {
    return this.output;
  }

  async start(timeoutMs = 20_000): Promise<void> {
    this.child = spawn(process.execPath, [...this.nodeArgs, 'dist/main.js'], {
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(this.port), ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    this.child.stderr!.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.child.exitCode !== null) throw new Error(`app on ${this.port} exited: ${this.output.slice(-2000)}`);
      try {
        if ((await fetch(`${this.url}/.well-known/jwks.json`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Not left running: its open pipes would keep Jest from exiting after the run.
    this.child.kill('SIGKILL');
    throw new Error(`app on ${this.port} did not start within ${timeoutMs} ms: ${this.output.slice(-2000)}`);
  }

  /** SIGTERM, then SIGKILL after 10 s; answers how it ended (null when it was not running). */
  async stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null } | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return null;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const ended = await exited;
    clearTimeout(timer);
    return ended;
  }
}
