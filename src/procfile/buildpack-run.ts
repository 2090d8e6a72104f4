/**
 * `bin/run` that is not in the repo: Scalingo's nginx and PHP buildpacks write it at
 * build (their bin/compile) and name it as the default web process (bin/release:
 * `web: bin/run`). What it starts is known from the buildpack's source:
 * - Scalingo/nginx-buildpack: renders the nginx config from the app's ERB files and
 *   runs nginx; nothing else (an app puts its own server beside it:
 *   `bin/run & bash start.sh`, or a supervisord program).
 * - Scalingo/php-buildpack: runs PHP-FPM and nginx side by side (PHP-FPM's children are
 *   WEB_CONCURRENCY, else sized by the buildpack's autotune from the container's memory).
 * The buildpacks are the ones the app names: `.buildpacks` (one URL a line, read by
 * Scalingo's and Heroku's multi-buildpack) or app.json `buildpacks`; with none named, a
 * PHP app (composer.json) that is on Scalingo (platform/scalingo.ts) gets the PHP one.
 */
import {type FileReader, filesUnder} from '../model/files.js'

import {SCALINGO_PHP_FPM} from '../languages/php/php-command.js'
import {namedBuildpacks} from '../platform/named-buildpacks.js'
import {scalingoSign} from '../platform/scalingo.js'

const NGINX = 'https://github.com/Scalingo/nginx-buildpack/blob/master/bin/compile'
const PHP = 'https://github.com/Scalingo/php-buildpack/blob/master/bin/compile'

export interface BuildpackRun {
  /** The buildpack, as the app names it, and where. */
  buildpack: string
  /** What bin/run starts, each a command read as any other (PHP-FPM first: it is the server). */
  commands: string[]
  from: {file: string; line: number}
  ref: string
  what: string
}

/**
 * What `bin/run` runs, when the command is `bin/run` (or `/app/bin/run`), the repo has
 * no such file, and the app names a buildpack that writes it. `missing` says why not
 * when the file is absent but no such buildpack is named.
 */
export function buildpackRun(argv: readonly string[], files: FileReader): BuildpackRun | {missing: string} | undefined {
  let prog = argv[0] ?? ''
  while (prog.startsWith('./')) prog = prog.slice(2)
  if (prog.startsWith('/app/')) prog = prog.slice('/app/'.length)
  if (prog !== 'bin/run' || files.exists('bin/run')) return undefined
  const named = namedBuildpacks(files)
  // PHP's bin/run starts nginx too; when both are named, the PHP one is what the app runs as its server.
  const php = named.find((b) => /scalingo\/php-buildpack/i.test(b.url))
  if (php) {
    return {
      buildpack: php.url,
      commands: [SCALINGO_PHP_FPM, 'nginx -p /app/vendor/nginx -c /app/vendor/nginx/conf/nginx.conf'],
      from: {file: php.file, line: php.line},
      ref: PHP,
      what: `bin/run is written at build by Scalingo's PHP buildpack (${php.file}:${php.line}); it runs PHP-FPM and nginx side by side`,
    }
  }

  const nginx = named.find((b) => /scalingo\/nginx-buildpack/i.test(b.url))
  if (nginx) {
    return {
      buildpack: nginx.url,
      commands: ['nginx -p /app/vendor/nginx -c /app/vendor/nginx/conf/nginx.conf'],
      from: {file: nginx.file, line: nginx.line},
      ref: NGINX,
      what: `bin/run is written at build by Scalingo's nginx buildpack (${nginx.file}:${nginx.line}); it runs nginx only`,
    }
  }

  // No buildpack named: Scalingo detects PHP from composer.json, as Heroku does, when the app is on Scalingo.
  const sign = named.length === 0 && files.exists('composer.json') ? scalingoSign(files) : undefined
  if (sign) {
    return {
      buildpack: 'Scalingo/php-buildpack',
      commands: [SCALINGO_PHP_FPM, 'nginx -p /app/vendor/nginx -c /app/vendor/nginx/conf/nginx.conf'],
      from: {file: sign.file, line: sign.line},
      ref: PHP,
      what: `bin/run is written at build by Scalingo's PHP buildpack, which detects composer.json (the app is on Scalingo: ${sign.what}); it runs PHP-FPM and nginx side by side`,
    }
  }

  // No buildpack named, but the nginx buildpack's own config is in the app: its bin/run renders servers.conf.erb or
  // nginx.conf.erb from the built app's root (bin/compile's heredoc), so the build put it there (La Suite's meta-buildpack
  // builds deploy/paas/ or src/nginx/ with it, LASUITE_NGINX_DIR): nginx only, as when the buildpack is named.
  const conf = named.length === 0 ? filesUnder(files, '', (p) => /(?:^|\/)(?:servers|nginx)\.conf\.erb$/.test(p), {max: 1, maxDepth: 3}).paths[0] : undefined
  if (conf) {
    return {
      buildpack: 'Scalingo/nginx-buildpack',
      commands: ['nginx -p /app/vendor/nginx -c /app/vendor/nginx/conf/nginx.conf'],
      from: {file: conf, line: 1},
      ref: NGINX,
      what: `bin/run is not in the app and no buildpack is named, but ${conf} is the config Scalingo's nginx buildpack renders from the built app's root: bin/run is taken to be that buildpack's (it runs nginx only)`,
    }
  }

  return {missing: "bin/run is not in the app; Scalingo's nginx and PHP buildpacks write one at build, but the app names neither (.buildpacks, app.json buildpacks)"}
}
