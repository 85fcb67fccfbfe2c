// Specifications of the in-memory transport link: the shared contract, plus what its two ends do to each other.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { firstValueFrom } from 'rxjs';
import { TransportError } from '../../src/transports/errors.js';
import { createMemoryLink } from '../../src/transports/memory.js';
import { transportContract } from './contract.js';

interface Note {
  readonly n: number;
  readonly text: string;
}

transportContract<Note, Note>('memory', async () => {
  const { a, b } = createMemoryLink<Note, Note>();
  const echo = b.messages$.subscribe((m) => b.send(m));
  await b.open();
  return {
    transport: a,
    sample: (n) => ({ n, text: `note ${n}` }),
    isEcho: (m, n) => m.n === n && m.text === `note ${n}`,
    dispose: async () => {
      echo.unsubscribe();
      await a.close();
      await b.close();
    },
  };
});

test('memory: a message sent from one end arrives on the other, and only there', async () => {
  const { a, b } = createMemoryLink<string, number>();
  await a.open();
  await b.open();
  const atB: string[] = [];
  const atA: number[] = [];
  b.messages$.subscribe((m) => atB.push(m));
  a.messages$.subscribe((m) => atA.push(m));
  a.send('hello');
  b.send(42);
  assert.deepEqual(atB, ['hello']);
  assert.deepEqual(atA, [42]);
});

test('memory: a message sent while the other end is closed is dropped and counted by the sender', async () => {
  const { a, b } = createMemoryLink<string, string>();
  await a.open();
  await assert.rejects(a.sendAsync('lost'), TransportError);
  assert.equal(a.counters().dropped, 1);
  assert.equal(b.counters().in, 0);
});

test('memory: failSends makes sends fail as I/O errors with the given sentence until cleared', async () => {
  const { a, b } = createMemoryLink<string, string>();
  await a.open();
  await b.open();
  a.failSends('Cable unplugged.');
  assert.doesNotThrow(() => a.send('x'));
  assert.deepEqual(await firstValueFrom(a.status$), { state: 'error', detail: 'Cable unplugged.' });
  assert.equal(a.counters().errors, 1);
  a.failSends(null);
  assert.equal((await firstValueFrom(a.status$)).state, 'open');
  await a.sendAsync('y');
  assert.equal(b.counters().in, 1);
});
