/**
 * Server settings that a pinned gem's configure method writes into the config file that hands
 * itself over (`GovukPuma.configure_rails(self)` in config/puma.rb, every GOV.UK app's). The gem's
 * code is not read: its settings are known from its source at the versions listed, and stand, as
 * DSL, at the line of the call — later lines of the file still override them, as they do in Ruby.
 * A version outside the list, or a call under a condition, stays what it was: a warning, and the
 * defaults starred (evaluate.ts delegations).
 *
 * govuk_app_config v4.1.0 (the first with govuk_puma.rb) to v9.25.1 write the same three settings
 * (alphagov/govuk_app_config v9.25.1 lib/govuk_app_config/govuk_puma.rb:22-32): threads
 * RAILS_MIN_THREADS‖RAILS_MAX_THREADS‖5 : RAILS_MAX_THREADS‖5, workers WEB_CONCURRENCY‖2, preload_app!.
 *
 * A Puma plugin from a pinned gem that writes settings: `plugin :heroku` (puma-heroku). Puma runs a plugin's
 * `config(dsl)` after the whole file has loaded (lib/puma/dsl.rb `_load_from` → `_offer_plugins`), on the same
 * options, so its settings override every line of the file: they are added after the file's calls, sourced at the
 * plugin's line. puma/puma-heroku lib/puma/plugin/heroku.rb, at each released tag:
 * - v1.0.0: threads MAX_THREADS‖5 : MAX_THREADS‖5, preload_app!, workers WEB_CONCURRENCY‖2 and an on_worker_boot that
 *   calls ActiveRecord::Base.establish_connection when ActiveRecord is loaded;
 * - v1.1.0: threads RAILS_MAX_THREADS‖MAX_THREADS‖5 (both), and only when WEB_CONCURRENCY‖1 > 1: preload_app!, workers,
 *   and on Rails < 5.2 before_fork { connection_pool.disconnect! } and on_worker_boot { establish_connection };
 * - v2.0.0: the port only.
 */
import type {Source} from '../../model/source.js'
import type {AnalyzerContext} from '../common/types.js'
import type {RubyConfig} from './evaluate.js'

import type {Diagnostic} from '../../model/diagnostic.js'
import {fromDefault} from '../../model/source.js'
import {isSymbol} from './evaluate.js'
import {versionAtLeast} from '../../util/version.js'
import {evaluateRubyConfig, HANDED_TO_CODE} from './evaluate.js'

interface GemConfig {
  /** The settings as Puma DSL, one line. */
  dsl: string
  gem: string
  method: string
  receiver: string
  ref: string
  since: string
  /** Newest version checked; a newer one is not assumed to be the same. */
  upTo: string
  /** The same file at the version the app's lock has (its lines may sit elsewhere than upTo's). */
  refAt: (version: string) => string
  what: string
}

const KNOWN: readonly GemConfig[] = [
  {
    dsl: 'threads ENV.fetch("RAILS_MIN_THREADS", ENV.fetch("RAILS_MAX_THREADS", 5)), ENV.fetch("RAILS_MAX_THREADS", 5); workers ENV.fetch("WEB_CONCURRENCY", 2); preload_app!',
    gem: 'govuk_app_config',
    method: 'configure_rails',
    receiver: 'GovukPuma',
    ref: 'https://github.com/alphagov/govuk_app_config/blob/v9.25.1/lib/govuk_app_config/govuk_puma.rb#L22-L32',
    since: '4.1.0',
    upTo: '9.25.1',
    refAt: (version) => `https://github.com/alphagov/govuk_app_config/blob/v${version}/lib/govuk_app_config/govuk_puma.rb`,
    what: 'threads RAILS_MIN_THREADS‖RAILS_MAX_THREADS‖5 : RAILS_MAX_THREADS‖5, workers WEB_CONCURRENCY‖2 and preload_app!',
  },
]

interface PluginRelease {
  /** The settings as Puma DSL, one line; `ar` whether ActiveRecord is in the bundle, `rails` its version. */
  dsl: (ar: string | undefined) => string
  tag: string
  what: (ar: string | undefined) => string
}

interface KnownPlugin {
  gem: string
  plugin: string
  releases: readonly PluginRelease[]
}

const beforeRails52 = (ar: string | undefined): boolean => ar !== undefined && !versionAtLeast(ar, '5.2.0')

