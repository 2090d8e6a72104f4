import type {AnalyzerContext, ParsedCommand, ServerAnalysis, ServerAnalyzer} from '../languages/common/types.js'

/**
 * A server analyzer whose `matches()` is cheap and always loaded, and whose
 * implementation is loaded with a dynamic `import()` the first time a process
 * type needs it. esbuild splits each such module (and whatever only it uses:
 * the Python evaluator, the JavaScript reader, …) into its own chunk, so a
 * Rails app never parses the Python or Node code at start-up.
 *
 * `matches` must be the function the loaded analyzer uses as its own (see
 * matchers.ts), and `load` must be the only import of that module from the
 * bundle's static graph: a static import anywhere pulls it back into
 * dist/main.js (test/e2e/config.test.ts checks that it does not).
 */
export function lazyAnalyzer(id: string, matches: (cmd: ParsedCommand, ctx: AnalyzerContext) => boolean, load: () => Promise<ServerAnalyzer>): ServerAnalyzer {
  let loading: Promise<ServerAnalyzer> | undefined
  return {
    async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
      loading ??= load()
      const analyzer = await loading
      return analyzer.analyze(ctx)
    },
    id,
    matches,
  }
}
