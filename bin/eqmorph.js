#!/usr/bin/env node
// Entry point of the eqmorph CLI: runs the compiled command dispatcher.
// A reader that stops early (`eqmorph terms | head`) is not an error.
// `run` is a real-time process: V8 would grow its young generation to 32 MB, and each collection of it then paused a
// fader's frames for 1.5-5 ms (13 ms seen) and added ~30 MB of RSS. Kept at its initial 1 MB per semi-space, collections
// come more often but take ~0.4 ms (measured: docs/performance.md); and no memory reducer, whose whole-heap collections
// held an input's datagrams for 11-12 ms. GC heuristics read as V8 goes, so they work when set at run time; heap sizes
// (--max-semi-space-size) cannot be changed once the process runs.
if (process.argv[2] === 'run') (await import('../dist/bundle/heap-settings.js')).useRealtimeHeapSettings();
process.stdout.on('error', (err) => { if (err.code === 'EPIPE') process.exit(0); throw err; });
import('../dist/bundle/main.js').then((m) => m.main(process.argv.slice(2))).then(
  (code) => { if (typeof code === 'number') process.exitCode = code; },
  // main() tells every command's errors in one line; this only catches a failure to load it. A stack trace only with --debug.
  (err) => { console.error(process.argv.includes('--debug') && err instanceof Error ? err.stack : `eqmorph: ${err instanceof Error ? err.message.split('\n')[0] : err} (run again with --debug to see where)`); process.exitCode = 1; },
);
