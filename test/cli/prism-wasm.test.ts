import {readdirSync, readFileSync} from 'node:fs'
import {createRequire} from 'node:module'
import {join} from 'node:path'
import {WASI} from 'node:wasi'
import {describe, expect, it} from 'vitest'

import {WASI as ConncalcWASI} from '../../src/languages/ruby/prism-wasi.js'
import {ROOT} from '../helpers/cli.js'

/**
 * The build ships Prism's WebAssembly with only the exports its loader reads and with the code
 * nothing can call left out (esbuild.config.js keepExports, stubUnreachable). A function left out
 * wrongly would trap in the middle of a parse: every Ruby text here must serialize byte for byte as
 * Prism's own module serializes it.
 */
type Prism = {
  calloc(n: number, size: number): number
  free(pointer: number): void
  memory: {buffer: ArrayBuffer}
  pm_buffer_free(pointer: number): void
  pm_buffer_init(pointer: number): void
  pm_buffer_length(pointer: number): number
  pm_buffer_sizeof(): number
  pm_buffer_value(pointer: number): number
  pm_serialize_parse(buffer: number, source: number, length: number, options: number): void
}

/** Node's WebAssembly global, as far as this test uses it (the ES lib types used here do not describe it). */
const wasm = (globalThis as unknown as {WebAssembly: {
  compile(bytes: Uint8Array): Promise<object>
  instantiate(module: object, imports: object): Promise<{exports: Prism}>
  Module: {exports(module: object): {name: string}[]; new (bytes: Uint8Array): object}
}}).WebAssembly

/** `Wasi`: Node's (what Prism's own index uses), or conncalc's (what the bundle gives Prism instead, esbuild.config.js prism-loader). */
async function load(file: string, Wasi: typeof WASI | typeof ConncalcWASI = WASI): Promise<Prism> {
  const wasi = new Wasi({version: 'preview1'})
  const instance = await wasm.instantiate(await wasm.compile(readFileSync(file)), wasi.getImportObject())
  wasi.initialize(instance)
  return instance.exports as Prism
}

/** Prism's parse of `source` as its JavaScript reads it: the serialized bytes (no options). */
function serialize(prism: Prism, source: Buffer): Buffer {
  const text = prism.calloc(1, Math.max(1, source.length))
  new Uint8Array(prism.memory.buffer, text, source.length).set(source)
  const buffer = prism.calloc(prism.pm_buffer_sizeof(), 1)
  prism.pm_buffer_init(buffer)
  try {
    prism.pm_serialize_parse(buffer, text, source.length, 0)
    return Buffer.from(new Uint8Array(prism.memory.buffer, prism.pm_buffer_value(buffer), prism.pm_buffer_length(buffer)))
  } finally {
    prism.pm_buffer_free(buffer)
    prism.free(text)
    prism.free(buffer)
  }
}

describe("the build's Prism WebAssembly", () => {
  it('exports only what the loader reads and is smaller than Prism’s own', async () => {
    const own = readFileSync(createRequire(import.meta.url).resolve('@ruby/prism/src/prism.wasm'))
    const shipped = readFileSync(join(ROOT, 'dist', 'prism.wasm'))
    expect(wasm.Module.exports(new wasm.Module(shipped)).map((e) => e.name).sort()).toEqual(
      ['_initialize', 'calloc', 'free', 'memory', 'pm_buffer_free', 'pm_buffer_init', 'pm_buffer_length', 'pm_buffer_sizeof', 'pm_buffer_value', 'pm_serialize_parse'],
    )
    expect(shipped.length).toBeLessThan(own.length * 0.8)
  })

  it("parses every Ruby file of the fixtures, and broken Ruby, exactly as Prism's own module does", async () => {
    const own = await load(createRequire(import.meta.url).resolve('@ruby/prism/src/prism.wasm'))
    // The bundle's: the build's module, with conncalc's WASI.
    const shipped = await load(join(ROOT, 'dist', 'prism.wasm'), ConncalcWASI)
    const fixtures = join(ROOT, 'test', 'fixtures')
    const files = readdirSync(fixtures, {recursive: true, encoding: 'utf8'}).filter((f) => /\.(rb|ru)$|Gemfile$/.test(f))
    expect(files.length).toBeGreaterThan(100)
    const texts = [
      ...files.map((f) => readFileSync(join(fixtures, f))),
      // errors and recovery, heredocs, pattern matching, string escapes and encodings, numbers
      Buffer.from('def x(\n  case [1, {a: 2}]\n  in [Integer => n, {a:}] if n > 0 then <<~EOS\n    #{n} \\u00e9 \\xff\n  EOS\n  end\nclass < ; 0x1f + 1r + 2i + 1e3 ; %w[a b] ; ?a ; =begin\nx\n=end\n__END__\ntail'),
      Buffer.from('# encoding: ascii-8bit\nputs "\\xff" ; BEGIN { } ; END { } ; a &&= b ||= c ; ->(x) { x } ; defined?(@x)'),
    ]
    for (const text of texts) expect(serialize(shipped, text).equals(serialize(own, text))).toBe(true)
  })
})

describe("conncalc's WASI for Prism (src/languages/ruby/prism-wasi.ts)", () => {
  const memory = {buffer: new ArrayBuffer(64)}
  const wasi = new ConncalcWASI()
  const imports = wasi.getImportObject().wasi_snapshot_preview1
  wasi.initialize({exports: {memory}})

  it('random_get fills the bytes asked for, in the instance\'s memory, and answers 0 (success)', () => {
    const bytes = new Uint8Array(memory.buffer)
    bytes.fill(0)
    // 16 bytes at 8: all zero after it only if each of 16 random bytes came out 0 (1 in 2^128).
    expect(imports.random_get!(8, 16)).toBe(0)
    expect(bytes.subarray(8, 24).some((b) => b !== 0)).toBe(true)
    expect([...bytes.subarray(0, 8), ...bytes.subarray(24)].every((b) => b === 0)).toBe(true)
  })

  it('every other WASI function answers ENOSYS (52), whatever its name; proc_exit throws', () => {
    expect(imports.fd_write!(1, 0, 0, 0)).toBe(52)
    // path_open's rights are i64s: a BigInt from JavaScript
    expect((imports.path_open as unknown as (...args: (bigint | number)[]) => number)(3, 0, 0, 0, 0, 0n, 0n, 0, 0)).toBe(52)
    expect(imports.a_function_a_later_prism_imports!()).toBe(52)
    expect(() => imports.proc_exit!(70)).toThrow("Prism's WebAssembly exited with code 70")
  })

  it("answers the functions Prism never calls from WebAssembly, not JavaScript (V8 compiles no call wrapper for them)", () => {
    const own = Object.keys(imports).filter((name) => name !== 'random_get' && name !== 'proc_exit')
    expect(own).toHaveLength(43)
    // A WebAssembly function's text is V8's `function N() { [native code] }`; a JavaScript one's is its source.
    for (const name of own) expect(String(imports[name])).toMatch(/^function \d+\(\) \{ \[native code\] \}$/)
    expect(String(imports.random_get)).not.toContain('[native code]')
  })

  it("the bundle gives Prism conncalc's WASI: node:wasi is not in it", () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'cli.cjs'), 'utf8')
    expect(bundle).toContain("Prism's WebAssembly exited with code")
    expect(bundle).not.toMatch(/require\("(node:)?wasi"\)/)
  })
})
