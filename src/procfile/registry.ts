import type {ProcessAddon, ServerAnalyzer} from '../languages/common/types.js'

import {actionCable} from '../languages/ruby/action-cable.js'
import {messageBus} from '../languages/ruby/message-bus.js'
import {goodJob, goodJobAsync} from '../languages/ruby/good-job.js'
import {lazyAnalyzer} from './lazy.js'
import {isCelery, isDaphne, isWaitress, isDelayedJob, isDjangoCommand, isDotnet, isDramatiq, isElixir, isFalcon, isGo, isGranian, isOpenFga, isRust, isGunicorn, isPythonScript, isPythonCliCommand, isHueyConsumer, isHypercorn, isJvm, isLitestarRun, isPlay, isNode, isPassenger, isPhp, isQue, isResque, isKarafka, isRacecar, isBackburner, isRpush, isRackupWebrick, isShoryuken, isRq, isSpinach, isThin, isUvicorn, isUwsgi, isWerkzeug} from '../languages/common/matchers.js'
import {newRelic} from '../languages/ruby/new-relic.js'
import {pythonNewRelic} from '../languages/python/new-relic.js'
import {puma} from '../languages/ruby/puma.js'
import {migrationTool, release, toolWords} from './release.js'
import {packageScript} from './hook-commands.js'
import {sidekiq} from '../languages/ruby/sidekiq.js'
import {queAsync} from '../languages/ruby/que-async.js'
import {sidekiqEmbedded} from '../languages/ruby/sidekiq-embedded.js'
import {suckerPunch} from '../languages/ruby/sucker-punch.js'
import {judoscale} from '../languages/ruby/judoscale.js'
import {solidQueue, solidQueueInPuma} from '../languages/ruby/solid-queue.js'
import {solidDatabases} from '../languages/ruby/solid-databases.js'
import {migrationsBeforeStart} from '../languages/ruby/migrations-before-start.js'
import {migrationsBeforeServer} from './migrate-before-start.js'
import {unicorn} from '../languages/ruby/unicorn.js'
import {unknown} from './unknown.js'
import {runnerFileIndex} from '../languages/node/runner-args.js'
import {noDatabase} from './no-database.js'
import {exitsAtStart} from './exits-at-start.js'
import {migrationProcess} from './migration-process.js'
import {isRailsProcess} from '../languages/ruby/rails-process-command.js'
import {isSneakers} from '../languages/ruby/sneakers-command.js'
import {rubyScript} from '../languages/ruby/ruby-script-command.js'
import {pythonProgram} from '../languages/python/program.js'

/**
 * Server analyzers in the order they are tried; the first that matches a
 * process type's command wins, and `unknown` matches everything. `dotnet`
 * and `go` are last before it: they match any bare program in an app with a
 * .NET project or a go.mod.
 * Analyzers a Rails app does not need are `lazyAnalyzer`s: their matcher is
 * here, their code loads only when a process type matches (lazy.ts).
 */
