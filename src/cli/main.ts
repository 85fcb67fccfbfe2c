// The eqmorph command dispatcher: picks a command, turns user errors into messages and exit codes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../data/paths.js';
import { initBackend } from '../model/backend.js';
import { debugFlag, describeError } from './errors.js';

type Command = (args: string[]) => Promise<number>;

/** Commands load lazily so that `eqmorph --help` does not pay for TensorFlow. */
const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  train: { summary: 'train the model on SAFE-DB and write a model directory', load: async () => (await import('./train.js')).trainCommand },
  eval: { summary: 'evaluate a model on its held-out split against baselines', load: async () => (await import('./eval.js')).evalCommand },
  decode: { summary: 'print the EQ between two terms at a blend alpha', load: async () => (await import('./decode.js')).decodeCommand },
  map: { summary: 'the sound map: words placed by how they sound', load: async () => (await import('./map.js')).mapCommand },
  terms: { summary: "list the model's vocabulary", load: async () => (await import('./terms.js')).termsCommand },
  vocab: { summary: "add SocialEQ's words to a model's vocabulary", load: async () => (await import('./vocab.js')).vocabCommand },
  run: { summary: 'run the bridge: control surfaces in, EQ parameters out', load: async () => (await import('./run.js')).runCommand },
  validate: { summary: 'check profiles and mappings without running', load: async () => (await import('./validate.js')).validateCommand },
  monitor: { summary: 'print decoded incoming control events', load: async () => (await import('./monitor.js')).monitorCommand },
  learn: { summary: 'wait for a control to move and print its YAML', load: async () => (await import('./learn.js')).learnCommand },
  ports: { summary: 'list MIDI inputs and outputs', load: async () => (await import('./ports.js')).portsCommand },
  init: { summary: 'write a mapping for your controller and EQ', load: async () => (await import('./init.js')).initCommand },
  mappings: { summary: 'list the shipped mappings (run one with run --mapping NAME)', load: async () => (await import('./mappings.js')).mappingsCommand },
};

/** Commands that load a model, and so need the TensorFlow.js backend. */
const MODEL_COMMANDS = new Set(['run', 'decode', 'map', 'terms', 'eval', 'vocab', 'validate']);

export function registerCommand(name: string, summary: string, load: () => Promise<Command>): void {
  COMMANDS[name] = { summary, load };
}

function version(): string {
  return (JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

function help(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length)) + 2;
  return [
    `eqmorph ${version()}: morph a parametric EQ between words like "warm" and "bright" from a MIDI or OSC control surface`,
    '',
    'usage: eqmorph <command> [options]     (eqmorph <command> --help for its options)',
    '',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    '  --version      print the version and the TensorFlow.js backend in use',
    '  --debug        with any command: show the stack trace of an error (errors are one line without it)',
    '',
  ].join('\n');
}

export async function main(args: string[]): Promise<number> {
  const { argv, debug } = debugFlag(args);
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const backend = await initBackend();
    process.stdout.write(`eqmorph ${version()} (TensorFlow.js backend: ${backend.name}${backend.notes.length ? `; ${backend.notes.join('; ')}` : ''})\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`eqmorph: unknown command "${name}"\n\n${help()}`);
    return 2;
  }
  try {
    // The backend's WASM compiles on other threads while the command's modules load (it is chosen once per process).
    if (MODEL_COMMANDS.has(name)) void initBackend();
    return await (await command.load())(rest);
  } catch (err) {
    // Expected errors (bad input, a busy port, a missing file) are one sentence; nothing prints a stack trace unless --debug.
    const { text, exitCode } = describeError(`eqmorph ${name}`, err, debug);
    process.stderr.write(text);
    return exitCode;
  }
}
