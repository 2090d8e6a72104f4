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
 * - in a Puma plugin of the app's own (`plugin :sidekiq_embed`, docusealco/docuseal's shape): Puma loads
 *   `puma/plugin/NAME.rb` and `Plugin.create` names the plugin after that path (lib/puma/plugin.rb
 *   `extract_name`), so the file is the app's `…/puma/plugin/NAME.rb`. Its `config(cfg)` runs as the config
 *   is read and its `start(launcher)` once the server starts, both in the launcher: the Puma master in
 *   cluster mode, the one process in single mode (lib/puma/launcher.rb `fire_starts`; docs/plugins.md).
 *   An embed the plugin reaches (through its own methods) from a worker hook it adds in `config`
 *   (`cfg.on_worker_boot { start_sidekiq! }`) runs per worker; one reached from `start` or the rest of
 *   `config` runs in the launcher. A plugin with both runs the second in single mode only as a rule
 *   (the start path skips when Puma has workers): in cluster mode it is counted per worker, starred.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {filesUnder} from '../../model/files.js'
import type {Extra} from '../../model/process.js'
import {assumed, fromDefault, fromFile, type Source, type Sourced} from '../../model/source.js'
import {type DslCall, type EvalValue, evaluateRubySnippet, findCalls} from './evaluate.js'
import {parseRuby, type RubyNode} from './prism.js'
import {type PumaPlugin, pumaFacts} from './puma.js'
import {loadRubyConfig} from './ruby-server.js'
import {firstOf, rubyCandidate} from '../common/setting.js'
import type {AddonAnalysis, AnalyzerContext, ProcessAddon, ServerAnalysis} from '../common/types.js'
import {append} from '../../util/arrays.js'

const EMBED = 'https://github.com/sidekiq/sidekiq/blob/v8.1.7/lib/sidekiq.rb'
const PLUGIN = 'https://github.com/puma/puma/blob/v6.6.0/lib/puma/plugin.rb'
const INITIALIZER = 'config/initializers/sidekiq.rb'
const WORKER_HOOKS = new Set(['before_worker_boot', 'on_worker_boot'])

/** Where an embed starts: its configure_embed line, the `concurrency =` it sets, the hook it runs in (undefined: the launcher). */
interface EmbedSite {
  concurrency?: {line: number; value: EvalValue | undefined}
  file: string
  hook?: string
  line: number
  /** What is guessed about the site: a plugin that also starts it from `start`, a `plugin` line under an undecided condition. */
  assumptions?: Source[]
}

/** The `configure_embed` calls with a block, and the hook each sits in (undefined: top level). */
function embeds(calls: readonly DslCall[], hook?: string): {call: DslCall; hook?: string}[] {
  return calls.flatMap((c) => [
    ...(c.name === 'configure_embed' && c.receiver === 'Sidekiq' && c.blockBody ? [{call: c, ...(hook ? {hook} : {})}] : []),
    ...(c.blockBody && c.name !== 'configure_embed' ? embeds(c.blockBody, hook ?? (c.receiver === undefined ? c.name : undefined)) : []),
  ])
}

const lastConcurrency = (body: readonly DslCall[]): DslCall | undefined => findCalls(body, 'concurrency=', true).findLast((c) => c.receiver !== undefined)

/** The app's own file for `plugin :NAME`: a `…/puma/plugin/NAME.rb` under lib/ or config/ (Plugin.create's extract_name). */
function pluginFile(ctx: AnalyzerContext, name: string): string | undefined {
  const tail = `puma/plugin/${name}.rb`
  for (const dir of ['lib', 'config']) {
    const found = filesUnder(ctx.files, dir, (p) => p === `${dir}/${tail}` || p.endsWith(`/${tail}`), {max: 2000, maxDepth: 6}).paths
    if (found.length > 0) return found.sort()[0]
  }

  return undefined
}

