/**
 * .NET on Heroku (heroku/dotnet, Classic and Fir): one app process per dyno —
 * `dotnet X.dll`, the published `./X --urls http://*:$PORT` the buildpack
 * registers (src/launch_process.rs), or `dotnet run`. Npgsql keeps one pool
 * per distinct connection string, up to `Maximum Pool Size` connections
 * (default 100 since Npgsql 3.1, 20 before: NpgsqlConnectionStringBuilder
 * `[DefaultValue(100)] MaxPoolSize`, and the "Connection String Parameters"
 * page). `Minimum Pool Size` is not opened at start: PoolingDataSource opens a
 * connector only when one is rented and merely stops pruning idle ones below
 * the minimum, so it does not raise the count. `Pooling=false` opens one
 * connection per open NpgsqlConnection: no cap. Kestrel (and a worker
 * service) runs work on the .NET thread pool, which grows while requests wait,
 * so the pool, not a thread count, bounds a process. EF Core's
 * `AddDbContextPool` pools DbContext instances, not connections: each context
 * still takes its connection from Npgsql's pool while it works.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {PoolEntry} from '../../model/process.js'
import type {AnalyzerContext, ParsedCommand, ServerAnalysis, ServerAnalyzer} from '../common/types.js'

import {assumed, describeSource, fromDefault, fromFact, fromFile, type Source, type Sourced, sourced} from '../../model/source.js'
import {versionAtLeast} from '../../util/version.js'
import {isDotnet} from '../common/matchers.js'
import {programName} from '../common/setting.js'
import {type ConfigValue, DotnetConfiguration} from './configuration.js'
import {looksLikeNpgsql, parseConnectionString, poolSetting} from './connection-string.js'
import {type CodeSetting, readCsharp} from './csharp.js'
import {BUILDPACK, discoverDotnetApp, type DotnetApp, type DotnetProject, parseProjectFile, projectBuilding} from './project.js'
import {append} from '../../util/arrays.js'

const NPGSQL_REF = 'https://www.npgsql.org/doc/connection-string-parameters.html#pooling'
const NPGSQL_SRC = 'https://github.com/npgsql/npgsql/blob/main/src/Npgsql/NpgsqlConnectionStringBuilder.cs'
const LAUNCH_REF = 'https://github.com/heroku/buildpacks-dotnet/blob/main/buildpacks/dotnet/src/launch_process.rs'
const THREAD_POOL_REF = 'https://learn.microsoft.com/aspnet/core/fundamentals/servers/kestrel'
const ASSEMBLY_NAME_REF = 'https://learn.microsoft.com/dotnet/core/project-sdk/msbuild-props#assemblyname'
const EF_POOL_REF = 'https://learn.microsoft.com/ef/core/performance/advanced-performance-topics#dbcontext-pooling'

/** Packages that bring Npgsql in (EF Core's provider and .NET Aspire's components depend on it). */
const NPGSQL_PACKAGES = ['npgsql', 'npgsql.entityframeworkcore.postgresql', 'npgsql.dependencyinjection', 'aspire.npgsql', 'aspire.npgsql.entityframeworkcore.postgresql']

