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
    const functions = new Proxy({...WASI.unsupported(), proc_exit, random_get} as Record<string, (...args: number[]) => number>, {
      get: (named, name) => (typeof name === 'string' && Object.hasOwn(named, name) ? named[name] : unsupported),
    })
    return {wasi_snapshot_preview1: functions}
  }

  /**
   * The unsupported functions as WebAssembly's own, each answering ENOSYS: V8 calls a WebAssembly
   * import that is another module's function directly, but compiles a TurboFan wrapper for each
   * signature of a JavaScript one as it instantiates (17 for Prism's 45 imports: ≈ 6.6 M of a first
   * run's 240.8 M instructions, callgrind, main thread). The module made here holds one function per
   * signature (preview 1's, fixed by the WASI standard: i = i32, I = i64, each returning an i32) and
   * exports it under each name; random_get and proc_exit stay JavaScript (two wrappers). A name not
   * listed answers from JavaScript. test/cli/prism-wasm.test.ts instantiates the build's Prism with
   * these, so a signature that differed from Prism's would fail it (V8 refuses to link it).
   */
  private static unsupported(): Record<string, (...args: number[]) => number> {
    const listed =
      'args_get ii,args_sizes_get ii,environ_get ii,environ_sizes_get ii,clock_res_get ii,clock_time_get iIi,fd_advise iIIi,' +
      'fd_allocate iII,fd_close i,fd_datasync i,fd_fdstat_get ii,fd_fdstat_set_flags ii,fd_fdstat_set_rights iII,fd_filestat_get ii,' +
      'fd_filestat_set_size iI,fd_filestat_set_times iIIi,fd_pread iiiIi,fd_prestat_get ii,fd_prestat_dir_name iii,fd_pwrite iiiIi,' +
      'fd_read iiii,fd_readdir iiiIi,fd_renumber ii,fd_seek iIii,fd_sync i,fd_tell ii,fd_write iiii,path_create_directory iii,' +
      'path_filestat_get iiiii,path_filestat_set_times iiiiIIi,path_link iiiiiii,path_open iiiiiIIii,path_readlink iiiiii,' +
      'path_remove_directory iii,path_rename iiiiii,path_symlink iiiii,path_unlink_file iii,poll_oneoff iiii,sched_yield ,' +
      'sock_accept iii,sock_recv iiiiii,sock_send iiiii,sock_shutdown ii'
    const entries = listed.split(',').map((entry) => entry.split(' ') as [string, string])
    const kinds = [...new Set(entries.map(([, parameters]) => parameters))]
    // The module's bytes as a latin1 string (one Buffer at the end: cheaper than arrays of numbers).
    const byte = String.fromCharCode
    const leb = (n: number): string => (n < 0x80 ? byte(n) : byte((n & 0x7f) | 0x80) + leb(n >>> 7))
    const section = (id: number, items: string[]): string => {
      const body = leb(items.length) + items.join('')
      return byte(id) + leb(body.length) + body
    }

    const text =
      '\0asm\x01\0\0\0' +
      // types: (parameters) -> i32
      section(1, kinds.map((p) => `\x60${leb(p.length)}${p.replaceAll('i', '\x7f').replaceAll('I', '\x7e')}\x01\x7f`)) +
      // functions: one per type
      section(3, kinds.map((_, i) => leb(i))) +
      // exports: each name, its type's function
      section(7, entries.map(([name, p]) => `${leb(name.length)}${name}\0${leb(kinds.indexOf(p))}`)) +
      // code: no locals, i32.const ENOSYS, end
      section(10, kinds.map(() => `\x04\0\x41${byte(ENOSYS)}\x0b`))
    const bytes = Buffer.from(text, 'latin1')
    const webAssembly = (globalThis as unknown as {WebAssembly: {Instance: new (module: object) => {exports: object}; Module: new (bytes: Uint8Array) => object}}).WebAssembly
    return new webAssembly.Instance(new webAssembly.Module(bytes)).exports as Record<string, (...args: number[]) => number>
  }

  /** As Node's: keep the instance's memory and run its C library's start (`_initialize`). */
  initialize(instance: Reactor): void {
    this.memory = instance.exports.memory
    instance.exports._initialize?.()
  }
}
