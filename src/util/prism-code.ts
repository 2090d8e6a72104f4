/**
 * Prism's WebAssembly compiled ahead, by the build. V8 compiles a WebAssembly module's functions
 * the first time a parse calls each (Liftoff, its baseline compiler): on a run whose Ruby parses
 * are not in the parse cache (the first run of an app, a CI job that keeps no cache folder) that
 * was ≈ 30 M instructions and ≈ 600 page faults of a `conncalc plan` on a Rails app, and Node 20
 * keeps no compiled WebAssembly between runs. The build (esbuild.config.js) compiles Prism's
 * module with V8's optimizing compiler, parses the Ruby files of the examples and fixtures with
 * it, and writes V8's serialization of the compiled module beside the bundle; a run hands that
 * and the module's bytes to V8, which checks that they were made by this V8, with these flags,
 * for this processor, and otherwise declines. A function the build's parses never called is
 * compiled as before when first called.
 *
 * Node has no API for it: V8's own test functions %SerializeWasmModule and
 * %DeserializeWasmModule are used, allowed only from the moment they are needed (the flag is set
 * back at exit, as liftoff.ts does, so the code cache bin/code-cache.js writes is stamped with the
 * flags the next run starts with). Anything that does not work — no such file, another Node,
 * other V8 flags, a V8 without those functions — compiles the module as before. The file's
 * name holds a hash of dist/prism.wasm (V8 does not check that the bytes it is given are the
 * ones compiled), the Node version, platform and processor; CONNCALC_CODE_CACHE=0 turns it off and
 * CONNCALC_CODE_CACHE=DIR looks for it in DIR, as for the code cache. Only the build writes it
 * (compiling every function that way takes seconds): like the code cache it is code this process
 * runs, kept beside the bundle.
 */
import {closeSync, fstatSync, lstatSync, openSync, readSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

import {type FlagUntilExit, setUntilExit} from './v8-flags.js'

/** The hash of dist/prism.wasm, defined by the build (esbuild.config.js); absent when run from source. */
declare const __CONNCALC_PRISM_WASM__: string | undefined

type Compile = (wire: Uint8Array) => Promise<unknown>

/** Node's WebAssembly global, as far as this module uses it (the ES lib types used here do not describe it). */
const wasm = (globalThis as unknown as {WebAssembly: {compile: Compile}}).WebAssembly

/** The file's name for the module whose bytes hash to `wasmHash`, on this Node. */
export function prismCodeName(wasmHash: string): string {
  return `prism-${wasmHash}-node${process.versions.node}-v8-${process.versions.v8}-${process.platform}-${process.arch}.code`
}

/** The folder the compiled module is looked for in, or undefined when the code cache is off. */
export function prismCodeDir(env: NodeJS.ProcessEnv, besideBundle: string): string | undefined {
  const setting = env.CONNCALC_CODE_CACHE
  if (setting === '0' || setting === 'false' || setting === 'off') return undefined
  const dir = setting || besideBundle
  return isPrivate(dir) ? dir : undefined
}

/**
 * As bin/code-cache.js asks of the code cache's folder: in the shared temporary folder, only a
 * folder, not a link, of this user's that no one else can write to (what is read from it is code
 * this process runs).
 */
function isPrivate(dir: string): boolean {
  const uid = process.getuid?.()
  if (uid === undefined || !dir.startsWith(tmpdir())) return true
  try {
    const stat = lstatSync(dir)
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0
  } catch {
    return false
  }
}

/** Compile Prism's module from `wire` (its bytes), from the build's compiled code when V8 takes it. */
export async function compilePrism(wire: Uint8Array, env: NodeJS.ProcessEnv = process.env): Promise<unknown> {
  return compiledAhead(wire, env) ?? wasm.compile(wire)
}

function compiledAhead(wire: Uint8Array, env: NodeJS.ProcessEnv): unknown {
  if (typeof __CONNCALC_PRISM_WASM__ !== 'string') return undefined
  const dir = prismCodeDir(env, fileURLToPath(new URL('.', import.meta.url)))
  if (dir === undefined) return undefined
  const code = readCode(join(dir, prismCodeName(__CONNCALC_PRISM_WASM__)))
  if (!code) return undefined
  try {
    setUntilExit(ALLOW_NATIVES)
    // eslint-disable-next-line no-new-func -- V8's %-functions can only be written in code compiled after the flag is set
    const deserialize = new Function('code', 'wire', 'return %DeserializeWasmModule(code, wire)') as (code: ArrayBuffer, wire: Uint8Array) => unknown
    return deserialize(code, wire) ?? undefined
  } catch {
    return undefined
  }
}

/** The line the build writes before V8's bytes: V8 reads a truncated file as if it were whole (and aborts), so its length is checked here. */
export const PRISM_CODE_HEADER = 'conncalc prism code '

/**
 * V8's bytes in the file at `path`, in an ArrayBuffer of their own (V8 reads an ArrayBuffer: one
 * holding only them, not a copy of a part of one, ≈ 500 fewer page faults); undefined when there
 * is no such file or it is not as long as its first line says.
 */
function readCode(path: string): ArrayBuffer | undefined {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    return undefined
  }

  try {
    const size = fstatSync(fd).size
    const head = Buffer.alloc(64)
    const header = new RegExp(`^${PRISM_CODE_HEADER}(\\d+)\n`).exec(head.toString('latin1', 0, readSync(fd, head, 0, head.length, 0)))
    if (!header || Number(header[1]) !== size - header[0].length) return undefined
    const code = Buffer.allocUnsafeSlow(size - header[0].length)
    for (let read = 0; read < code.length; ) {
      const n = readSync(fd, code, read, code.length - read, header[0].length + read)
      if (n === 0) return undefined
      read += n
    }

    return code.buffer
  } catch {
    return undefined
  } finally {
    closeSync(fd)
  }
}

/** V8's --allow-natives-syntax, until the process exits (set with --liftoff-only by languages/ruby/prism.ts, in one call to V8). */
export const ALLOW_NATIVES: FlagUntilExit = {set: '--allow-natives-syntax', undo: '--no-allow-natives-syntax'}
