// Runs the CLI from TypeScript sources (used by tests; the installed binary runs the compiled dist/ instead).
import { debugFlag, describeError } from './errors.js';
import { main } from './main.js';

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  // main() tells every command's errors itself; this is the last line of defence (a failure while loading it).
  const { text, exitCode } = describeError('eqmorph', err, debugFlag(process.argv).debug);
  process.stderr.write(text);
  process.exitCode = exitCode;
}
