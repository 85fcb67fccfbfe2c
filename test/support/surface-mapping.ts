// Test helper: the YAML text of a small mapping, one eqmorph OSC surface (input `surface`) and one OSC output of a
// shipped target, with profile paths made absolute so the file may be written anywhere.
import { resolve } from 'node:path';

export interface SurfaceMapping {
  readonly name: string;
  /** What goes inside the surface's `osc: { ... }`: `listen: 127.0.0.1:9000`, and `allow:` where wanted. */
  readonly surface: string;
  /** The output's name, its shipped target (a file name in firmware-profiles/targets, without .yaml), where it sends. */
  readonly output: { readonly name: string; readonly target: string; readonly send: string };
  /** Each instance, one YAML flow mapping (`{ name: main, ... }`). */
  readonly instances: readonly string[];
  /** Top-level lines after the instances (`on_exit: flat`). */
  readonly after?: string;
}

/** The surface is on line 5 and the output on line 7 (tests that check an error's line rely on it). */
export function surfaceMappingYaml(m: SurfaceMapping): string {
  return `version: 1
kind: mapping
name: ${m.name}
inputs:
  surface: { profile: ${resolve('firmware-profiles/controllers/eqmorph-osc.yaml')}, osc: { ${m.surface} } }
outputs:
  ${m.output.name}: { profile: ${resolve(`firmware-profiles/targets/${m.output.target}.yaml`)}, osc: { send: ${m.output.send} } }
instances:
${m.instances.map((i) => `  - ${i}\n`).join('')}${m.after ? `${m.after}\n` : ''}`;
}
