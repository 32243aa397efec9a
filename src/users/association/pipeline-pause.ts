/**
 * Thrown by a step that cannot go on without something the provider did not give (an email, a name...).
 * Not an error for the user: `LoginService` catches it after the transaction has rolled back, keeps the
 * verified identity under a single-use `pending_token`, and answers `422 profile_incomplete` naming `missing`.
 * `POST /auth/complete` then reruns the whole pipeline with the supplied fields, so the step passes.
 */
export class PipelinePause extends Error {
  constructor(
    /** The step's name in LOGIN_PIPELINE. */
    readonly step: string,
    /** Fields the frontend should ask the user for, in the API's names (`email`). */
    readonly missing: string[],
    message: string,
  ) {
    super(message);
    this.name = 'PipelinePause';
  }
}
