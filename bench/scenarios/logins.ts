/**
 * Rows 3 and 4: `POST /auth/google/token` with one user's ID token again and again (a returning user, a new
 * session each time), then with a new identity on every request (a new user, social account and session). Judged
 * on server CPU per login, which the machine's other work hardly moves.
 */
import { flags, loginSettings } from '../context.js';
import { newIdentityPool, poolRanOut } from '../identities.js';
import type { LoadResult } from '../load.js';
import { cpuVerdict, throughputRow, type Row } from '../report.js';
import { scenario, type Measured, type Setup } from '../scenario.js';

/** Issue 14: server CPU per returning login and per first login, ms. */
export const RETURNING_LOGIN_CPU_MS = 0.8;
export const FIRST_LOGIN_CPU_MS = 1.2;

export const JSON_POST = { method: 'POST' as const, headers: { 'content-type': 'application/json' } };

export interface LoginResults {
  returning: Measured;
  first: Measured;
  rows: Row[];
}

/** `countLogins` sees every attempt (warm-ups included), for the RSS row. */
export async function measureLogins(setup: Setup, returningBody: string, countLogins: (r: LoadResult) => void): Promise<LoginResults> {
  const { servers, db, where, baselineRate, alsoUnderTest } = setup;
  const loginUrl = `${servers[0].url}/auth/google/token`;
  const returning = await scenario(
    servers,
    `returning-user logins (${db.label}, ${where.node.version})`,
    [
      {
        url: loginUrl,
        ...JSON_POST,
        body: returningBody,
        settings: loginSettings,
        sampleErrorBodies: true,
        expectInBody: '"is_new_user":false',
      },
    ],
    { retryIfNoisy: true, onAttempt: countLogins, alsoUnderTest },
  );

  // Not repeated when noisy: the pre-signed identities would run out.
  const pool = await newIdentityPool(returning.okPerSecond, loginSettings.warmupSeconds + loginSettings.durationSeconds, db.kind);
  const first = await scenario(
    servers,
    `first logins (${db.label}, ${where.node.version}, ${pool.size} pre-signed identities)`,
    [
      {
        url: loginUrl,
        ...JSON_POST,
        nextBody: pool.next,
        settings: loginSettings,
        sampleErrorBodies: true,
        expectInBody: '"is_new_user":true',
      },
    ],
    { onAttempt: countLogins, alsoUnderTest },
  );
  const ranOut = poolRanOut(pool, db.label);
  if (ranOut) flags.push(ranOut);

  return {
    returning,
    first,
    rows: [
      throughputRow(
        '3. Login, returning user',
        where,
        returning,
        baselineRate,
        'logins/s',
        `<= ${RETURNING_LOGIN_CPU_MS} ms CPU`,
        cpuVerdict(returning.cpuPerOkMs, RETURNING_LOGIN_CPU_MS, returning),
      ),
      throughputRow(
        '4. Login, first login (new user)',
        where,
        first,
        baselineRate,
        'logins/s',
        `<= ${FIRST_LOGIN_CPU_MS} ms CPU`,
        cpuVerdict(first.cpuPerOkMs, FIRST_LOGIN_CPU_MS, first),
      ),
    ],
  };
}
