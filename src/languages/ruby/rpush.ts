/**
 * Rpush's daemon, `rpush start` (rpush/rpush lib/rpush/cli.rb: `-e` the Rails env, `-c` the config file, default
 * config/initializers/rpush.rb in a Rails app, else config/rpush.rb; `-f` keeps it in the foreground). One process
 * (Rpush::Daemon.start). With the ActiveRecord store (lib/rpush/daemon/store/active_record.rb, `config.client =
 * :active_record`, the default) its threads that hold a connection are:
 * - the feeder, in the main thread: it polls for deliverable notifications every push_poll seconds and releases its
 *   connection only when it stops (lib/rpush/daemon/feeder.rb `feed_forever`);
 * - per app with notifications to send, `app.connections` dispatcher loops (AppRunner#start_dispatchers), each a thread
 *   that marks notifications delivered or failed through the store and releases its connection only when it stops
 *   (lib/rpush/daemon/dispatcher_loop.rb).
 * The apps and their `connections` are rows of the rpush_apps table (the column defaults to 1), not files: counted as one
 * app with one dispatcher, 1 + 1 = 2, an assumption (`--assume TYPE=1:N:POOL` for more). `config.client = :redis`
 * (or :mongoid) keeps the notifications elsewhere: no PostgreSQL connection.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import {assumed, fromDefault, fromFile, sourced} from '../../model/source.js'
import {findCalls, isSymbol} from './evaluate.js'
import {loadRubyConfig} from './ruby-server.js'
import {isRpush} from '../common/matchers.js'
import {appPath, findFlag} from '../common/setting.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

const REPO = 'https://github.com/rpush/rpush'
const CLI = `${REPO}/blob/master/lib/rpush/cli.rb`
const DAEMON = `${REPO}/blob/master/lib/rpush/daemon/app_runner.rb`

export const rpush: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const diagnostics: Diagnostic[] = []
    const version = ctx.versions.rpush
    const tag = version ? `Rpush ${version}` : 'Rpush'
    const flag = findFlag(ctx.command.argv, ['-c', '--config'], ctx.command)
    const rails = ctx.files.exists('bin/rails') || ctx.files.exists('script/rails')
    const path = flag ? appPath(flag.value) : rails ? 'config/initializers/rpush.rb' : 'config/rpush.rb'
    const config = await loadRubyConfig(ctx, path, ctx.appEnv)
    // `Rpush.configure do |config| config.client = :redis end`: the last one set.
    const set = config ? findCalls(config.calls, 'client=', true).findLast((c) => c.receiver !== undefined) : undefined
    const arg = set?.args[0]
    const client = arg?.kind === 'known' ? (isSymbol(arg.value) ? arg.value.symbol : typeof arg.value === 'string' ? arg.value : undefined) : undefined
    const base = {diagnostics, language: 'ruby', processesPerDyno: sourced(1, fromDefault(`${tag}: one daemon process (Rpush::Daemon.start)`, CLI)), server: 'rpush', ...(version ? {versions: {rpush: version}} : {})}
    if (set && client !== undefined && client !== 'active_record') {
      // No connection of its own to count: 'none' (as procfile/no-database.ts's programs), so the 0 stands.
      return {...base, language: 'none', threadsPerProcess: sourced(0, fromFile(config!.file, set.line), [fromDefault(`${tag} keeps its notifications in ${client}, not in the app's database (config.client = :${client})`, `${REPO}#configuration`)])}
    }

    if (set && client === undefined) {
      diagnostics.push({code: 'unknown-config-value', file: config!.file, line: set.line, message: `${ctx.processType}: cannot read Rpush's config.client at ${config!.file}:${set.line}; counted with the ActiveRecord store`, processType: ctx.processType, severity: 'warning'})
    }

    // `rpush start` without -f: the CLI's `foreground` option defaults to false and Rpush.config.update(options) runs after
    // the config file is loaded, so a `config.foreground = true` there is overwritten; Rpush::Daemon.start then daemonizes
    // (daemonize? = !(push || foreground || embedded || JRuby): Process.daemon), and the command the Procfile runs exits.
    if (ctx.command.argv.includes('start') && !ctx.command.argv.some((w) => w === '-f' || w === '--foreground' || w === '--foreground=true')) {
      diagnostics.push({
        code: 'missing-config',
        file: ctx.origin?.file ?? 'Procfile',
        fix: 'run it in the foreground: rpush start -f',
        line: ctx.origin?.line ?? 1,
        message: `${ctx.processType}: \`rpush start\` without -f forks the daemon into the background and the command exits (${CLI}: the foreground option defaults to false and overrides the config file's; lib/rpush/daemon.rb daemonize?): the platform sees the process end and restarts it, and the daemon does not keep running beside it; conncalc counts it as if it ran in the foreground`,
        processType: ctx.processType,
        severity: 'warning',
      })
    }

    const why = assumed(`${tag}'s feeder (the main thread) and one dispatcher thread per app connection each hold a connection until they stop; the apps and their \`connections\` are rows of the rpush_apps table, not files: one app with one connection assumed (1 + 1)`)
    return {...base, threadsPerProcess: sourced(2, why, [fromDefault(`${tag}: AppRunner starts app.connections dispatcher loops per app (rpush_apps.connections defaults to 1)`, DAEMON)])}
  },
  id: 'rpush',
  matches: isRpush,
}
