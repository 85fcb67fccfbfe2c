// Runs the CLI from TypeScript sources (used by tests; the installed binary runs the compiled dist/ instead).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
