/**
 * PHP-FPM run inside a container image (CMD php-fpm, supervisord's `php-fpm -F`, a script's `php-fpm -D`): no buildpack
 * sizes it. The master reads its main config (php-fpm.conf, or `-y FILE`), which `include`s the pool files
 * (php-fpm.d/*.conf), and starts up to pm.max_children workers for each pool, whatever `pm` is (static starts them all,
 * dynamic and ondemand grow to it). A section named twice is one pool, later values winning (fpm_conf.c
 * fpm_conf_ini_parser_section: "Found a wp with the same name. Bring it back"); [global] is no pool.
 *
 * The files are the image's: what its COPYs brought from the repository and its RUNs wrote (model/image-files.ts), over
 * the base image's own. The official php:*-fpm images ship php-src's php-fpm.conf.default as php-fpm.conf
 * (`include=etc/php-fpm.d/*.conf`, prefix /usr/local) and www.conf.default as php-fpm.d/www.conf, plus docker.conf and
 * zz-docker.conf (no pm settings); Alpine's phpNN-fpm and Debian's phpX.Y-fpm packages ship the same www.conf under
 * /etc/phpNN/php-fpm.d and /etc/php/X.Y/fpm/pool.d. php-src's www.conf: `pm = dynamic`, `pm.max_children = 5`.
 */
import {posix} from 'node:path'

import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'
import type {FileReader} from '../../model/files.js'

import {copiedFile, type ImageFiles, imageFile, imageFolderFiles} from '../../model/image-files.js'
import {assumed, fromDefault, fromFile, type Source, sourced, type Sourced} from '../../model/source.js'
import {programName} from '../common/setting.js'

const FPM_DOCS = 'https://www.php.net/manual/en/install.fpm.configuration.php'
const WWW_CONF = 'https://github.com/php/php-src/blob/master/sapi/fpm/www.conf.in'
const DOCKER_PHP = 'https://github.com/docker-library/php/blob/master/Dockerfile-linux.template'
const SERVERSIDEUP_PHP = 'https://github.com/serversideup/docker-php/blob/main/src/variations/fpm/Dockerfile'
const SERVERSIDEUP_POOL = 'https://github.com/serversideup/docker-php/blob/main/src/php-fpm.d/usr/local/etc/php-fpm.d/docker-php-serversideup-pool.conf'
const WWW_DEFAULT = '[www]\nuser = www-data\ngroup = www-data\nlisten = 127.0.0.1:9000\npm = dynamic\npm.max_children = 5\npm.start_servers = 2\npm.min_spare_servers = 1\npm.max_spare_servers = 3\n'

/** Where a PHP-FPM build keeps its config, and the files its package or image ships there. */
interface Layout {
  conf: string
  defaults: Map<string, string>
  /** ENV the base image sets, which its shipped files read as `${NAME}` (PHP-FPM expands them from its environment). */
  env?: Map<string, string>
  prefix: string
  ref: string
  what: string
}