/** The embeds a plugin file of the app's starts, and where (see the header). */
async function pluginEmbeds(ctx: AnalyzerContext, plugin: PumaPlugin, forks: boolean): Promise<EmbedSite[]> {
  const file = pluginFile(ctx, plugin.name)
  const text = file && ctx.files.read(file)?.text
  if (!file || !text?.includes('configure_embed')) return []
  const parsed = await parseRuby(file, text)
  if (parsed.errors.length > 0) return []
  const P = parsed.prism
  type Call = InstanceType<typeof P.CallNode>
  type Def = InstanceType<typeof P.DefNode>
  const defs = new Map<string, Def>()
  const walk = (n: RubyNode, fn: (n: RubyNode) => boolean | void): void => {
    if (fn(n) === false) return
    for (const c of n.compactChildNodes()) walk(c, fn)
  }

  walk(parsed.program, (n) => {
    if (n instanceof P.DefNode && !n.receiver) defs.set(n.name, n)
  })
  const isEmbed = (n: RubyNode): n is Call => n instanceof P.CallNode && n.name === 'configure_embed' && n.receiver !== null && parsed.textOf(n.receiver).replace(/^::/, '') === 'Sidekiq' && n.block instanceof P.BlockNode
  const ownCall = (n: Call): boolean => !n.receiver || n.receiver instanceof P.SelfNode
  // The calls in a method's body, not into methods defined inside it.
  const callsIn = (root: RubyNode): Call[] => {
    const out: Call[] = []
    for (const c of root.compactChildNodes()) {
      walk(c, (n) => {
        if (n instanceof P.DefNode) return false
        if (n instanceof P.CallNode) out.push(n)
      })
    }

    return out
  }

  // Methods that start an embed, directly or through another of the plugin's methods.
  const starts = new Map<string, Call>()
  for (const [name, d] of defs) {
    const embed = callsIn(d).find((c) => isEmbed(c))
    if (embed) starts.set(name, embed)
  }

  for (let grew = true; grew; ) {
    grew = false
    for (const [name, d] of defs) {
      if (starts.has(name)) continue
      const via = callsIn(d).find((c) => ownCall(c) && starts.has(c.name) && c.name !== name)
      if (via) {
        starts.set(name, starts.get(via.name)!)
        grew = true
      }
    }
  }

  const sites = new Map<string, {embed: Call; hook?: string}>()
  const reach = (root: RubyNode, hook: string | undefined): void => {
    for (const c of root.compactChildNodes()) {
      walk(c, (n) => {
        if (n instanceof P.DefNode) return false
        if (!(n instanceof P.CallNode)) return
        const embed = isEmbed(n) ? n : ownCall(n as Call) ? starts.get((n as Call).name) : undefined
        if (embed) sites.set(`${embed.location.startOffset}:${hook ?? ''}`, {embed, ...(hook ? {hook} : {})})
        if (WORKER_HOOKS.has(n.name) && n.block) {
          reach(n.block, n.name)
          return false
        }
      })
    }
  }

  for (const entry of ['config', 'start']) {
    const d = defs.get(entry)
    if (d) reach(d, undefined)
  }

  const found = [...sites.values()]
  const master = found.filter((f) => !f.hook)
  const worker = found.filter((f) => f.hook)
  const kept = forks && worker.length > 0 ? worker : master
  return Promise.all(
    kept.map(async ({embed, hook}): Promise<EmbedSite> => {
      const line = parsed.lineOf(embed.location.startOffset)
      let set: Call | undefined
      walk(embed.block!, (n) => {
        if (n instanceof P.CallNode && n.name === 'concurrency=' && n.receiver && n.arguments_?.arguments_.length === 1) set = n
      })
      const at = set ? parsed.lineOf(set.location.startOffset) : undefined
      const value = set && at !== undefined ? (await evaluateRubySnippet(parsed.textOf(set.arguments_!.arguments_[0]), {appEnv: ctx.appEnv, env: ctx.env, file, firstLine: at})).value : undefined
      const skipped = forks && hook && master.length > 0 ? master.map((m) => `${file}:${parsed.lineOf(m.embed.location.startOffset)}`) : []
      const assumptions = [
        ...(skipped.length > 0
          ? [assumed(`plugin :${plugin.name} (${plugin.file}:${plugin.line}) also starts Sidekiq from \`start\` (${skipped.join(', ')}), which runs in the Puma master: counted in each worker only, as a plugin that also hooks the workers starts it from \`start\` in single mode alone`)]
          : []),
        ...(plugin.conditional ? [assumed(`plugin :${plugin.name} (${plugin.file}:${plugin.line}) is loaded under a condition conncalc cannot decide: counted as loaded`)] : []),
      ]
      return {
        file,
        line,
        ...(hook ? {hook} : {}),
        ...(set && at !== undefined ? {concurrency: {line: at, value}} : {}),
        ...(assumptions.length > 0 ? {assumptions} : {}),
      }
    }),
  )
}

