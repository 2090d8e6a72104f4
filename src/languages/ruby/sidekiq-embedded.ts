/**
 * Sidekiq's embedded mode (Sidekiq ≥ 7.0, Changes.md "Embedded mode!"):
 * `Sidekiq.configure_embed do |config| … end` then `x.run` starts Sidekiq's job
 * threads inside another process — most often each Puma worker, from
 * `on_worker_boot` (sidekiq/sidekiq v8.1.7 myapp/config/puma.rb). lib/sidekiq.rb
 * `configure_embed` sets `cfg.concurrency = 2`, then runs the
 * `Sidekiq.configure_server` blocks (`@config_blocks`), then the embed block:
 * the last `concurrency =` wins. Each job thread checks connections out of the
 * host process's pools like a request thread does, so they count on top of
 * its threads, in every pool.
 * - inside `on_worker_boot` / `before_worker_boot`: per Puma worker;
 * - elsewhere in a clustered Puma's config: the master runs them (once per
 *   dyno, from its own pools); in single mode, the one Puma process (which
 *   runs no worker hooks, so an embed inside one never starts).
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {Extra} from '../../model/process.js'
import {fromDefault, fromFile, type Sourced} from '../../model/source.js'
import {type DslCall, findCalls} from './evaluate.js'
import {pumaFacts} from './puma.js'
import {loadRubyConfig} from './ruby-server.js'
import {firstOf, rubyCandidate} from '../common/setting.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import {append} from '../../util/arrays.js'

const EMBED = 'https://github.com/sidekiq/sidekiq/blob/v8.1.7/lib/sidekiq.rb'
const INITIALIZER = 'config/initializers/sidekiq.rb'
const WORKER_HOOKS = new Set(['before_worker_boot', 'on_worker_boot'])

/** The `configure_embed` calls with a block, and the hook each sits in (undefined: top level). */
function embeds(calls: readonly DslCall[], hook?: string): {call: DslCall; hook?: string}[] {
  return calls.flatMap((c) => [
    ...(c.name === 'configure_embed' && c.receiver === 'Sidekiq' && c.blockBody ? [{call: c, ...(hook ? {hook} : {})}] : []),
    ...(c.blockBody && c.name !== 'configure_embed' ? embeds(c.blockBody, hook ?? (c.receiver === undefined ? c.name : undefined)) : []),
  ])
}

const lastConcurrency = (body: readonly DslCall[]): DslCall | undefined => findCalls(body, 'concurrency=', true).findLast((c) => c.receiver !== undefined)

async function embeddedAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  const file = pumaFacts(server.facts)?.configFile
  if (server.server !== 'puma' || !file) return {diagnostics: []}
  const config = await loadRubyConfig(ctx, file, ctx.appEnv)
  const found = config ? embeds(config.calls) : []
  if (found.length === 0) return {diagnostics: []}
  const diagnostics: Diagnostic[] = []
  // Sidekiq.configure_server blocks run for the embedded config too (before the embed block).
  const init = await loadRubyConfig(ctx, INITIALIZER, ctx.appEnv)
  const serverBlock = init ? findCalls(init.calls, 'configure_server', true).filter((c) => c.receiver === 'Sidekiq' && c.blockBody) : []
  const fromServer = lastConcurrency(serverBlock.flatMap((c) => c.blockBody!))
  const version = ctx.versions.sidekiq
  // Puma runs worker hooks only in cluster mode: in single mode an embed there never starts.
  const forks = Boolean(server.fork?.forks.value)
  const running = found.filter(({hook}) => forks || hook === undefined || !WORKER_HOOKS.has(hook))
  const extras = running.map(({call, hook}): {extra: Extra; perDyno: boolean} => {
    const own = lastConcurrency(call.blockBody!)
    const set = own ? rubyCandidate(own.args[0], file, own.line, 'embedded Sidekiq concurrency') : fromServer ? rubyCandidate(fromServer.args[0], INITIALIZER, fromServer.line, 'embedded Sidekiq concurrency') : {diagnostics: []}
    const concurrency: Sourced<number> = firstOf([set], {source: fromDefault('Sidekiq.configure_embed sets concurrency 2', EMBED), value: 2, via: [fromFile(file, call.line)]}).value
    append(diagnostics, set.diagnostics.map((d) => ({...d, processType: ctx.processType})))
    const inWorker = hook !== undefined && WORKER_HOOKS.has(hook)
    const perDyno = !inWorker && forks
    const where = inWorker ? `each Puma worker (${hook})` : perDyno ? 'the Puma master' : 'the Puma process'
    const extra: Extra = {
      count: {...concurrency, via: [...(concurrency.via ?? []), ...(own || !fromServer ? [] : [fromFile(file, call.line)])]},
      kind: 'sidekiq-embedded',
      reason: `embedded Sidekiq job threads in ${where} (${file}:${call.line})`,
      ...(perDyno ? {demand: {own: 0, processes: 1, threads: concurrency.value}} : {allPools: true, inPool: true}),
    }
    return {extra, perDyno}
  })
  return {
    diagnostics,
    extrasPerDyno: extras.filter((x) => x.perDyno).map((x) => x.extra),
    extrasPerProcess: extras.filter((x) => !x.perDyno).map((x) => x.extra),
    ...(version ? {versions: {sidekiq: version}} : {}),
  }
}

export const sidekiqEmbedded: ProcessAddon = {
  // Not Puma, or Puma without a config file (most types): answered at once, not through an async call's frame per type.
  analyze: (ctx: AnalyzerContext, server: ServerAnalysis): AddonAnalysis | Promise<AddonAnalysis> => (server.server !== 'puma' || !pumaFacts(server.facts)?.configFile ? {diagnostics: []} : embeddedAnalysis(ctx, server)),
  id: 'sidekiq_embedded',
}
