/**
 * PHP workers started by a framework console: Laravel's `php artisan queue:work`,
 * `horizon` and `schedule:work`, Symfony's `php bin/console messenger:consume`.
 * Each worker process runs one job (or message) at a time on one PDO/DBAL
 * connection; Horizon runs its supervisors' worker processes from config/horizon.php.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext, ServerAnalysis} from '../common/types.js'

import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {phpScript, type PhpWorkerKind} from './php-command.js'
import {octane} from './octane.js'
import {phpEntries, phpGet, type PhpValue, readPhpConfig} from './php-array.js'

const QUEUE_DOCS = 'https://laravel.com/docs/queues#running-the-queue-worker'
/** ProvisioningPlan::convert maps `processes` to `maxProcesses`; SupervisorOptions defaults maxProcesses to 1. */
const HORIZON_PLAN = 'https://github.com/laravel/horizon/blob/5.x/src/ProvisioningPlan.php'
const HORIZON_OPTIONS = 'https://github.com/laravel/horizon/blob/5.x/src/SupervisorOptions.php'
const SCHEDULE_DOCS = 'https://laravel.com/docs/scheduling#running-the-scheduler-locally'
const MESSENGER_DOCS = 'https://symfony.com/doc/current/messenger.html#consuming-messages-running-the-worker'
/** Laravel's DatabaseManager keeps one PDO per connection name for the process; a command runs its statements one at a time. */
const ARTISAN_DOCS = 'https://github.com/laravel/framework/blob/11.x/src/Illuminate/Database/DatabaseManager.php'
const CONSOLE_DOCS = 'https://symfony.com/doc/current/console.html'
// "The web server runs only one single-threaded process"; PHP_CLI_SERVER_WORKERS (PHP ≥ 7.4, not on Windows) forks that many workers.
const BUILTIN_SERVER = 'https://www.php.net/manual/en/features.commandline.webserver.php'

const one = (what: string, ref: string): Sourced<number> => sourced(1, fromDefault(what, ref))

export function analyzePhpWorker(ctx: AnalyzerContext, kind: PhpWorkerKind): ServerAnalysis {
  const base = {diagnostics: [] as Diagnostic[], language: 'php'}
  switch (kind) {
    case 'queue': {
      const o = one('`php artisan queue:work` is one process running one job at a time', QUEUE_DOCS)
      return {...base, processesPerDyno: o, server: 'artisan-queue', threadsPerProcess: o}
    }

    case 'messenger': {
      const o = one('`messenger:consume` is one process handling one message at a time (Doctrine opens one connection per process)', MESSENGER_DOCS)
      return {...base, processesPerDyno: o, server: 'symfony-messenger', threadsPerProcess: o}
    }

    case 'schedule': {
      // schedule:work runs `schedule:run` each minute; its due tasks run one after another unless a task says runInBackground().
      return {
        ...base,
        processesPerDyno: one('`php artisan schedule:work` keeps one scheduler process (each minute it runs schedule:run)', SCHEDULE_DOCS),
        server: 'artisan-schedule',
        threadsPerProcess: sourced(1, fromDefault('scheduled tasks run one at a time in the scheduler', SCHEDULE_DOCS), [assumed('tasks with runInBackground() run as processes of their own, each with a connection; conncalc does not read app/Console/Kernel.php')]),
      }
    }

    case 'horizon': {
      return {...base, ...horizon(ctx), server: 'horizon'}
    }

    case 'octane': {
      const args = phpScript(ctx.command.argv)?.args ?? ctx.command.argv.slice(1)
      const command = args.find((a) => !a.startsWith('-'))!
      return {...base, ...octane(ctx, command, args)}
    }

    case 'artisan-command': {
      // `php artisan migrate`, `route:list`, `passport:keys`… as a process type: one PHP process that runs once and exits.
      const o = one('an artisan command (e.g. migrate) is one PHP process running its queries one at a time on one PDO connection, then it exits', ARTISAN_DOCS)
      return {...base, processesPerDyno: o, server: 'artisan', threadsPerProcess: o}
    }

    case 'builtin-server': {
      const workers = ctx.env.get('PHP_CLI_SERVER_WORKERS')
      const n = workers && !workers.unknown && /^\s*\d+\s*$/.test(workers.value) && Number(workers.value) >= 1 ? Number(workers.value) : undefined
      const single = one("PHP's built-in web server (php -S) is one single-threaded process", BUILTIN_SERVER)
      // Set to a value conncalc cannot read (a command's output, not a number): 1 is an assumption, said.
      const unread = workers && n === undefined ? (workers.unknown ?? `PHP_CLI_SERVER_WORKERS=${JSON.stringify(workers.value)} is not a positive integer`) : undefined
      if (unread) base.diagnostics.push({code: 'unknown-config-value', ...(ctx.origin ? {file: ctx.origin.file, line: ctx.origin.line} : {}), message: `${ctx.processType}: cannot read the built-in server's workers: ${unread}; 1 assumed`, processType: ctx.processType, severity: 'warning'})
      const processes = n ? sourced(n, workers!.source, [fromDefault('PHP_CLI_SERVER_WORKERS forks that many built-in server workers', BUILTIN_SERVER)]) : unread ? {...single, via: [assumed(`PHP_CLI_SERVER_WORKERS cannot be read (${unread}); 1 assumed`)]} : single
      return {...base, processesPerDyno: processes, server: 'php-builtin-server', threadsPerProcess: one('each built-in server worker serves one request at a time with at most one PDO connection', BUILTIN_SERVER)}
    }

    case 'console-command': {
      const o = one('a bin/console command (e.g. doctrine:migrations:migrate) is one PHP process on one Doctrine connection, then it exits', CONSOLE_DOCS)
      return {...base, processesPerDyno: o, server: 'symfony-console', threadsPerProcess: o}
    }
  }
}

