/**
 * Row 2, GET /users/me (the global guard: our JWT verified, the per-request user read), and rows 2a/2b: a route of
 * the kind a user writes (`@Get('notes')` returning a constant, src/bench-routes/) unguarded and guarded, so that
 * what the guard and our cross-cutting work cost a user's own controller shows apart from /users/me.
 */
import { settings } from '../context.js';
import { throughputRow, verdict, type Row } from '../report.js';
import { scenario, type Measured, type Setup } from '../scenario.js';

/** Issue 14: the guarded route at least this fraction of the bare node:http baseline. */
export const GUARDED_TARGET_RATIO = 0.3;
/** Issue 14: the guarded user route within 20 % of the same route unguarded. */
export const USER_ROUTE_GUARD_RATIO = 0.8;

export interface GuardedResults {
  me: Measured;
  rows: Row[];
}

export async function measureGuarded(setup: Setup, accessToken: string): Promise<GuardedResults> {
  const { servers, db, where, baselineRate, alsoUnderTest } = setup;
  const server = servers[0];
  const bearer = { authorization: `Bearer ${accessToken}` };
  const me = await scenario(
    servers,
    `GET /users/me (${db.label}, ${where.node.version})`,
    [
      {
        url: `${server.url}/users/me`,
        headers: bearer,
        settings,
        sampleErrorBodies: true,
        expectInBody: '"username"',
      },
    ],
    { retryIfNoisy: true, alsoUnderTest },
  );
  const publicNotes = await scenario(
    servers,
    `GET /bench/public-notes (${db.label}, ${where.node.version})`,
    [
      {
        url: `${server.url}/bench/public-notes`,
        settings,
        sampleErrorBodies: true,
        expectInBody: '"notes"',
      },
    ],
    { retryIfNoisy: true, alsoUnderTest },
  );
  const notes = await scenario(
    servers,
    `GET /bench/notes (${db.label}, ${where.node.version})`,
    [
      {
        url: `${server.url}/bench/notes`,
        headers: bearer,
        settings,
        sampleErrorBodies: true,
        expectInBody: '"notes"',
      },
    ],
    { retryIfNoisy: true, alsoUnderTest },
  );

  const meRatio = me.okPerSecond / baselineRate;
  const guardCost = notes.okPerSecond / publicNotes.okPerSecond;
  return {
    me,
    rows: [
      throughputRow(
        '2. GET /users/me (guarded)',
        where,
        me,
        baselineRate,
        'req/s',
        `>= ${GUARDED_TARGET_RATIO.toFixed(2)}x baseline`,
        verdict(meRatio, GUARDED_TARGET_RATIO, true),
      ),
      throughputRow('2a. User route GET /bench/public-notes (@Public)', where, publicNotes, baselineRate, 'req/s'),
      throughputRow(
        '2b. User route GET /bench/notes (guarded)',
        where,
        notes,
        baselineRate,
        'req/s',
        `>= ${USER_ROUTE_GUARD_RATIO.toFixed(2)}x row 2a`,
        `${verdict(guardCost, USER_ROUTE_GUARD_RATIO, true)} (${guardCost.toFixed(2)})`,
      ),
    ],
  };
}
