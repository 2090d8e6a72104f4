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
