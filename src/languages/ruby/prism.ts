/**
 * Lazy access to Ruby's own parser (@ruby/prism, as WASM). Loading it costs
 * about 25 ms, so it is imported the first time a Ruby file is parsed, never at
 * module load: a Node or Python app never pays for it.
 */
import type * as PrismModule from '@ruby/prism'
import type * as PrismNodes from '@ruby/prism/src/nodes.js'

import type {ParseStore} from '../../util/parse-store.js'
import {isExhaustion, TOO_DEEP} from '../../util/exhaustion.js'
import {liftoffOnly} from '../../util/liftoff.js'
import {lineIndex} from '../../util/lines.js'
import {ALLOW_NATIVES, compilePrism} from '../../util/prism-code.js'

/** Prism's node classes (its nodes.js): what the evaluator's `instanceof` checks need. */
export type Prism = typeof PrismNodes
export type RubyNode = PrismModule.Node

export interface RubySyntaxError {
  line: number
  message: string
}

export interface ParsedRuby {
  errors: RubySyntaxError[]
  /** 1-based line of a prism byte offset. */
  lineOf(offset: number): number
  /** The node classes, for `instanceof` checks by the evaluator. */
  prism: Prism
  program: PrismModule.ProgramNode
  /** Source text of a node (prism locations are UTF-8 byte ranges). */
  textOf(node: {location: PrismModule.Location}): string
}

type ParseFn = Awaited<ReturnType<(typeof PrismModule)['loadPrism']>>
type Deserialize = typeof import('@ruby/prism/src/deserialize.js').deserialize

/** Prism's answers kept between runs (util/parse-store.ts): the bytes its WebAssembly serializes a parse into, keyed by the text and its locals. */
let store: ParseStore | undefined

/** Keep Prism's parses in `next` (undefined: none) from now on in this process. */
export function useParseStore(next: ParseStore | undefined): void {
  store = next
}

let importing: Promise<{deserialize: Deserialize; prism: Prism}> | undefined
let loading: Promise<ParseFn> | undefined

/**
 * Prism's JavaScript: its node classes and the reader of a serialized parse. Not its index, which
 * loads and instantiates the WebAssembly (with conncalc's WASI in the bundle, prism-wasi.ts; Node's
 * node:wasi from source): a run whose parses are all in the parse cache never instantiates it.
 */
function loadModule(): Promise<{deserialize: Deserialize; prism: Prism}> {
  importing ??= (async () => {
    const [prism, {deserialize}] = await Promise.all([import('@ruby/prism/src/nodes.js'), import('@ruby/prism/src/deserialize.js')])
    return {deserialize, prism}
  })()
  return importing
}

/** Prism's WebAssembly, compiled and instantiated: only for a text no store holds. */
function loadParser(): Promise<ParseFn> {
  // The flags after the import: the node:* modules Prism's index loads still come from Node's code cache.
  loading ??= import('@ruby/prism').then((prism) => {
    liftoffOnly(ALLOW_NATIVES)
    // The build's loader takes the compile function (esbuild.config.js, prism-loader): V8's code
    // compiled ahead by the build when it takes it (util/prism-code.ts). Prism's own ignores it.
    return (prism.loadPrism as (compile: typeof compilePrism) => ReturnType<typeof prism.loadPrism>)(compilePrism)
  })
  return loading
}

/**
 * A parse option the build adds to Prism's parsePrism (esbuild.config.js, prism-loader): called
 * with the serialized parse before Prism reads it into nodes. Prism's own build (the tests that
 * import this module from source) ignores it, so nothing is stored there.
 */
interface SerializedHook {
  onSerialized?: (serialized: Uint8Array) => void
}

// Keyed by text too: ERB files parse one snippet per tag under the same path, and the apps
// of one config file share files, so a (path, locals, text) is parsed once per run.
const cache = new Map<string, ParsedRuby>()

/**
 * Parse Ruby source; results are cached per (path, text). Never runs the code.
 * `locals` are variables defined before this text (earlier ERB tags), so that
 * prism reads `x` as a variable rather than a method call.
 */
export async function parseRuby(path: string, text: string, locals: readonly string[] = []): Promise<ParsedRuby> {
  const key = `${path}\0${locals.join(',')}\0${text}`
  const hit = cache.get(key)
  if (hit) return hit

  const {deserialize, prism} = await loadModule()
  const bytes = Buffer.from(text)
  const lineOf = lineIndex(bytes)
  const options: Parameters<ParseFn>[1] & SerializedHook = locals.length > 0 ? {scopes: [[...locals]]} : {}
  const stored = store
  // The options change what Prism reads (a local is a variable, not a method call): part of the key.
  const storeKey = stored && keyOf(`${JSON.stringify(options)}\0`, bytes)
  let raw: ReturnType<ParseFn> | undefined
  try {
    const serialized = storeKey && stored.get(storeKey)
    // A stored parse Prism cannot read (another Prism's format, a damaged file) is parsed again.
    // A plain Uint8Array, as Prism's own parse hands its reader (a Buffer's slice() is a view, not a copy).
    if (serialized) raw = readStored(deserialize, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), serialized)
    if (!raw) {
      const parse = await loadParser()
      if (storeKey) options.onSerialized = (view) => stored.set(storeKey, view.slice())
      raw = parse(text, options)
    }
  } catch (error) {
    if (!isExhaustion(error)) throw error
    // The trapped instance may be left broken: the next parse gets a fresh one.
    loading = undefined
    return {errors: [{line: 1, message: TOO_DEEP}], lineOf, prism, program: undefined as never, textOf: () => ''}
  }

  const result: ParsedRuby = {
    errors: raw.errors.map((e) => ({line: lineOf(e.location.startOffset), message: e.message})),
    lineOf,
    prism,
    program: raw.value,
    textOf: (node) => bytes.subarray(node.location.startOffset, node.location.startOffset + node.location.length).toString(),
  }
  cache.set(key, result)
  return result
}

/** `head`'s UTF-8 bytes, then `bytes`: one buffer filled by Uint8Array's set (Buffer.concat is Node JavaScript compiled from source on every start). */
function keyOf(head: string, bytes: Uint8Array): Buffer {
  const start = Buffer.from(head)
  const key = Buffer.allocUnsafe(start.length + bytes.length)
  key.set(start)
  key.set(bytes, start.length)
  return key
}

/** A stored parse read into nodes; undefined when Prism cannot read it (it checks its format and version). */
function readStored(deserialize: Deserialize, source: Uint8Array, serialized: Uint8Array): ReturnType<ParseFn> | undefined {
  try {
    return deserialize(source, serialized)
  } catch (error) {
    if (isExhaustion(error)) throw error
    return undefined
  }
}