/** The PHP-FPM a program name and the image's base start; undefined when neither says where its config is. */
function layoutOf(prog: string, image: ImageFiles): Layout | undefined {
  const alpine = /^php-fpm(\d+)$/.exec(prog)?.[1]
  if (alpine) {
    const dir = `/etc/php${alpine}`
    return {conf: `${dir}/php-fpm.conf`, defaults: new Map([[`${dir}/php-fpm.conf`, `[global]\ninclude=${dir}/php-fpm.d/*.conf\n`], [`${dir}/php-fpm.d/www.conf`, WWW_DEFAULT]]), prefix: '/usr', ref: WWW_CONF, what: `Alpine's php${alpine}-fpm package`}
  }

  const debian = /^php-fpm(\d+\.\d+)$/.exec(prog)?.[1]
  if (debian) {
    const dir = `/etc/php/${debian}/fpm`
    return {conf: `${dir}/php-fpm.conf`, defaults: new Map([[`${dir}/php-fpm.conf`, `[global]\ninclude=${dir}/pool.d/*.conf\n`], [`${dir}/pool.d/www.conf`, WWW_DEFAULT]]), prefix: '/usr', ref: WWW_CONF, what: `Debian's php${debian}-fpm package`}
  }

  if (prog !== 'php-fpm') return undefined
  // serversideup/php's FPM images (fpm, fpm-nginx, fpm-apache; v3 tags, not `v2…`) build FROM the official php:*-fpm image
  // (its php-fpm.conf), remove php-fpm.d/*.conf and ship docker-php-serversideup-pool.conf, whose pool (PHP_FPM_POOL_NAME,
  // "www") reads `pm.max_children = ${PHP_FPM_PM_MAX_CHILDREN}`, ENV "20" in the image (src/variations/fpm/Dockerfile).
  if (/^(?:docker\.io\/)?serversideup\/php:(?!v[0-2]\b)[^\s]*fpm/.test(image.baseImage)) {
    const dir = '/usr/local/etc/php-fpm.d'
    return {
      conf: '/usr/local/etc/php-fpm.conf',
      defaults: new Map([
        ['/usr/local/etc/php-fpm.conf', '[global]\ninclude=etc/php-fpm.d/*.conf\n'],
        [`${dir}/docker-php-serversideup-pool.conf`, '[global]\ndaemonize = no\n[www]\nlisten = 9000\npm = ${PHP_FPM_PM_CONTROL}\npm.max_children = ${PHP_FPM_PM_MAX_CHILDREN}\n'],
      ]),
      env: new Map([
        ['PHP_FPM_PM_CONTROL', 'dynamic'],
        ['PHP_FPM_PM_MAX_CHILDREN', '20'],
      ]),
      prefix: '/usr/local',
      ref: SERVERSIDEUP_POOL,
      what: `the ${image.baseImage} image`,
    }
  }

  const official = /(^|\/)php:[^\s]*fpm/.test(image.baseImage)
  // An image built on another base that puts its own files in the official layout is read in that layout (the base's own files unknown).
  const inLayout = image.copies.some((c) => c.to.startsWith('/usr/local/etc/php-fpm')) || image.written.some((w) => w.abs.startsWith('/usr/local/etc/php-fpm'))
  if (!official && !inLayout) return undefined
  return {conf: '/usr/local/etc/php-fpm.conf', defaults: official ? officialDefaults() : new Map(), prefix: '/usr/local', ref: DOCKER_PHP, what: `the ${image.baseImage} image`}
}

/** The files the official php:*-fpm image ships in /usr/local/etc (its Dockerfile template, DOCKER_PHP). */
function officialDefaults(): Map<string, string> {
  const dir = '/usr/local/etc/php-fpm.d'
  return new Map([
    ['/usr/local/etc/php-fpm.conf', '[global]\ninclude=etc/php-fpm.d/*.conf\n'],
    [`${dir}/docker.conf`, '[global]\nerror_log = /proc/self/fd/2\n[www]\nclear_env = no\ncatch_workers_output = yes\n'],
    [`${dir}/www.conf`, WWW_DEFAULT],
    [`${dir}/zz-docker.conf`, '[global]\ndaemonize = no\n[www]\nlisten = 9000\n'],
  ])
}

/** `-y FILE` / `--fpm-config FILE` and `-p DIR` / `--prefix DIR` of a php-fpm command. */
function options(argv: readonly string[]): {conf?: string; prefix?: string} {
  const out: {conf?: string; prefix?: string} = {}
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]
    const eq = /^(--fpm-config|--prefix)=(.*)$/.exec(a)
    if (eq) out[eq[1] === '--prefix' ? 'prefix' : 'conf'] = eq[2]
    else if ((a === '-y' || a === '--fpm-config') && argv[i + 1]) out.conf = argv[++i]
    else if ((a === '-p' || a === '--prefix') && argv[i + 1]) out.prefix = argv[++i]
  }

  return out
}

