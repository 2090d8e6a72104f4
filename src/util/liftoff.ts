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
import {type FlagUntilExit, setUntilExit} from './v8-flags.js'

/** `also`: other flags the caller needs from the same moment, set in the same call to V8 (v8-flags.ts). */
export function liftoffOnly(...also: FlagUntilExit[]): void {
  // Set back at exit: the flag, and on the two it turned off.
  setUntilExit({set: '--liftoff-only', undo: '--no-liftoff-only --wasm-tier-up --wasm-dynamic-tiering'}, ...also)
}