export const analyzers: ServerAnalyzer[] = [
  // A command known to stop at start (a script no selected workspace package has): before the deploy hooks' too.
  exitsAtStart,
  // A deploy hook running the app's own program (`node scripts/migrate.js`, `python scripts/migrate.py`) is that
  // program's: its analyzer counts what it opens (DEFERS_RELEASE below). A migration tool stays the hook's (release.ts).
  {...release, matches: (cmd, ctx) => release.matches(cmd, ctx) && (migrationTool(cmd.argv) !== undefined || !ownProgram(cmd, ctx))},
  // A migration tool as a long-running type of its own: one connection while it runs, then it exits and is restarted.
  migrationProcess,
  puma,
  unicorn,
  lazyAnalyzer('thin', isThin, async () => (await import('../languages/ruby/thin.js')).thin),
  lazyAnalyzer('webrick', isRackupWebrick, async () => (await import('../languages/ruby/webrick.js')).webrick),
  lazyAnalyzer('falcon', isFalcon, async () => (await import('../languages/ruby/falcon.js')).falcon),
  lazyAnalyzer('passenger', isPassenger, async () => (await import('../languages/ruby/passenger.js')).passenger),
  sidekiq,
  lazyAnalyzer('resque', isResque, async () => (await import('../languages/ruby/resque.js')).resque),
  goodJob,
  solidQueue,
  lazyAnalyzer('delayed_job', isDelayedJob, async () => (await import('../languages/ruby/delayed-job.js')).delayedJob),
  lazyAnalyzer('que', isQue, async () => (await import('../languages/ruby/que.js')).que),
  lazyAnalyzer('shoryuken', isShoryuken, async () => (await import('../languages/ruby/shoryuken.js')).shoryuken),
  lazyAnalyzer('sneakers', (cmd, ctx) => isSneakers(cmd.argv, ctx), async () => (await import('../languages/ruby/sneakers.js')).sneakers),
  lazyAnalyzer('karafka', isKarafka, async () => (await import('../languages/ruby/kafka-beanstalk.js')).karafka),
  lazyAnalyzer('racecar', isRacecar, async () => (await import('../languages/ruby/kafka-beanstalk.js')).racecar),
  lazyAnalyzer('backburner', isBackburner, async () => (await import('../languages/ruby/kafka-beanstalk.js')).backburner),
  lazyAnalyzer('rpush', isRpush, async () => (await import('../languages/ruby/rpush.js')).rpush),
  // Before rails-process: `rails tailwindcss:watch` is a task that builds assets, not one that uses the database.
  noDatabase,
  lazyAnalyzer('rails-process', (cmd) => isRailsProcess(cmd.argv), async () => (await import('../languages/ruby/rails-process.js')).railsProcess),
  // After every Ruby server, job system and Rails command: an app's own Ruby file (`bin/respirate`, `ruby worker.rb`).
  lazyAnalyzer('ruby-script', (cmd, ctx) => rubyScript(cmd.argv, ctx.files) !== undefined, async () => (await import('../languages/ruby/ruby-script.js')).rubyScriptAnalyzer),
  lazyAnalyzer('gunicorn', isGunicorn, async () => (await import('../languages/python/gunicorn.js')).gunicorn),
  lazyAnalyzer('uvicorn', isUvicorn, async () => (await import('../languages/python/uvicorn.js')).uvicorn),
  lazyAnalyzer('litestar', isLitestarRun, async () => (await import('../languages/python/litestar.js')).litestarRun),
  lazyAnalyzer('granian', isGranian, async () => (await import('../languages/python/granian.js')).granian),
  lazyAnalyzer('hypercorn', isHypercorn, async () => (await import('../languages/python/hypercorn.js')).hypercorn),
  lazyAnalyzer('daphne', isDaphne, async () => (await import('../languages/python/daphne.js')).daphne),
  lazyAnalyzer('waitress', isWaitress, async () => (await import('../languages/python/waitress.js')).waitress),
  lazyAnalyzer('uwsgi', isUwsgi, async () => (await import('../languages/python/uwsgi.js')).uwsgi),
  lazyAnalyzer('celery', isCelery, async () => (await import('../languages/python/celery.js')).celery),
  lazyAnalyzer('rq', isRq, async () => (await import('../languages/python/rq.js')).rq),
  lazyAnalyzer('dramatiq', isDramatiq, async () => (await import('../languages/python/dramatiq.js')).dramatiq),
  lazyAnalyzer('huey', isHueyConsumer, async () => (await import('../languages/python/huey-consumer.js')).hueyConsumerCli),
  lazyAnalyzer('arq', (cmd) => pythonProgram(cmd.argv).name === 'arq', async () => (await import('../languages/python/arq.js')).arq),
  lazyAnalyzer('spinach', isSpinach, async () => (await import('../languages/python/spinach.js')).spinach),
  lazyAnalyzer('werkzeug', isWerkzeug, async () => (await import('../languages/python/werkzeug.js')).werkzeug),
  lazyAnalyzer('django-command', isDjangoCommand, async () => (await import('../languages/python/django-command.js')).djangoCommand),
  lazyAnalyzer('python-cli-command', isPythonCliCommand, async () => (await import('../languages/python/cli-command.js')).pythonCliCommand),
  lazyAnalyzer('python-script', isPythonScript, async () => (await import('../languages/python/script-command.js')).script),
  lazyAnalyzer('node', isNode, async () => (await import('../languages/node/node.js')).node),
  lazyAnalyzer('jvm', isJvm, async () => (await import('../languages/jvm/jvm.js')).jvm),
  lazyAnalyzer('play', isPlay, async () => (await import('../languages/jvm/play.js')).play),
  lazyAnalyzer('php', isPhp, async () => (await import('../languages/php/php.js')).php),
  lazyAnalyzer('elixir', isElixir, async () => (await import('../languages/elixir/elixir.js')).elixir),
  lazyAnalyzer('openfga', isOpenFga, async () => (await import('../languages/go/openfga.js')).openFga),
  lazyAnalyzer('dotnet', isDotnet, async () => (await import('../languages/dotnet/dotnet.js')).dotnet),
  lazyAnalyzer('rust', isRust, async () => (await import('../languages/rust/rust.js')).rust),
  lazyAnalyzer('go', isGo, async () => (await import('../languages/go/go.js')).go),
  unknown,
]