/**
 * Whether PHP-FPM started without -F/-D (`php-fpm82` in a start script) forks into the background: php-fpm.conf's
 * [global] `daemonize`, "Default Value: yes" (php-src sapi/fpm/php-fpm.conf.in), which the official php:*-fpm images set
 * to no in zz-docker.conf and Alpine's and Debian's packages leave commented (`;daemonize = yes`). Read from the image's
 * config files as they load: the main config, then its pool folder's files in name order (the last value wins).
 * Undefined when the command is not PHP-FPM or its config cannot be seen.
 */
export function fpmDaemonizes(argv: readonly string[], at: {files: FileReader; image: ImageFiles}): boolean | undefined {
  const prog = programName(argv[0])
  if (!/^php-fpm(\d+(\.\d+)?)?$/.test(prog)) return undefined
  const rest = argv.slice(1)
  if (rest.some((a) => a === '-F' || a === '--nodaemonize')) return false
  if (rest.some((a) => a === '-D' || a === '--daemonize')) return true
  const {files, image} = at
  const layout = layoutOf(prog, image)
  if (!layout || options(argv).conf) return undefined
  const poolDir = posix.dirname([...layout.defaults.keys()].find((k) => k.endsWith('/www.conf')) ?? '/usr/local/etc/php-fpm.d/www.conf')
  const names = [...new Set([...[...layout.defaults.keys()].filter((k) => posix.dirname(k) === poolDir).map((k) => posix.basename(k)), ...imageFolderFiles(image, files, poolDir)])].filter((n) => n.endsWith('.conf')).sort()
  let daemonize = true
  for (const abs of [layout.conf, ...names.map((n) => posix.join(poolDir, n))]) {
    const found = imageFile(image, files, abs)
    const text = found?.kind === 'copied' ? files.read(found.path)?.text : found?.kind === 'written' ? (found.path ? files.read(found.path)?.text : undefined) : layout.defaults.get(abs)
    let global = true
    for (const raw of (text ?? '').split('\n')) {
      const line = raw.trim()
      const section = /^\[([^\]]+)\]/.exec(line)?.[1]
      if (section !== undefined) global = section.trim().toLowerCase() === 'global'
      const m = global ? /^daemonize\s*=\s*"?(\w+)"?/i.exec(line) : null
      if (m) daemonize = /^(yes|on|true|1)$/i.test(m[1])
    }
  }

  return daemonize
}

interface Pool {
  /** The absolute image path of the file that set it (for `sed -i` edits), and where it is read. */
  abs: string
  copyLine?: number
  line: number
  path: string
  raw: string
  /** The value came from the base image's own file, not the repository. */
  shipped: boolean
}

/**
 * PHP-FPM's workers in the image: Σ pm.max_children over its pools. Undefined when the program is not PHP-FPM in a
 * container (a buildpack dyno: heroku-php-* size it).
 */
