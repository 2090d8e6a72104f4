/**
 * Programs a Procfile runs that certainly open no PostgreSQL connection: a Redis
 * server, a log tail, and asset watchers left from development (Tailwind, Dart Sass,
 * webpack, Vite). Counted as 0 connections with the reason, instead of an unknown
 * command counted as 1. Only what is certain is here: a clock or a script that loads
 * the app is not.
 */
import type {ParsedCommand, ServerAnalyzer} from '../languages/common/types.js'

import {fromDefault, sourced} from '../model/source.js'
import {programName} from '../languages/common/setting.js'

/** Rails tasks that only build assets (tailwindcss-rails, dartsass-rails, cssbundling/jsbundling). */
const ASSET_TASK = /^(tailwindcss|dartsass|css|javascript):(watch|build)$/
const WEBPACK = new Set(['webpack', 'webpack-dev-server', 'shakapacker-dev-server', 'vite'])

/** What the program is, when it is one that holds no database connection. */
export function noDatabaseProgram(cmd: ParsedCommand): {ref: string; what: string} | undefined {
  const [argv0, ...args] = cmd.argv
  const prog = programName(argv0)
  if (prog === 'redis-server') return {ref: 'https://redis.io/docs/latest/operate/oss_and_stack/management/config/', what: 'redis-server is Redis itself'}
  if (prog === 'memcached') return {ref: 'https://github.com/memcached/memcached/wiki', what: 'memcached is a cache server'}
  if (prog === 'tail' && args.some((a) => /^-[a-zA-Z]*[fF]/.test(a))) return {ref: 'https://www.gnu.org/software/coreutils/manual/html_node/tail-invocation.html', what: '`tail -f` prints a log file'}
  if (['rails', 'rake'].includes(prog) && args.length > 0 && args.every((a) => ASSET_TASK.test(a))) {
    return {ref: 'https://github.com/rails/tailwindcss-rails#live-rebuild', what: `\`${prog} ${args.join(' ')}\` rebuilds assets when files change`}
  }

  if (WEBPACK.has(prog) && (argv0.includes('/') || prog !== 'vite')) return {ref: 'https://webpack.js.org/configuration/watch/', what: `${prog} builds or serves front-end assets`}
  return undefined
}

export const noDatabase: ServerAnalyzer = {
  analyze(ctx) {
    const found = noDatabaseProgram(ctx.command)!
    return {
      diagnostics: [],
      language: 'none',
      processesPerDyno: sourced(1, fromDefault(`${found.what}: one process`, found.ref)),
      server: programName(ctx.command.argv[0]),
      threadsPerProcess: sourced(0, fromDefault(`${found.what}; it opens no PostgreSQL connection`, found.ref)),
    }
  },
  id: 'no-database',
  matches: (cmd) => noDatabaseProgram(cmd) !== undefined,
}
