/**
 * FrankenPHP on its own (`frankenphp run --config /etc/caddy/Caddyfile`, the official image's CMD; `frankenphp
 * php-server --worker public/index.php`): a Caddy server that runs PHP in threads of one process. Each PHP thread runs
 * one script at a time, so it holds at most one connection per DSN: a worker thread keeps its booted application (and
 * its connection) between requests, a regular thread opens it for the request. Without workers the dyno's connections
 * are its threads; in worker mode its worker threads: the others run only PHP files other than the worker scripts
 * (FrankenPHP sends a request for a worker's file to its threads), which a front controller app's routing never
 * requests, so they hold none — as Octane's FrankenPHP (octane.ts) counts its workers.
 *
 * Threads (calculateMaxThreads in frankenphp.go): each worker whose `num` is not set starts GOMAXPROCS × 2 threads;
 * `num_threads`, when not set, is the workers' sum + 1 when that reaches GOMAXPROCS × 2 (one free thread for requests
 * outside the workers), else GOMAXPROCS × 2; `max_threads` lets it start more, up to that number, under load.
 * Laravel Octane's FrankenPHP (`artisan octane:frankenphp`) is octane.ts.
 *
 * The Caddyfile: `frankenphp { num_threads N; max_threads N|auto; worker FILE [N] | worker { file F; num N } }` in the
 * global options, `worker` also inside `php_server`/`php` (FrankenPHP's config.md); `{$VAR}`/`{$VAR:default}` are
 * the environment's, substituted before it is parsed (https://caddyserver.com/docs/caddyfile/concepts#environment-variables),
 * so the image's `FRANKENPHP_CONFIG="import worker.Caddyfile"` imports that file, from the importing file's folder.
 */
import {posix} from 'node:path'

import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'

import {assumed, fromDefault, type Source, sourced, type Sourced} from '../../model/source.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {programName} from '../common/setting.js'
import {imageFile} from '../../model/image-files.js'

const THREADS = 'https://github.com/dunglas/frankenphp/blob/00274576ddcc84fbe7c43e2c113a11b64ae47e6f/frankenphp.go'
const CONFIG = 'https://frankenphp.dev/docs/config/#caddyfile-config'

/** `frankenphp run` / `frankenphp php-server`: the subcommands that serve PHP. */
export function isFrankenphp(argv: readonly string[]): boolean {
  return programName(argv[0]) === 'frankenphp' && (argv[1] === 'run' || argv[1] === 'php-server')
}

interface Settings {
  /** Each worker's `num`, or undefined when not given (the default). */
  workers: {at: Source; num?: number}[]
  numThreads?: {at: Source; value: number}
  maxThreads?: {at: Source; value: number | 'auto'}
  unread: {at: Source; why: string}[]
}

type Tok = {line: number; text: string}
type Block = {args: Tok[]; body?: Block[]; name: Tok}

/** The config file's text with its `{$VAR}` / `{$VAR:default}` placeholders filled from the environment. */
function substitute(text: string, env: AnalyzerContext['env']): string {
  return text.replaceAll(/\{\$([A-Za-z_]\w*)(?::([^}]*))?\}/g, (_, name: string, fallback?: string) => env.get(name)?.value ?? fallback ?? '')
}

/** Caddyfile tokens: words, quoted strings, `{` `}`; `#` comments; a token's line is where it starts. */
function tokens(text: string): Tok[] {
  const out: Tok[] = []
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    for (const m of raw.matchAll(/"((?:[^"\\]|\\.)*)"|`([^`]*)`|(#.*$)|(\S+)/g)) {
      if (m[3] !== undefined) break
      out.push({line: i + 1, text: m[1] ?? m[2] ?? m[4]})
    }
  }

  return out
}

/** Directives and their blocks, one per line: `name args… {` … `}`. */
function blocks(toks: Tok[]): Block[] {
  let i = 0
  const parse = (): Block[] => {
    const out: Block[] = []
    while (i < toks.length && toks[i].text !== '}') {
      if (toks[i].text === '{') {
        // A block with no name on its line: the global options block at the top.
        i++
        out.push({args: [], body: parse(), name: {line: toks[i - 1]?.line ?? 0, text: ''}})
        i++
        continue
      }

      const name = toks[i++]
      const args: Tok[] = []
      while (i < toks.length && toks[i].line === name.line && toks[i].text !== '{' && toks[i].text !== '}') args.push(toks[i++])
      let body: Block[] | undefined
      if (toks[i]?.text === '{' && toks[i].line === (args.at(-1) ?? name).line) {
        i++
        body = parse()
        i++
      }

      out.push({args, name, ...(body ? {body} : {})})
    }

    return out
  }

  return parse()
}

