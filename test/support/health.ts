/** A 503 readiness answer: our error shape, naming the failed part, with terminus' result under `details`. */
export const notReady = (part: string, reason: string) => ({
  statusCode: 503,
  code: 'service_unavailable',
  message: `Not ready: ${part}`,
  details: { status: 'error', error: { [part]: { status: 'down', message: reason } } },
});
