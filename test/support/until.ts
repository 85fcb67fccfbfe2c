// Polls a condition until it holds, for integration tests that wait on sockets and timers; fails with what it waited for.
import assert from 'node:assert/strict';

/** Resolves once `ok()` holds, checking every 10 ms; fails the test after `ms` milliseconds, naming `what`. */
export async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await ok())) {
    if (Date.now() - start > ms) assert.fail(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