/**
 * Analyzers that take a deploy hook's command from the release analyzer: they read the app's own program (its
 * code, and the pool it builds), as does a Node runtime running one of the app's files (ownProgram). Servers and
 * job systems are not among them (a release does not start one), nor the Rails/Django/Elixir commands the release
 * analyzer reads itself (a Rails migration's advisory-lock connection), nor a JVM main class: the JVM analysis is
 * the jar's, not the class's (a migration main that opens a plain JDBC connection would get the server's pool).
 */
const DEFERS_RELEASE = new Set(['python-script'])

/** Node runtimes that run a file of the app (`node scripts/migrate.js`, `tsx src/db/migrate.ts`); a package's CLI through npx is not the app's code. */
const NODE_RUNTIMES = new Set(['node', 'nodejs', 'tsx', 'ts-node', 'ts-node-esm', 'bun'])

function ownProgram(cmd: Parameters<ServerAnalyzer['matches']>[0], ctx: Parameters<ServerAnalyzer['matches']>[1], depth = 0): boolean {
  // `npm run migrate`, `yarn migrate`: the package.json script, when it is one plain command.
  const script = depth < 3 ? packageScript(cmd.argv, ctx.files) : undefined
  if (script !== undefined) return !/[;&|<>`$()]/.test(script) && ownProgram({...cmd, argv: script.trim().split(/\s+/)}, ctx, depth + 1)
  const [name, ...args] = toolWords(cmd.argv)
  if (NODE_RUNTIMES.has(name ?? '')) {
    // The file is the program; one given a subcommand (`cli/index.ts migrate`) dispatches on it, and the analyzer would
    // count the pools every other subcommand makes too: that stays the hook's one connection.
    // Past the runtime's options and their values: `ts-node -r tsconfig-paths/register src/seed.ts` runs src/seed.ts.
    const at = runnerFileIndex(name!, args)
    return at !== -1 && at === args.length - 1 && ctx.files.exists(args[at].replace(/^\.\//, ''))
  }

  return analyzers.some((a) => DEFERS_RELEASE.has(a.id) && a.matches(cmd, ctx))
}

/** Add-ons that run inside other servers' processes, applied to every process type in this order. */
export const addons: ProcessAddon[] = [actionCable, messageBus, goodJobAsync, queAsync, solidQueueInPuma, sidekiqEmbedded, suckerPunch, judoscale, newRelic, pythonNewRelic, solidDatabases, migrationsBeforeStart, migrationsBeforeServer]
