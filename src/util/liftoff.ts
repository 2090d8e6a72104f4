/**
 * V8's `--liftoff-only`, set just before conncalc compiles WebAssembly (Prism, tree-sitter, oxc's
 * fallback). On V8's optimizing tier a parser's hot functions are recompiled on background threads,
 * and Node waits for those jobs before it exits (~30 ms): for a short-lived CLI the baseline
 * compiler alone is faster end to end.
 *
 * Set here, when a parser is needed, not at start: node:v8 loads Node's streams (its heap
 * snapshot reader), which a run that compiles no parser (a Rails app whose parses are all in the
 * parse cache) then never loads; and V8 stamps code with the flags in force, so every node:*
 * module loaded after the flag is compiled from its source, not taken from Node's own cache.
 * As the process exits, the flag and the two it turned off are set back, so that a code cache
 * bin/code-cache.js writes at exit (its listener runs after this one) is stamped with the flags
 * the next run starts with; bin/code-cache.js writes none if V8's stamp still differs.
 */
import {v8Flags} from './v8-flags.js'

let set = false

export function liftoffOnly(): void {
  if (set) return
  set = true
  const v8 = v8Flags()
  const before = v8.cachedDataVersionTag()
  v8.setFlagsFromString('--liftoff-only')
  if (v8.cachedDataVersionTag() === before) return // already set (node --liftoff-only)
  process.prependOnceListener('exit', () => {
    for (const flag of ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering']) v8.setFlagsFromString(flag)
  })
}
