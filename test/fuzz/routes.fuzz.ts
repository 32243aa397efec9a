import fc from 'fast-check';
import type { Route } from '../support/routes.js';

/** What a fuzzed request is made of; sent with Fastify's `inject` (the whole HTTP pipeline but the socket). */
export interface FuzzRequest {
  route: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
}

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  'application/xml',
  '*/*',
  'application/json, text/plain',
  ';;',
  '',
];
/** Field and parameter names the routes know, and names that break careless code (`__proto__`, `constructor`). */
const KNOWN_NAMES = [
  'state',
  'code',
  'error',
  'error_description',
  'iss',
  'user',
  'return_to',
  'mode',
  'code_challenge',
  'code_verifier',
  'login_code',
  'access_token',
  'id_token',
  'refresh_token',
  'nonce',
  'redirect_uri',
  'device_name',
  'pending_token',
  'email',
  'link_token',
  'username',
  'name',
  'first_name',
  'last_name',
  'provider',
  'id',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
];

/** Percent-encodes the UTF-8 bytes (a lone surrogate becomes U+FFFD, where encodeURIComponent would throw). */
const pct = (s: string) =>
  [...Buffer.from(s, 'utf8')]
    .map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).padStart(2, '0')}`))
    .join('');

const hugeString = fc.integer({ min: 1, max: 3 }).map((n) => 'A'.repeat([300, 5_000, 70_000][n - 1]));
/** Strings that matter: empty, huge, control characters and NUL, odd Unicode, and arbitrary ones. */
const nastyString = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      '\u0000abc',
      '\r\n',
      '%',
      '%00',
      '%E0%A4%A',
      '\uD800',
      '😀',
      'null',
      'true',
      '0',
      '-1',
      '1e309',
      '[]',
      '{}',
    ),
  },
  { weight: 1, arbitrary: hugeString },
);
const name = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KNOWN_NAMES) }, { weight: 1, arbitrary: fc.string({ maxLength: 12 }) });

/** JSON values where strings are expected, and the other way round: numbers, booleans, arrays, objects, null. */
const jsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null)) },
  { weight: 1, arbitrary: fc.array(nastyString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(name, fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }) },
);

const rawBody = fc.oneof(
  fc.constantFrom(
    '',
    '{',
    '[]',
    'null',
    '"x"',
    '123',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
    '{"a":1,"a":2}',
    '{"refresh_token":"x","refresh_token":["y"]}',
    '\u0000',
    '{"access_token":"\\u0000"}',
    'a=1&a=2&__proto__[x]=1',
  ),
  fc.string({ maxLength: 60 }),
  hugeString.map((s) => JSON.stringify({ refresh_token: s, access_token: s, id_token: s, code: s, login_code: s })),
);

/** The parameters of the OAuth redirect and callback, for routes that declare none (an unvalidated query has no DTO). */
const PROTOCOL_NAMES = ['state', 'code', 'error', 'error_description', 'iss', 'user', 'return_to', 'mode', 'code_challenge'];

/** Names the route's own DTOs declare (or the protocol's), most of the time, so the fuzzing gets past "unknown field". */
const nameFor = (route: Route) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...(route.fields?.length ? route.fields : PROTOCOL_NAMES)) },
    { weight: 2, arbitrary: name },
  );

/** A query string written by hand: repeated parameters, bracket syntax, broken percent-encoding. */
const queryFor = (route: Route) =>
  fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(nameFor(route), nastyString).map(([k, v]) => `${pct(k)}=${pct(v)}`) },
        {
          weight: 3,
          arbitrary: fc.tuple(nameFor(route), nastyString, nastyString).map(([k, a, b]) => `${pct(k)}=${pct(a)}&${pct(k)}=${pct(b)}`),
        },
        { weight: 1, arbitrary: fc.tuple(nameFor(route), nastyString).map(([k, v]) => `${pct(k)}[]=${pct(v)}`) },
        {
          weight: 1,
          arbitrary: fc.constantFrom('state', 'state=', '=x', '&', '%zz=1', 'state=%E0%A4%A', 'a[b][c]=1', '__proto__[polluted]=1'),
        },
      ),
      { maxLength: 6 },
    )
    .map((parts) => (parts.length ? `?${parts.join('&')}` : ''));

const jsonBodyFor = (route: Route) => fc.dictionary(nameFor(route), jsonValue, { maxKeys: 6 }).map((o) => JSON.stringify(o));

const providerSegment = fc.oneof(
  { weight: 6, arbitrary: fc.constant('google') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('nope', 'GOOGLE', '__proto__', 'constructor', 'toString', '%00', '%2e%2e', 'a'.repeat(300), '😀'),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map(pct) },
);
const idSegment = fc.oneof(
  fc.uuid().map(String),
  fc.constantFrom('not-a-uuid', '__proto__', '0', '%00'),
  fc.string({ maxLength: 40 }).map(pct),
);

const cookieHeader = fc.oneof(
  fc.constant(undefined),
  fc
    .array(
      fc.tuple(
        fc.oneof(fc.constant('nsa_state_0123456789abcdef'), fc.constantFrom('__proto__', 'constructor'), fc.string({ maxLength: 10 })),
        nastyString,
      ),
      { maxLength: 4 },
    )
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join('; ')),
  fc.constantFrom(';;;', '=', 'a', '=a; =b', 'nsa_state_x="unterminated'),
);

/** Only characters Node lets into a header value (it refuses the rest before we see them). */
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '');

/**
 * One request against a route: the route's own method mostly, sometimes another; its path with
 * real and hostile parameters; any query, body, content type and headers. `validToken` is a working access token,
 * sent on most requests to guarded routes so the fuzzing gets past the guard.
 */
export function fuzzRequest(route: Route, validToken: string): fc.Arbitrary<FuzzRequest> {
  return fc
    .record({
      route: fc.constant(route),
      otherMethod: fc.option(fc.constantFrom(...METHODS), { freq: 5 }),
      provider: providerSegment,
      id: idSegment,
      query: queryFor(route),
      body: fc.option(fc.oneof({ weight: 3, arbitrary: jsonBodyFor(route) }, { weight: 2, arbitrary: rawBody }), { freq: 6 }),
      contentType: fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 8 }),
      authorization: fc.oneof(
        { weight: 6, arbitrary: fc.constant('valid') },
        { weight: 1, arbitrary: fc.constant(undefined) },
        {
          weight: 2,
          arbitrary: fc
            .oneof(nastyString, fc.constantFrom('Bearer', 'Bearer ', 'bearer x.y.z', 'Basic Og=='))
            .map((s) => headerSafe(`Bearer ${s}`)),
        },
        { weight: 1, arbitrary: hugeString.map((s) => `Bearer ${s}`) },
      ),
      cookie: cookieHeader,
      extraHeaders: fc.dictionary(
        fc.constantFrom('x-request-id', 'accept', 'origin', 'x-forwarded-for', 'user-agent', 'accept-encoding', 'x-http-method-override'),
        nastyString.map(headerSafe),
        { maxKeys: 3 },
      ),
    })
    .map((r) => {
      const path = r.route.path.replace(':provider', r.provider).replace(':id', r.id);
      const headers: Record<string, string> = { ...r.extraHeaders };
      if (r.authorization === 'valid') headers.authorization = `Bearer ${validToken}`;
      else if (r.authorization !== undefined) headers.authorization = r.authorization;
      if (r.cookie !== undefined) headers.cookie = headerSafe(r.cookie);
      if (r.contentType !== null) headers['content-type'] = r.contentType;
      return {
        route: `${r.route.method} ${r.route.path}`,
        method: r.otherMethod ?? r.route.method,
        url: `${path}${r.query}`,
        headers,
        payload: r.body ?? undefined,
      };
    });
}

/** `FUZZ_RUNS` and `FUZZ_SEED` for longer runs (`npm run test:fuzz`); `npm test` runs a short, fixed-seed pass. */
/** Runs per route. */
export function fuzzSettings(): { numRuns: number; seed: number } {
  const numRuns = Number(process.env.FUZZ_RUNS ?? 30);
  const seed = process.env.FUZZ_SEED === undefined ? 20261206 : Number(process.env.FUZZ_SEED);
  if (!Number.isInteger(numRuns) || numRuns < 1 || !Number.isInteger(seed))
    throw new Error('FUZZ_RUNS must be a positive integer and FUZZ_SEED an integer');
  return { numRuns, seed };
}