/** A config file to read, by the path the command gives: in the image (a COPY put it there) or in the app from the folder. */
function readConfig(ctx: AnalyzerContext, path: string): {file: string; here: string; imagePath?: string; text: string} | undefined {
  if (path.startsWith('/') && ctx.image) {
    const found = imageFile(ctx.image.image, ctx.image.files, path)
    const text = found?.path === undefined ? undefined : ctx.image.files.read(found.path)?.text
    return text === undefined ? undefined : {file: found!.path!, here: posix.dirname(path), imagePath: path, text}
  }

  const file = ctx.files.read(posix.normalize(path).replace(/^\.\//, ''))
  return file ? {file: file.path, here: posix.dirname(file.path), text: file.text} : undefined
}

function settingsOf(ctx: AnalyzerContext, config: NonNullable<ReturnType<typeof readConfig>>, into: Settings, depth: number): void {
  const text = substitute(config.text, ctx.env)
  const at = (line: number): Source => ({file: config.file, kind: 'file', line})
  const num = (t: Tok | undefined): number | undefined => (t && /^\d+$/.test(t.text) ? Number(t.text) : undefined)
  const walk = (list: Block[], inFrankenphp: boolean): void => {
    for (const b of list) {
      const name = b.name.text
      if (name === 'import' && b.args[0]) {
        const target = b.args[0].text
        const path = target.startsWith('/') ? target : posix.join(config.here, target)
        const more = depth < 3 && !/[*?[]/.test(target) ? readConfig(ctx, path) : undefined
        // A snippet's name (`import common`) is not a file: nothing of FrankenPHP's is read from it.
        if (more) settingsOf(ctx, more, into, depth + 1)
        else if (/[./]/.test(target)) into.unread.push({at: at(b.name.line), why: `${config.file}:${b.name.line} imports ${target}, which conncalc cannot read`})
        continue
      }

      // `worker` is FrankenPHP's wherever it stands: the global frankenphp block, php_server, php, or a file they import.
      if (name === 'worker') {
        const n = b.body ? b.body.find((s) => s.name.text === 'num')?.args[0] : b.args[1]
        if (n && num(n) === undefined) into.unread.push({at: at(n.line), why: `worker num \`${n.text}\` at ${config.file}:${n.line} is not a number conncalc reads`})
        into.workers.push({at: at(b.name.line), ...(num(n) === undefined ? {} : {num: num(n)})})
        continue
      }

      if (inFrankenphp && name === 'num_threads') {
        const v = num(b.args[0])
        if (v === undefined) into.unread.push({at: at(b.name.line), why: `num_threads \`${b.args[0]?.text ?? ''}\` at ${config.file}:${b.name.line} is not a number conncalc reads`})
        else into.numThreads = {at: at(b.name.line), value: v}
        continue
      }

      if (inFrankenphp && name === 'max_threads') {
        const v = b.args[0]?.text === 'auto' ? 'auto' : num(b.args[0])
        if (v === undefined) into.unread.push({at: at(b.name.line), why: `max_threads \`${b.args[0]?.text ?? ''}\` at ${config.file}:${b.name.line} is not a number conncalc reads`})
        else into.maxThreads = {at: at(b.name.line), value: v}
        continue
      }

      if (b.body) walk(b.body, inFrankenphp || name === 'frankenphp' || name === 'php_server' || name === 'php')
    }
  }

  // An imported file's lines stand where its import does: inside `frankenphp { … }` for FRANKENPHP_CONFIG's.
  walk(blocks(tokens(text)), depth > 0)
}

export function frankenphp(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; processesPerDyno: Sourced<number>; threadsPerProcess: Sourced<number>} {
  const diagnostics: Diagnostic[] = []
  const argv = ctx.command.argv
  const settings: Settings = {unread: [], workers: []}
  const chain: Source[] = []
  if (argv[1] === 'php-server') {
    // `--worker FILE[,NUM]` (repeatable): php-server's own workers (caddy/php-server.go).
    for (let i = 2; i < argv.length; i++) {
      const v = argv[i] === '--worker' || argv[i] === '-w' ? argv[++i] : argv[i].startsWith('--worker=') ? argv[i].slice('--worker='.length) : undefined
      if (v === undefined) continue
      const n = v.split(',')[1]
      settings.workers.push({at: {flag: `--worker ${v}`, kind: 'flag'}, ...(n && /^\d+$/.test(n) ? {num: Number(n)} : {})})
    }
  } else {
    const i = argv.findIndex((a) => a === '--config' || a === '-c' || a.startsWith('--config='))
    const given = i === -1 ? undefined : argv[i].startsWith('--config=') ? argv[i].slice('--config='.length) : argv[i + 1]
    // Without --config, Caddy loads the Caddyfile in the current folder (caddy run's documented default).
    const config = readConfig(ctx, given ?? 'Caddyfile')
    if (config) {
      settingsOf(ctx, config, settings, 0)
      chain.push({file: config.file, kind: 'file', line: 1})
    } else {
      const why = `${given ?? 'Caddyfile'} (the Caddyfile frankenphp run reads) is not in the app or the image's copies: no worker or num_threads read, FrankenPHP's defaults assumed`
      diagnostics.push({code: 'unknown-config-value', message: `${ctx.processType}: ${why}`, processType: ctx.processType, severity: 'warning'})
      chain.push(assumed(why))
    }
  }

  for (const u of settings.unread) {
    diagnostics.push({code: 'unknown-config-value', message: `${ctx.processType}: ${u.why}; FrankenPHP's default assumed`, processType: ctx.processType, severity: 'warning', ...('file' in u.at ? {file: u.at.file, line: u.at.line} : {})})
    chain.push(assumed(u.why))
  }

  const nproc = ctx.dyno?.nproc
  const cpus = nproc?.value ?? 8
  const cpuChain: Source[] = nproc ? [nproc.source, ...(nproc.via ?? [])] : [assumed('dyno CPU count unknown; 8, as on Standard dynos')]
  const maxProcs = cpus * 2
  let defaulted = false
  let workers = 0
  for (const w of settings.workers) {
    if (w.num === undefined || w.num <= 0) defaulted = true
    workers += w.num !== undefined && w.num > 0 ? w.num : maxProcs
  }

  const set = settings.numThreads
  const max = settings.maxThreads
  // num_threads unset: the workers + 1 when max_threads is set (the rest start under load), else as said above.
  const numThreads = set ? set.value : max ? workers + 1 : workers >= maxProcs ? workers + 1 : maxProcs
  if (max?.value === 'auto') {
    const why = `max_threads auto (${max.at.kind === 'file' ? `${max.at.file}:${max.at.line}` : 'set'}) starts more threads under load, as many as memory_limit allows, which conncalc does not work out: num_threads counted`
    diagnostics.push({code: 'unknown-config-value', message: `${ctx.processType}: ${why}`, processType: ctx.processType, severity: 'warning'})
    chain.push(assumed(why))
  }

  const grows = typeof max?.value === 'number' && max.value > numThreads
  const threads = grows ? (max.value as number) : numThreads
  // Worker mode: a worker thread keeps its booted app, and its connection, between requests; the other threads run only
  // a PHP file other than the worker scripts (a front controller's requests all go to its worker), one request at a
  // time, so they hold none in the app's normal routing and are not counted. Threads max_threads adds under load may
  // join the workers (FrankenPHP's scaling.go scales worker threads as well as regular ones).
  const others = numThreads - workers
  const counted = workers > 0 ? threads - others : threads
  const otherThreads = (how: string): string => `the ${others} other thread${others === 1 ? '' : 's'}${how} run${others === 1 ? 's' : ''} only PHP files other than the worker scripts and hold${others === 1 ? 's' : ''} no connection while every request goes to a worker: not counted`
  const what =
    workers > 0
      ? grows
        ? `FrankenPHP may grow to max_threads = ${threads} PHP threads under load, ${counted} of them worker threads (${workers} to start${defaulted ? `; a worker's num defaults to GOMAXPROCS × 2 = ${maxProcs}` : ''}); ${otherThreads('')}`
        : `FrankenPHP starts ${workers} worker thread${workers === 1 ? '' : 's'}${defaulted ? ` (a worker's num defaults to GOMAXPROCS × 2 = ${maxProcs})` : ''}, each keeping its app and connection between requests; ${otherThreads(set ? ` (num_threads = ${numThreads} in all)` : ' (num_threads unset: the workers + 1 when they reach GOMAXPROCS × 2 or max_threads is set, else GOMAXPROCS × 2)')}`
      : grows
        ? `FrankenPHP may grow to max_threads = ${threads} PHP threads under load`
        : set
          ? `FrankenPHP runs num_threads = ${numThreads} PHP threads`
          : `FrankenPHP starts GOMAXPROCS × 2 = ${maxProcs} PHP threads (num_threads unset, no worker)`
  const sources = [...(set ? [set.at] : []), ...(grows ? [max.at] : []), ...settings.workers.map((w) => w.at)]
  // The CPU count decides it when a worker's num defaulted (and max_threads does not), or, with no worker, num_threads
  // and max_threads unset left GOMAXPROCS × 2.
  const usesCpus = workers > 0 ? defaulted && !grows : !set && !max
  const processesPerDyno = sourced(counted, fromDefault(`${what}; each runs one script at a time with at most one connection per DSN`, THREADS), [...sources, ...chain, ...(usesCpus ? cpuChain : [])])
  if (usesCpus) diagnostics.push(...cpuCountWarning(ctx, processesPerDyno, workers > 0 ? "FrankenPHP's worker threads" : "FrankenPHP's PHP threads", workers > 0 ? 'set them: a worker num in the Caddyfile' : 'set them: num_threads (and a worker num) in the Caddyfile'))
  const threadsPerProcess = sourced(1, fromDefault('a PHP thread runs one request (or one worker loop) at a time: one PDO connection per DSN at once', CONFIG))
  return {diagnostics, processesPerDyno, threadsPerProcess}
}