/** The project a command runs, and how sure that is. */
function pickProject(app: DotnetApp, cmd: ParsedCommand, files: AnalyzerContext['files']): {project?: DotnetProject; args: string[]; why?: Source} {
  const {argv} = cmd
  const byAssembly = (name: string): DotnetProject | undefined => app.projects.find((p) => p.assembly.toLowerCase() === name.toLowerCase())
  let args = argv.slice(1)
  let wanted: string | undefined
  let found: DotnetProject | undefined
  if (programName(argv[0]) === 'dotnet') {
    const dll = argv.findIndex((a, i) => i > 0 && /\.dll$/i.test(a))
    if (dll !== -1) {
      wanted = programName(argv[dll]).replace(/\.dll$/i, '')
      args = argv.slice(dll + 1)
    } else if (['run', 'watch'].includes(argv[1] ?? '')) {
      const i = argv.findIndex((a) => a === '--project' || a === '-p')
      const path = i === -1 ? undefined : (argv[i + 1] ?? '').replace(/^\.\//, '').replace(/\/+$/, '')
      found = path === undefined ? (app.projects.length === 1 ? app.projects[0] : undefined) : app.projects.find((p) => p.file === path || p.dir === path)
      const dd = argv.indexOf('--')
      args = dd === -1 ? [] : argv.slice(dd + 1)
    }
  } else wanted = programName(argv[0])

  found ??= wanted === undefined ? undefined : byAssembly(wanted)
  if (found) return {args, project: found}
  // No project in the root's solution builds it: the one below the root of that assembly name (an image's own build).
  const below = wanted === undefined ? undefined : projectBuilding(files, wanted)
  if (below) {
    app.projects.push(below)
    return {args, project: below, why: fromDefault(`${below.file} builds ${wanted} (its assembly name): ${app.source ? `${app.source} in the app root does not list it` : 'the app root has no solution or project'}, so the project is found by the name the command runs`, ASSEMBLY_NAME_REF)}
  }

  // `cd MyApi/bin/publish; ./MyApi`: the folder says which project.
  const cd = (cmd.preCommands ?? []).filter((c) => c[0] === 'cd' && c[1]).map((c) => c[1].replace(/^\.\//, ''))
  const inDir = app.projects.find((p) => p.dir !== '' && cd.some((d) => d === p.dir || d.startsWith(`${p.dir}/`)))
  if (inDir) return {args, project: inDir}
  const webs = app.projects.filter((p) => p.web)
  const guess = webs.length === 1 ? webs[0] : app.projects.length === 1 ? app.projects[0] : undefined
  if (!guess) return {args}
  return {args, project: guess, why: assumed(`${wanted ? `no project builds ${wanted}; ` : ''}the app's ${guess.web ? 'one web project' : 'one project'} ${guess.file} is assumed to be what \`${cmd.raw}\` runs`)}
}

/** The projects `project` references, transitively (`<ProjectReference>`), read from the app's files. */
function referencedProjects(files: AnalyzerContext['files'], project: DotnetProject, app: DotnetApp): DotnetProject[] {
  const out: DotnetProject[] = []
  const seen = new Set([project.file])
  const queue = [...(project.references ?? [])]
  while (queue.length > 0 && out.length < 100) {
    const path = queue.shift()!
    if (seen.has(path)) continue
    seen.add(path)
    const text = app.projects.some((p) => p.file === path) ? undefined : files.read(path)?.text
    const found = app.projects.find((p) => p.file === path) ?? (text === undefined ? undefined : parseProjectFile(text, path).project)
    if (!found) continue
    out.push(found)
    queue.push(...(found.references ?? []))
  }

  return out
}

interface Target {
  database: string
  conn?: ConfigValue
  used?: {file: string; line: number}
  via: Source[]
}

function settingSource(s: CodeSetting): Source {
  return fromFile(s.file, s.line)
}

export const dotnet: ServerAnalyzer = {
  async analyze(ctx: AnalyzerContext): Promise<ServerAnalysis> {
    const app = discoverDotnetApp(ctx.files)
    const diagnostics: Diagnostic[] = app.diagnostics.map((d) => ({...d, processType: ctx.processType}))
    const processes = sourced(1, fromFact('a .NET app runs as one process per dyno', LAUNCH_REF))
    const {args, project, why} = pickProject(app, ctx.command, ctx.files)
    if (!project) {
      diagnostics.push({
        code: 'unknown-command',
        fix: `tell conncalc what it opens: --assume ${ctx.processType}=1:N:N`,
        message: `${ctx.processType}: \`${ctx.command.raw}\` runs .NET, but conncalc cannot tell which project (${app.projects.map((p) => p.file).join(', ') || `none found; see ${BUILDPACK}`}); counting 1 connection`,
        processType: ctx.processType,
        severity: 'warning',
      })
      return {diagnostics, language: 'dotnet', pools: [], processesPerDyno: processes, server: 'dotnet', threadsPerProcess: sourced(1, assumed('the .NET project this command runs is unknown'))}
    }

    const config = new DotnetConfiguration(ctx, project.dir, args)
    append(diagnostics, config.diagnostics)
    // The projects it references (`<ProjectReference>`, transitively) build into it: their PackageReferences flow to the
    // app (NuGet's transitive references) and their code runs in its process (an EF Core context in a Data project).
    const referenced = referencedProjects(ctx.files, project, app)
    const csOf = (p: DotnetProject): string[] =>
      p.file.toLowerCase().endsWith('.cs')
        ? [p.file]
        : ctx.files
            .list(p.dir)
            .filter((f) => f.toLowerCase().endsWith('.cs'))
            .map((f) => (p.dir ? `${p.dir}/${f}` : f))
    const csFiles = [...csOf(project), ...referenced.filter((r) => r.dir !== project.dir).flatMap((r) => csOf(r))]
    const code = await readCsharp(ctx.files, csFiles, ctx.env)
    append(diagnostics, code.diagnostics)

    const withPackage = (name: string): DotnetProject | undefined => [project, ...referenced].find((p) => p.packages.has(name))
    const pkgName = NPGSQL_PACKAGES.find((n) => withPackage(n) !== undefined)
    const pkgProject = pkgName ? withPackage(pkgName)! : project
    const pkg = pkgName ? pkgProject.packages.get(pkgName) : undefined
    const npgsqlVersion = withPackage('npgsql')?.packages.get('npgsql')?.version
    const old = npgsqlVersion !== undefined && /^\d/.test(npgsqlVersion) && !versionAtLeast(npgsqlVersion, '3.1')
    const defaultMax = sourced(old ? 20 : 100, fromDefault(old ? 'Npgsql before 3.1: Maximum Pool Size 20' : 'Npgsql Maximum Pool Size: 100 (since 3.1)', `${NPGSQL_REF}; ${NPGSQL_SRC}`))

    // Which connection strings the process opens.
    const strings = config.connectionStrings()
    const lookup = (name: string): ConfigValue | undefined => [...strings].find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1]
    const targets: Target[] = []
    if (code.databaseUrl) targets.push({database: 'DATABASE_URL', used: code.databaseUrl, via: [fromFile(code.databaseUrl.file, code.databaseUrl.line)]})
    for (const [name, used] of code.connectionStrings) {
      const conn = lookup(name)
      if (conn && conn.value.trim() !== '' && !looksLikeNpgsql(parseConnectionString(conn.value))) continue // Redis, SQL Server, …
      targets.push({conn, database: name, used, via: [fromFile(used.file, used.line)]})
    }

    if (targets.length === 0) {
      const why = assumed(code.files.length > 0 ? `no GetConnectionString call or DATABASE_URL read was found in ${code.files.join(', ')}; every PostgreSQL connection string is assumed used` : `no C# file was found in ${project.dir || 'the app root'}; every PostgreSQL connection string is assumed used`)
      for (const [name, conn] of strings) if (looksLikeNpgsql(parseConnectionString(conn.value))) targets.push({conn, database: name, via: [why]})
    }

    if (targets.length === 0 && (pkg || code.npgsql)) {
      const at = code.npgsql ? fromFile(code.npgsql.file, code.npgsql.line) : fromFile(pkgProject.file, pkg!.line)
      targets.push({database: 'npgsql', via: [at, assumed('no connection string was found in appsettings*.json, the env or the code; one Npgsql pool is assumed')]})
    }

    if (targets.length === 0) {
      diagnostics.push({
        code: 'unknown-command',
        file: project.file,
        fix: `if it does use PostgreSQL, say how: --assume ${ctx.processType}=1:N:N`,
        message: `${ctx.processType}: ${project.file} references no Npgsql package and no PostgreSQL connection string was found; counting 1 connection`,
        processType: ctx.processType,
        severity: 'warning',
      })
      return {diagnostics, language: 'dotnet', pools: [], processesPerDyno: processes, server: 'dotnet', threadsPerProcess: sourced(1, assumed(`${project.file} shows no PostgreSQL use`))}
    }

    const contextPool = code.contextPool
      ? [fromDefault(`EF Core ${code.contextPool.method} (${code.contextPool.file}:${code.contextPool.line}) pools DbContext instances, not connections: a context takes a connection from Npgsql's pool only while it works`, EF_POOL_REF)]
      : []
    const pools: PoolEntry[] = []
    for (const t of targets) {
      let max: Sourced<number> | undefined
      let pooling: Sourced<boolean> = sourced(true, fromDefault('Npgsql Pooling: true', NPGSQL_SRC))
      const unknowns: string[] = []
      if (t.conn === undefined && t.database !== 'DATABASE_URL' && t.database !== 'npgsql') {
        diagnostics.push({
          code: 'unresolved-env',
          file: t.used?.file,
          fix: `set ConnectionStrings__${t.database} (e.g. --env 'ConnectionStrings__${t.database}=Host=…;Maximum Pool Size=20') or add it to appsettings.json`,
          line: t.used?.line,
          message: `${ctx.processType}: the connection string "${t.database}" is read but set nowhere conncalc looks (appsettings.json, appsettings.${config.environment.value}.json, ConnectionStrings__${t.database}); Npgsql's default pool is used`,
          processType: ctx.processType,
          severity: 'warning',
        })
        unknowns.push(`the connection string "${t.database}" has no value conncalc can see`)
      }

      const connVia = t.conn ? [t.conn.source, ...(t.conn.via ?? [])] : []
      for (const p of t.conn ? parseConnectionString(t.conn.value) : []) {
        const s = poolSetting(p.key)
        const v = p.value ?? ''
        if (s === 'max' && /^\s*\d+\s*$/.test(v)) max = sourced(Number(v), t.conn!.source, [...(t.conn!.via ?? [])])
        else if (s === 'pooling' && /^\s*(true|false)\s*$/i.test(v)) pooling = sourced(/true/i.test(v), t.conn!.source, [...(t.conn!.via ?? [])])
        else if (s === 'max' || s === 'pooling') unknowns.push(`${p.key}=${v} in ${describeSource(t.conn!.source)} is not ${s === 'max' ? 'an integer' : 'true or false'}`)
      }

      // The code's settings come after the configuration's: a builder applies them last.
      for (const s of code.settings) {
        if (s.setting === 'min') continue
        if (!s.value.known) {
          unknowns.push(`${s.file}:${s.line} sets ${s.text.trim()}: ${s.value.reason}`)
          diagnostics.push({code: 'unknown-config-value', file: s.file, line: s.line, message: `cannot read ${s.setting === 'max' ? 'Maximum Pool Size' : 'Pooling'} at ${s.file}:${s.line} (\`${s.text.trim()}\`): ${s.value.reason}`, processType: ctx.processType, severity: 'warning'})
          continue
        }

        const via = [...s.value.via, ...(targets.length > 1 ? [assumed(`the setting at ${s.file}:${s.line} is assumed to apply to every connection string`)] : [])]
        if (s.setting === 'max' && typeof s.value.value === 'number') max = sourced(s.value.value, settingSource(s), via)
        if (s.setting === 'pooling' && typeof s.value.value === 'boolean') pooling = sourced(s.value.value, settingSource(s), via)
      }

      // A set value is its own source; the default says which connection string it is for.
      const notes = [...(max ? t.via.filter((v) => v.kind === 'assumed') : [...t.via, ...connVia]), ...contextPool]
      const base = max ?? defaultMax
      const pool: Sourced<number> = pooling.value
        ? sourced(base.value, base.source, [...(base.via ?? []), ...notes, ...unknowns.map((u) => assumed(`${u}; ${base.value} used`))])
        : sourced(1, pooling.source, [...(pooling.via ?? []), assumed('Pooling=false opens a new connection for every open NpgsqlConnection, with no cap; 1 counted until --assume says more')])
      if (!pooling.value) {
        diagnostics.push({
          code: 'unbounded-pool',
          fix: `remove Pooling=false (Npgsql then caps the process at Maximum Pool Size), or tell conncalc the concurrency: --assume ${ctx.processType}=1:N:N`,
          message: `${ctx.processType}: Pooling=false (${describeSource(pooling.source)}) opens one connection per open NpgsqlConnection, as many as requests ask for; conncalc counts 1 until you give --assume`,
          processType: ctx.processType,
          severity: 'warning',
        })
      }

      pools.push({database: t.database, pool, server: 'DATABASE_URL'})
    }

    const total = pools.reduce((a, p) => a + p.pool.value, 0)
    const threads = sourced(total, fromDefault(`${project.web ? 'Kestrel serves requests' : 'the app runs its work'} on the .NET thread pool, which grows while work waits for a connection: at most the Npgsql pool's connections are held at once`, THREAD_POOL_REF), why ? [why] : [])
    const versions: Record<string, string> = {}
    for (const n of NPGSQL_PACKAGES) {
      const v = project.packages.get(n)?.version
      if (v) versions[n === 'npgsql' ? 'Npgsql' : n] = v
    }

    return {
      diagnostics,
      language: 'dotnet',
      pools,
      processesPerDyno: why ? sourced(1, processes.source, [why]) : processes,
      server: project.web ? 'kestrel' : 'dotnet',
      threadsPerProcess: threads,
      ...(Object.keys(versions).length > 0 ? {versions} : {}),
    }
  },
  id: 'dotnet',
  matches: isDotnet,
}
