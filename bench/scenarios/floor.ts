/**
 * Rows 1a and 1b: the floor under row 2. The same load against bench/floor-server.ts, NestJS on Fastify with only the
 * work issue 14 requires of the guarded route: 1a its constant route, public (as row 2a), 1b its `GET /users/me`
 * (the guard admitting a remembered token, one user read by primary key, the UserDto). What row 2 can reach on this
 * stack, this machine and this Node is at most row 1b's ratio; the gap between them is ours to close.
 */
import { knobs, settings, tmpDir, type NodeRuntime } from '../context.js';
import { throughputRow, type Row } from '../report.js';
import { scenario } from '../scenario.js';
import { SHIPPED_NODE_ARGS, startFloor } from '../servers.js';

export async function measureFloor(node: NodeRuntime, baselineRate: number): Promise<Row[]> {
  // The app's Node flags, so that its young generation is the app's.
  const floor = await startFloor(tmpDir, node.path, [...SHIPPED_NODE_ARGS, ...knobs.serverNodeArgs]);
  try {
    const where = { node, db: 'SQLite' };
    const constant = await scenario(
      [floor],
      `Floor: public constant route (${node.version})`,
      [{ url: `${floor.url}/public/notes`, settings, sampleErrorBodies: true, expectInBody: '"notes"' }],
      { retryIfNoisy: true },
    );
    const me = await scenario(
      [floor],
      `Floor: guarded GET /users/me (${node.version})`,
      [
        {
          url: `${floor.url}/users/me`,
          headers: { authorization: 'Bearer floor.bench.token' },
          settings,
          sampleErrorBodies: true,
          expectInBody: '"username"',
        },
      ],
      { retryIfNoisy: true },
    );
    return [
      throughputRow('1a. Floor: Nest+Fastify, required work, public constant', where, constant, baselineRate, 'req/s'),
      throughputRow('1b. Floor: the same, guarded GET /users/me', where, me, baselineRate, 'req/s'),
    ];
  } finally {
    await floor.stop();
  }
}
