// `eqmorph terms`: the model's vocabulary with its source and support.

import { DEFAULT_MODEL_DIR } from '../data/paths.js';
import { parseFlags } from './args.js';
import { loadModelOption } from './model-option.js';

export const TERMS_HELP = `eqmorph terms [--model DIR] [--all] [--json]

Lists the terms the model knows, with their source and number of examples or contributors.

  --model DIR   model directory (default ${DEFAULT_MODEL_DIR})
  --all         include terms kept out of the default vocabulary (thin support or a poor fit)
  --json        print a JSON array
`;

export async function termsCommand(args: string[]): Promise<number> {
  const { values } = parseFlags(args, { model: { type: 'string' }, all: { type: 'boolean' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(TERMS_HELP);
    return 0;
  }
  const model = await loadModelOption(values.model);
  const rows = [...model.files.terms]
    .filter(([, t]) => values.all || !t.hidden)
    .map(([term, t]) => ({ term, source: t.source, language: t.language, count: t.count, agreement: t.agreement, fitErrorDb: t.fitErrorDb, hidden: t.hidden ?? false }));
  if (values.json) {
    process.stdout.write(JSON.stringify(rows, null, 1) + '\n');
    return 0;
  }
  process.stdout.write(`${'term'.padEnd(16)}${'source'.padEnd(10)}${'count'.padStart(6)}  fit error\n`);
  for (const r of rows) {
    const fit = r.fitErrorDb === null ? '' : `${r.fitErrorDb.toFixed(2)} dB`;
    process.stdout.write(`${r.term.padEnd(16)}${r.source.padEnd(10)}${String(r.count).padStart(6)}  ${fit}${r.hidden ? '  (hidden)' : ''}\n`);
  }
  return 0;
}
