import { HttpErrorFilter } from '../common/errors/http-error.filter.js';

const errors = new HttpErrorFilter();

/**
 * A failure as a label: the stable code the client is answered with (the filter decides it, so a validation
 * error is `validation_failed` and anything unexpected `internal_error`). A closed list, so labels stay bounded.
 */
export function outcomeOf(error: unknown): string {
  return errors.toBody(error).code;
}

/**
 * One login, timed from its start to its outcome, recorded exactly once. For a login that one call spans (the
 * redirect flow's callback); the request routes' logins are recorded from the request's arrival, by ProviderTokenGuard
 * when it refuses them and by login-outcome.ts when their answer is out (docs/decisions/0036).
 */
export class LoginTimer {
  private readonly started = performance.now();
  private recorded = false;

  constructor(private readonly record: (outcome: string, seconds: number) => void) {}

  failed(error: unknown): void {
    this.finish(outcomeOf(error));
  }

  /** Records `success` or the error code of `work`, and passes its result or error on. */
  async observe<T>(work: Promise<T>): Promise<T> {
    try {
      const result = await work;
      this.finish('success');
      return result;
    } catch (error) {
      this.failed(error);
      throw error;
    }
  }

  private finish(outcome: string): void {
    if (this.recorded) return;
    this.recorded = true;
    this.record(outcome, (performance.now() - this.started) / 1000);
  }
}
