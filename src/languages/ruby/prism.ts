/**
 * Lazy access to Ruby's own parser (@ruby/prism, as WASM). Loading it costs
 * about 25 ms, so it is imported the first time a Ruby file is parsed, never at
 * module load: a Node or Python app never pays for it.
 */
import type * as PrismModule from '@ruby/prism'

import {isExhaustion, TOO_DEEP} from '../../util/exhaustion.js'
import {lineIndex} from '../../util/lines.js'

export type Prism = typeof PrismModule
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

type ParseFn = Awaited<ReturnType<Prism['loadPrism']>>

let loading: Promise<{parse: ParseFn; prism: Prism}> | undefined

function load(): Promise<{parse: ParseFn; prism: Prism}> {
  loading ??= (async () => {
    const prism = await import('@ruby/prism')
    return {parse: await prism.loadPrism(), prism}
  })()
  return loading
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

  const {parse, prism} = await load()
  const bytes = Buffer.from(text, 'utf8')
  const lineOf = lineIndex(bytes)
  let raw: ReturnType<ParseFn>
  try {
    raw = parse(text, locals.length > 0 ? {scopes: [[...locals]]} : {})
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
    textOf: (node) => bytes.subarray(node.location.startOffset, node.location.startOffset + node.location.length).toString('utf8'),
  }
  cache.set(key, result)
  return result
}