const PLUGINS: readonly KnownPlugin[] = [
  {
    gem: 'puma-heroku',
    plugin: 'heroku',
    releases: [
      {
        dsl: (ar) => `threads Integer(ENV["MAX_THREADS"] || 5), Integer(ENV["MAX_THREADS"] || 5); preload_app!; workers Integer(ENV["WEB_CONCURRENCY"] || 2)${ar ? '; on_worker_boot { ActiveRecord::Base.establish_connection }' : ''}`,
        tag: '1.0.0',
        what: (ar) => `threads MAX_THREADS‖5, preload_app!, workers WEB_CONCURRENCY‖2${ar ? ' and on_worker_boot { ActiveRecord::Base.establish_connection }' : ''}`,
      },
      {
        dsl: (ar) =>
          `threads Integer(ENV["RAILS_MAX_THREADS"] || ENV["MAX_THREADS"] || 5), Integer(ENV["RAILS_MAX_THREADS"] || ENV["MAX_THREADS"] || 5); if Integer(ENV["WEB_CONCURRENCY"] || 1) > 1 then preload_app!; workers Integer(ENV["WEB_CONCURRENCY"] || 1)${beforeRails52(ar) ? '; before_fork { ActiveRecord::Base.connection_pool.disconnect! }; on_worker_boot { ActiveRecord::Base.establish_connection }' : ''} end`,
        tag: '1.1.0',
        what: (ar) => `threads RAILS_MAX_THREADS‖MAX_THREADS‖5, and when WEB_CONCURRENCY‖1 is over 1: preload_app! and that many workers${beforeRails52(ar) ? ', with before_fork disconnect! and on_worker_boot establish_connection (Rails < 5.2)' : ''}`,
      },
      {dsl: () => '', tag: '2.0.0', what: () => 'the port only'},
    ],
  },
]

/**
 * A known plugin's settings added after the file's calls (Puma offers them to the plugin once the file has loaded);
 * a release not listed, or a `plugin` line under a condition, is said (its settings would override the file's).
 */
async function withPluginSettings(ctx: AnalyzerContext, config: RubyConfig, appEnv: string): Promise<{config: RubyConfig; line: number; source: Source} | undefined> {
  for (const known of PLUGINS) {
    const call = config.calls.find((c) => c.name === 'plugin' && c.receiver === undefined && c.args[0]?.kind === 'known' && ((isSymbol(c.args[0].value) && c.args[0].value.symbol === known.plugin) || c.args[0].value === known.plugin))
    const version = ctx.versions[known.gem]
    if (!call || !version) continue
    const release = known.releases.find((r) => r.tag === version)
    const ar = ctx.versions.activerecord
    // A release that sets nothing counted (2.0.0: the port) changes nothing, under a condition or not.
    if (release && !release.dsl(ar)) continue
    const ref = `https://github.com/puma/${known.gem}/blob/v${release?.tag ?? version}/lib/puma/plugin/${known.plugin}.rb`
    if (!release || call.conditional) {
      const unread: Diagnostic = {
        code: 'unknown-config-value',
        file: config.file,
        line: call.line,
        message: `${config.file}:${call.line} \`plugin :${known.plugin}\` (${known.gem} ${version})${call.conditional ? ` runs only when ${call.condition ?? 'a condition conncalc cannot decide'} holds` : ' is a release conncalc does not know'}: the plugin's own settings (threads, workers, preloading, hooks), applied after this file, are not counted (${ref})`,
        severity: 'warning',
      }
      return {config: {...config, diagnostics: [...config.diagnostics, unread]}, line: call.line, source: fromDefault(`${known.gem} ${version}`, ref)}
    }

    const dsl = release.dsl(ar)
    const text = `${'\n'.repeat(call.line - 1)}${dsl}\n`
    const settings = await evaluateRubyConfig({path: config.file, text}, ctx.env, appEnv)
    return {
      config: {...config, calls: [...config.calls, ...settings.calls]},
      line: call.line,
      source: fromDefault(`${config.file}:${call.line} \`plugin :${known.plugin}\` (${known.gem} ${version} in Gemfile.lock) sets ${release.what(ar)}, after the file has loaded (Puma runs a plugin's config then), so over the file's own settings`, ref),
    }
  }

  return undefined
}

/** The config with a known gem's settings in place of its hand-off call (or after the file, for a plugin), and the source that names the gem; else undefined. */
export async function withGemSettings(ctx: AnalyzerContext, config: RubyConfig, appEnv: string): Promise<{config: RubyConfig; line: number; source: Source} | undefined> {
  const handOff = await withHandOffSettings(ctx, config, appEnv)
  const plugin = await withPluginSettings(ctx, handOff?.config ?? config, appEnv)
  return plugin ?? handOff
}

async function withHandOffSettings(ctx: AnalyzerContext, config: RubyConfig, appEnv: string): Promise<{config: RubyConfig; line: number; source: Source} | undefined> {
  for (const known of KNOWN) {
    const at = config.calls.findIndex((c) => c.name === known.method && c.receiver === known.receiver && !c.conditional)
    const version = ctx.versions[known.gem]
    if (at < 0 || !version || !versionAtLeast(version, known.since) || !versionAtLeast(known.upTo, version)) continue
    const call = config.calls[at]
    // The settings on the call's own line: every value is sourced there (and to the env vars it reads).
    const text = `${'\n'.repeat(call.line - 1)}${known.dsl}\n`
    const settings = await evaluateRubyConfig({path: config.file, text}, ctx.env, appEnv)
    return {
      config: {
        ...config,
        calls: [...config.calls.slice(0, at), ...settings.calls, ...config.calls.slice(at + 1)],
        diagnostics: config.diagnostics.filter((d) => !(d.line === call.line && d.message.includes(HANDED_TO_CODE))),
      },
      line: call.line,
      source: fromDefault(`${config.file}:${call.line} \`${known.receiver}.${known.method}(self)\` (${known.gem} ${version} in Gemfile.lock) sets ${known.what}`, version === known.upTo ? known.ref : known.refAt(version)),
    }
  }

  return undefined
}
