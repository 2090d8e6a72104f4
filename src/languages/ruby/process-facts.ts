/**
 * What a Ruby process knows about itself, for code that branches on which
 * process it runs in: `Sidekiq.server?`, `defined?(Sidekiq::CLI)`,
 * `$0.include?("sidekiq")`, `Rails.const_defined?(:Server)`. Every process
 * type's files are read with its own facts, so an initializer's
 * `if Sidekiq.server?` takes one branch for the worker and the other for web.
 * `ENV["DYNO"]` needs nothing here: the runtime layer sets it (`web.1`).
 */
import type {AnalyzerContext} from '../common/types.js'
import {assumed, fromDefault, fromFile, type Sourced, sourced} from '../../model/source.js'
import {programName} from '../common/setting.js'
import type {EvalOptions, RubyValue} from './evaluate.js'
import {declaredRuby} from './gemfile-lock.js'

/** Does the app use ActiveRecord (the only ORM whose pools and fork behaviour conncalc knows)? */
export const usesActiveRecord = (ctx: AnalyzerContext): boolean =>
  Boolean(ctx.versions.activerecord ?? ctx.versions.rails) || ctx.files.exists('config/database.yml')

export type RubyFacts = Required<Pick<EvalOptions, 'knownCalls' | 'process'>>

const SIDEKIQ = 'https://github.com/sidekiq/sidekiq/blob/main/lib/sidekiq.rb'
const SIDEKIQ_BIN = 'https://github.com/sidekiq/sidekiq/blob/main/bin/sidekiq'
const GOOD_JOB_BIN = 'https://github.com/bensheldon/good_job/blob/main/exe/good_job'
const RAILS_SERVER = 'https://github.com/rails/rails/blob/main/railties/lib/rails/commands/server/server_command.rb'
// Puma.jruby? is `IS_JRUBY = Object.const_defined? :JRUBY_VERSION`, Puma.windows? `RUBY_PLATFORM =~ /mswin|ming|cygwin/`, Puma.mri? `RUBY_ENGINE == "ruby"`.
const PUMA_DETECT = 'https://github.com/puma/puma/blob/v6.4.2/lib/puma/detect.rb'
const HEROKU_RUBY = 'https://devcenter.heroku.com/articles/ruby-support-reference'

/** `rails server` / `bin/rails s`: only that command loads Rails::Server; `puma` started directly does not. */
function isRailsServer(argv: readonly string[]): boolean {
  return programName(argv[0]) === 'rails' && (argv[1] === 's' || argv[1] === 'server')
}

/**
 * Facts for the process type's own command, decided by the program it runs (as the
 * server analyzers match it). `concurrency` is Sidekiq's default capsule's threads,
 * so `Sidekiq.options[:concurrency] + 2` reads in a Sidekiq process.
 */
export function rubyProcessFacts(ctx: AnalyzerContext, concurrency?: Sourced<number>): RubyFacts {
  const program = programName(ctx.command.argv[0])
  const inSidekiq = program === 'sidekiq' || program === 'sidekiqswarm'
  const railsServer = isRailsServer(ctx.command.argv)
  const activeRecord = usesActiveRecord(ctx) ? (ctx.files.exists('config/database.yml') ? 'config/database.yml' : 'Gemfile.lock') : undefined
  // The same for every type that runs the same program in the same app (the maps are only read): made once.
  const key = inSidekiq && concurrency ? undefined : `${program}\0${railsServer}\0${activeRecord ?? ''}`
  let byKey = key === undefined ? undefined : shared.get(ctx.files)
  if (key !== undefined && !byKey) shared.set(ctx.files, (byKey = new Map()))
  let known = key === undefined ? undefined : byKey!.get(key)
  if (!known) {
    known = factMaps(program, inSidekiq, railsServer, activeRecord, concurrency, ctx.files)
    if (key !== undefined) byKey!.set(key, known)
  }

  const argv0 = ctx.command.argv[0] ?? ''
  const origin = ctx.origin
  const dollar0 = sourced(argv0, origin ? fromFile(origin.file, origin.line) : assumed(`$0 read as \`${argv0}\`, the program the command runs`))
  return {knownCalls: known.knownCalls, process: {constants: known.constants, programName: dollar0}}
}

const shared = new WeakMap<AnalyzerContext['files'], Map<string, Pick<RubyFacts, 'knownCalls'> & Pick<RubyFacts['process'], 'constants'>>>()

