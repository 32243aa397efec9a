import { SetMetadata } from '@nestjs/common';

export const NOT_RATE_LIMITED = Symbol('NOT_RATE_LIMITED');

/**
 * Exempts an /auth route from the per-IP and per-identity budget: only for cheap, cache-friendly public reads
 * (`GET /auth/providers`) that a SPA makes on every page load. Counting them would let page views spend the
 * budget meant for sign-in attempts, and would buy no protection: they touch no credential and no provider.
 */
export const NotRateLimited = () => SetMetadata(NOT_RATE_LIMITED, true);
