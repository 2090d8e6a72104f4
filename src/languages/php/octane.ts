/**
 * Laravel Octane (`php artisan octane:start`, or the server's own command `octane:roadrunner`,
 * `octane:swoole`, `octane:frankenphp`): a long-running server whose workers each keep one booted
 * Laravel application between requests, and with it the PDO connection of each database
 * connection it used (Octane's default config leaves the DisconnectFromDatabases listener
 * commented out). So a web dyno holds one connection per worker, not the one of an artisan
 * command that exits.
 *
 * Workers: `--workers N`, else `auto`, which each server sizes from the CPU count:
 * RoadRunner's pool starts runtime.NumCPU() workers when Octane passes num_workers=0;
 * Swoole's worker_num is swoole_cpu_num(); FrankenPHP starts GOMAXPROCS × 2 worker threads
 * (each its own application and connection) when Octane leaves WORKER_COUNT empty.
 * Swoole's task workers run only Octane::concurrently() tasks and are not counted.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'

import {assumed, fromDefault, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {findFlag} from '../common/setting.js'
import {phpGet, readPhpConfig} from './php-array.js'

const START = 'https://github.com/laravel/octane/blob/2.x/src/Commands/StartCommand.php'
const CONFIG = 'https://github.com/laravel/octane/blob/2.x/config/octane.php'
const AUTO: Record<OctaneServer, {factor: number; ref: string; what: string}> = {
  frankenphp: {factor: 2, ref: 'https://github.com/php/frankenphp/blob/main/frankenphp.go', what: "FrankenPHP starts GOMAXPROCS × 2 worker threads when Octane's --workers is auto (WORKER_COUNT empty), each with its own application"},
  roadrunner: {factor: 1, ref: 'https://github.com/roadrunner-server/pool/blob/master/pool/config.go', what: "RoadRunner's pool starts runtime.NumCPU() workers when Octane's --workers is auto (num_workers=0)"},
  swoole: {factor: 1, ref: 'https://github.com/laravel/octane/blob/2.x/src/Commands/StartSwooleCommand.php', what: "Octane's Swoole worker_num is the CPU count (swoole_cpu_num) when --workers is auto"},
}

type OctaneServer = 'frankenphp' | 'roadrunner' | 'swoole'
const SERVERS = new Set<string>(['frankenphp', 'roadrunner', 'swoole'])

/** Which server `octane:start` runs: --server, else config('octane.server'), whose default is env('OCTANE_SERVER', 'roadrunner'). */
function serverOf(ctx: AnalyzerContext, command: string, args: readonly string[], diagnostics: Diagnostic[]): {server: OctaneServer; source: Source; via: Source[]} {
  const own = command.slice('octane:'.length)
  if (SERVERS.has(own)) return {server: own as OctaneServer, source: fromFlag(`artisan ${command}`), via: []}
  const unread = (what: string, at: Partial<Diagnostic>): {server: OctaneServer; source: Source; via: Source[]} => {
    diagnostics.push({code: 'unknown-config-value', ...at, message: `${ctx.processType}: cannot tell which Octane server ${what} names; RoadRunner's worker count (the CPU count) assumed`, processType: ctx.processType, severity: 'warning'})
    return {server: 'roadrunner', source: fromDefault("Octane's default server: roadrunner", CONFIG), via: [assumed(`the Octane server ${what} names cannot be read; roadrunner assumed`)]}
  }

  const flag = findFlag(args, ['--server'], ctx.command)
  if (flag) return SERVERS.has(flag.value) ? {server: flag.value as OctaneServer, source: fromFlag(flag.written), via: flag.via ?? []} : unread(`\`${flag.written}\``, {})
  const file = 'config/octane.php'
  const text = ctx.files.read(file)?.text
  const set = text === undefined ? undefined : phpGet(readPhpConfig(text, ctx.env), 'server')
  if (set) {
    if (set.kind !== 'scalar' || typeof set.value !== 'string' || !SERVERS.has(set.value)) return unread(`${file}:${set.line}`, {file, line: set.line})
    const env = set.via ? ctx.env.get(set.via) : undefined
    return {server: set.value as OctaneServer, source: {file, kind: 'file', line: set.line}, via: env ? [env.source] : []}
  }

  // No config/octane.php of the app's (or no 'server' in it): the package's own, env('OCTANE_SERVER', 'roadrunner').
  const env = ctx.env.get('OCTANE_SERVER')
  if (env) return SERVERS.has(env.value) ? {server: env.value as OctaneServer, source: env.source, via: []} : unread(`OCTANE_SERVER=${env.value}`, {})
  return {server: 'roadrunner', source: fromDefault("Octane's default server: env('OCTANE_SERVER', 'roadrunner') in its config/octane.php", CONFIG), via: []}
}

export function octane(ctx: AnalyzerContext, command: string, args: readonly string[]): {diagnostics: Diagnostic[]; processesPerDyno: Sourced<number>; server: string; threadsPerProcess: Sourced<number>} {
  const diagnostics: Diagnostic[] = []
  const {server, source, via} = serverOf(ctx, command, args, diagnostics)
  const threadsPerProcess = sourced(1, fromDefault('an Octane worker serves one request at a time and keeps its PDO connection between requests (DisconnectFromDatabases is off in the default config/octane.php)', CONFIG))
  const flag = findFlag(args, ['--workers'], ctx.command)
  const n = flag && /^\s*\d+\s*$/.test(flag.value) && Number(flag.value) >= 1 ? Number(flag.value) : undefined
  if (n !== undefined) return {diagnostics, processesPerDyno: sourced(n, fromFlag(flag!.written), flag!.via), server: `octane-${server}`, threadsPerProcess}

  const auto = AUTO[server]
  const nproc = ctx.dyno?.nproc
  const cpus = nproc?.value ?? 8
  const chain: Source[] = [source, ...via, ...(nproc ? [nproc.source, ...(nproc.via ?? [])] : [assumed('dyno CPU count unknown; 8, as on Standard dynos')])]
  if (flag && flag.value !== 'auto') {
    diagnostics.push({code: 'unknown-config-value', message: `${ctx.processType}: cannot read Octane's workers from \`${flag.written}\`; auto (from the CPU count) assumed`, processType: ctx.processType, severity: 'warning'})
    chain.push(assumed(`\`${flag.written}\` cannot be read; --workers auto assumed`))
  }

  const processesPerDyno = sourced(cpus * auto.factor, fromDefault(`${auto.what} (Octane's --workers default: auto)`, auto.ref), [...(command === 'octane:start' ? [fromDefault('octane:start passes --workers on to the server command', START)] : []), ...chain])
  diagnostics.push(...cpuCountWarning(ctx, processesPerDyno, "Octane's workers", 'set them: --workers=N on the octane command'))
  return {diagnostics, processesPerDyno, server: `octane-${server}`, threadsPerProcess}
}