/**
 * What the Ruby a dyno runs says about itself: Heroku runs MRI on Linux (x86_64 on Cedar), or JRuby when
 * Gemfile.lock's RUBY VERSION or the Gemfile's `engine:` names it. Decides `unless Puma.jruby? || Puma.windows?`
 * around `workers` (Rails' puma.rb template before 7) and `RUBY_PLATFORM =~ /java/`.
 */
function platformCalls(files: AnalyzerContext['files'], knownCalls: Map<string, Sourced<RubyValue>>): void {
  const ruby = declaredRuby(files)
  const jruby = ruby?.engine === 'jruby'
  const why = jruby
    ? fromFile(ruby.file, ruby.line)
    : fromDefault(`Heroku dynos run MRI (CRuby) on Linux: ${ruby ? `${ruby.file}:${ruby.line} declares Ruby ${ruby.version} with no JRuby engine` : 'the app declares no JRuby engine'}`, HEROKU_RUBY)
  const fact = (v: RubyValue, what: string): Sourced<RubyValue> => sourced(v, why, [fromDefault(what, PUMA_DETECT)])
  knownCalls.set('Puma.jruby?', fact(jruby, `Puma.jruby? is ${jruby} (JRUBY_VERSION is defined only on JRuby)`))
  knownCalls.set('Puma.mri?', fact(!jruby, `Puma.mri? is ${!jruby} (RUBY_ENGINE is "${jruby ? 'jruby' : 'ruby'}")`))
  knownCalls.set('Puma.windows?', fact(false, 'Puma.windows? is false: RUBY_PLATFORM names no Windows build on a dyno'))
  knownCalls.set('RUBY_ENGINE', sourced(jruby ? 'jruby' : 'ruby', why))
  knownCalls.set('RUBY_PLATFORM', sourced(jruby ? 'java' : 'x86_64-linux', why))
}

function factMaps(program: string, inSidekiq: boolean, railsServer: boolean, activeRecord: string | undefined, concurrency: Sourced<number> | undefined, files: AnalyzerContext['files']): Pick<RubyFacts, 'knownCalls'> & Pick<RubyFacts['process'], 'constants'> {
  const server = program || 'no command'
  const knownCalls = new Map<string, Sourced<RubyValue>>()
  platformCalls(files, knownCalls)
  const serverWhat = inSidekiq
    ? 'Sidekiq.server? is true in the process the sidekiq command starts'
    : `Sidekiq.server? is false outside the sidekiq command (this type runs ${server})`
  knownCalls.set('Sidekiq.server?', sourced(inSidekiq, fromDefault(serverWhat, SIDEKIQ)))
  if (inSidekiq && concurrency) {
    // Sidekiq 6 (`Sidekiq.options`, the module passed to configure_server) and 7 (`Sidekiq[:concurrency]`, `default_configuration`).
    for (const key of ['Sidekiq.options[:concurrency]', 'Sidekiq[:concurrency]', 'Sidekiq.concurrency', 'Sidekiq.default_configuration[:concurrency]', 'Sidekiq.default_configuration.concurrency']) {
      knownCalls.set(key, concurrency)
    }
  }

  const constants = new Map<string, Sourced<boolean>>()
  constants.set('Sidekiq::CLI', sourced(inSidekiq, fromDefault(inSidekiq ? 'the sidekiq command loads Sidekiq::CLI' : `only the sidekiq command loads Sidekiq::CLI (this type runs ${server})`, SIDEKIQ_BIN)))
  const inGoodJob = program === 'good_job'
  constants.set('GoodJob::CLI', sourced(inGoodJob, fromDefault(inGoodJob ? 'the good_job command loads GoodJob::CLI' : `only the good_job command loads GoodJob::CLI (this type runs ${server})`, GOOD_JOB_BIN)))
  constants.set(
    'Rails::Server',
    sourced(railsServer, fromDefault(railsServer ? '`rails server` defines Rails::Server' : 'only `rails server` defines Rails::Server; this command does not run it', RAILS_SERVER)),
  )
  // A Procfile type is never the console; ActiveRecord is there when the app uses it (whether it is loaded yet is another question).
  constants.set('Rails::Console', sourced(false, fromDefault('Rails::Console is defined only by `rails console`', RAILS_SERVER)))
  if (activeRecord) {
    const where = fromFile(activeRecord, 1)
    for (const c of ['ActiveRecord', 'ActiveRecord::Base']) constants.set(c, sourced(true, where))
  }

  return {constants, knownCalls}
}
