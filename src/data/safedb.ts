// Reads SAFE-DB's parametric-equaliser CSV into typed examples; malformed rows are reported by line and skipped.

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PARAMS, PARAM_COUNT } from '../eq/bands.js';
import { parseCsv } from './csv.js';
import { DataFileError } from './errors.js';

export interface SafeExample {
  /** The row's `entry` id. */
  readonly entry: number;
  /** 1-based line in the file. */
  readonly line: number;
  /** The descriptor exactly as typed. */
  readonly descriptor: string;
  /** The 13 free parameters in physical units, in PARAMS order, peaking bands as in the file (unsorted). */
  readonly params: readonly number[];
}

export interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

export interface SafeDataset {
  readonly path: string;
  readonly sha256: string;
  readonly examples: readonly SafeExample[];
  readonly rejected: readonly RejectedRow[];
}

const EXPECTED_COLUMNS = 25;
/** Columns 5..17 hold the bands; 15 and 9,12 are peaking Qs, shelf Q is not in the file. */
const PARAM_COLUMNS = [5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17];
/** Values stored as float32 in the original plug-in land a hair outside the nominal range (0.7099999785 for 0.71). */
const RANGE_TOLERANCE = 1e-3;

/** Parses SAFE-DB CSV text; pure apart from hashing. */
export function parseSafeDb(text: string, path = '<memory>'): SafeDataset {
  const examples: SafeExample[] = [];
  const rejected: RejectedRow[] = [];
  for (const row of parseCsv(text)) {
    const reason = rowProblem(row.fields);
    if (reason) {
      rejected.push({ line: row.line, reason });
      continue;
    }
    const params = PARAM_COLUMNS.map((c) => Number(row.fields[c]));
    examples.push({ entry: Number(row.fields[0]), line: row.line, descriptor: row.fields[1]!, params });
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  return { path, sha256, examples, rejected };
}

/** A field as quoted in a reason: short, whatever a damaged or binary file holds there. */
const quote = (field: string) => (field.length > 24 ? `${JSON.stringify(field.slice(0, 24))}...` : JSON.stringify(field));

/** Why a dataset cannot be trained on at all (no rows, or no row a SAFE-DB row), as a sentence with the fix; null when it can. */
export function datasetProblem(d: SafeDataset): string | null {
  if (d.examples.length > 0) return null;
  if (d.rejected.length === 0) return 'the file holds no rows; pass --data PATH to the SAFE-DB parametric-equaliser CSV';
  const first = d.rejected[0]!;
  return `none of its ${d.rejected.length} rows is a SAFE-DB row (line ${first.line}: ${first.reason}); pass --data PATH to the SAFE-DB parametric-equaliser CSV`;
}

/** The report of skipped rows: how many, and the first `shown` with their line numbers and reasons; null when none. */
export function skippedRowsText(d: SafeDataset, shown = 5): string | null {
  if (d.rejected.length === 0) return null;
  const list = d.rejected.slice(0, shown).map((r) => `line ${r.line} (${r.reason})`).join('; ');
  const more = d.rejected.length > shown ? `; and ${d.rejected.length - shown} more` : '';
  return `skipped ${d.rejected.length} malformed row${d.rejected.length === 1 ? '' : 's'} of ${d.path}: ${list}${more}`;
}

function rowProblem(fields: readonly string[]): string | null {
  if (fields.length !== EXPECTED_COLUMNS) return `expected ${EXPECTED_COLUMNS} columns, found ${fields.length}`;
  if (!/^\d+$/.test(fields[0]!.trim())) return `entry id ${quote(fields[0]!)} is not a whole number`;
  for (let i = 0; i < PARAM_COUNT; i++) {
    const col = PARAM_COLUMNS[i]!;
    const spec = PARAMS[i]!;
    const raw = fields[col]!.trim();
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) return `column ${col} (${spec.name}) is not a number: ${quote(raw)}`;
    const tol = RANGE_TOLERANCE * Math.max(1, Math.abs(spec.range.max));
    if (v < spec.range.min - tol || v > spec.range.max + tol) {
      return `column ${col} (${spec.name}) = ${v} is outside ${spec.range.min}..${spec.range.max}`;
    }
  }
  return null;
}

export function loadSafeDb(path: string): SafeDataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file. SAFE-DB does not ship with eqmorph: get its parametric-EQ user data, SAFEEqualiserUserData.csv, from the SAFE project (semanticaudio.co.uk) and pass --data PATH'
        : (err as Error).message;
    throw new DataFileError(path, `cannot read the SAFE-DB dataset: ${why}`);
  }
  return parseSafeDb(text, path);
}
