/**
 * RoadRunner (`rr serve`), the Go application server that keeps PHP workers running (Spiral, Symfony's
 * baldinof/roadrunner-bundle, shlinkio/shlink): each worker is a PHP CLI process that serves one request or job at a
 * time and keeps its PDO connection between them, so a dyno holds one connection per worker of every pool.
 *
 * Pools: the `pool` of each plugin that runs PHP workers — http, jobs, grpc, tcp, centrifuge, temporal (its activity
 * workers) — with `num_workers`, where 0 or nothing is the number of logical CPUs (roadrunner-server/pool
 * config.go InitDefaults; docs php/pool.md). The config: `-c FILE`, else `.rr.yaml` in the working folder (`-w DIR`),
 * with `-o section.key=value` over it and `${VAR}` / `${VAR:-default}` expanded from the env (docs general/config).
 * Octane's `octane:roadrunner` writes its own config and is read in octane.ts.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'

import {assumed, fromDefault, fromFile, fromFlag, type Source, sourced, type Sourced} from '../../model/source.js'
import {cpuCountWarning} from '../common/cpu-count.js'
import {parseYaml} from '../../util/yaml.js'
import {isObject} from '../../util/objects.js'
import {expandShell} from '../shell/shell.js'

const POOL_REF = 'https://github.com/roadrunner-server/pool/blob/master/pool/config.go'
const CONFIG_REF = 'https://docs.roadrunner.dev/general/config'
/** The plugins whose `pool` starts PHP workers (docs php/pool.md), with where the pool sits in each. */
const POOLS: readonly {path: string[]; plugin: string}[] = [
  {path: ['http', 'pool'], plugin: 'http'},
  {path: ['jobs', 'pool'], plugin: 'jobs'},
  {path: ['grpc', 'pool'], plugin: 'grpc'},
  {path: ['tcp', 'pool'], plugin: 'tcp'},
  {path: ['centrifuge', 'pool'], plugin: 'centrifuge'},
  {path: ['temporal', 'activities'], plugin: 'temporal'},
]

/** `-c FILE`, `--config FILE`, `-c=FILE`; `-w DIR`; every `-o key=value`. */
function options(argv: readonly string[]): {config?: {value: string; written: string}; overrides: Map<string, string>; workdir?: string} {
  const out: ReturnType<typeof options> = {overrides: new Map()}
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i]
    const m = /^(-c|--config|-w|--WorkDir|--workdir|-o|--override)(?:=(.*))?$/.exec(a)
    if (!m) continue
    const value = m[2] ?? argv[++i]
    if (value === undefined) break
    if (m[1] === '-c' || m[1] === '--config') out.config = {value, written: m[2] === undefined ? `${a} ${value}` : a}
    else if (m[1] === '-o' || m[1] === '--override') {
      const eq = value.indexOf('=')
      if (eq > 0) out.overrides.set(value.slice(0, eq), value.slice(eq + 1))
    } else out.workdir = value
  }

  return out
}

