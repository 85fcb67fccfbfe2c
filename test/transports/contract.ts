// The transport contract as a reusable suite: every transport runs these same specifications through a harness.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filter, firstValueFrom, take, timeout, toArray, type Observable } from 'rxjs';
import { TransportClosedError } from '../../src/transports/errors.js';
import type { Transport, TransportStatus } from '../../src/transports/transport.js';

/** A transport wired so that what it sends comes back to it (a loopback), and how to recognise the echo. */
export interface ContractHarness<In, Out> {
  readonly transport: Transport<In, Out>;
  /** Message number `n` to send. */
  sample(n: number): Out;
  /** Whether an incoming message is the echo of `sample(n)`, content intact. */
  isEcho(msg: In, n: number): boolean;
  dispose(): Promise<void>;
}

/** Waits for the first value matching `pred`, failing after `ms` so no test can hang. */
export function first<T>(source: Observable<T>, pred: (v: T) => boolean, ms = 2000): Promise<T> {
  return firstValueFrom(source.pipe(filter(pred), take(1), timeout(ms)));
}

/** Collects `count` values matching `pred`, failing after `ms`. */
export function collect<T>(source: Observable<T>, count: number, pred: (v: T) => boolean = () => true, ms = 2000): Promise<T[]> {
  return firstValueFrom(source.pipe(filter(pred), take(count), toArray(), timeout(ms)));
}

/** Polls `check` until it holds, failing after `ms`. For counters that settle asynchronously. */
export async function eventually(check: () => boolean, what: string, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function current(t: Transport<unknown, unknown>): Promise<TransportStatus> {
  return firstValueFrom(t.status$);
}

export function transportContract<In, Out>(label: string, make: () => Promise<ContractHarness<In, Out>>): void {
  const withHarness = (fn: (h: ContractHarness<In, Out>) => Promise<void>) => async () => {
    const h = await make();
    try {
      await fn(h);
    } finally {
      await h.dispose();
    }
  };

  test(`${label}: starts closed, and open() makes the status open`, withHarness(async ({ transport }) => {
    assert.equal((await current(transport)).state, 'closed');
    await transport.open();
    assert.equal((await current(transport)).state, 'open');
  }));

  test(`${label}: status$ emits only on change`, withHarness(async (h) => {
    const seen: TransportStatus[] = [];
    const sub = h.transport.status$.subscribe((s) => seen.push(s));
    await h.transport.open();
    await h.transport.open();
    for (let n = 0; n < 5; n += 1) await h.transport.sendAsync(h.sample(n));
    await h.transport.close();
    await h.transport.close();
    sub.unsubscribe();
    for (let i = 1; i < seen.length; i += 1) {
      assert.ok(seen[i]!.state !== seen[i - 1]!.state || seen[i]!.detail !== seen[i - 1]!.detail, `repeated status at ${i}: ${JSON.stringify(seen)}`);
    }
    assert.equal(seen[0]!.state, 'closed');
    assert.ok(seen.some((s) => s.state === 'open'), JSON.stringify(seen));
    assert.equal(seen.at(-1)!.state, 'closed');
  }));

  test(`${label}: a late subscriber to status$ gets the current status at once`, withHarness(async ({ transport }) => {
    await transport.open();
    assert.equal((await current(transport)).state, 'open');
  }));

  test(`${label}: sent messages come back through the loopback with content intact`, withHarness(async (h) => {
    await h.transport.open();
    const echoes = collect(h.transport.messages$, 3);
    for (const n of [1, 2, 3]) h.transport.send(h.sample(n));
    const got = await echoes;
    for (const n of [1, 2, 3]) assert.ok(got.some((m) => h.isEcho(m, n)), `echo of sample ${n} missing`);
    const c = h.transport.counters();
    assert.ok(c.out >= 3 && c.in >= 3, JSON.stringify(c));
    assert.equal(c.errors, 0);
  }));

  test(`${label}: sendAsync resolves for a message that was sent`, withHarness(async (h) => {
    await h.transport.open();
    await h.transport.sendAsync(h.sample(7));
    assert.ok(h.transport.counters().out >= 1);
  }));

  test(`${label}: close() makes the status closed and may be repeated`, withHarness(async ({ transport }) => {
    await transport.open();
    await transport.close();
    assert.equal((await current(transport)).state, 'closed');
    await transport.close();
    assert.equal((await current(transport)).state, 'closed');
  }));

  test(`${label}: close() without open() is harmless`, withHarness(async ({ transport }) => {
    await transport.close();
    assert.equal((await current(transport)).state, 'closed');
  }));

  test(`${label}: send after close does not throw and counts the message as dropped`, withHarness(async (h) => {
    await h.transport.open();
    await h.transport.close();
    const before = h.transport.counters();
    assert.doesNotThrow(() => h.transport.send(h.sample(1)));
    const after = h.transport.counters();
    assert.equal(after.dropped, before.dropped + 1);
    assert.equal(after.out, before.out);
    assert.equal(after.errors, before.errors);
  }));

  test(`${label}: sendAsync after close rejects with TransportClosedError`, withHarness(async (h) => {
    await h.transport.open();
    await h.transport.close();
    await assert.rejects(h.transport.sendAsync(h.sample(1)), TransportClosedError);
  }));

  test(`${label}: send before open counts the message as dropped`, withHarness(async (h) => {
    assert.doesNotThrow(() => h.transport.send(h.sample(1)));
    assert.equal(h.transport.counters().dropped, 1);
  }));

  test(`${label}: a closed transport can be opened again and messages flow`, withHarness(async (h) => {
    await h.transport.open();
    await h.transport.close();
    await h.transport.open();
    assert.equal((await current(h.transport)).state, 'open');
    const echo = first(h.transport.messages$, (m) => h.isEcho(m, 9));
    h.transport.send(h.sample(9));
    await echo;
  }));
}
