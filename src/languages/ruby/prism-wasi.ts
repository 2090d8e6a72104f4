/**
 * What Prism's WebAssembly is given for its WASI imports in conncalc's bundle, instead of Node's
 * node:wasi (esbuild.config.js, prism-loader, swaps Prism's `import { WASI } from "wasi"` for this
 * module; Prism's own index, which the tests that import src/ use, keeps Node's).
 *
 * Prism is a parser: it reads the text it is handed in its memory and writes its answer there.
 * Of the 45 WASI functions its module imports, the only one it calls is random_get, once, for 4
 * bytes as its C library starts (`_initialize`): traced over the 151,296 Ruby files of the
 * examples, the test fixtures and the corpus's 765 apps, no parse called another. Loading
 * node:wasi and making Node's WASI (uvwasi, its options) cost a first run of the Rails example
 * (its Ruby files not in the parse cache) 3.3 M instructions (callgrind, main thread: 236.2 →
 * 232.9 M), to answer that one call. Here random_get fills the bytes from Math.random (what they
 * seed guards nothing an attacker reaches: the text is a config file conncalc parses, never
 * runs); any other function answers ENOSYS ("not supported"), which the C library handles as a
 * failed call; proc_exit, which Prism calls only if it aborts, throws, as Node's WASI does.
 */

/** WASI's errno for a function not supported. */
const ENOSYS = 52

/** The instance's exports this module uses (Prism exports its memory and `_initialize`, as a WASI reactor does). */
interface Reactor {
  exports: {_initialize?: () => void; memory?: {buffer: ArrayBuffer}}
}

export class WASI {
  private memory: {buffer: ArrayBuffer} | undefined

  /** Prism's index calls it with `{version: "preview1"}`, the only version there is. */
  constructor(_options?: unknown) {}

  getImportObject(): {wasi_snapshot_preview1: Record<string, (...args: number[]) => number>} {
    const random_get = (at: number, length: number): number => {
      if (!this.memory) return ENOSYS
      const bytes = new Uint8Array(this.memory.buffer, at, length)
      for (let i = 0; i < length; i++) bytes[i] = Math.floor(Math.random() * 256)
      return 0
    }

    const proc_exit = (code: number): never => {
      throw new Error(`Prism's WebAssembly exited with code ${code}`)
    }

    const unsupported = (): number => ENOSYS
    // V8 looks each import up by name as it instantiates: every name but those two is unsupported.
    const functions = new Proxy({proc_exit, random_get} as Record<string, (...args: number[]) => number>, {
      get: (named, name) => (typeof name === 'string' && Object.hasOwn(named, name) ? named[name] : unsupported),
    })
    return {wasi_snapshot_preview1: functions}
  }

  /** As Node's: keep the instance's memory and run its C library's start (`_initialize`). */
  initialize(instance: Reactor): void {
    this.memory = instance.exports.memory
    instance.exports._initialize?.()
  }
}