const join = (dir: string | undefined, file: string): string => (dir === undefined || file.startsWith('/') ? file : `${dir.replace(/\/+$/, '')}/${file}`).replace(/^\.\//, '')

export function roadRunner(ctx: AnalyzerContext): {diagnostics: Diagnostic[]; processesPerDyno: Sourced<number>; server: string; threadsPerProcess: Sourced<number>} {
  const diagnostics: Diagnostic[] = []
  const {config, overrides, workdir} = options(ctx.command.argv)
  const path = join(workdir, config?.value ?? '.rr.yaml')
  const file = ctx.files.read(path)
  const threadsPerProcess = sourced(1, fromDefault('a RoadRunner worker is one PHP process serving one request or job at a time, keeping its PDO connection between them', 'https://docs.roadrunner.dev/php/pool'))
  const nproc = ctx.dyno?.nproc
  const cpus = nproc?.value ?? 8
  const cpuChain: Source[] = nproc ? [nproc.source, ...(nproc.via ?? [])] : [assumed('dyno CPU count unknown; 8, as on Standard dynos')]
  const byCpu = (what: string, via: Source[]): Sourced<number> => sourced(cpus, fromDefault(`${what}: RoadRunner starts one worker per logical CPU when num_workers is 0 or not set`, POOL_REF), [...via, ...cpuChain])
  if (!file) {
    // No config to read: RoadRunner refuses to start without one, so the file is somewhere conncalc cannot see.
    diagnostics.push({code: 'unparsable-config', fix: `count its workers: --assume ${ctx.processType}=WORKERS:1:1`, message: `${ctx.processType}: RoadRunner's config ${path} is not in the app (written at build or mounted?); one http pool of a worker per CPU assumed`, processType: ctx.processType, severity: 'warning'})
    const processesPerDyno = byCpu('http pool', [assumed(`${path} cannot be read; one http pool with num_workers unset assumed`)])
    return {diagnostics, processesPerDyno, server: 'roadrunner', threadsPerProcess}
  }

  const yaml = parseYaml(file.text, file.path)
  diagnostics.push(...yaml.diagnostics)
  const at = (keys: readonly string[]): unknown => keys.reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), yaml.value)
  const lookup = (name: string): string | undefined => ctx.env.get(name)?.value
  let total = 0
  const pools: Source[] = []
  const envs: Source[] = []
  const parts: string[] = []
  let anyCpu = false
  for (const {path: keys, plugin} of POOLS) {
    if (at([keys[0]]) === undefined) continue
    const key = `${keys.join('.')}.num_workers`
    const line = yaml.lineOf([...keys, 'num_workers']) ?? yaml.lineOf([keys[0]]) ?? 1
    const override = overrides.get(key)
    const raw = override ?? at([...keys, 'num_workers'])
    let n: number | undefined
    let source: Source = override === undefined ? fromFile(file.path, line) : fromFlag(`-o ${key}=${override}`)
    if (raw === undefined || raw === null) n = 0
    else if (typeof raw === 'number') n = raw
    else if (typeof raw === 'string') {
      const e = expandShell(raw, lookup)
      if (/^\s*\d+\s*$/.test(e.text)) n = Number(e.text)
      for (const [, v] of raw.matchAll(/\$\{?(\w+)/g)) {
        const set = ctx.env.get(v)
        envs.push(set ? set.source : fromDefault(`${v} has no value here, so the config's own fallback is used`, `${file.path}:${line}`))
      }

      if (e.unresolved.length > 0) n = undefined
    }

    if (n === undefined || !Number.isInteger(n) || n < 0) {
      diagnostics.push({code: 'unknown-config-value', file: file.path, fix: `count its workers: --assume ${ctx.processType}=WORKERS:1:1`, line, message: `${ctx.processType}: cannot read RoadRunner's ${key} (${JSON.stringify(raw)}); a worker per CPU assumed`, processType: ctx.processType, severity: 'warning'})
      source = assumed(`${key} at ${file.path}:${line} cannot be read; a worker per CPU assumed`)
      n = 0
    }

    anyCpu ||= n === 0
    total += n === 0 ? cpus : n
    parts.push(`${plugin} ${n === 0 ? `${cpus} (one per CPU)` : n}`)
    pools.push(source)
  }

  if (parts.length === 0) {
    diagnostics.push({code: 'unknown-config-value', file: file.path, fix: `count its workers: --assume ${ctx.processType}=WORKERS:1:1`, message: `${ctx.processType}: ${file.path} configures no plugin that runs PHP workers (http, jobs, grpc, tcp, centrifuge, temporal); one http pool of a worker per CPU assumed`, processType: ctx.processType, severity: 'warning'})
    return {diagnostics, processesPerDyno: byCpu('http pool', [assumed(`${file.path} has no worker pool conncalc reads`)]), server: 'roadrunner', threadsPerProcess}
  }

  const what = `RoadRunner's PHP workers, every worker of each pool in ${file.path}${config ? '' : ` (its default config, ${CONFIG_REF})`}: ${parts.join(' + ')}`
  // Every num_workers set: the file says the number; else RoadRunner's per-CPU default decides part of it.
  const processesPerDyno = anyCpu ? sourced(total, fromDefault(what, POOL_REF), [...pools, ...envs, ...cpuChain]) : sourced(total, pools[0], [...pools.slice(1), ...envs, fromDefault(what, CONFIG_REF)])
  if (anyCpu) diagnostics.push(...cpuCountWarning(ctx, processesPerDyno, "RoadRunner's workers", `set each pool's num_workers in ${file.path}`))
  return {diagnostics, processesPerDyno, server: 'roadrunner', threadsPerProcess}
}
