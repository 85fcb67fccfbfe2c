// node --import tsx bench/desk-soak.ts [--seconds N]: the shipped nanoKONTROL2 -> X32 mapping against the real X32
// emulator (../shared/peers/x32-emulator, built on first use) while a second client edits the desk's EQ, as an engineer
// would: prints what the output counted (dropped must stay 0: the desk's reports are read, not dropped) and the desk
// edits, echoes and answers eqmorph told apart.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startRun } from '../src/cli/run.js';
import { createFakeMidiBackend } from '../src/transports/midi-fake.js';
import { emulatorUnavailable, startX32Emulator } from '../test/support/x32-emulator.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '180' } } });
const seconds = Number(values.seconds);
const why = emulatorUnavailable();
if (why) {
  console.log(`desk soak skipped: ${why}`);
  process.exit(0);
}
const PORT = 'nanoKONTROL2:nanoKONTROL2 MIDI 1 20:0';
const emulator = await startX32Emulator();
const dir = mkdtempSync(join(tmpdir(), 'eqmorph-desk-soak-'));
const file = join(dir, 'm.yaml');
writeFileSync(file, readFileSync(resolve('mappings/nanokontrol2-x32.yaml'), 'utf8').replaceAll('../firmware-profiles/', `${resolve('firmware-profiles')}/`));
const backend = createFakeMidiBackend([PORT]);
const run = await startRun({ mapping: file, midiBackend: backend }, () => {});
const start = Date.now();
let moves = 0;
let edits = 0;
// Every 50 ms a fader moves (a 20 Hz performer); every 2 s the engineer sets a band gain on the desk.
const mover = setInterval(() => {
  const t = (Date.now() - start) / 1000;
  for (let ch = 0; ch < 8; ch++) backend.emit(PORT, [0xb0, ch, Math.round(63.5 + 63.5 * Math.sin(t + ch))]);
  moves++;
}, 50);
const editor = setInterval(() => {
  const ch = String((edits % 8) + 1).padStart(2, '0');
  void emulator.set(`/ch/${ch}/eq/${(edits % 4) + 1}/g`, (edits % 120) / 120, 'f');
  edits++;
}, 2000);
await new Promise((r) => setTimeout(r, seconds * 1000));
clearInterval(mover);
clearInterval(editor);
await new Promise((r) => setTimeout(r, 500));
const out = run.oscOutputs.get('x32')!.counters();
const desk = run.bridge().deskCounters().get('x32')!;
console.log(`desk soak: ${seconds} s, ${moves} rounds of 8 fader moves, ${edits} edits made on the desk by a second client`);
console.log(`  output x32: in ${out.in}, out ${out.out}, dropped ${out.dropped}, errors ${out.errors}`);
console.log(`  desk: edits ${desk.edits}, echoes ${desk.echoes}, answers ${desk.answers}, other reports ${desk.other}; bridge sent ${run.bridge().counters().sent}`);
await run.stop();
await emulator.stop();
rmSync(dir, { recursive: true });
