// The two error classes a profile load can throw: one located problem (ProfileError) and all of a file's problems (ProfileErrors).

/** What went wrong, so that callers and tests can tell problems apart without parsing messages. */
export type ProfileErrorCode =
  | 'io' // the file could not be read
  | 'syntax' // YAML syntax
  | 'duplicate_key' // the same key twice in one mapping
  | 'unknown_key' // a key the schema does not allow (unknown keys are errors, never ignored)
  | 'missing_key' // a required key is absent
  | 'wrong_type' // e.g. a string where a number belongs
  | 'bad_value' // a value outside an enum or a pattern
  | 'out_of_range' // a number or list length outside its bounds
  | 'reference' // a name that should refer to something that exists (control, output, input, file)
  | 'unknown_term' // a term the model does not know
  | 'version' // a version this eqmorph cannot read
  | 'invalid'; // any other rule (e.g. "takeover needs an absolute control")

export interface ProfileErrorInit {
  readonly code: ProfileErrorCode;
  /** Absolute path of the YAML file. */
  readonly file: string;
  /** 1-based line and column of the offending key or value; 0 when the problem has no position (e.g. unreadable file). */
  readonly line: number;
  readonly column: number;
  /** YAML path of the offending key, e.g. `instances[0].bindings[2].takeover`; '' for the whole document. */
  readonly path: string;
  /** What is wrong, as a sentence fragment without the location, e.g. `unknown key "chanel"; did you mean "channel"?`. */
  readonly problem: string;
  /** The value found in the file (absent when nothing was given). */
  readonly given?: unknown;
  /** What would be accepted, e.g. the members of an enum or the keys of an object. */
  readonly allowed?: readonly string[];
  /** Close matches for a misspelt key, value, name or term. */
  readonly suggestions?: readonly string[];
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  // A value may be a whole file that did not parse as a profile: at most the start of its first line is quoted.
  if (typeof value === 'string') {
    const line = value.split(/\r?\n/, 1)[0]!;
    return line.length > 60 || line.length < value.length ? `${JSON.stringify(line.slice(0, 57))}...` : JSON.stringify(value);
  }
  try {
    const s = JSON.stringify(value);
    if (s === undefined) return String(value);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(value);
  }
}

/** One problem in one profile file, located by line, column and YAML path. */
export class ProfileError extends Error {
  readonly code: ProfileErrorCode;
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly problem: string;
  readonly given: unknown;
  readonly hasGiven: boolean;
  readonly allowed: readonly string[];
  readonly suggestions: readonly string[];

  constructor(init: ProfileErrorInit) {
    const hasGiven = 'given' in init;
    super(ProfileError.format(init, hasGiven));
    this.name = 'ProfileError';
    this.code = init.code;
    this.file = init.file;
    this.line = init.line;
    this.column = init.column;
    this.path = init.path;
    this.problem = init.problem;
    this.given = init.given;
    this.hasGiven = hasGiven;
    this.allowed = init.allowed ?? [];
    this.suggestions = init.suggestions ?? [];
  }

  /** `file:line:col: path: problem (given X; allowed: a, b, c)`; position and path are left out when unknown. */
  static format(init: ProfileErrorInit, hasGiven = 'given' in init): string {
    const where = init.line > 0 ? `${init.file}:${init.line}:${init.column}` : init.file;
    const details: string[] = [];
    if (hasGiven) details.push(`given ${show(init.given)}`);
    if (init.allowed && init.allowed.length > 0) {
      const list = init.allowed.length > 12 ? [...init.allowed.slice(0, 12), '...'] : init.allowed;
      details.push(`allowed: ${list.join(', ')}`);
    }
    return `${where}: ${init.path ? `${init.path}: ` : ''}${init.problem}${details.length ? ` (${details.join('; ')})` : ''}`;
  }
}

/** Every problem found in one load (a file and the profiles it references), in file and line order. */
export class ProfileErrors extends Error {
  readonly errors: readonly ProfileError[];
  readonly exitCode = 2;

  constructor(errors: readonly ProfileError[]) {
    const sorted = [...errors].sort((a, b) => (a.file === b.file ? a.line - b.line || a.column - b.column : 0));
    super(
      sorted.length === 1
        ? sorted[0]!.message
        : `${sorted.length} problems:\n${sorted.map((e) => `  ${e.message}`).join('\n')}`,
    );
    this.name = 'ProfileErrors';
    this.errors = sorted;
  }
}
