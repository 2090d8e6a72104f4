/**
 * WEBrick under `rackup` (or `rails server`, which picks as rackup does) — the server a Rack app gets when its bundle has none of the
 * servers rackup tries first (matchers.ts rackupServer), as with the Ruby buildpack's
 * default web process for a Rack app (`bundle exec rackup config.ru -p $PORT`). One
 * process; WEBrick runs each connection on its own thread, at most `:MaxClients` (100) at
 * once, which rackup's WEBrick handler does not change: the app's pool bounds what the
 * threads hold.
 *
 * WEBrick left Ruby's standard library in Ruby 3.0 (NEWS-3.0.0): on 3.0 or later (and on the
 * buildpack's default Ruby when the app declares none) rackup loads it only from a bundled
 * `webrick` gem, and without one it stops at start with "Couldn't find handler for: …".
 */
import type {Diagnostic} from '../../model/diagnostic.js'

import {isDefaultWebFile} from '../../model/command-site.js'
import {fromDefault, sourced} from '../../model/source.js'
import {readFlag} from '../common/argv.js'
import {isRackupWebrick, rackLauncher, rackupHandlers} from '../common/matchers.js'
import {versionAtLeast} from '../../util/version.js'
import {declaredRuby} from './gemfile-lock.js'
import type {ServerAnalyzer} from '../common/types.js'
import {railsRequestLock} from './rails-request-lock.js'
import {append} from '../../util/arrays.js'

// General[:MaxClients] = 100 in config.rb; GenericServer#start (server.rb) takes a token per connection and starts its thread.
const REF = 'https://github.com/ruby/webrick/blob/v1.8.1/lib/webrick/config.rb'
const RACKUP_REF = 'https://github.com/rack/rack/blob/2.2.0/lib/rack/handler.rb'
const RUBY_3 = 'https://github.com/ruby/ruby/blob/v3_0_0/NEWS.md (webrick is no longer a default gem)'
const HEROKU_DEFAULT_RUBY = 'https://github.com/heroku/heroku-buildpack-ruby/blob/main/lib/language_pack/ruby_version.rb (DEFAULT_VERSION_NUMBER 3.3.x)'

export const webrick: ServerAnalyzer = {
  async analyze(ctx) {
    const diagnostics: Diagnostic[] = []
    // The buildpack's default web beside a Procfile of other types (workers only): the app may never scale web up. With no
    // Procfile at all it is the app's only process, and its failing to start is an error.
    const undeclared = ctx.origin !== undefined && isDefaultWebFile(ctx.origin.file) && ctx.files.exists('Procfile')
    const ruby = declaredRuby(ctx.files)
    const tried = rackupHandlers(ctx.versions)
    // `rails server` / `hanami server` pick their server as rackup does (matchers.ts launcherServer); they need no bin/rackup.
    const via = rackLauncher(ctx.command.argv)
    const rails = via !== undefined
    const launcher = via?.name ?? '`rackup`'
    const named = via ? via.using !== null : readFlag(ctx.command.argv, ['-s', '--server']) !== undefined
    // Rack 3 dropped bin/rackup (moved to the rackup gem, rack CHANGELOG 3.0.0): without that gem there is no rackup to run.
    const noRackup = !rails && ctx.versions.rack !== undefined && versionAtLeast(ctx.versions.rack, '3') && ctx.versions.rackup === undefined
    const missing = noRackup || (ctx.versions.webrick === undefined && (!ruby || versionAtLeast(ruby.version, '3')))
    if (noRackup) {
      diagnostics.push({
        code: 'missing-config',
        file: 'Gemfile.lock',
        fix: 'add the rackup gem (or a server gem such as puma, started by name) to the Gemfile',
        message: `\`rackup\` is not in the bundle: Rack ${ctx.versions.rack} no longer ships it (rack CHANGELOG 3.0.0: moved to the rackup gem) and Gemfile.lock has no rackup gem, so the web process would stop at start (bundler: command not found: rackup); conncalc counts it as WEBrick`,
        processType: ctx.processType,
        severity: 'error',
      })
    } else if (missing) {
      const which = ruby ? `Ruby ${ruby.version} (${ruby.file}:${ruby.line})` : `the Ruby buildpack's default Ruby 3.3 (the app declares no Ruby version; ${HEROKU_DEFAULT_RUBY})`
      diagnostics.push({
        code: 'missing-config',
        ...(ruby ? {file: ruby.file, line: ruby.line} : {file: 'Gemfile.lock'}),
        fix: 'add a server gem to the Gemfile (puma) and start it explicitly in the Procfile',
        message: `${named ? `${launcher} is told to run WEBrick` : `${launcher} finds none of ${[...tried, 'webrick'].join(', ')} in Gemfile.lock`}, and ${which} has no WEBrick without the webrick gem (${RUBY_3}): the web process would stop at start ("Couldn't find handler")${undeclared ? ` if it runs (the Procfile has no ${ctx.processType} type: it is the buildpack's default; --scale ${ctx.processType}=0 if it is not run)` : ''}; conncalc counts it as WEBrick`,
        processType: ctx.processType,
        severity: undeclared ? 'warning' : 'error',
      })
    }

    const webrickFrom = missing ? 'counted as if it loaded, though it would not (see the error)' : ctx.versions.webrick ? `WEBrick from the webrick gem ${ctx.versions.webrick}` : `WEBrick from Ruby ${ruby!.version}'s standard library`
    const picked = named ? `${launcher} is told to run WEBrick` : tried.length > 0 ? `${launcher} tries ${tried.join(', ')} before WEBrick and Gemfile.lock has none of them` : `${launcher} runs WEBrick`
    // Rails before 4.0 keeps Rack::Lock in front of the app: one request at a time (rails-request-lock.ts).
    const locked = await railsRequestLock(ctx, sourced(100, fromDefault('WEBrick default :MaxClients (a thread per connection)', REF)))
    append(diagnostics, locked.diagnostics)
    return {
      diagnostics,
      language: 'ruby',
      processesPerDyno: sourced(1, fromDefault(`one WEBrick server per dyno (${picked}; ${webrickFrom})`, via?.ref ?? RACKUP_REF)),
      server: 'webrick',
      threadsPerProcess: locked.threads,
      ...(ctx.versions.webrick ? {versions: {webrick: ctx.versions.webrick}} : {}),
    }
  },
  id: 'webrick',
  matches: isRackupWebrick,
}
