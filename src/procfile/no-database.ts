/**
 * Programs a Procfile runs that open no PostgreSQL connection, or a known few: the
 * table of languages/shell/programs.ts (nginx, a Redis server, a log tail, curl, …,
 * each with its reason) and asset watchers left from development (Tailwind, Dart
 * Sass, webpack, Vite). Counted with what they hold (0, or pg_dump's one), instead of
 * an unknown command counted as 1. Only what is certain is here: a clock or a script
 * that loads the app is not.
 */
import type {ParsedCommand, ServerAnalyzer} from '../languages/common/types.js'

import {fromDefault, sourced} from '../model/source.js'
import {knownProgram} from '../languages/shell/programs.js'
import {programName} from '../languages/common/setting.js'

/** Rails tasks that only build assets (tailwindcss-rails, dartsass-rails, cssbundling/jsbundling). */
const ASSET_TASKS = new Set(['tailwindcss:watch', 'tailwindcss:build', 'dartsass:watch', 'dartsass:build', 'css:watch', 'css:build', 'javascript:watch', 'javascript:build'])
const HANAMI_ASSETS: Record<string, string> = {
  compile: 'https://github.com/hanami/cli/blob/main/lib/hanami/cli/commands/app/assets/compile.rb',
  precompile: 'https://github.com/hanami/hanami/blob/v1.3.5/lib/hanami/cli/commands/assets/precompile.rb',
  watch: 'https://github.com/hanami/cli/blob/main/lib/hanami/cli/commands/app/assets/watch.rb',
}
const WEBPACK = new Set(['webpack', 'webpack-dev-server', 'shakapacker-dev-server', 'vite'])

/** What the program is, when it is one that holds no database connection (or a known number: pg_dump's 1). */
export function noDatabaseProgram(cmd: ParsedCommand): {connections: number; ref: string; what: string} | undefined {
  const [argv0, ...args] = cmd.argv
  const prog = programName(argv0)
  const known = knownProgram(cmd.argv)
  // A program that finishes at once is no process type's server (`tail file` exits: a type of it is
  // an unknown command); pg_dump's turn in a clock loop holds its connection, so it is counted.
  if (known && (known.kind === 'stays-up' || known.connections > 0)) return known
  // `sleep 7d` as a whole process type (a placeholder kept while the app runs elsewhere) only waits, then exits and the
  // platform restarts it: it never opens a connection. Other programs that finish at once stay unknown commands (above).
  if (prog === 'sleep' && args.length > 0) return {connections: 0, ref: 'https://www.gnu.org/software/coreutils/manual/html_node/sleep-invocation.html', what: `\`sleep ${args.join(' ')}\` only waits (then exits, and the platform starts it again)`}
  // An interactive shell as a process type (`console: bin/rails console`, for `heroku run console`): with no terminal it
  // reads the end of its input and exits before it opens a connection (ActiveRecord connects on the first query).
  if (known && known.kind === 'finishes' && (prog === 'irb' || prog === 'pry' || prog === 'rails')) return known
  // resque-scheduler's task (`rake resque:scheduler`, after `environment` or with VAR=value arguments): it reads the
  // schedule and pushes due jobs to Redis (Resque::Scheduler.run → enqueue_from_config); the jobs run in Resque workers.
  if (['rails', 'rake'].includes(prog) && args.includes('resque:scheduler') && args.every((a) => a === 'resque:scheduler' || a === 'environment' || /^[A-Z_][A-Z0-9_]*=/.test(a))) {
    return {connections: 0, ref: 'https://github.com/resque/resque-scheduler#standalone-executable', what: '`rake resque:scheduler` (resque-scheduler) reads its schedule and pushes due jobs to Redis; the jobs run in the Resque workers'}
  }

  if (['rails', 'rake'].includes(prog) && args.length > 0 && args.every((a) => ASSET_TASKS.has(a))) {
    return {connections: 0, ref: 'https://github.com/rails/tailwindcss-rails#live-rebuild', what: `\`${prog} ${args.join(' ')}\` rebuilds assets when files change`}
  }

  // Hanami's asset commands build with esbuild through npm (hanami-cli assets/compile.rb runs `npm run assets` per slice;
  // Hanami 1's `assets precompile` copies and compresses files): no database.
  if (prog === 'hanami' && args[0] === 'assets' && Object.hasOwn(HANAMI_ASSETS, args[1] ?? '')) {
    return {connections: 0, ref: HANAMI_ASSETS[args[1]], what: `\`hanami assets ${args[1]}\` ${args[1] === 'watch' ? 'rebuilds assets when files change' : 'builds the assets and exits'}`}
  }

  // `ruby -run -e httpd DIR -p 3501`: Ruby's un.rb `httpd` serves DIR's files with WEBrick::HTTPServer (DocumentRoot); it
  // loads no app code (lib/un.rb `def httpd`).
  if (prog === 'ruby' && rubyUnHttpd(args)) return {connections: 0, ref: 'https://github.com/ruby/ruby/blob/v3_3_0/lib/un.rb', what: '`ruby -run -e httpd` (un.rb) serves static files with WEBrick'}
  if (WEBPACK.has(prog) && (argv0.includes('/') || prog !== 'vite')) return {connections: 0, ref: 'https://webpack.js.org/configuration/watch/', what: `${prog} builds or serves front-end assets`}
  return undefined
}

/** `-run -e httpd`, `-run -ehttpd`, `-r un -e httpd`: un.rb's `httpd` is the program ruby runs (no script file after it). */
function rubyUnHttpd(args: readonly string[]): boolean {
  let un = false
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '-run' || (a === '-r' && args[i + 1] === 'un')) un = true
    if (a === '-r') i++
    else if (a === '-e' || a.startsWith('-e')) return un && (a === '-e' ? args[i + 1] : a.slice(2)) === 'httpd'
    else if (!a.startsWith('-')) return false
  }

  return false
}

export const noDatabase: ServerAnalyzer = {
  analyze(ctx) {
    const found = noDatabaseProgram(ctx.command)!
    const holds = found.connections === 0 ? 'it opens no PostgreSQL connection' : `it holds ${found.connections} PostgreSQL connection${found.connections === 1 ? '' : 's'} while it runs`
    return {
      diagnostics: [],
      language: 'none',
      processesPerDyno: sourced(1, fromDefault(`${found.what}: one process`, found.ref)),
      server: programName(ctx.command.argv[0]),
      threadsPerProcess: sourced(found.connections, fromDefault(`${found.what}; ${holds}`, found.ref)),
    }
  },
  id: 'no-database',
  matches: (cmd) => noDatabaseProgram(cmd) !== undefined,
}
