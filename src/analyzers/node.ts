/**
 * Node.js: one process per dyno unless the app forks — throng (workers /
 * count, default the CPU count), `cluster.fork()`, or pm2-runtime `-i N`.
 * Node's event loop can have every pooled connection checked out at once, so
 * threads per process = the sum of the pools.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {JsModule} from '../node/js.js'
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from './types.js'

import {assumed, fromDefault, fromFlag, type Source, sourced, type Sourced} from '../model/source.js'
import {FRAMEWORKS, nodeEntry, sourceOf} from '../node/entry.js'
import {readPackageJson} from '../node/package-json.js'
import {nodePools} from '../node/pools.js'
import {isEcosystemFile, type Pm2Apps, pm2Apps} from '../node/pm2.js'
import {NodeProject} from '../node/project.js'
import {pyCandidate} from '../python/candidate.js'
import {entry, isDict} from '../python/evaluate.js'
import {cpuCountWarning} from '../platform/cpu-count.js'
import {envCandidate, programName} from './setting.js'

const PROGRAMS = new Set(['npm', 'npx', 'cross-env', 'yarn', 'pnpm', 'bun', 'node', 'nodejs', 'ts-node', 'ts-node-esm', 'tsx', 'pm2-runtime', ...FRAMEWORKS])
/**
 * Where apps started by a framework CLI (next start, strapi start) create their
 * database clients: the usual module paths, read as entries.
 */
const CLIENT_MODULES = ['payload.config', 'src/payload.config', 'lib/prisma', 'lib/db', 'src/lib/prisma', 'src/lib/db', 'src/server/db', 'src/db', 'db', 'app/lib/db', 'app/db.server', 'server/db']
  .flatMap((b) => ['.ts', '.js', '.mjs'].map((e) => b + e))
const THRONG = 'https://github.com/hunterloftis/throng#readme'

function cpus(ctx: AnalyzerContext, what: Source): Sourced<number> {
  const n = ctx.dyno?.nproc
  return n ? sourced(n.value, what, [n.source, ...(n.via ?? [])]) : sourced(8, what, [assumed('dyno CPU count unknown; 8, as on Standard dynos')])
}

function pm2Processes(ctx: AnalyzerContext, pm2: Pm2Apps): Sourced<number> | undefined {
  if (pm2.apps.length === 0) return undefined
  const each = pm2.apps.map((a) => (a.instances === 'per-cpu' ? cpus(ctx, fromDefault('pm2 `instances: "max"` (or 0, -1): one process per CPU', 'https://pm2.keymetrics.io/docs/usage/cluster-mode/')) : a.instances))
  if (each.length === 1) return each[0]
  return sourced(each.reduce((a, b) => a + b.value, 0), assumed(`pm2-runtime runs all ${each.length} apps of the ecosystem file in each dyno; their instances are added`), each.map((e) => e.source))
}

function webConcurrency(ctx: AnalyzerContext, why: string): Sourced<number> {
  const wc = envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'worker processes')
  if (wc.value) return {...wc.value, via: [...(wc.value.via ?? []), assumed(`${why}; WEB_CONCURRENCY workers assumed`)]}
  return sourced(1, assumed(`${why} and WEB_CONCURRENCY is not set; 1 worker assumed`))
}

