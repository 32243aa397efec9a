/**
 * `TRUST_PROXY`: which `X-Forwarded-For` entries tell the client's address (per-IP rate limits, session lists).
 * Each proxy appends the address it saw, so only the entries our own proxies wrote are true; the leftmost one is
 * whatever the client sent. `true` trusts them all, so a client picks its own address with one header and each
 * forged address gets a fresh rate-limit budget: refused in production. Give the proxies' addresses instead
 * (`10.0.0.0/8,192.168.1.5`, or proxy-addr's names `loopback`, `linklocal`, `uniquelocal`), as Fastify's trustProxy
 * takes them. (A number of hops is not offered: Fastify 5 trusts no peer for one, since it cannot check who sent it.)
 */
import { isIP } from 'node:net';
import { bool, variable } from './settings/setting.js';

export type TrustProxy = boolean | string[];

/** proxy-addr's names for ranges: https://github.com/jshttp/proxy-addr#proxyaddrreq-trust */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

const isAddressOrCidr = (entry: string) => {
  if (NAMED_RANGES.includes(entry)) return true;
  const [address = '', bits, extra] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (version === 4 ? 32 : 128));
};

/** Parsed without NODE_ENV: `true` is refused in production by app-config.ts (TRUST_PROXY_TRUE_REFUSED). */
export const trustProxy = variable<TrustProxy>(false, (value, report) => {
  const flag = bool(undefined).safeParse(value).data;
  if (flag !== undefined) return flag;
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const bad = entries.filter((entry) => !isAddressOrCidr(entry));
  if (bad.length > 0)
    report(`must be false, or the proxies' IP addresses / CIDR ranges (or loopback, linklocal, uniquelocal); "${bad[0]}" is none of these`);
  return entries;
});

export const TRUST_PROXY_TRUE_REFUSED =
  'must not be true in production: it trusts every X-Forwarded-For entry, which clients write themselves ' +
  '(so any client picks its own address for the per-IP rate limit). Give the addresses of the proxies in front of this API instead (TRUST_PROXY=10.0.0.0/8, or uniquelocal)';
