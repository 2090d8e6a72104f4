/**
 * Commands that stay in the foreground until the dyno stops: web servers and job workers. A shell script or a rake
 * task that runs one and waits for it (`bundle exec good_job start; other`, `sh "rake environment resque:work"`)
 * never gets past it, so nothing after it starts. Only the plain forms are here: a daemonizing flag (`puma -d`,
 * `unicorn -D`, `sidekiq -d` before Sidekiq 6, `gunicorn --daemon`, `celery --detach`, `uwsgi --daemonize`) returns
 * at once, and a subcommand that reports and exits (`thin stop`, `celery inspect`, `jobs:workoff`) is not one.
 */
import {programName} from './setting.js'

/** Flags that put the program in the background and return (each program's --help). */
const DAEMON_FLAGS = new Set(['-d', '-D', '--daemon', '--daemonize', '--detach'])

/** Programs that serve or work until stopped, with the subcommands that do (none listed: any, or none). */
const SERVERS = new Map<string, readonly string[] | undefined>([
  ['puma', undefined],
  ['unicorn', undefined],
  ['unicorn_rails', undefined],
  ['rainbows', undefined],
  ['iodine', undefined],
  ['rackup', undefined],
  ['thin', ['start']],
  ['falcon', ['serve', 'host', 'virtual']],
  ['passenger', ['start']],
  ['sidekiq', undefined],
  ['sidekiqswarm', undefined],
  ['resque-pool', undefined],
  ['good_job', ['start']],
  ['que', undefined],
  ['sneakers', ['work']],
  ['shoryuken', ['start']],
  ['karafka', ['server', 'swarm']],
  ['backburner', undefined],
  ['rpush', ['start']],
  ['gunicorn', undefined],
  ['uvicorn', undefined],
  ['hypercorn', undefined],
  ['daphne', undefined],
  ['waitress-serve', undefined],
  ['uwsgi', undefined],
  ['celery', ['worker', 'beat']],
  ['rq', ['worker']],
  ['dramatiq', undefined],
  ['arq', undefined],
  ['huey_consumer', undefined],
  ['huey_consumer.py', undefined],
])

/** Programs whose first word may be an option before the subcommand or none at all (`shoryuken -R -C x`: `start` is the default task). */
const DEFAULT_SUBCOMMAND = new Set(['shoryuken', 'falcon'])

/** Rake tasks (and `rails` commands) that work until stopped. */
const TASKS = new Set(['resque:work', 'resque:workers', 'jobs:work', 'solid_queue:start', 'que:work', 'sneakers:run', 'backburner:work', 'backburner:simple:work', 'backburner:forking:work', 'server', 's'])

/** Launcher words before the program: `exec`, `bundle exec`, `env`, `VAR=value`. */
function program(argv: readonly string[]): string[] {
  let i = 0
  for (;;) {
    const w = argv[i]
    if (w === undefined) return []
    if ((w.includes('=') && /^[A-Za-z_]\w*=/.test(w)) || w === 'exec' || w === 'env') i++
    else if (programName(w) === 'bundle' && argv[i + 1] === 'exec') i += 2
    else break
  }

  return argv.slice(i)
}

/**
 * A server started with its daemonizing flag (`php-fpm -D`, `gunicorn --daemon`, `unicorn -D`): it forks into the
 * background and returns, still serving beside what the script runs next (nginx in the foreground). For php-fpm only
 * -D/--daemonize (its -d defines a php.ini value; php-fpm -h).
 */
export function daemonizes(argv: readonly string[]): boolean {
  const words = program(argv)
  const name = programName(words[0])
  const rest = words.slice(1)
  if (name.startsWith('php-fpm') && /^php-fpm(\d+(\.\d+)?)?$/.test(name)) return rest.some((w) => w === '-D' || w === '--daemonize')
  if (!SERVERS.has(name)) return false
  return rest.some((w) => DAEMON_FLAGS.has(w) || w.startsWith('--daemonize=') || w.startsWith('--daemon='))
}

/**
 * What the command is when it stays up until the dyno stops (`a Puma server`, `rake resque:work`), else undefined.
 * `argv` is the command's words, wrappers included or not.
 */
export function neverReturns(argv: readonly string[]): string | undefined {
  const words = program(argv)
  const name = programName(words[0])
  if (!name) return undefined
  const rest = words.slice(1)
  if (rest.some((w) => DAEMON_FLAGS.has(w) || w.startsWith('--daemonize=') || w.startsWith('--daemon='))) return undefined
  if (name === 'rake' || name === 'rails') {
    const task = rest.find((w) => TASKS.has(w) && (name === 'rails' || (w !== 'server' && w !== 's')))
    // `rails server` is the command's first word; a task is any of rake's.
    if (name === 'rails' && (task === 'server' || task === 's') && rest[0] !== task) return undefined
    return task === undefined ? undefined : `\`${name} ${task}\``
  }

  if (!SERVERS.has(name)) return undefined
  const subcommands = SERVERS.get(name)
  if (subcommands === undefined) return `\`${name}\``
  const sub = rest[0]
  if (sub !== undefined && subcommands.includes(sub)) return `\`${name} ${sub}\``
  return DEFAULT_SUBCOMMAND.has(name) && (sub === undefined || sub.startsWith('-')) ? `\`${name}\`` : undefined
}
