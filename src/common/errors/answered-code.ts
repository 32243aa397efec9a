/**
 * The `code` of the error body a reply was answered with, kept on the reply by HttpErrorFilter so that work done
 * once the answer is out (a login's outcome metric, login-outcome.ts) can name it without catching the error itself.
 */
const ANSWERED_CODE = Symbol('nsa.answeredCode');

interface CodedReply {
  [ANSWERED_CODE]?: string;
}

export function markAnsweredCode(reply: object, code: string): void {
  (reply as CodedReply)[ANSWERED_CODE] = code;
}

/** The code HttpErrorFilter answered `reply` with; undefined when it answered nothing. */
export function answeredCode(reply: object): string | undefined {
  return (reply as CodedReply)[ANSWERED_CODE];
}