async function embeddedAnalysis(ctx: AnalyzerContext, server: ServerAnalysis): Promise<AddonAnalysis> {
  const facts = pumaFacts(server.facts)
  const file = facts?.configFile
  if (server.server !== 'puma' || !file) return {diagnostics: []}
  const config = await loadRubyConfig(ctx, file, ctx.appEnv)
  const found = config ? embeds(config.calls) : []
  const sites: EmbedSite[] = found.map(({call, hook}) => {
    const own = lastConcurrency(call.blockBody!)
    return {file, line: call.line, ...(hook ? {hook} : {}), ...(own ? {concurrency: {line: own.line, value: own.args[0]}} : {})}
  })
  // Puma runs worker hooks only in cluster mode: in single mode an embed there never starts.
  const forks = Boolean(server.fork?.forks.value)
  // `plugin :name` of the app's own whose file starts an embed.
  for (const plugin of facts.plugins) sites.push(...(await pluginEmbeds(ctx, plugin, forks)))

  if (sites.length === 0) return {diagnostics: []}
  const diagnostics: Diagnostic[] = []
  // Sidekiq.configure_server blocks run for the embedded config too (before the embed block).
  const init = await loadRubyConfig(ctx, INITIALIZER, ctx.appEnv)
  const serverBlock = init ? findCalls(init.calls, 'configure_server', true).filter((c) => c.receiver === 'Sidekiq' && c.blockBody) : []
  const fromServer = lastConcurrency(serverBlock.flatMap((c) => c.blockBody!))
  const version = ctx.versions.sidekiq
  const running = sites.filter(({hook}) => forks || hook === undefined || !WORKER_HOOKS.has(hook))
  const extras = running.map((site): {extra: Extra; perDyno: boolean} => {
    const own = site.concurrency
    const set = own ? rubyCandidate(own.value, site.file, own.line, 'embedded Sidekiq concurrency') : fromServer ? rubyCandidate(fromServer.args[0], INITIALIZER, fromServer.line, 'embedded Sidekiq concurrency') : {diagnostics: []}
    const concurrency: Sourced<number> = firstOf([set], {source: fromDefault('Sidekiq.configure_embed sets concurrency 2', EMBED), value: 2, via: [fromFile(site.file, site.line)]}).value
    append(diagnostics, set.diagnostics.map((d) => ({...d, processType: ctx.processType})))
    const {hook} = site
    const inWorker = hook !== undefined && WORKER_HOOKS.has(hook)
    const perDyno = !inWorker && forks
    const where = inWorker ? `each Puma worker (${hook})` : perDyno ? 'the Puma master' : 'the Puma process'
    const plugin = site.file !== file ? [fromDefault(`a Puma plugin's \`config\` and \`start\` run in the launcher; a worker hook it adds, in each worker`, PLUGIN)] : []
    const extra: Extra = {
      count: {...concurrency, via: [...(concurrency.via ?? []), ...(own || !fromServer ? [] : [fromFile(site.file, site.line)]), ...plugin, ...(site.assumptions ?? [])]},
      kind: 'sidekiq-embedded',
      reason: `embedded Sidekiq job threads in ${where} (${site.file}:${site.line})`,
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
