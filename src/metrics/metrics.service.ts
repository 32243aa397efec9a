import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { LoginTimer } from './login-timer.js';

/**
 * Every metric of one app instance, in a registry of its own rather than prom-client's global one: several apps
 * in one process (tests, workers) must not share counters or collide on names. Always provided, also when
 * `/metrics` is disabled, so instrumented code never checks for it.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  private readonly logins = new Counter({
    name: 'nsa_logins_total',
    help: 'Logins through POST /auth/{provider}/token, by outcome: success or the error code answered',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly loginDuration = new Histogram({
    name: 'nsa_login_duration_seconds',
    help: 'Time of a whole login: provider verification, association pipeline and the new session',
    labelNames: ['provider'] as const,
    registers: [this.registry],
  });

  private readonly providerRequests = new Histogram({
    name: 'nsa_provider_request_duration_seconds',
    help: 'Each call to an identity provider, by outcome: HTTP status class, timeout or unavailable (no answer)',
    labelNames: ['provider', 'outcome'] as const,
    registers: [this.registry],
  });

  private readonly refreshes = new Counter({
    name: 'nsa_token_refreshes_total',
    help: 'Refresh-token rotations, by outcome: success or the error code answered',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  private readonly reuses = new Counter({
    name: 'nsa_refresh_token_reuse_total',
    help: 'Spent refresh tokens presented again, each of which ended its session (possible token theft)',
    registers: [this.registry],
  });

  private readonly rateLimits = new Counter({
    name: 'nsa_rate_limit_rejections_total',
    help: 'Requests refused with 429, by route pattern',
    labelNames: ['route'] as const,
    registers: [this.registry],
  });

  private readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Every answered HTTP request, by method, route pattern (not the URL; "unmatched" when no route matched) and status',
    labelNames: ['method', 'route', 'status_code'] as const,
    registers: [this.registry],
  });

  /** route → method → status → the histogram's child: a request finds its series without building a labels object. */
  private readonly requestSeries = new Map<string, Map<string, Map<number, Observer>>>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  requestCompleted(method: string, route: string, statusCode: number, seconds: number): void {
    const byMethod = this.requestSeries.get(route) ?? setAndReturn(this.requestSeries, route, new Map<string, Map<number, Observer>>());
    const byStatus = byMethod.get(method) ?? setAndReturn(byMethod, method, new Map<number, Observer>());
    const series =
      byStatus.get(statusCode) ?? setAndReturn(byStatus, statusCode, this.requestDuration.labels(method, route, String(statusCode)));
    series.observe(seconds);
  }

  /** One login of an enabled provider (never a path value: label values must stay bounded), ended after `seconds`. */
  loginEnded(provider: string, outcome: string, seconds: number): void {
    this.logins.inc({ provider, outcome });
    this.loginDuration.observe({ provider }, seconds);
  }

  /** Starts timing a login that no request carries from start to end (the redirect flow's callback). */
  startLogin(provider: string): LoginTimer {
    return new LoginTimer((outcome, seconds) => this.loginEnded(provider, outcome, seconds));
  }

  providerRequest(provider: string, outcome: string, seconds: number): void {
    this.providerRequests.observe({ provider, outcome }, seconds);
  }

  tokenRefreshed(outcome: string): void {
    this.refreshes.inc({ outcome });
  }

  refreshTokenReused(): void {
    this.reuses.inc();
  }

  rateLimited(route: string): void {
    this.rateLimits.inc({ route });
  }

  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

interface Observer {
  observe(value: number): void;
}

function setAndReturn<K, V>(map: Map<K, V>, key: K, value: V): V {
  map.set(key, value);
  return value;
}