/**
 * `php artisan horizon`: a master and one supervisor per config entry (both manage
 * processes through Redis and run no jobs), and each supervisor's worker processes,
 * up to its `maxProcesses` (`processes`), each running one job at a time.
 */
function horizon(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; processesPerDyno: Sourced<number>; threadsPerProcess: Sourced<number>} {
  const file = 'config/horizon.php'
  const diagnostics: Diagnostic[] = []
  const threads = one('a Horizon worker process (horizon:work) runs one job at a time', HORIZON_OPTIONS)
  const text = ctx.files.read(file)?.text
  const config = text === undefined ? undefined : readPhpConfig(text, ctx.env)
  const guess = (why: string) => ({diagnostics, processesPerDyno: sourced(1, fromDefault('Horizon supervisor default maxProcesses: 1', HORIZON_OPTIONS), [assumed(why)]), threadsPerProcess: threads})
  if (config === undefined) return guess(text === undefined ? `${file} is not in the app; one supervisor with Horizon's default of 1 worker process assumed` : `${file} does not \`return [...]\` a literal conncalc can read; 1 worker process assumed`)

  // config('app.env'): APP_ENV, else Laravel's default 'production' (config/app.php).
  const appEnv = ctx.env.get('APP_ENV')
  const environment = appEnv?.value ?? 'production'
  const envSource: Source = appEnv ? appEnv.source : fromDefault("Laravel's default APP_ENV: production", 'https://github.com/laravel/laravel/blob/11.x/config/app.php')
  const environments = phpGet(config, 'environments')
  // ProvisioningPlan::deploy picks the first environment whose name matches (Str::is: `*` is a wildcard).
  const match = phpEntries(environments).find((e) => typeof e.key === 'string' && new RegExp(`^${e.key.replaceAll(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*')}$`).test(environment))
  if (!match) return guess(`${file} has no supervisors for the ${environment} environment`)
  const defaults = phpGet(config, 'defaults')

  let total = 0
  const via: Source[] = [fromDefault('each Horizon supervisor runs up to maxProcesses worker processes (`processes` is read as maxProcesses)', HORIZON_PLAN), envSource]
  for (const sup of phpEntries(match.value)) {
    if (sup.value.kind !== 'array') continue
    const own = maxProcessesOf(sup.value)
    const fromDefaults = maxProcessesOf(phpGet(defaults, String(sup.key)))
    const found = own ?? fromDefaults
    if (!found) {
      total += 1
      via.push(sourced(1, fromDefault(`${String(sup.key)}: Horizon's default maxProcesses 1`, HORIZON_OPTIONS)).source)
      continue
    }

    if (found.kind !== 'scalar' || typeof found.value !== 'number') {
      total += 1
      diagnostics.push({
        code: 'unknown-config-value',
        file,
        line: found.line,
        message: `cannot read the worker processes of Horizon supervisor ${String(sup.key)} at ${file}:${found.line}: ${found.kind === 'unknown' && found.reason ? found.reason : `\`${found.kind === 'unknown' ? found.text : found.kind === 'scalar' ? JSON.stringify(found.value) : 'an array'}\` is not a number`}; 1 assumed`,
        processType: ctx.processType,
        severity: 'warning',
      })
      via.push(assumed(`${file}:${found.line}: ${String(sup.key)}'s processes cannot be read; 1 assumed`))
      continue
    }

    total += found.value
    via.push(fromFile(file, found.line))
    const set = found.via ? ctx.env.get(found.via) : undefined
    if (set) via.push(set.source)
    // `env('X', 5)` with X unset: the fallback; app.json requiring X with no value makes it an assumption (the deployer sets X).
    const deployer = !set && found.env ? ctx.env.deployerSets(found.env) : undefined
    if (deployer) via.push(deployer)
  }

  if (total === 0) return guess(`${file} lists no supervisors for ${environment}`)
  // Σ maxProcesses of the environment's supervisors.
  return {diagnostics, processesPerDyno: sourced(total, fromFile(file, match.line), via), threadsPerProcess: threads}
}

function maxProcessesOf(sup: PhpValue | undefined): PhpValue | undefined {
  for (const key of ['maxProcesses', 'max_processes', 'processes']) {
    const v = phpGet(sup, key)
    if (v) return v
  }

  return undefined
}
