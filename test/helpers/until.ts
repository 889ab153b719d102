/**
 * Waits for what another connection or process makes happen (a message arriving, a mail sent, a replica
 * catching up): runs `check` every `everyMs` until it gives a truthy value, and returns that value; fails
 * naming `what` after `timeoutMs`.
 */
export async function until<T>(
  what: string,
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, everyMs = 10 }: { timeoutMs?: number; everyMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
