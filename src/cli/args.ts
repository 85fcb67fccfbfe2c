// Flag parsing shared by the commands: node's parseArgs with errors turned into UsageError, and checked numbers.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

/**
 * `--alpha -1` as `--alpha=-1`: node's parser takes a value starting with a dash for another option and calls the
 * command line ambiguous; a negative number is a value, and the flag's own check then says what range it takes.
 */
function joinNegativeValues(args: readonly string[], options: NonNullable<ParseArgsConfig['options']>): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = /^--([^=]+)$/.exec(args[i]!)?.[1];
    const next = args[i + 1];
    if (flag !== undefined && options[flag]?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${args[i]}=${next}`);
      i++;
    } else out.push(args[i]!);
  }
  return out;
}

export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, allowPositionals = false) {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals, strict: true });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export function numberFlag(name: string, raw: string | undefined, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const { min = -Infinity, max = Infinity, integer = false } = opts;
  if (raw.trim() === '' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
    const range = `${Number.isFinite(min) ? min : ''}..${Number.isFinite(max) ? max : ''}`;
    throw new UsageError(`--${name} must be ${integer ? 'a whole number' : 'a number'} in ${range}, got "${raw}"`);
  }
  return v;
}