export function imageFpmChildren(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; value: Sourced<number>} | undefined {
  const at = ctx.image
  if (!at || !/^php-fpm(\d+(\.\d+)?)?$/.test(programName(ctx.command.argv[0]))) return undefined
  const {files, image} = at
  const diagnostics: Diagnostic[] = []
  const prog = programName(ctx.command.argv[0])
  const layout = layoutOf(prog, image)
  const opts = options(ctx.command.argv)
  const guess = (why: string, line = image.line, file = image.dockerfile): {diagnostics: Diagnostic[]; value: Sourced<number>} => {
    diagnostics.push({code: 'unknown-config-value', file, fix: `give the workers: --assume ${ctx.processType}=PROCESSES:1:1`, line, message: `${ctx.processType}: ${why}; php-fpm's default www.conf (pm.max_children = 5) assumed`, processType: ctx.processType, severity: 'warning'})
    return {diagnostics, value: sourced(5, fromDefault("php-fpm's default pool www.conf: pm.max_children = 5", WWW_CONF), [assumed(why)])}
  }

  if (!layout && !opts.conf) return guess(`PHP-FPM's config is in the ${image.baseImage} image, which conncalc cannot read`)
  // Another base whose php-fpm.conf the image does not replace, while the app copies pool files into the official layout's
  // /usr/local/etc/php-fpm.d (a base image the app builds FROM php:*-fpm elsewhere): read as the official image's, with
  // its www.conf under the app's files, assumed and said (the copies only take effect if the base includes that folder).
  const baseLayout = layout && layout.defaults.size === 0 && !opts.conf && prog === 'php-fpm' && !imageFile(image, files, layout.conf) && imageFolderFiles(image, files, '/usr/local/etc/php-fpm.d').length > 0
  const layoutGuess = baseLayout
    ? `PHP-FPM's main config ${layout.conf} comes from the ${image.baseImage} image, which conncalc cannot read; the pool files the image copies into /usr/local/etc/php-fpm.d are read as the official php:*-fpm image would (its php-fpm.conf includes php-fpm.d/*.conf, its www.conf has pm.max_children = 5)`
    : undefined
  if (baseLayout) {
    layout.defaults = officialDefaults()
    diagnostics.push({code: 'unknown-config-value', file: image.dockerfile, fix: `if the base image's PHP-FPM differs, give the workers: --assume ${ctx.processType}=PROCESSES:1:1`, line: image.line, message: `${ctx.processType}: ${layoutGuess}`, processType: ctx.processType, severity: 'warning'})
  }

  const prefix = opts.prefix ?? layout?.prefix ?? '/usr/local'
  const pools = new Map<string, Pool>()
  const unknown: {line: number; path: string; why: string}[] = []
  const seen = new Set<string>()

  /** One config file's lines in order: its sections, pm.max_children, and the files it includes (read where they stand). */
  const readText = (text: string, path: string, abs: string, shipped: boolean, copyLine?: number, startPool?: string): string | undefined =>
    scanFpmConf(text, startPool, (key, value, line, pool) => {
      if (key === 'include') readGlob(posix.resolve(prefix, value), path, line)
      else if (key === 'pm.max_children' && pool !== undefined) pools.set(pool, {abs, ...(copyLine ? {copyLine} : {}), line, path, raw: value, shipped})
    })

  /** The file at `abs` in the image: the repository's copy, a RUN's write (over the base's file when it appends), or the base's own. */
  const readAbs = (abs: string): void => {
    if (seen.has(abs)) return
    seen.add(abs)
    const found = imageFile(image, files, abs)
    const shipped = layout?.defaults.get(abs)
    if (found?.kind === 'written' && found.unreadable) {
      unknown.push({line: found.unreadable.line, path: image.dockerfile, why: `${abs} is written by a RUN: ${found.unreadable.why}`})
      return
    }

    let pool: string | undefined
    if (found?.kind === 'copied' || (found?.kind === 'written' && found.appends)) {
      const copied = found.kind === 'copied' ? found : copiedFile(image, files, abs)
      const file = copied && files.read(copied.path)
      if (copied && !file) unknown.push({line: copied.line ?? image.line, path: image.dockerfile, why: `${copied.path}, copied to ${abs}, cannot be read`})
      else if (file) pool = readText(file.text, file.path, abs, false, copied?.line)
      else if (shipped !== undefined) pool = readText(shipped, `${image.dockerfile}@${abs}`, abs, true)
    } else if (found === undefined && shipped !== undefined) pool = readText(shipped, `${image.dockerfile}@${abs}`, abs, true)

    if (found?.kind === 'written' && found.path) {
      const w = files.read(found.path)
      // A written file's lines sit at the Dockerfile lines that wrote them.
      if (w) readText(w.text, w.path, abs, false, undefined, found.appends ? pool : undefined)
    }
  }

  const readGlob = (pattern: string, from: string, line: number): void => {
    if (!/[*?[]/.test(pattern)) return void readAbs(pattern)
    const dir = posix.dirname(pattern)
    if (/[*?[]/.test(dir)) return void unknown.push({line, path: from, why: `include=${pattern} globs folders, which conncalc does not follow`})
    const re = new RegExp(`^${posix.basename(pattern).replaceAll(/[.+^${}()|\\]/g, '\\$&').replaceAll('*', '[^/]*').replaceAll('?', '[^/]')}$`)
    const shipped = [...(layout?.defaults.keys() ?? [])].filter((p) => posix.dirname(p) === dir).map((p) => posix.basename(p))
    // glob(3) sorts the names, so pool files load in name order.
    for (const name of [...new Set([...shipped, ...imageFolderFiles(image, files, dir)])].sort()) if (re.test(name)) readAbs(posix.join(dir, name))
  }

  if (opts.conf && !opts.conf.startsWith('/')) {
    // A relative -y path was mapped to the repository (procfile/container.ts inRepo) or is read from the command's folder.
    const f = ctx.files.read(opts.conf)
    if (!f) return guess(`\`-y ${opts.conf}\` names a file that is not in the app`, ctx.origin?.line ?? 1, ctx.origin?.file ?? image.dockerfile)
    readText(f.text, f.path, posix.resolve(prefix, opts.conf), false)
  } else {
    const conf = opts.conf ?? layout!.conf
    if (!imageFile(image, files, conf) && !layout?.defaults.has(conf)) return guess(`PHP-FPM's main config ${conf} comes from the ${image.baseImage} image, which conncalc cannot read`)
    readAbs(conf)
  }

  // `RUN sed -i 's/pm.max_children = 5/pm.max_children = 20/' /usr/local/etc/php-fpm.d/www.conf`: the number it writes, where it
  // edits a file after that file was copied in; any other RUN that sets pm.max_children is not read, and said.
  const edits: Source[] = []
  for (const run of image.runs) {
    if (!/max_children/.test(run.text)) continue
    const set = /\bsed\b.*?-i\S*\s.*?s([/|#,])[^/|#,]*max_children[^/|#,]*\1pm\.max_children\s*=\s*(\d+)\1\w*['"]?\s+(.+)$/.exec(run.text)
    const targets = set ? set[3].split(/\s+/).map((t) => t.replace(/^['"]|['"]$/g, '')).filter((t) => t.startsWith('/')) : []
    const touched = [...pools.values()].filter((p) => targets.includes(p.abs) && (p.copyLine ?? 0) < run.line)
    if (set && touched.length > 0) {
      for (const p of touched) Object.assign(p, {line: run.line, path: image.dockerfile, raw: set[2], shipped: false})
      edits.push(fromFile(image.dockerfile, run.line))
    } else if (!image.written.some((w) => w.path && (run.text.includes(w.abs) || run.text.includes(posix.basename(w.abs))))) {
      unknown.push({line: run.line, path: image.dockerfile, why: `the RUN at ${image.dockerfile}:${run.line} changes pm.max_children in a way conncalc does not read`})
    }
  }

  for (const u of unknown) diagnostics.push({code: 'unknown-config-value', file: u.path, fix: `give the workers: --assume ${ctx.processType}=PROCESSES:1:1`, line: u.line, message: `${ctx.processType}: ${u.why}; PHP-FPM's workers may differ`, processType: ctx.processType, severity: 'warning'})
  if (pools.size === 0) return guess(`no PHP-FPM pool sets pm.max_children in the image's config (${layout?.conf ?? opts.conf})`)

  let total = 0
  const via: Source[] = [fromDefault('PHP-FPM starts up to pm.max_children workers per pool (pm static, dynamic or ondemand), each serving one request at a time', FPM_DOCS)]
  for (const [name, p] of pools) {
    const env = /^\$\{(\w+)\}$/.exec(p.raw)?.[1]
    const set = env ? ctx.env.get(env) : undefined
    // Unset by the app (its ENV, the env given): the base image's own ENV, when its shipped file reads it.
    const imageEnv = env && !set && p.shipped ? layout?.env?.get(env) : undefined
    const text = set ? set.value : (imageEnv ?? p.raw)
    const n = /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : undefined
    const where = p.shipped ? fromDefault(`${layout!.what} ships ${posix.basename(p.abs)} with pool [${name}] pm.max_children = ${p.raw}`, p.path.includes('@') && layout ? layout.ref : WWW_CONF) : fromFile(p.path, p.line)
    if (n === undefined) {
      const why = env && !set ? `\${${env}} in pm.max_children (${p.path}:${p.line}) is not set here` : `pm.max_children = ${p.raw} (${p.path}:${p.line}) is not a number conncalc can read`
      diagnostics.push({code: 'unknown-config-value', file: p.path, fix: env ? `--env ${env}=N` : `give the workers: --assume ${ctx.processType}=PROCESSES:1:1`, line: p.line, message: `${ctx.processType}: PHP-FPM pool [${name}]: ${why}; 5 assumed`, processType: ctx.processType, severity: 'warning'})
      total += 5
      via.push(assumed(`${why}; 5 assumed`))
      continue
    }

    total += n
    if (pools.size > 1 || p.shipped) via.push(where)
    if (set) via.push(set.source)
    if (imageEnv !== undefined) via.push(fromDefault(`${layout!.what} sets ENV ${env}=${imageEnv}`, SERVERSIDEUP_PHP))
    if (p.copyLine && !p.shipped) via.push(fromFile(image.dockerfile, p.copyLine))
  }

  via.push(...edits)
  if (layoutGuess) via.push(assumed(layoutGuess))
  for (const u of unknown) via.push(assumed(u.why))
  const [first] = pools.values()
  const source = pools.size === 1 && !first.shipped ? fromFile(first.path, first.line) : fromDefault(`PHP-FPM in ${image.dockerfile}'s image: ${[...pools].map(([n, p]) => `[${n}] ${p.raw}`).join(' + ')} workers (pm.max_children)`, FPM_DOCS)
  return {diagnostics, value: sourced(total, source, via)}
}

// The dyno's home, where the built app is (Heroku: "/app"; Scalingo's containers the same): an absolute config path under it is the app's file.
const DYNO_HOME = '/app'
const HEROKU_PHP_BOOT = 'https://github.com/heroku/heroku-buildpack-php/blob/main/bin/heroku-php-nginx'

/**
 * A php-fpm binary run directly on a buildpack dyno (a start script's `.php/usr/sbin/php-fpm8.3 --fpm-config
 * /app/sabredav/php-fpm.conf --nodaemonize`), not through heroku-php-nginx/apache2 or Scalingo's bin/run: no boot script
 * autotunes it, so its workers are its config's pm.max_children, summed over the pools ([global] is none). The config is
 * `-y FILE` (a path under /app is the app's file, relative ones the command's folder's); without one, or when it cannot
 * be read (an `include` is not followed), php-src's default pool www.conf (pm.max_children = 5) is assumed, said.
 * Undefined when the command is not a php-fpm binary, or runs in a container image (imageFpmChildren).
 */
export function buildpackFpmChildren(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; value: Sourced<number>} | undefined {
  if (ctx.image || !/^php-fpm(\d+(\.\d+)?)?$/.test(programName(ctx.command.argv[0]))) return undefined
  const opts = options(ctx.command.argv)
  const at = {file: ctx.origin?.file ?? 'Procfile', line: ctx.origin?.line ?? 1}
  const guess = (why: string, file = at.file, line = at.line): {diagnostics: Diagnostic[]; value: Sourced<number>} => ({
    diagnostics: [{code: 'unknown-config-value', file, fix: `give the workers: --assume ${ctx.processType}=PROCESSES:1:1`, line, message: `${ctx.processType}: ${why}; php-fpm's default pool www.conf (pm.max_children = 5) assumed`, processType: ctx.processType, severity: 'warning'}],
    value: sourced(5, fromDefault("php-fpm's default pool www.conf: pm.max_children = 5", WWW_CONF), [assumed(why), fromDefault('php-fpm run directly is not sized by heroku/php\'s autotune (only its heroku-php-nginx/apache2 boot scripts run it)', HEROKU_PHP_BOOT)]),
  })
  if (!opts.conf) return guess(`${programName(ctx.command.argv[0])} is run without -y/--fpm-config: its compiled-in php-fpm.conf is the build's, which conncalc cannot read`)
  const path = opts.conf.startsWith(`${DYNO_HOME}/`) ? opts.conf.slice(DYNO_HOME.length + 1) : opts.conf.startsWith('/') ? undefined : opts.conf
  const file = path === undefined ? undefined : ctx.files.read(path)
  if (!file) return guess(`\`--fpm-config ${opts.conf}\` names ${path === undefined ? 'a file outside the app' : 'a file that is not in the app'}`)
  const pools = new Map<string, {line: number; raw: string}>()
  const includes: number[] = []
  scanFpmConf(file.text, undefined, (key, raw, line, pool) => {
    if (key === 'include') includes.push(line)
    else if (key === 'pm.max_children' && pool !== undefined) pools.set(pool, {line, raw})
  })

  if (includes.length > 0) return guess(`${file.path}:${includes[0]} includes other pool files, which conncalc does not follow here`, file.path, includes[0])
  if (pools.size === 0) return guess(`${file.path} defines no pool with pm.max_children`, file.path, 1)
  let total = 0
  const via: Source[] = []
  const diagnostics: Diagnostic[] = []
  for (const [name, p] of pools) {
    const n = /^\d+$/.test(p.raw) && Number(p.raw) > 0 ? Number(p.raw) : undefined
    if (n === undefined) {
      const why = `pm.max_children = ${p.raw} (${file.path}:${p.line}) is not a number conncalc can read`
      diagnostics.push({code: 'unknown-config-value', file: file.path, fix: `give the workers: --assume ${ctx.processType}=PROCESSES:1:1`, line: p.line, message: `${ctx.processType}: PHP-FPM pool [${name}]: ${why}; 5 assumed`, processType: ctx.processType, severity: 'warning'})
      total += 5
      via.push(assumed(`${why}; 5 assumed`))
      continue
    }

    total += n
    if (pools.size > 1) via.push(fromFile(file.path, p.line))
  }

  const [first] = pools.values()
  const source = pools.size === 1 ? fromFile(file.path, first.line) : fromDefault(`PHP-FPM's pools in ${file.path}: ${[...pools].map(([n, p]) => `[${n}] ${p.raw}`).join(' + ')} workers (pm.max_children)`, FPM_DOCS)
  return {diagnostics, value: sourced(total, source, [...via, fromDefault('php-fpm run directly is not sized by heroku/php\'s autotune (only its heroku-php-nginx/apache2 boot scripts run it)', HEROKU_PHP_BOOT)])}
}

/**
 * A PHP-FPM config's `key = value` lines in order (comments and blank lines skipped, a trailing `; comment` and quotes
 * taken off the value), each with its 1-based line and the pool section it is in (none under `[global]`); returns the
 * section the text ends in (a file a RUN appends to goes on in it).
 */
function scanFpmConf(text: string, startPool: string | undefined, onEntry: (key: string, value: string, line: number, pool: string | undefined) => void): string | undefined {
  let pool = startPool
  for (const [i, raw] of text.split('\n').entries()) {
    const line = raw.trim()
    if (line === '' || line.startsWith(';') || line.startsWith('#')) continue
    const section = /^\[([^\]]+)\]/.exec(line)?.[1]
    if (section !== undefined) {
      pool = section.trim().toLowerCase() === 'global' ? undefined : section.trim().toLowerCase()
      continue
    }

    const kv = /^([\w.[\]-]+)\s*=\s*(.*)$/.exec(line)
    if (kv) onEntry(kv[1], kv[2].replace(/\s+;.*$/, '').trim().replace(/^"(.*)"$/, '$1'), i + 1, pool)
  }

  return pool
}
