// Test helper: the text of a one-instance mapping whose EQ goes out over OSC with eqmorph's own target profile.
import { resolve } from 'node:path';

/** `inputs` are YAML lines under `inputs:`; bindings are flow mappings; `initial` adds to `term_a: warm, term_b: bright`. */
export function mappingText(opts: { inputs: string[]; bindings: string[]; initial?: string; eqPort?: number }): string {
  return `version: 1
kind: mapping
name: test
inputs:
${opts.inputs.map((i) => `  ${i}\n`).join('')}outputs:
  eq: { profile: ${resolve('firmware-profiles/targets/eqmorph-osc.yaml')}, osc: { send: 127.0.0.1:${opts.eqPort ?? 9} } }
instances:
  - name: main
    output: eq
    initial: { term_a: warm, term_b: bright${opts.initial ? `, ${opts.initial}` : ''} }
    bindings:
${opts.bindings.map((b) => `      - ${b}\n`).join('')}`;
}
