// `eqmorph validate FILE...`: loads each controller profile, target profile or mapping and prints ok or its located errors.

import { existsSync, readFileSync } from 'node:fs';
import { ProfileErrors } from '../profiles/errors.js';
import { loadAnyProfile } from '../profiles/load.js';
import { parseFlags } from './args.js';
import { loadModelOption, mappingTerms } from './model-option.js';

export const VALIDATE_HELP = `eqmorph validate [--model DIR] FILE...

Checks controller profiles, target profiles and mappings (the kind is read from each file's kind: key).
A mapping is checked together with the profiles it references and the model's vocabulary (--model, default the
shipped model): every problem is reported in one pass, schema errors, missing profile files, unknown controls and
unknown terms alike. Prints "ok  FILE (kind, name)" for a valid file and each problem as
FILE:LINE:COLUMN: KEY: PROBLEM otherwise.

Exit code: 0 when every file is valid, 2 when any is not.

Editors: put "# yaml-language-server: $schema=<path>/schema/<kind>.schema.json" on a profile's first line
for completion and linting as you type (kind: controller, target or mapping).
`;

/** Where the command writes; tests pass their own. */
export interface Output {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const STDIO: Output = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export async function validateCommand(args: string[], io: Output = STDIO): Promise<number> {
  const { values, positionals } = parseFlags(args, { model: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) {
    io.out(VALIDATE_HELP);
    return 0;
  }
  if (positionals.length === 0) {
    io.err(`eqmorph validate: give at least one file\n\n${VALIDATE_HELP}`);
    return 2;
  }
  // The model (and TensorFlow) loads only when a mapping names terms to check.
  const mappings = positionals.some((f) => existsSync(f) && /^kind:\s*mapping\b/m.test(readFileSync(f, 'utf8')));
  const knownTerms = mappings ? mappingTerms(await loadModelOption(values.model)) : undefined;
  let failed = 0;
  for (const file of positionals) {
    try {
      const profile = await loadAnyProfile(file, knownTerms ? { knownTerms } : {});
      io.out(`ok  ${file} (${profile.kind}, ${profile.name})\n`);
    } catch (err) {
      if (!(err instanceof ProfileErrors)) throw err;
      failed++;
      const n = err.errors.length;
      io.out(`bad ${file} (${n} problem${n === 1 ? '' : 's'})\n`);
      for (const e of err.errors) io.out(`  ${e.message}\n`);
    }
  }
  return failed === 0 ? 0 : 2;
}
