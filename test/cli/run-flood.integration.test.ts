import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { after, before, test } from 'node:test';
import { encodeOscMessage } from '../../src/transports/osc-packet.js';
import { startCaughtRun, type CaughtRun } from '../support/caught-run.js';
import { until } from '../support/until.js';

// Words no vocabulary holds, sent as fast as a sender can, over real UDP on 127.0.0.1: the bridge refuses each at a
// bounded cost and the fader's last move still comes out. (Latency under this flood is measured by bench/flood.ts.)
let bridge: CaughtRun;

before(async () => {
  bridge = await startCaughtRun();
});
after(() => bridge.stop());

const gainOf = (band: number) => bridge.received.filter((m) => m.address === `/eqmorph/band/${band}/gain`).at(-1)?.args[0] as number | undefined;
// What the bridge itself decodes (its pair table), as it sends it.
const expectedGain = (alpha: number, band: number) => bridge.run.decoder.decode('warm', 'bright', Math.fround(alpha))[band - 1]!.gain;

const input = () => bridge.run.health().transports.find((t) => t.name === 'surface')!.counters.in;

test('ten 60 KB terms are refused at once, counted, and the alpha sent right after them is delivered', async () => {
  const before = bridge.run.bridge().counters().rejected;
  const inBefore = input();
  const huge = (i: number) => encodeOscMessage('/eqmorph/termA', [`${i}${'w'.repeat(60_000)}`], 's');

  for (let i = 0; i < 10; i++) await bridge.send(huge(i));
  await bridge.send(encodeOscMessage('/eqmorph/alpha', [0.25], 'f'));
  await until('the alpha after the long terms', () => bridge.run.bridge().state().get('main')!.alpha === Math.fround(0.25), 15_000);
  await until('its bands at the output', () => Math.abs((gainOf(1) ?? NaN) - expectedGain(0.25, 1)) < 0.05, 15_000);
  assert.equal(input() - inBefore, 11);
  // Words a control sends together count once: only the newest is looked up.
  assert.ok(bridge.run.bridge().counters().rejected - before >= 1);
  assert.equal(bridge.run.bridge().state().get('main')!.termA, 'warm');
  // One warning line for the lot, naming the length, not 600 KB of text.
  const lines = bridge.log.filter((l) => /names no term/.test(l));
  assert.equal(lines.length, 1, lines.join('\n'));
  assert.ok(lines[0]!.length < 300);
});

test('20,000 distinct unknown words mixed with alpha moves: each is refused or superseded and counted, and the final alpha is delivered', async () => {
  const before = bridge.run.bridge().counters();
  const inBefore = input();
  const WORDS = 20_000;
  for (let i = 0; i < WORDS; i++) {
    void bridge.send(encodeOscMessage('/eqmorph/termB', [`qx${i.toString(36)}zv`], 's'));
    if (i % 20 === 0) void bridge.send(encodeOscMessage('/eqmorph/alpha', [(i / WORDS) * 0.5 + 0.3], 'f'));
    // About 50 words a millisecond, the rate of 100,000 in 2 s.
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 1));
  }
  // Whatever the kernel let through has been read: the input is quiet for 200 ms.
  let seen = -1;
  await until('the input quiet', async () => {
    const now = input();
    const quiet = now === seen;
    seen = now;
    await new Promise((r) => setTimeout(r, 200));
    return quiet;
  }, 20_000);
  assert.ok(input() - inBefore > 0);
  // Every datagram read is accounted for: an event the bindings handled (an alpha, or a word looked up and refused),
  // or a word superseded by a newer one before it was looked up.
  await until('the last words looked up', () => {
    const c = bridge.run.bridge().counters();
    return input() - inBefore === c.events - before.events + (c.superseded - before.superseded);
  }, 15_000);
  const last = 0.875;
  await bridge.send(encodeOscMessage('/eqmorph/alpha', [last], 'f'));
  await until('the final alpha', () => bridge.run.bridge().state().get('main')!.alpha === Math.fround(last), 15_000);
  await until('its bands at the output', () => Math.abs((gainOf(2) ?? NaN) - expectedGain(last, 2)) < 0.05, 15_000);
  await until('words refused', () => bridge.run.bridge().counters().rejected > before.rejected, 15_000);
  const after = bridge.run.bridge().counters();
  assert.equal(bridge.run.bridge().state().get('main')!.termB, 'bright');
  assert.equal(after.errors, before.errors);
  // The log stayed bounded: a handful of lines for 20,000 words.
  assert.ok(bridge.log.filter((l) => /unknown term/.test(l)).length <= 5);
});

test('words and addresses with terminal escapes or new lines reach the log escaped, never raw', async () => {
  const from = bridge.log.length;
  await bridge.send(encodeOscMessage('/eqmorph/termA', ['\u001b[2J\u001b[31mred\nFAKE eqmorph: stopped'], 's'));
  // The encoder refuses such an address; a hostile sender does not use it: the byte is put in afterwards.
  const address = encodeOscMessage('/eqmorph/E[1mbold', [1], 'i');
  address[address.indexOf(0x45)] = 0x1b;
  await bridge.send(address);
  await until('both warnings', () => bridge.log.slice(from).filter((l) => /red|bold/.test(l)).length >= 2, 15_000);
  for (const line of bridge.log.slice(from)) assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f]/, JSON.stringify(line));
  assert.ok(bridge.log.slice(from).some((l) => l.includes('\\x1b[31mred\\x0aFAKE')));
});

test('a burst of unknown words, a known word and an alpha sent right after it: the alpha morphs on the new word, and every word is accounted for', async () => {
  const before = bridge.run.bridge().counters();
  const inBefore = input();
  // A connected socket sends at once: the burst reaches the input's buffer before the bridge reads any of it.
  const burst = dgram.createSocket('udp4');
  await new Promise<void>((r) => burst.connect(bridge.inPort, '127.0.0.1', r));
  const seen: { alpha: number; termB: string }[] = [];
  const sub = bridge.run.bridge().states$.subscribe((s) => seen.push({ alpha: s.get('main')!.alpha, termB: s.get('main')!.termB }));
  try {
    for (let i = 0; i < 30; i++) burst.send(encodeOscMessage('/eqmorph/termB', [`qv${i}zx`], 's'));
    burst.send(encodeOscMessage('/eqmorph/termB', ['dark'], 's'));
    burst.send(encodeOscMessage('/eqmorph/alpha', [0.625], 'f'));
    await until('the alpha', () => seen.some((s) => s.alpha === 0.625), 15_000);
    assert.deepEqual(seen.find((s) => s.alpha === 0.625), { alpha: 0.625, termB: 'dark' });
    // 32 datagrams read: the alpha and the words looked up are events, the others were superseded unread.
    await until('all 32 datagrams read and accounted for', () => {
      const c = bridge.run.bridge().counters();
      return input() - inBefore === 32 && c.events - before.events + (c.superseded - before.superseded) === 32;
    }, 15_000);
    assert.ok(bridge.run.bridge().counters().superseded - before.superseded > 0);
  } finally {
    sub.unsubscribe();
    burst.send(encodeOscMessage('/eqmorph/termB', ['bright'], 's'));
    await until('term B back to bright', () => bridge.run.bridge().state().get('main')!.termB === 'bright', 15_000);
    burst.close();
  }
});