function processes(ctx: AnalyzerContext, modules: JsModule[], instances: ReturnType<typeof nodeEntry>['instances'], diagnostics: Diagnostic[]): Sourced<number> {
  if (instances) {
    const v = instances.value
    if (/^\d+$/.test(v) && v !== '0') return sourced(Number(v), fromFlag(instances.written))
    if (v === 'max' || v === '0' || v === '-1') return cpus(ctx, fromFlag(instances.written))
  }

  for (const m of modules) {
    for (const c of m.calls) {
      if (!/^throng(\.default)?$/.test(c.callee)) continue
      const opts = c.args.find((a) => isDict(a))
      const arg = typeof (c.args[0]?.kind === 'known' && c.args[0].value) === 'number' ? c.args[0] : (entry(opts, 'workers') ?? entry(opts, 'count'))
      if (arg) {
        const got = pyCandidate(arg, 'throng workers')
        diagnostics.push(...got.diagnostics)
        if (got.value) return got.value
        // The app does set a count, only not one conncalc can read: by Heroku's convention, WEB_CONCURRENCY.
        return webConcurrency(ctx, `the throng worker count at ${m.file}:${c.line} cannot be read`)
      }

      return cpus(ctx, fromDefault('throng default workers: the CPU count (os.cpus().length)', THRONG))
    }
  }

  const fork = modules.flatMap((m) => m.calls.filter((c) => /^(node:)?cluster(\.default)?\.fork$/.test(c.callee)).map((c) => ({c, m})))
  if (fork.length > 0) {
    const wc = envCandidate(ctx.env, ['WEB_CONCURRENCY'], 'cluster workers')
    const where = `${fork[0].m.file}:${fork[0].c.line}`
    if (wc.value) return {...wc.value, via: [...(wc.value.via ?? []), assumed(`cluster.fork() at ${where} runs in a loop conncalc does not evaluate; WEB_CONCURRENCY workers assumed`)]}
    return cpus(ctx, assumed(`cluster.fork() at ${where} runs in a loop conncalc does not evaluate; one worker per CPU assumed`))
  }

  return sourced(1, fromDefault('Node runs one process per dyno unless the app forks (cluster, throng)', 'https://devcenter.heroku.com/articles/node-concurrency'))
}

export const node: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const {diagnostics: pkgDiags, pkg} = readPackageJson(ctx.files)
    const diagnostics: Diagnostic[] = [...pkgDiags]
    const found = nodeEntry(ctx, pkg)
    const project = new NodeProject(ctx)
    const ecosystem = found.file && isEcosystemFile(found.file) && ctx.files.exists(found.file) ? await pm2Apps(project, found.file) : undefined
    diagnostics.push(...(ecosystem?.diagnostics ?? []))
    const scripts = ecosystem?.apps.flatMap((a) => (a.script ? [sourceOf(ctx, a.script.replace(/^\.\//, ''))] : [])).filter((f): f is string => Boolean(f))
    const source = ecosystem ? scripts?.[0] : found.file ? sourceOf(ctx, found.file) : undefined
    if (found.file && !ecosystem && !source) {
      diagnostics.push({
        code: 'unknown-config-value',
        message: `${ctx.processType}: ${found.file} is not in the app (built at deploy?), so conncalc could not follow it; pools come from package.json dependencies`,
        processType: ctx.processType,
        severity: 'info',
      })
    }

    const main = source ?? (pkg?.main && sourceOf(ctx, pkg.main)) ?? ['server.js', 'index.js', 'src/index.ts', 'src/server.ts', 'app.js'].find((f) => ctx.files.exists(f))
    const entries = [main, ...(scripts ?? []).slice(1), ...(found.framework ? CLIENT_MODULES.filter((f) => ctx.files.exists(f)) : [])].filter((f): f is string => Boolean(f))
    const modules = await project.walk(entries)
    const procs = (ecosystem && pm2Processes(ctx, ecosystem)) || processes(ctx, modules, found.instances, diagnostics)
    diagnostics.push(...cpuCountWarning(ctx, procs, 'Node worker processes', 'set the worker count from WEB_CONCURRENCY (the Node buildpack sizes it by dyno memory)'))
    const pools = await nodePools(ctx, project, pkg, modules, found.framework)
    diagnostics.push(...project.diagnostics, ...pools.diagnostics)
    for (const p of pools.pools) {
      if (p.database.startsWith('prisma') && !p.database.includes('adapter')) {
        diagnostics.push(...cpuCountWarning(ctx, p.pool, 'Prisma connection_limit', 'add ?connection_limit=N to DATABASE_URL (or the datasource url)'))
      }
    }

    const total = pools.pools.reduce((a, p) => a + p.pool.value, 0)
    const threads =
      pools.pools.length > 0
        ? sourced(total, fromDefault("Node's event loop can have every pooled connection checked out at once", 'https://node-postgres.com/apis/pool'), pools.pools.map((p) => p.pool.source))
        : sourced(1, assumed('no database pool found in package.json or the code; one connection per process assumed'))
    return {
      diagnostics,
      language: 'node',
      pools: pools.pools,
      processesPerDyno: found.chain.length > 0 ? {...procs, via: [...(procs.via ?? []), ...found.chain]} : procs,
      server: found.framework ?? 'node',
      threadsPerProcess: threads,
    }
  },
  id: 'node',
  matches: (cmd) => PROGRAMS.has(programName(cmd.argv[0])),
}
