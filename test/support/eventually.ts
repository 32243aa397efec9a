/** Polls `probe` until it returns true, every `intervalMs`, for at most `timeoutMs`; fails with `what` otherwise. */
export async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 10_000, intervalMs = 100): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}
