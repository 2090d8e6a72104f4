/**
 * V8's flag setter and its code-cache stamp, for util/liftoff.ts and util/prism-code.ts. node:v8
 * gives them, but loading it loads its heap-snapshot reader and with it Node's whole stream
 * machinery (≈ 25 modules, ≈ 6 M instructions of a first `conncalc plan` on a Rails app);
 * node:v8 calls them on Node's own binding, which process.binding('v8') hands out: that is used
 * when it has both functions, node:v8 otherwise. process.binding is deprecated (DEP0111, a warning
 * only under --pending-deprecation): the warning it would emit here is not shown, every other is.
 */
import {createRequire} from 'node:module'

export interface V8Flags {
  cachedDataVersionTag(): number
  setFlagsFromString(flags: string): void
}

let flags: undefined | V8Flags

export function v8Flags(): V8Flags {
  // Required here, not imported at the top: the import would load node:v8 with the bundle.
  flags ??= nodeBinding() ?? (createRequire(import.meta.url)('node:v8') as V8Flags)
  return flags
}

function nodeBinding(): undefined | V8Flags {
  const emit = process.emitWarning
  process.emitWarning = () => {}
  try {
    const binding = (process as unknown as {binding?: (name: string) => Partial<V8Flags> | undefined}).binding?.('v8')
    const {cachedDataVersionTag, setFlagsFromString} = binding ?? {}
    if (typeof cachedDataVersionTag !== 'function' || typeof setFlagsFromString !== 'function') return undefined
    return {cachedDataVersionTag: () => cachedDataVersionTag.call(binding), setFlagsFromString: (f) => setFlagsFromString.call(binding, f)}
  } catch {
    return undefined
  } finally {
    process.emitWarning = emit
  }
}

/** A V8 flag set while conncalc runs, and the flags that set V8 back as it was at start. */
export interface FlagUntilExit {
  set: string
  undo: string
}

/** The flags setUntilExit set, each with what undoes it ('' for one that was on already). */
const untilExit = new Map<string, string>()

/**
 * Set `flags` from now until the process exits, in one call to V8: each call runs V8's flag
 * implications over all its flags (≈ 0.2 M instructions), and a first run of a Rails app set two
 * flags (util/liftoff.ts, util/prism-code.ts) and undid them in four calls. As the process exits,
 * every flag set here is undone, in one call, before bin/code-cache.js's listener writes a code
 * cache, which V8 stamps with the flags in force: stamped with the flags the next run starts
 * with. A flag already set here is skipped; if V8's stamp does not change, the flags were on
 * already (given to node on its command line) and are left on.
 */
export function setUntilExit(...flags: FlagUntilExit[]): void {
  const fresh = flags.filter((f) => !untilExit.has(f.set))
  if (fresh.length === 0) return
  const v8 = v8Flags()
  const before = v8.cachedDataVersionTag()
  v8.setFlagsFromString(fresh.map((f) => f.set).join(' '))
  const changed = v8.cachedDataVersionTag() !== before
  const listening = [...untilExit.values()].some(Boolean)
  for (const f of fresh) untilExit.set(f.set, changed ? f.undo : '')
  if (changed && !listening) process.prependOnceListener('exit', () => v8.setFlagsFromString([...untilExit.values()].filter(Boolean).join(' ')))
}
