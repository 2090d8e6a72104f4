#!/usr/bin/env -S node --
// The `--` ends node's own options: without it Node reads a script argument
// `--env-file PATH` as its own flag and exits 9 when PATH is missing
// (nodejs/node#54232), before conncalc can say anything useful.

// Prism is WebAssembly. V8 would recompile its hot functions with TurboFan on
// background threads, and Node waits for those jobs before it exits (~30 ms):
// for a short-lived CLI the baseline compiler alone is faster end to end.
const {setFlagsFromString} = await import('node:v8')
setFlagsFromString('--liftoff-only')

// oclif checks the Node version with semver at start-up (~20 ms); package.json's
// engines field and the syntax we ship already require Node 20.
process.env.OCLIF_DISABLE_ENGINE_WARNING ??= '1'

// dist/main.js is one esbuild bundle (npm run build): loading one file instead
// of ~200 modules is most of what keeps start-up near a bare `node -e 0`.
const {execute} = await import('../dist/main.js')
await execute({dir: import.meta.url})
