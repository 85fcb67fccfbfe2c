// A parsed YAML file that can say where any YAML path sits (line, column), so every error points at the key or value.

import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import { ProfileError, type ProfileErrorInit } from './errors.js';

export type PathSegment = string | number;

/** `instances[0].bindings[2].takeover` */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[\w$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Whether an error is about a key (its name is wrong or unwanted) or about the value under it. */
export type Target = 'key' | 'value';

export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly doc: Document.Parsed;
  private readonly lines: LineCounter;

  private constructor(file: string, text: string, doc: Document.Parsed, lines: LineCounter) {
    this.file = file;
    this.text = text;
    this.doc = doc;
    this.lines = lines;
  }

  /** Parses without throwing; syntax errors and duplicate keys are in `problems`. */
  static parse(file: string, text: string): { source: YamlSource; problems: ProfileError[] } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, keepSourceTokens: true, prettyErrors: false, uniqueKeys: true, merge: false, strict: true });
    const source = new YamlSource(file, text, doc, lines);
    const problems = doc.errors.map((err) => {
      const pos = source.position(err.pos[0]);
      const duplicate = err.code === 'DUPLICATE_KEY';
      const path = duplicate ? source.pathAt(err.pos[0]) : [];
      const init: ProfileErrorInit = {
        code: duplicate ? 'duplicate_key' : 'syntax',
        file,
        ...pos,
        path: formatPath(path),
        problem: duplicate
          ? `duplicate key "${String(path[path.length - 1] ?? '')}"; each key may appear once in a mapping`
          : `YAML syntax: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      };
      return new ProfileError(init);
    });
    return { source, problems };
  }

  /** 1-based line and column of a character offset. */
  position(offset: number): Position {
    const p = this.lines.linePos(Math.max(0, Math.min(offset, this.text.length)));
    return { line: p.line, column: p.col };
  }

  /**
   * Where a YAML path is: the value's start, or the key's start for `target: 'key'`.
   * A path that does not exist in the file (a missing key) points at the key of the deepest part that does exist.
   */
  locate(path: readonly PathSegment[], target: Target = 'value'): Position {
    let node: Node | null = this.doc.contents as Node | null;
    let keyNode: Node | null = null;
    for (const seg of path) {
      if (node && isAlias(node)) node = (node.resolve(this.doc) as Node | undefined) ?? null;
      let next: Node | null = null;
      let nextKey: Node | null = null;
      if (node && isMap(node)) {
        const pair = (node.items as Pair<unknown, unknown>[]).find((p) => keyText(p.key) === String(seg));
        if (pair) {
          nextKey = isNodeLike(pair.key) ? (pair.key as Node) : null;
          next = isNodeLike(pair.value) ? (pair.value as Node) : nextKey;
        }
      } else if (node && isSeq(node) && typeof seg === 'number') {
        const item = node.items[seg];
        next = isNodeLike(item) ? (item as Node) : null;
        nextKey = next;
      }
      if (!next) {
        // The path leaves the document here: point at what holds the missing part.
        return this.start(keyNode ?? node);
      }
      node = next;
      keyNode = nextKey;
    }
    return this.start(target === 'key' ? keyNode ?? node : node);
  }

  /** A ProfileError located at `path` in this file. */
  error(path: readonly PathSegment[], target: Target, init: Omit<ProfileErrorInit, 'file' | 'line' | 'column' | 'path'>): ProfileError {
    return new ProfileError({ ...init, file: this.file, ...this.locate(path, target), path: formatPath(path) });
  }

  /** The YAML path of the innermost key whose key or value contains the offset. */
  pathAt(offset: number): PathSegment[] {
    const path: PathSegment[] = [];
    let node: unknown = this.doc.contents;
    for (;;) {
      if (isMap(node)) {
        const pair = node.items.find((p) => inside(p.key, offset) || inside(p.value, offset));
        if (!pair) return path;
        path.push(keyText(pair.key) ?? '');
        if (inside(pair.key, offset)) return path;
        node = pair.value;
      } else if (isSeq(node)) {
        const i = node.items.findIndex((item) => inside(item, offset));
        if (i < 0) return path;
        path.push(i);
        node = node.items[i];
      } else {
        return path;
      }
    }
  }

  private start(node: Node | null): Position {
    const offset = node?.range?.[0];
    return offset === undefined ? { line: 1, column: 1 } : this.position(offset);
  }
}

function isNodeLike(x: unknown): boolean {
  return typeof x === 'object' && x !== null && 'range' in x && !isPair(x);
}

function keyText(key: unknown): string | null {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return null;
  return typeof key === 'object' ? null : String(key);
}

function inside(node: unknown, offset: number): boolean {
  if (!isNodeLike(node)) return false;
  const range = (node as Node).range;
  return !!range && offset >= range[0] && offset < Math.max(range[1], range[0] + 1);
}
