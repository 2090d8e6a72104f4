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
 */
import type {Source} from '../../model/source.js'
import type {AnalyzerContext} from '../common/types.js'
import type {RubyConfig} from './evaluate.js'

import {fromDefault} from '../../model/source.js'
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

/** The config with a known gem's settings in place of its hand-off call, and the source that names the gem; else undefined. */
export async function withGemSettings(ctx: AnalyzerContext, config: RubyConfig, appEnv: string): Promise<{config: RubyConfig; line: number; source: Source} | undefined> {
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
