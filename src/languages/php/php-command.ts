/**
 * Which framework console worker a `php …` command runs (Laravel's artisan, Symfony's
 * bin/console): plain argv tests, light enough for the matchers (common/matchers.ts).
 */
import {programName} from '../common/setting.js'

/** PHP's own options before the script: `php -d memory_limit=1G bin/console …`. */
const PHP_VALUE_OPTIONS = new Set(['-d', '-c', '-z'])

/** PHP's CLI: `php`, or a distribution's versioned name (Alpine's php82, Debian's php8.2). */
export const isPhpCli = (name: string): boolean => /^php(\d+(\.\d+)?)?$/.test(name)

/** The script and its arguments of a `php …` command: `php -d x=1 artisan horizon` → artisan, [horizon]. */
export function phpScript(argv: readonly string[]): {args: string[]; script: string} | undefined {
  if (!isPhpCli(programName(argv[0]))) return undefined
  let i = 1
  while (i < argv.length && argv[i].startsWith('-')) i += PHP_VALUE_OPTIONS.has(argv[i]) ? 2 : 1
  const script = argv[i]
  return script ? {args: argv.slice(i + 1), script: script.replace(/^\.\//, '')} : undefined
}

/** `command`: any other artisan or bin/console command (`migrate`, `route:list`, `passport:keys`): one run, then it exits. */
export type PhpWorkerKind = 'artisan-command' | 'builtin-server' | 'console-command' | 'horizon' | 'messenger' | 'octane' | 'queue' | 'schedule'

/** Which framework worker a command is, if it is one; `php -S host:port` is PHP's built-in web server. */
export function phpWorker(argv: readonly string[]): PhpWorkerKind | undefined {
  if (isPhpCli(programName(argv[0])) && argv.slice(1).some((a) => a === '-S' || /^-S\S/.test(a))) return 'builtin-server'
  const php = phpScript(argv)
  // `artisan` may be run directly (it has a php shebang): `./artisan horizon`.
  const direct = programName(argv[0]) === 'artisan' ? {args: argv.slice(1), script: 'artisan'} : undefined
  const run = php ?? direct
  if (!run) return undefined
  const command = run.args.find((a) => !a.startsWith('-'))
  if (run.script === 'artisan') {
    if (command === 'horizon') return 'horizon'
    if (/^queue:(work|listen)$/.test(command ?? '')) return 'queue'
    if (/^schedule:(work|daemon)$/.test(command ?? '')) return 'schedule'
    // Laravel Octane's server (languages/php/octane.ts): long-running workers, not a command that exits.
    if (/^octane:(start|roadrunner|swoole|frankenphp)$/.test(command ?? '')) return 'octane'
    return 'artisan-command'
  }

  if (/(^|\/)bin\/console$/.test(run.script)) return command === 'messenger:consume' ? 'messenger' : 'console-command'
  return undefined
}


/** What Scalingo's PHP buildpack's bin/run starts as its server (bin/compile writes `php-fpm -p "/app/vendor/php"`). */
export const SCALINGO_PHP_FPM = 'php-fpm -p /app/vendor/php'

/** PHP-FPM started as Scalingo's bin/run starts it: sized by that buildpack, not by heroku-php-*. */
export const isScalingoPhpFpm = (argv: readonly string[]): boolean => argv.join(' ') === SCALINGO_PHP_FPM
