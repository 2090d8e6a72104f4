import {bundledProgramMissing, bundlerWithoutGemfile, gemRakeTaskMissing} from '../procfile/bundler.js'
import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvLayer} from '../model/env.js'
import {filesUnder, type FileReader, normalizedDir, type SourceFile, withExtraFiles, withinDir, withPlacedFiles} from '../model/files.js'
import {placedFiles} from '../model/image-files.js'
import type {Formation, FormationEntry} from '../model/formation.js'
import type {AppModel, Extra, PoolEntry, ProcessModel} from '../model/process.js'
import type {AnalyzerContext, ParsedCommand, ServerAnalysis, TypeWork} from '../languages/common/types.js'

import {entrySources, Env, layer} from '../model/env.js'
import {assumed, assumedOfType, derivedFrom, fromDefault, fromFile, fromFlag, type Source, type Sourced, sourced, uniqueSources} from '../model/source.js'
import {classicWebConcurrency, type DynoFacts, type DynoSizeTable, dynoFacts} from '../platform/dyno-sizes.js'
import {nodeBuildpackLayer, platformLayer, rubyBuildpackLayer, runtimeLayer} from '../platform/env-layer.js'
import {detectLanguage} from '../platform/language.js'
import {buildMoves, buildMovesRead, type BuildMove, withBuildMoves} from '../platform/build-moves.js'
import {noteRequired, parseAppJsonEnv} from '../platform/app-json-env.js'
import {analyzeActiveRecordPools} from '../languages/ruby/pools-in-code.js'
import {parseGemfileLock} from '../languages/ruby/gemfile-lock.js'
import {rackupRailsRoot, RAILS_APP_DIR_REF, RAILS_ROOT_REF, type RailsAppRoot, railsServerRoot} from '../languages/ruby/rails-app-root.js'
import {analyzePgBouncer} from '../procfile/pgbouncer.js'
import {parseProcfile} from '../procfile/procfile.js'
import {type RunningEntry, runningEntries} from '../procfile/running.js'
import type {ContainerApp} from '../procfile/container.js'
import {addons, analyzers} from '../procfile/registry.js'
import {activeRecordVersion, bootQueries, type LauncherQuery, launcherQueryExtra, sequelParentInherited} from '../languages/ruby/boot-connection.js'
import {dashboardRackup, standaloneRackup} from '../languages/ruby/rackup-file.js'
import {deployHookOf} from '../procfile/release.js'
import {defaultWebBeside} from '../procfile/default-process.js'
import {defaultWebFile, isDefaultWebFile} from '../model/command-site.js'
import {resolveDemands} from '../budget/budget.js'
import {detectServerPooling} from '../platform/server-pooling.js'
import {fromAppJson} from '../platform/dokku-builder.js'
import type {DeployPlatform} from '../platform/deploy-platform.js'
import {splitCommand} from '../languages/shell/shell.js'
import {resolveCommandOutput} from '../procfile/command-output.js'
import {argvWithDynoCommands} from '../procfile/dyno-commands.js'
import {cpuCountWarning, fromNproc} from '../languages/common/cpu-count.js'
import {COMMAND_LINE} from '../languages/common/setting.js'
import {daemonizes} from '../languages/common/long-running.js'
import {modulesFromRoot} from '../languages/python/module-paths.js'
import {settingsFlag} from '../languages/python/program.js'
import {anotherDatabase, driverOnlyUnseen, hookWritesRequirements, noPythonDriver, notPostgresql, POSTGRES_DRIVER_NAMES} from '../languages/common/database-drivers.js'
import {daemonizedAway, delegates, dynoProfile, exportsCommandOutput, type FollowedScript, followCommand, runsShellScript, type ScriptAssumption, type ScriptProcess} from '../procfile/script.js'
import {unknown} from '../procfile/unknown.js'
import {type Launch, launcherOf, readLaunch} from '../procfile/launchers.js'
import {budgetProcess} from '../budget/budget.js'
import {append} from '../util/arrays.js'
import {MAX_BACKENDS} from '../util/numbers.js'
import {placeUnknownServers} from '../model/other-server.js'
import {assumeUnreadCounts, poolsAssumingUnread, unparsedFiles, unreadMark, unreadSince} from './unread-files.js'
import type {UnreadFile} from '../model/files.js'
import {sameServerEvidence} from '../model/same-server.js'

export interface AnalyzeInput {
  /** --rails-env; otherwise RAILS_ENV / RACK_ENV from the type's env, else production. */
  appEnv?: string
  /** Memory, nproc and buildpack WEB_CONCURRENCY per dyno size; without it there is no platform layer. */
  dynoSizes?: DynoSizeTable
  /** Layers below the Procfile line, highest first: --env, --env-file(s). app.json `env` and the platform layers are added per type. */
  envLayers: EnvLayer[]
  /** heroku.yml or a lone Dockerfile (procfile/container.ts): its types run instead of the Procfile's, in their images. */
  container?: ContainerApp
  files: FileReader
  formation: Formation
  /** Heroku's deploy or Dokku's (deploy-platform.ts); without it, Dokku's tasks are read when app.json declares them. */
  platform?: DeployPlatform
  procfile: SourceFile
  /** -a APP: what the app's formation runs (its commands win over the Procfile's) and its buildpacks. */
  running?: {buildpacks: {source: Source; urls: string[]}; commands: Map<string, string>; label: string}
  /** The run's process types already analyzed, shared by the apps of one config file (newAnalysisMemo). */
  memo?: AnalysisMemo
  /** The app root's absolute path: with `memo`, what `files` reads from. */
  root?: string
  /** Called with the process types' names once they are known, before any is analyzed: it may throw (plan.ts: a --scale type that is not one). */
  typesKnown?: (names: readonly string[]) => void
}

/** What one process type's analysis found. */
interface TypeAnalysis {
  diagnostics: Diagnostic[]
  process: ProcessModel
  /** The app files it read: read again by an app that reuses it, so that app's reader reports what is wrong with them. */
  reads: string[]
}

/**
 * Process types analyzed in one run, by everything their analysis reads: the app root (whose
 * files one run reads once), the Procfile line, the env layers, the dyno size and the app env.
 * Apps of one config file that run the same code with the same settings (one app per customer,
 * staging beside production) are analyzed once; each gets its own copy.
 */
export type AnalysisMemo = Map<DynoSizeTable | undefined, Map<string, TypeAnalysis>>

export const newAnalysisMemo = (): AnalysisMemo => new Map()

/** Variables the platform sets at run time; their absence here says nothing. */
const PLATFORM_VARS = new Set(['DYNO', 'HOME', 'JAVA_OPTS', 'JAVA_TOOL_OPTIONS', 'PATH', 'PORT', 'PWD', 'STACK'])

/**
 * Turn the app's files into one ProcessModel per Procfile process type. Pure:
 * every file comes through `files`, every variable through `envLayers`.
 */
export async function analyzeApp(given: AnalyzeInput): Promise<AppModel> {
  // A buildpack app is read as its build hooks leave it (`mv src/backend/* ./`: platform/build-moves.ts).
  const moves = given.container ? [] : buildMoves(given.files)
  const movedThrough = new Set<BuildMove>()
  const outer = moves.length === 0 ? given : {...given, files: withBuildMoves(given.files, moves, movedThrough)}
  const input = outer
  const diagnostics: Diagnostic[] = []
  const parsed = input.container ? {diagnostics: [], entries: input.container.entries} : parseProcfile(input.procfile.text, input.procfile.path)
  append(diagnostics, parsed.diagnostics)
  const {diagnostics: runDiags, entries} = runningEntries(parsed.entries, input.procfile.path, input.running)
  append(diagnostics, runDiags)
  // Dokku's app.json scripts.dokku.predeploy and postdeploy: deploy tasks, once per deploy (release.ts). Also for an image
  // Dokku builds from the Dockerfile; not on another platform (render.yaml, fly.toml), where app.json is not read. A
  // Procfile type of the same name (Scalingo's postdeploy) is the app's own: kept.
  for (const task of input.container?.platform || input.platform?.dokku === false ? [] : dokkuTasks(input.files)) if (!entries.some((e) => e.name === task.name)) entries.push(task)

  const lock = input.files.read('Gemfile.lock')
  const versions = lock ? parseGemfileLock(lock.text) : {}
  // Buildpack detection runs on the repository as pushed, before any build hook moves files: given.files.
  const detected = detectLanguage(given.files, input.running?.buildpacks, entries)
  // A buildpack pinned to a release older than its WEB_CONCURRENCY script: said once, as the processes' counts follow it.
  if (detected.webConcurrency && !input.container?.built && detected.webConcurrency.source.kind === 'default') {
    diagnostics.push({
      code: 'missing-config',
      file: detected.source?.kind === 'file' ? detected.source.file : input.procfile.path,
      fix: 'a pinned buildpack release is what the app builds with; if WEB_CONCURRENCY is set as a config var, pass it with --env WEB_CONCURRENCY=N',
      message: `WEB_CONCURRENCY: ${detected.webConcurrency.source.what}`,
      severity: 'info',
    })
  }
  // No web type in the Procfile: the buildpack's default web process runs anyway (procfile/default-process.ts).
  // With -a APP the formation says what runs.
  // A container app has no buildpack, so no default web process either.
  const beside = input.running || input.container ? undefined : await defaultWebBeside(given.files, detected, entries)
  if (beside && 'command' in beside) {
    entries.unshift({command: beside.command, file: defaultWebFile(beside.buildpack), line: 1, name: 'web'})
    diagnostics.push({
      code: 'default-web-process',
      file: input.procfile.path,
      fix: 'if no web dyno runs, say so with --scale web=0; if the app serves HTTP from another command, add it to the Procfile as `web: …`',
      message: `the Procfile declares no web type, so web runs \`${beside.command}\`: ${beside.why}; the platform starts it on 1 dyno at the first deploy (${beside.ref})`,
      processType: 'web',
      severity: 'info',
    })
  } else if (beside && 'none' in beside && beside.stops) {
    diagnostics.push({
      code: 'default-web-process',
      file: input.procfile.path,
      fix: 'add the web process the app should run to the Procfile, or scale web to 0',
      message: `the Procfile declares no web type, and ${beside.none}; no web process is counted`,
      processType: 'web',
      severity: 'warning',
    })
  } else if (beside && 'none' in beside && beside.said) {
    diagnostics.push({code: 'default-web-process', file: input.procfile.path, fix: 'if a web process runs, add it to the Procfile as `web: …`', message: `the Procfile declares no web type, and ${beside.none}: no web process is counted`, processType: 'web', severity: 'info'})
  } else if (beside && 'servedBy' in beside) {
    diagnostics.push({
      code: 'default-web-process',
      file: input.procfile.path,
      fix: 'on Heroku and Scalingo only the web type receives HTTP traffic: name that type web',
      line: beside.servedBy.line,
      message: `the Procfile declares no web type and ${beside.servedBy.name} serves HTTP itself, so the buildpack's default web process is not counted`,
      processType: beside.servedBy.name,
      severity: 'info',
    })
  }

  // app.json `env`: what the app was created with, below the user's layers and above the platform's.
  // On another platform (render.yaml, fly.toml) app.json is Heroku's manifest: its env is not what the app runs with.
  const appJsonFile = input.container?.platform ? undefined : input.files.read('app.json')
  const appJson = appJsonFile ? parseAppJsonEnv(appJsonFile.text, appJsonFile.path) : {diagnostics: [], required: []}
  append(diagnostics, appJson.diagnostics)

  // What every type of the app shares: the buildpacks' layers once, the platform's once per dyno size.
  const platforms = new Map<Sourced<string> | undefined, {dyno?: DynoFacts; platform?: EnvLayer}>()
  const app: AppFacts = {
    appJson,
    ...(detected.language ? {language: detected.language} : {}),
    // A container app is built from its Dockerfile: no buildpack sets RAILS_ENV, NODE_ENV or WEB_CONCURRENCY (its image's ENV does).
    // (A type whose image holds a slug built by Heroku's buildpacks, Render's heroku-import, takes them: entry.buildpacks.)
    buildpackLayers: [...(detected.language === 'ruby' || lock ? [rubyBuildpackLayer(input.appEnv ?? 'production')] : []), ...(detected.language === 'nodejs' ? [nodeBuildpackLayer()] : [])],
    ...buildpackPicked(given, entries),
    container: input.container?.built === true,
    ...(input.container?.setup ? {setup: input.container.setup} : {}),
    platformFor(size) {
      let found = platforms.get(size)
      if (!found) {
        // The lowest layer: what the buildpack sets for this type's dyno size.
        const dyno = input.dynoSizes && dynoFacts(input.dynoSizes, size)
        platforms.set(size, (found = {dyno, platform: dyno && platformLayer(input.dynoSizes!, detected, dyno)}))
      }

      return found
    },
    platformOn: (dyno) => (input.dynoSizes ? platformLayer(input.dynoSizes, detected, dyno) : undefined),
    versions,
  }
  // Files read for the whole app (app.json, Gemfile.lock, the platform's manifests) that are there but cannot be read:
  // they may set any type's numbers.
  app.unread = unreadSince(input.files, 0)
  input.typesKnown?.(entries.map((e) => e.name))
  const processes: ProcessModel[] = []
  const memo = input.memo && input.root !== undefined && !input.running ? memoOf(input.memo, input.dynoSizes) : undefined
  const layersKey = memo ? JSON.stringify(input.envLayers.map((l) => [l.label, [...l.vars.values()]])) : ''
  for (const entry of entries) {
    // Scripts the type's image wrote with RUN (procfile/run-writes.ts) are read like the repository's files.
    const input = entry.written ? {...outer, files: withExtraFiles(outer.files, entry.written)} : outer
    const formation = input.formation.get(entry.name)
    const key = memo ? JSON.stringify([input.root, entry.file, entry.line, entry.name, entry.command, entry.cwd ?? '', entry.image ? [...entry.image.vars.values()] : null, entry.vars ? entry.vars.map((l) => [...l.vars.values()]) : null, entry.machine ?? null, entry.buildpacks ?? null, formation?.size ?? null, Boolean(formation?.range), input.appEnv ?? null, layersKey]) : ''
    // Each app gets its own copy (tagApp names it and prefixes its paths): the memo keeps an untouched one.
    const kept = memo?.get(key)
    let found: Omit<TypeAnalysis, 'reads'>
    if (kept) {
      for (const path of kept.reads) input.files.read(path)
      found = structuredClone(kept)
    } else if (memo) {
      const reads = new Set<string>()
      const files: FileReader = {...input.files, read: (path) => (reads.add(path), input.files.read(path))}
      const analysed: TypeAnalysis = {...(await analyzeType(entry, {...input, files}, app)), reads: [...reads]}
      memo.set(key, structuredClone(analysed))
      found = analysed
    } else {
      found = await analyzeType(entry, input, app)
    }

    if (kept) {
      // This app's own dynos (its conncalc.yml lines); the key holds everything else the model says.
      const own = dynosOf(entry, formation, input.running, found.process.server)
      found.process.dynos = own.dynos
      if (own.dynoRange) found.process.dynoRange = own.dynoRange
    }

    append(diagnostics, found.diagnostics)
    processes.push(found.process)
  }

  append(diagnostics, buildMovesRead(movedThrough))
  return {diagnostics: diagnostics.map((d) => noteRequired(d, appJson.required)), processes, root: '.'}
}

/** One process type of the app: its env, what its command runs, and that program's processes, threads and pools. */
async function analyzeType(entry: RunningEntry, input: AnalyzeInput, app: AppFacts): Promise<Omit<TypeAnalysis, 'reads'>> {
  const diagnostics: Diagnostic[] = []
  const {appJson, versions} = app
  const typeMark = unreadMark(input.files)
  const origin = {file: entry.file, line: entry.line}
  const formation = input.formation.get(entry.name)
  const {dyno: sized, platform} = app.platformFor(formation?.size)
  // A fly.toml group's Machine ([[vm]]) or a render.yaml service's instance type (plan): its CPUs replace the dyno size's, unless --scale gives a size.
  const dyno = sized && entry.machine && !formation?.size ? onMachine(sized, entry.machine) : sized
  const layers = [...input.envLayers]
  // A render.yaml service's envVars (its own, then its groups') or fly.toml's [env]: where app.json env would be.
  if (entry.vars) append(layers, entry.vars)
  if (appJson.layer) layers.push(appJson.layer)
  // A container type: heroku.yml's setup config vars, then its image's ENV (under every config var, as `docker run -e` is over ENV); no buildpack's.
  if (app.setup) layers.push(app.setup)
  if (entry.image) layers.push(entry.image)
  // A slug built by Heroku's buildpacks inside another platform's image (Render's heroku-import): the buildpacks' env for the
  // machine it runs on (WEB_CONCURRENCY from its memory and CPUs), and the .profile.d scripts its entrypoint sources.
  const slug = entry.buildpacks !== undefined
  if (slug) {
    const own = dyno && dyno !== sized ? app.platformOn(dyno) : platform
    if (own) layers.push(own)
  } else if (platform && !app.container) layers.push(platform)
  if (!app.container || slug) append(layers, app.buildpackLayers)
  layers.push(runtimeLayer(entry.name))
  // A buildpack dyno sources the app's .profile.d/*.sh and .profile before its command (procfile/script.ts dynoProfile):
  // what they export is over the config vars. Not on a container, Render or Fly (no such step), but for heroku-import's
  // /render/setup-env, which sources .profile.d/*.sh (not .profile).
  const sourcing = input.container && !slug ? undefined : dynoProfile(slug && entry.cwd ? withinDir(input.files, entry.cwd) : input.files, new Env(layers), entry.name, dyno, !slug)
  const profile = sourcing instanceof Promise ? await sourcing : sourcing
  const baseEnv = new Env(profile ? [profile, ...layers] : layers)
  const split = splitCommand(entry.command, baseEnv, origin)
  // `WEB_CONCURRENCY=$(script/x) cmd`: the script's printed literal, or a value said to be unknown (command-output.ts).
  // Most commands assign nothing: no Promise.all to wait for (this runs per process type).
  const assignments = split.assignments.length === 0 ? split.assignments : await Promise.all(split.assignments.map((a) => (a.unknown ? resolveCommandOutput(a, input.files, {cwd: entry.cwd, dyno, env: baseEnv}) : a)))
  const env = assignments.length > 0 ? baseEnv.with(layer(`${origin.file}:${origin.line}`, assignments)) : baseEnv
  if (split.tooDeep) {
    diagnostics.push({
      code: 'unknown-config-value',
      file: origin.file,
      fix: `flatten the nested \${…:-…} defaults, or tell conncalc the numbers: --assume ${entry.name}=PROCESSES:THREADS:POOL`,
      line: origin.line,
      message: `${entry.name}: the command nests \${…:-…} more than ${split.tooDeep} levels deep; conncalc does not expand it, so what it runs is unknown`,
      processType: entry.name,
      severity: 'warning',
    })
  }

  // `good_job start --queues=\"a:4;b:5\"`: the foreground server never returns, so what follows it in the list never runs
  // (often a quoting slip that split one argument at a `;`): said, so the line can be checked.
  if (split.neverRun) {
    const shown = (argv: string[]): string => `\`${argv.join(' ').slice(0, 60)}\``
    const n = split.neverRun.commands.length
    diagnostics.push({
      code: 'never-runs',
      file: origin.file,
      fix: 'if they should run, start them before it or on a line of their own; if a `;` or `&&` was meant as part of an argument, quote it',
      line: origin.line,
      message: `${entry.name}: ${shown(split.neverRun.after)} runs in the foreground and never returns, so ${split.neverRun.commands.slice(0, 3).map((c) => shown(c)).join(', ')}${n > 3 ? ` and ${n - 3} more` : ''} after it never run${n === 1 ? 's' : ''}`,
      processType: entry.name,
      severity: 'info',
    })
  }

  for (const name of split.unresolved) {
    if (PLATFORM_VARS.has(name) || name.endsWith('_URL')) continue
    diagnostics.push({
      code: 'unresolved-env',
      file: origin.file,
      fix: `give it a value with --env ${name}=… or --env-file, or a default: \${${name}:-…}`,
      line: origin.line,
      message: `${entry.name}: $${name} is used in the command but has no value anywhere; it expands to nothing`,
      processType: entry.name,
      severity: 'warning',
    })
  }

  // Files the image's build put at another path of the app (`COPY config/database.docker.yml /app/config/database.yml`):
  // the type reads them as the image has them, and says so for each one it reads (below, after the analysis).
  const placed = entry.imageFiles ? placedFiles(entry.imageFiles, input.files, entry.cwd ?? '') : undefined
  const placedRead = new Set<string>()
  const cwdFiles = entry.cwd ? withinDir(input.files, entry.cwd) : input.files
  const work: TypeWork = {}
  const typeCtx: AnalyzerContext = {
    appEnv: input.appEnv ?? env.get('RAILS_ENV')?.value ?? env.get('RACK_ENV')?.value ?? 'production',
    command: split.command,
    dyno,
    dynoSize: formation?.size?.value,
    env,
    // A container's command starts in its image's WORKDIR (procfile/container.ts maps it to the repository).
    files: placed && placed.size > 0 ? withPlacedFiles(cwdFiles, input.files, placed, placedRead) : cwdFiles,
    origin,
    processType: entry.name,
    ...(deployHookOf(entry.name) ? {deployHook: true} : {}),
    ...(app.language ? {appLanguage: app.language} : {}),
    versions: entry.cwd ? bundleVersions(input.files, entry.cwd, versions) : versions,
    ...(entry.unknownWhy ? {unknownWhy: entry.unknownWhy} : {}),
    ...(entry.sameServer ? {sameServer: entry.sameServer} : {}),
    ...(entry.ownPostgres ? {ownPostgres: entry.ownPostgres} : {}),
    ...(entry.imageFiles ? {image: {files: input.files, image: entry.imageFiles}} : {}),
    work,
  }

  // A script, `&` or `cd` on the line: budget what stays up (procfile/script.ts). A command known to be unknown is not followed.
  const running: Ran | Promise<Ran> = entry.unknownWhy ? {ctx: typeCtx, others: [], scriptNotes: []} : whatRuns(entry.command, typeCtx, diagnostics)
  const ran = running instanceof Promise ? await running : running
  const rooted = inRailsRoot(ran)
  const {ctx, scriptNotes} = rooted instanceof Promise ? await rooted : rooted
  const {others} = ran
  // What the type's env and command came from (.profile.d, the scripts it runs), and the app's own files, when there but
  // unreadable, may set any of its numbers.
  const unread = [...(app.unread ?? []), ...unreadSince(input.files, typeMark).filter((u) => !app.unread?.some((a) => a.path === u.path))]
  const found = await analyzeOne(ctx, ctx.versions, diagnostics)
  for (const path of placedRead) {
    const c = placed!.get(path)!
    const dockerfile = entry.imageFiles!.dockerfile
    diagnostics.push({code: 'missing-config', file: dockerfile, ...(c.line ? {line: c.line} : {}), message: `${entry.name}: ${dockerfile}${c.line ? `:${c.line}` : ''} puts ${c.from} at ${normalizedDir(`${entry.cwd ?? ""}/${path}`)} in the image, so that file is read as the app's ${path}`, processType: entry.name, severity: 'info'})
  }

  const {extrasPerDyno, extrasPerProcess, otherServerPools, typeVersions} = found
  const {analysis, pools} = unread.length === 0 ? found : {analysis: assumeUnreadCounts(found.analysis, unread), pools: found.pools && poolsAssumingUnread(found.pools, unread)}
  for (const other of others) extrasPerDyno.push(await besideExtra(other, other.ctx.versions, diagnostics))
  // The process that started the command and waits for it, holding a connection of its own (a Rake task's own query).
  for (const held of ran.launcherQueries ?? []) {
    const extra = launcherQueryExtra(held.query, ctx.versions)
    if (extra) extrasPerDyno.push(held.copies === 1 ? extra : {...extra, count: {...extra.count, value: extra.count.value * held.copies}})
  }

  // Commands the Puma config spawns (`on_worker_boot { spawn 'bundle exec clockwork clock.rb' }`): processes beside it.
  if (analysis.server === 'puma' || analysis.server === 'unicorn' || analysis.server === 'pitchfork') {
    const spawning = hookSpawns(ctx, analysis, diagnostics)
    for (const spawned of spawning instanceof Promise ? await spawning : spawning) extrasPerDyno.push(await besideExtra(spawned, spawned.ctx.versions, diagnostics))
  }
  // Programs the code starts as child processes (Node's `spawn('node', [file])`, `fork(file)`): each process of the type starts its own.
  for (const child of analysis.children ?? []) {
    const origin = {file: child.file, line: child.line}
    const copies = analysis.processesPerDyno.value
    const each = copies > 1 ? `; each of the ${copies} processes of ${ctx.processType} runs that code` : ''
    // The child's file is named from the app root; the type's command may run in a folder of it (a container's WORKDIR).
    const within = ctx.files.within ? `${ctx.files.within}/` : ''
    const command = within && child.command.startsWith(`node ${within}`) ? `node ${child.command.slice(5 + within.length)}` : child.command
    const spawned = {background: false, copies, ctx: {...ctx, command: splitCommand(command, ctx.env, origin).command, origin}, notes: [fromFile(child.file, child.line)], startedBy: `${child.how}${each}`}
    extrasPerDyno.push(await besideExtra(spawned, ctx.versions, diagnostics))
  }
  // An evaluator that stopped following the code (a work limit) says so once for the type: values it left unknown say it too.
  const cut = work.cut
  if (cut) {
    diagnostics.push({code: 'unknown-config-value', file: cut.file, fix: `if a number of ${entry.name}'s is wrong, say it with --assume ${entry.name}=PROCESSES:THREADS:POOL`, line: cut.line, message: `${entry.name}: ${cut.message}`, processType: entry.name, severity: 'warning'})
  }
  const notes = app.buildpackPicked && isDefaultWebFile(entry.file) ? [...scriptNotes, app.buildpackPicked] : scriptNotes
  if (notes.length > 0) analysis.processesPerDyno = {...analysis.processesPerDyno, via: [...(analysis.processesPerDyno.via ?? []), ...notes]}

  // Poolers between the app and the database: the PgBouncer buildpack in the dyno, Heroku's server-side pool.
  const bouncing = analyzePgBouncer(ctx, {language: analysis.language, pools: pools ?? [], server: analysis.server})
  const bouncer = bouncing instanceof Promise ? await bouncing : bouncing
  append(diagnostics, bouncer.diagnostics)
  const serverPooling = detectServerPooling(entry.command, env, analysis.language)

  // release (Heroku), postdeploy and postcompile (Scalingo) run once per deploy: the deploy peak only.
  // The type decides, not the analyzer that read its command (an Ecto migration is the Elixir analyzer's).
  const isRelease = deployHookOf(entry.name) !== undefined
  const {dynoRange, dynos} = dynosOf(entry, formation, input.running, entry.name)
  // Extras that are processes with pools of their own are capped by those pools, now known.
  const poolsOf = {otherServerPools, pools: pools ?? []}
  // Built field by field, in the order the JSON report lists them (no temporary object per optional field: this runs per process type).
  const process = {} as ProcessModel
  if (bouncer.model) process.pgbouncer = bouncer.model
  if (bouncer.serverConnectionsPerDyno) process.serverConnectionsPerDyno = bouncer.serverConnectionsPerDyno
  if (serverPooling) process.serverPooling = serverPooling
  process.command = entry.command
  process.dynos = dynos
  if (dynoRange) process.dynoRange = dynoRange
  process.extrasPerDyno = resolveDemands(extrasPerDyno, poolsOf)
  process.extrasPerProcess = resolveDemands(extrasPerProcess, poolsOf)
  if (analysis.fork) process.fork = analysis.fork
  if (analysis.greenlets) process.greenlets = true
  if (analysis.eventLoop) process.eventLoop = true
  process.language = analysis.language
  process.name = entry.name
  process.origin = {file: origin.file, kind: 'file', line: origin.line}
  process.otherServerPools = otherServerPools
  process.pools = poolsOf.pools
  process.processesPerDyno = analysis.processesPerDyno
  process.role = isRelease ? 'release' : 'long-running'
  process.server = analysis.server
  process.size = formation?.size
  if (dyno?.platform) process.platform = dyno.platform
  process.threadsPerProcess = analysis.threadsPerProcess
  if (Object.keys(typeVersions).length > 0) process.versions = typeVersions

  return {diagnostics, process}
}

/** The dyno as the machine another platform runs the type on: its name and CPU count; Heroku's process limit is not its. */
function onMachine(dyno: DynoFacts, machine: NonNullable<RunningEntry['machine']>): DynoFacts {
  const {processLimit: _heroku, ...rest} = dyno
  const memoryMb = machine.memoryMb ?? dyno.memoryMb
  // The buildpacks' formulas on the machine's memory and CPUs (a slug built by Heroku's buildpacks in Render's heroku-import image).
  const row = dyno.row.generation === 'fir' ? dyno.row : {...dyno.row, webConcurrency: classicWebConcurrency(memoryMb.value, machine.nproc.value)}
  // With the machine's memory known, the assumed dyno size behind it no longer matters.
  const size = machine.memoryMb ? sourced(machine.name, machine.memoryMb.source) : dyno.size
  return {...rest, memoryMb, name: machine.name, nproc: machine.nproc, platform: machine.platform, row, size}
}

/** The type's dynos: a deploy hook's one, else the formation's (conncalc.yml, the Heroku app, --scale), else an assumption. */
function dynosOf(entry: RunningEntry, formation: FormationEntry | undefined, running: AnalyzeInput['running'], processType: string): Pick<ProcessModel, 'dynoRange' | 'dynos'> {
  const hook = deployHookOf(processType, entry.file)
  // A deploy task declared outside the Procfile (Dokku's app.json scripts.dokku) names its file and line.
  if (hook) return {dynos: fromAppJson(entry.file) ? {...hook.dynos(), via: [fromFile(entry.file, entry.line)]} : hook.dynos()}
  const dynos =
    formation?.quantity ??
    (running
      ? // Heroku scales a new process type to 0 dynos on its first deploy, web to 1 (devcenter: Procfile, "Scaling a process type").
        sourced(entry.name === 'web' ? 1 : 0, assumedOfType(`${entry.name} is not in the ${running.label} yet: ${entry.name === 'web' ? 1 : 0} dynos after its first deploy assumed (say --scale ${entry.name}=N)`))
      : sourced(1, assumedOfType(`${entry.name} is not in --scale or app.json formation; 1 dyno assumed`)))
  return formation?.range ? {dynoRange: formation.range, dynos} : {dynos}
}

/** The pick of buildpack behind a default web process, when it is conncalc's and not Heroku's detection's (platform/language.ts). */
function buildpackPicked(input: AnalyzeInput, entries: {file: string}[]): {buildpackPicked?: Source} {
  if (input.running || input.container || !entries.some((e) => isDefaultWebFile(e.file))) return {}
  const pick = detectLanguage(input.files)
  return pick.source?.kind === 'assumed' && pick.language !== undefined && pick.all[0] !== pick.language ? {buildpackPicked: pick.source} : {}
}

/** What the types of one app share. */
interface AppFacts {
  appJson: {layer?: EnvLayer}
  /** Built from a Dockerfile (heroku.yml, or a lone Dockerfile): no buildpack layers. */
  container: boolean
  /** The language buildpack that builds the app (detectLanguage): a deploy hook running a script is taken to be this language's. */
  language?: string
  /** heroku.yml `setup: config:`. */
  setup?: EnvLayer
  /** The language buildpack's default config vars (Ruby's RAILS_ENV, Node's NODE_ENV). */
  buildpackLayers: EnvLayer[]
  /**
   * Set when the buildpack whose default web process runs is conncalc's pick, not the one Heroku's
   * detection would take (a package.json that starts nothing beside composer.json): that process's
   * numbers rest on the pick, so they are marked as assumptions.
   */
  buildpackPicked?: Source
  platformFor(size: Sourced<string> | undefined): {dyno?: DynoFacts; platform?: EnvLayer}
  /** The buildpacks' layer on a machine that is not a dyno size of the table (a Render instance running a Heroku slug). */
  platformOn(dyno: DynoFacts): EnvLayer | undefined
  versions: Record<string, string>
  /** Files the app's reads before its types' met that are there but cannot be read (unread-files.ts). */
  unread?: UnreadFile[]
}

const memoOf = (memo: AnalysisMemo, table: DynoSizeTable | undefined): Map<string, TypeAnalysis> => {
  let of = memo.get(table)
  if (!of) memo.set(table, (of = new Map()))
  return of
}

/** Diagnostics about how many connections a process would hold (a count conncalc could not read or assumed): moot when the app's database is not PostgreSQL (it holds 0 on the plan). */
const MOOT_ON_ANOTHER_DATABASE = new Set(['cpu-count-default', 'greenlet-concurrency', 'unbounded-pool', 'unknown-command', 'unknown-config-value'])

/** Analyzers that take any bare program (a script too): a shell script in the repo is read instead. */
const ANY_PROGRAM = new Set(['dotnet', 'go', 'unknown'])

/** Process managers inside process managers (honcho starting supervisord …): deeper than this is not read. */
const MAX_LAUNCH_DEPTH = 3

/**
 * What the type's command leaves running, when it is more than one plain command:
 * the process conncalc budgets as the type (the foreground one, or the first known
 * server when the foreground one is not: `gunicorn … & nginx …`; with no known server, the first that may be one:
 * `redis-server & exec /app/server` is an unknown /app/server type), the others that run
 * beside it in the dyno, and the script branches that were assumed on the way.
 * A process manager (honcho, foreman, supervisord, supercronic: procfile/launchers.ts)
 * counts every process it starts, each read as a command of its own.
 */
function whatRuns(raw: string, ctx: AnalyzerContext, diagnostics: Diagnostic[]): Ran | Promise<Ran> {
  // One plain command (most types): answered at once, with no promise to wait for.
  const running = runningProcesses(raw, ctx, diagnostics, 0)
  return running instanceof Promise ? running.then((ctxs) => primaryProcess(ctx, ctxs, diagnostics)) : primaryProcess(ctx, running, diagnostics)
}

type Ran = {ctx: AnalyzerContext; launcherQueries?: LauncherQueries; others: ScriptCtx[]; scriptNotes: Source[]}
/** Launching processes that query the database themselves, each `copies` times in the dyno. */
type LauncherQueries = {copies: number; query: LauncherQuery}[]

/** The process budgeted as the type among those the command leaves running, and the others beside it. */
function primaryProcess(ctx: AnalyzerContext, ctxs: ScriptCtx[] | undefined, diagnostics: Diagnostic[]): Ran {
  if (!ctxs) {
    // One plain command that daemonizes (`unicorn -D`, an image's bare `php-fpm82`): it returns at once, so the dyno or
    // container stops; counted as if it stayed in front, said (a script's are said where it is walked: procfile/script.ts).
    const message = deployHookOf(ctx.processType) === undefined ? daemonizedAway(ctx.command.argv, ctx.image) : undefined
    if (!message) return {ctx, others: [], scriptNotes: []}
    diagnostics.push({code: 'unknown-config-value', file: ctx.origin?.file, fix: `run it in the foreground, or say the process with --assume ${ctx.processType}=PROCESSES:THREADS:POOL`, line: ctx.origin?.line, message: `${ctx.processType}: ${message}`, processType: ctx.processType, severity: 'warning'})
    return {ctx, others: [], scriptNotes: [assumed(`${ctx.origin?.file}:${ctx.origin?.line}: ${message}`)]}
  }

  if (ctxs.length === 0) return {ctx: {...ctx, unknownWhy: ctx.unknownWhy ?? 'it starts no command that stays up'}, others: [], scriptNotes: []}
  const analyzerOf = (c: ScriptCtx): string => (c.ctx.unknownWhy ? 'unknown' : analyzers.find((a) => a.matches(c.ctx.command, c.ctx))!.id)
  const recognised = (c: ScriptCtx): boolean => !ANY_PROGRAM.has(analyzerOf(c))
  // The type is its server: `gunicorn … & nginx` is a gunicorn type with nginx beside it, not an nginx one.
  const server = (c: ScriptCtx): boolean => recognised(c) && analyzerOf(c) !== 'no-database' && analyzerOf(c) !== 'exits-at-start'
  const pick = ctxs.findIndex((c) => server(c))
  // No known server: a program conncalc cannot read (`redis-server & exec /app/server`) may be the app's server; one known
  // to open no PostgreSQL connection (redis-server, nginx) is certainly not. The foreground one comes first in `ctxs`.
  const maybe = ctxs.findIndex((c) => analyzerOf(c) !== 'no-database')
  const primary = pick !== -1 ? pick : maybe !== -1 ? maybe : Math.max(0, ctxs.findIndex((c) => recognised(c)))
  const first = ctxs[primary]
  const others = ctxs.filter((_, i) => i !== primary)
  // A manager running several copies of the primary process: the copies beyond the first run beside it.
  if (first.copies > 1) others.unshift({...first, copies: first.copies - 1, copyOfType: true})
  const launcherQueries = ctxs.flatMap((c) => c.launcherQueries ?? [])
  return {ctx: first.ctx, ...(launcherQueries.length > 0 ? {launcherQueries} : {}), others, scriptNotes: first.notes}
}

/**
 * Every process the command leaves running, or undefined when it is one plain
 * command (the type's own context says it all). An empty list: nothing stays up
 * (the type's unknownWhy says why).
 */
function runningProcesses(raw: string, ctx: AnalyzerContext, diagnostics: Diagnostic[], depth: number): ScriptCtx[] | undefined | Promise<ScriptCtx[] | undefined> {
  // `a & b`: each side is read on its own (followCommand below), a process manager among them too.
  const reading = depth < MAX_LAUNCH_DEPTH && !ctx.command.background?.length ? readLaunch(ctx.command.argv, ctx.files, '', ctx.processType, ctx.env, ctx.image) : undefined
  if (reading) return reading.then((launch) => (launch ? launched(launch, ctx, diagnostics, depth) : notLaunched(raw, ctx, diagnostics, depth)))
  return notLaunched(raw, ctx, diagnostics, depth)
}

/** What a command no process manager starts leaves running: undefined for one plain command, at once. */
function notLaunched(raw: string, ctx: AnalyzerContext, diagnostics: Diagnostic[], depth: number): ScriptCtx[] | undefined | Promise<ScriptCtx[] | undefined> {
  const id = analyzers.find((a) => a.matches(ctx.command, ctx))!.id
  // A deploy hook (release) matches whatever it runs: a script it runs is read for the command it holds (procfile/release.ts).
  if (id === 'release' && depth === 0 && !ctx.command.background?.length) return deployHookScript(raw, ctx, diagnostics, depth)
  const known = !ANY_PROGRAM.has(id)
  // A Node command that runs a workspace package or several commands (procfile/node-run.ts) is followed too.
  // A deploy hook's `a && b` (its last command the app's own program) holds the largest of what each command holds, in turn.
  const inTurn = depth === 0 && deployHookOf(ctx.processType) !== undefined && ctx.command.preCommands?.some((c) => c[0] !== 'cd')
  const simple = known && !inTurn && !ctx.command.background?.length && !ctx.command.preCommands?.some((c) => c[0] === 'cd') && !runsShellScript(ctx.command) && !exportsCommandOutput(raw) && !delegates(ctx.command.argv, ctx.files, ctx.env, ctx.origin!)
  return simple ? undefined : followedProcesses(raw, ctx, diagnostics, depth)
}

/**
 * A deploy hook's command read as a script: the one command it runs that conncalc knows (an Ecto or Rails
 * migration behind `bin/migrate`) is what the hook holds. A script that runs nothing conncalc knows, or
 * more than one process at once, keeps the hook's own numbers (procfile/release.ts), with nothing said.
 */
async function deployHookScript(raw: string, ctx: AnalyzerContext, diagnostics: Diagnostic[], depth: number): Promise<ScriptCtx[] | undefined> {
  const release = missingReleaseMigrate(ctx)
  if (release) return [release]
  const read: Diagnostic[] = []
  const ctxs = await followedProcesses(raw, ctx, read, depth)
  const one = ctxs?.length === 1 && ctxs[0].copies === 1 && !ctxs[0].ctx.unknownWhy ? ctxs[0] : undefined
  const id = one && analyzers.find((a) => a.matches(one.ctx.command, one.ctx))!.id
  // The line's own command, found again (`cd x && cmd`), adds nothing, unless it was picked among several the hook runs in turn.
  const same = one !== undefined && one.ctx.command.argv.join(' ') === ctx.command.argv.join(' ') && one.notes.length === 0
  if (!one || id === undefined || ANY_PROGRAM.has(id) || id === 'no-database' || same) return undefined
  append(diagnostics, read)
  return ctxs
}

/**
 * A Mix release's `bin/migrate` (what `mix phx.gen.release` writes to rel/overlays/bin/migrate: `exec ./APP eval
 * APP.Release.migrate`) that is not in the repository (a snapshot without rel/, a gitignored overlay), in a Mix project
 * whose lib/ has the Release module calling Ecto.Migrator.with_repo: read as that `eval`, starred (the script itself is
 * not read). Undefined for anything else.
 */
function missingReleaseMigrate(ctx: AnalyzerContext): ScriptCtx | undefined {
  const argv = ctx.command.argv
  if (argv.length !== 1 || !/(?:^|\/)bin\/migrate$/.test(argv[0]) || !ctx.files.exists('mix.exs')) return undefined
  const path = argv[0].replace(/^(?:\.?\/)+/, '')
  if (ctx.files.exists(path) || ctx.files.exists('rel/overlays/bin/migrate')) return undefined
  const release = filesUnder(ctx.files, 'lib', (p) => p.endsWith('.ex'), {max: 2000}).paths.find((p) => ctx.files.read(p)?.text.includes('Ecto.Migrator.with_repo'))
  const text = release ? (ctx.files.read(release)?.text ?? '') : ''
  const module = /defmodule\s+([\w.]+)\s+do/.exec(text)?.[1]
  const app = /\bapp:\s*:(\w+)/.exec(ctx.files.read('mix.exs')?.text ?? '')?.[1]
  if (!release || !module || !app) return undefined
  const eval_ = {...ctx.command, argv: [`bin/${app}`, 'eval', `${module}.migrate`]}
  const why = `${argv[0]} is not in the repository (mix phx.gen.release writes it to rel/overlays/bin/migrate: \`exec ./${app} eval ${module}.migrate\`); read as that, the Release module at ${release} calling Ecto.Migrator.with_repo`
  return {background: false, copies: 1, ctx: {...ctx, command: eval_}, cwd: '', notes: [assumed(why)]}
}

async function followedProcesses(raw: string, ctx: AnalyzerContext, diagnostics: Diagnostic[], depth: number): Promise<ScriptCtx[] | undefined> {
  const followed = await followCommand(raw, ctx.command, ctx.env, ctx.files, ctx.origin!, ctx.processType, ctx.dyno, ctx.image)
  if (!followed) return undefined
  append(diagnostics, followed.diagnostics)
  if (followed.processes.length === 0) {
    diagnostics.push({
      code: 'unknown-command',
      file: ctx.origin?.file,
      fix: `if it opens database connections, tell conncalc how many: --assume ${ctx.processType}=PROCESSES:THREADS:POOL`,
      line: ctx.origin?.line,
      message: `${ctx.processType}: ${followed.scripts.join(', ') || 'the command'} starts no command that stays up; counting 1 process × 1 connection`,
      processType: ctx.processType,
      severity: 'warning',
    })
    return undefined
  }

  const out: ScriptCtx[] = []
  const toCtx = (p: ScriptProcess): ScriptCtx => ({
    background: p.background,
    copies: p.copies ?? 1,
    ctx: {...ctx, command: p.command, env: p.env, files: withinDir(ctx.files, p.cwd), origin: p.origin, versions: bundleVersions(ctx.files, p.cwd, ctx.versions), ...(p.unknownWhy ? {unknownWhy: p.unknownWhy} : {}), ...(p.exitsAtStart ? {exitsAtStart: p.exitsAtStart} : {})},
    cwd: p.cwd,
    notes: [...p.chain, ...p.assumptions.map((a) => assumed(`${a.file}:${a.line}: ${a.message}`))],
    ...(p.startedBy ? {startedBy: p.startedBy} : {}),
  })
  for (const p of followed.ways ? await largestWay(followed.ways, toCtx, diagnostics, ctx.processType) : followed.processes) {
    const c = toCtx(p)
    // A loop's commands take turns in this process: the one holding the most connections is it.
    if (p.inTurn) {
      out.push(await largestInTurn(c, p.inTurn.loop, p.inTurn.runs.map((r) => toCtx(r)), diagnostics, p.inTurn.sequence))
      continue
    }

    // An `if`/`case` conncalc could not decide, each branch starting its own process: one of them runs.
    if (p.either) {
      const runs = [c, ...p.either.runs.map((r) => toCtx(r))]
      // Every branch ends in a process manager (`if [ -n "$X" ]; then …; else export X=false; fi; exec supervisord -c …`, the
      // branches differing only in the env they leave): what the manager starts, each way; the set holding the most counts.
      if (depth < MAX_LAUNCH_DEPTH && runs.every((r) => launcherOf(r.ctx.command.argv, r.ctx.files))) {
        const sets: {diagnostics: Diagnostic[]; set: ScriptCtx[]; total: number}[] = []
        for (const r of runs) {
          const said: Diagnostic[] = []
          const set = (await runningProcesses(r.ctx.command.raw, r.ctx, said, depth + 1)) ?? [r]
          const total = (await sizeEach(set, p.either.at)).reduce((a, x) => a + x.connections * x.c.copies, 0)
          sets.push({diagnostics: said, set: set.length > 0 ? set : [r], total})
        }

        const best = sets.reduce((a, b) => (b.total > a.total ? b : a))
        append(diagnostics, best.diagnostics)
        const differ = sets.some((s) => s.total !== best.total)
        const note = differ ? [assumed(`${p.either.at.file}:${p.either.at.line}: a branch conncalc cannot decide comes before \`${firstWords(c.ctx.command.argv)}\`, and what it starts holds ${sets.map((s) => s.total).join(' or ')} connections depending on it; the largest is counted`)] : []
        append(out, best.set.map((i) => ({...i, background: i.background || c.background, notes: [...c.notes, ...i.notes, ...note]})))
        continue
      }

      out.push(await largestBranch(c, p.either.at, p.either.runs.map((r) => toCtx(r)), p.either.replayed, diagnostics))
      continue
    }

    // A script that ends in a process manager (`exec supervisord -c …`): what the manager starts.
    const inner = depth < MAX_LAUNCH_DEPTH && launcherOf(c.ctx.command.argv, c.ctx.files) ? await runningProcesses(c.ctx.command.raw, c.ctx, diagnostics, depth + 1) : undefined
    if (inner && inner.length > 0) append(out, inner.map((i) => ({...i, background: i.background || c.background, notes: [...c.notes, ...i.notes]})))
    else out.push(c)
  }

  return out
}

/**
 * The commands a loop runs one after another (`while true; do manage.py x; pg_dump …; sleep 60; done`):
 * each holds its connections on its turn, so the process holds the largest of them. Each is budgeted
 * as the type would be and the largest (the first of equals) is the process, with why in its sources.
 */
async function largestInTurn(first: ScriptCtx, loop: {file: string; line: number}, rest: ScriptCtx[], diagnostics: Diagnostic[], sequence?: true): Promise<ScriptCtx> {
  // A deploy hook's commands ran in order (`rest` first), the last one being `first`.
  const runs = sequence ? [...rest, first] : [first, ...rest]
  const sized = await sizeEach(runs, loop)
  // Of equals, a deploy hook's last command (the one it ends on, as read before), a loop's first.
  const best = sized.reduce((a, b) => (b.connections > a.connections || (sequence && b.connections === a.connections) ? b : a))
  // The chosen one is analysed again as the type; what the others said still stands (an unknown command among them).
  for (const x of sized) if (x !== best) append(diagnostics, x.diagnostics)
  const note = sequence
    ? fromDefault(`${loop.file}:${loop.line}: ${first.ctx.processType} runs ${sized.map((x) => sizedRun(x)).join(', ')} one after another; it holds the largest, ${sizedRun(best)}`, 'https://www.gnu.org/software/bash/manual/bash.html#Lists')
    : fromDefault(`${loop.file}:${loop.line}: the loop runs ${sized.map((x) => sizedRun(x)).join(', ')} one after another; the process holds the largest, ${sizedRun(best)}`, 'https://www.gnu.org/software/bash/manual/bash.html#Looping-Constructs')
  return {...best.c, notes: [...best.c.notes, note]}
}

/**
 * The branches of an `if`/`case` the environment does not decide (`if [ "$X" = true ]; then anycable; else
 * rails server; fi`): only one runs, and which one is the app's config, not in its files. The one holding the
 * most connections (the first of equals) is counted, so the budget errs high rather than low; the choice is an
 * assumption (the branch's own note marks it) that `--env X=…` settles. What the other branches said is dropped:
 * they do not run if this one does.
 */
async function largestBranch(first: ScriptCtx, at: {file: string; line: number}, rest: ScriptCtx[], replayed: {labels: string[]; what: string} | undefined, diagnostics: Diagnostic[]): Promise<ScriptCtx> {
  const sized = await sizeEach([first, ...rest], at)
  const best = sized.reduce((a, b) => (b.connections > a.connections ? b : a))
  if (replayed) {
    // The script walked again through each branch (procfile/script.ts): the processes carry no note of the choice.
    // It is an assumption only when it changes what the process holds (`--optimize-for-size` on one way only does not).
    if (sized.every((x) => x.connections === best.connections)) return first
    const command = (x: (typeof sized)[number]): string => x.c.ctx.command.argv.join(' ')
    const label = (x: (typeof sized)[number]): string => {
      const i = sized.indexOf(x)
      const told = replayed.labels[i] ?? ''
      // `in web/, WEB_CONCURRENCY=1 (bin/web:3)` or `WEB_CONCURRENCY unset`: the folder reads on its own, a variable after `with`.
      const vars = told && !told.startsWith('in ') ? `with ${told}` : told
      return sized.every((y) => command(y) === command(x)) && vars ? `${vars} (${x.connections})` : `${sizedRun(x)}${vars ? ` ${vars}` : ''}`
    }

    const told = `${replayed.what}: ${sized.map((x) => label(x)).join('; ')}; the largest is counted`
    const type = first.ctx.processType
    diagnostics.push({code: 'unknown-config-value', file: at.file, fix: `say the value with --env, or the process with --assume ${type}=PROCESSES:THREADS:POOL`, line: at.line, message: `${type}: ${told}`, processType: type, severity: 'warning'})
    return {...best.c, notes: [...best.c.notes, assumed(`${at.file}:${at.line}: ${told}`)]}
  }

  const where = `${at.file}:${at.line}: `
  const said = best.c.notes.find((n) => n.kind === 'assumed' && n.why.startsWith(where))
  // Every branch's process holds as many connections (LycheeOrg/Lychee: `exec gosu www-data "$@"` or `exec su-exec
  // www-data "$@"`): the count does not rest on which runs, as for a replayed choice above.
  // The script reader's warning of the undecided branch (procfile/script.ts warn) is then moot: dropped.
  if (sized.every((x) => x.connections === best.connections)) {
    const warned = diagnostics.findIndex((d) => d.code === 'unknown-config-value' && d.file === at.file && d.line === at.line && d.processType === first.ctx.processType)
    if (warned !== -1) diagnostics.splice(warned, 1)
    const same = fromDefault(`${where}whichever branch runs, its process holds ${best.connections}: ${sized.map((x) => sizedRun(x)).join(', ')}`, 'https://www.gnu.org/software/bash/manual/bash.html#Conditional-Constructs')
    return {...best.c, notes: [...best.c.notes.filter((n) => n !== said), same]}
  }

  const note = assumed(`${said && said.kind === 'assumed' ? said.why : where.slice(0, -1)}: ${sized.map((x) => sizedRun(x)).join(', ')}; ${sizedRun(best)} is counted`)
  // The branch's own note is this one, now with what each branch holds.
  return {...best.c, notes: [...best.c.notes.filter((n) => n !== said), note]}
}

/**
 * Ways through a script's undecided branches that leave different sets of processes running (`if [ -n "$JOBS" ];
 * then bundle exec sidekiq & fi; exec puma`): only one way runs, and which is the app's config. Each set is budgeted
 * (each process as the type would be, one dyno) and the one holding the most connections in all (the first of equals)
 * is what runs, so the budget errs high rather than low; said, with each way's total, when the totals differ.
 */
async function largestWay(ways: NonNullable<FollowedScript['ways']>, toCtx: (p: ScriptProcess) => ScriptCtx, diagnostics: Diagnostic[], type: string): Promise<ScriptProcess[]> {
  const totals: {connections: number; runs: string[]}[] = []
  // The ways often run the same command with the same env (they differ in a variable only a step before it reads, or in
  // what runs in the foreground first): each such process is sized once (Skyvern's entrypoint: 8 ways, 2 programs).
  const memo: SizeMemo = new Map()
  for (const set of ways.sets) {
    // A process that runs a loop's commands in turn, or one of an undecided branch's: the largest of them.
    const sized = []
    for (const p of set) {
      const each = await sizeEach([p, ...(p.inTurn?.runs ?? p.either?.runs ?? [])].map((r) => toCtx(r)), ways.at, memo)
      const best = each.reduce((a, b) => (b.connections > a.connections ? b : a))
      sized.push({...best, c: {...best.c, background: p.background, copies: p.copies ?? 1}})
    }

    totals.push({connections: sized.reduce((n, x) => n + x.connections * x.c.copies, 0), runs: sized.map((x) => `\`${firstWords(x.c.ctx.command.argv)}\`${x.c.background ? ' &' : ''}${x.c.copies > 1 ? ` × ${x.c.copies}` : ''}`)})
  }

  const best = totals.reduce((a, b) => (b.connections > a.connections ? b : a))
  if (totals.every((t) => t.connections === best.connections)) return ways.sets[0]
  // Ways that differ only in what the budget does not see (a variable nothing reads) read the same: said once.
  const each = [...new Set(totals.map((t) => `${t.runs.join(' + ') || 'nothing'} (${t.connections})`))]
  const told = `${ways.what}: ${each.join('; ')}; the largest is counted`
  diagnostics.push({code: 'unknown-config-value', file: ways.at.file, fix: `say the value with --env, or the process with --assume ${type}=PROCESSES:THREADS:POOL`, line: ways.at.line, message: `${type}: ${told}`, processType: type, severity: 'warning'})
  const note: ScriptAssumption = {...ways.at, message: told}
  return ways.sets[totals.indexOf(best)].map((p) => ({...p, assumptions: [...p.assumptions, note]}))
}

/** Sized processes by what decides their size (sizeKey), for runs made from one script's ways. */
type SizeMemo = Map<string, {connections: number; diagnostics: Diagnostic[]}>

/**
 * What a process's analysis depends on among runs made from one command's script (the same type, files and dyno): its
 * command, folder, origin, what is said to be unknown about it, and its env, every layer by its content (each way builds
 * its own layers, equal when the way sets the same values).
 */
function sizeKey(c: ScriptCtx): string {
  const layerText = (l: EnvLayer): string => JSON.stringify([l.label, [...l.vars.values()], l.unset ? [...l.unset] : null, l.deployerSets ? [...l.deployerSets] : null])
  const {ctx} = c
  return JSON.stringify([ctx.command, c.cwd ?? '', ctx.origin ?? null, ctx.unknownWhy ?? null, ctx.exitsAtStart ?? null, ctx.env.layers.map((l) => layerText(l))])
}

/** Each process budgeted as the type would be (one dyno), with what its analysis said. */
async function sizeEach(runs: ScriptCtx[], at: {file: string; line: number}, memo?: SizeMemo): Promise<{c: ScriptCtx; connections: number; diagnostics: Diagnostic[]}[]> {
  const sized: {c: ScriptCtx; connections: number; diagnostics: Diagnostic[]}[] = []
  for (const c of runs) {
    const key = memo ? sizeKey(c) : ''
    const kept = memo?.get(key)
    if (kept) {
      sized.push({c, connections: kept.connections, diagnostics: kept.diagnostics})
      continue
    }

    const scratch: Diagnostic[] = []
    const {analysis, extrasPerDyno, extrasPerProcess, otherServerPools, pools} = await analyzeOne(c.ctx, c.ctx.versions ?? {}, scratch)
    // Extras with pools of their own capped by the pools, as besideExtra and analyzeType count them.
    const poolsOf = {otherServerPools, pools: pools ?? []}
    const b = budgetProcess({command: c.ctx.command.raw, dynos: sourced(1, fromFile(at.file, at.line)), extrasPerDyno: resolveDemands(extrasPerDyno, poolsOf), extrasPerProcess: resolveDemands(extrasPerProcess, poolsOf), language: analysis.language, name: c.ctx.processType, otherServerPools, pools: pools ?? [], processesPerDyno: analysis.processesPerDyno, role: 'long-running', server: analysis.server, threadsPerProcess: analysis.threadsPerProcess})
    sized.push({c, connections: b.connectionsPerDyno, diagnostics: scratch})
    memo?.set(key, {connections: b.connectionsPerDyno, diagnostics: scratch})
  }

  return sized
}

const sizedRun = (x: {c: ScriptCtx; connections: number}): string => `\`${firstWords(x.c.ctx.command.argv)}\` (${x.connections})`

/**
 * A command's first words, up to about 50 characters, whole words only: a cut mid-word could end in `-p`,
 * which the printer then takes for a mysql-style `-pPASSWORD` and masks. A flag left last before a cut goes too.
 */
function firstWords(argv: string[], max = 50): string {
  const words: string[] = []
  let length = 0
  for (const w of argv) {
    if (words.length > 0 && length + 1 + w.length > max) {
      if (words.length > 1 && words.at(-1)!.startsWith('-')) words.pop()
      return `${words.join(' ')} …`
    }

    words.push(w)
    length += (words.length > 1 ? 1 : 0) + w.length
  }

  return words.join(' ')
}

/** The processes a process manager starts, each read as a command of its own (a script in turn, or another manager). */
async function launched(launch: Launch, ctx: AnalyzerContext, diagnostics: Diagnostic[], depth: number): Promise<ScriptCtx[]> {
  append(diagnostics, launch.diagnostics)
  if (launch.unknown || launch.processes.length === 0) {
    const why = launch.unknown ?? `${launch.file ?? launch.launcher} lists no process it starts`
    return [{background: false, copies: 1, ctx: {...ctx, unknownWhy: why}, notes: []}]
  }

  const out: ScriptCtx[] = []
  for (const p of launch.processes) {
    const from = `${p.origin.file}:${p.origin.line}`
    const base = p.assignments.length > 0 ? ctx.env.with(layer(from, p.assignments)) : ctx.env
    const split = splitCommand(p.command, base, p.origin)
    const assignments = split.assignments.length === 0 ? split.assignments : await Promise.all(split.assignments.map((a) => (a.unknown ? resolveCommandOutput(a, ctx.files, {cwd: p.cwd, dyno: ctx.dyno, env: base}) : a)))
    const env = assignments.length > 0 ? base.with(layer(from, assignments)) : base
    const inner: AnalyzerContext = {...ctx, command: split.command, env, files: withinDir(ctx.files, p.cwd), origin: p.origin, versions: bundleVersions(ctx.files, p.cwd, ctx.versions)}
    const note = launch.note
    const nested = await runningProcesses(p.command, inner, diagnostics, depth + 1)
    const found = nested && nested.length > 0 ? nested : [{background: false, copies: 1, ctx: nested ? {...inner, unknownWhy: 'it starts no command that stays up'} : inner, notes: []}]
    for (const f of found) out.push({...f, copies: f.copies * p.copies, ...(f.launcherQueries ? {launcherQueries: f.launcherQueries.map((q) => ({...q, copies: q.copies * p.copies}))} : {}), notes: [note, ...f.notes]})
  }

  // The launcher itself queried the database: its connection goes with the first process it starts, once.
  if (launch.query && out.length > 0) out[0] = {...out[0], launcherQueries: [...(out[0].launcherQueries ?? []), {copies: 1, query: launch.query}]}
  return out
}

/**
 * `rails server` whose bin/rails points APP_PATH at an application in another folder: Rails changes into
 * that folder before the server starts (languages/ruby/rails-app-root.ts), so its files are read from there.
 */
function inRailsRoot(ran: InRoot): InRoot | Promise<InRoot> {
  const {ctx} = ran
  if (ctx.unknownWhy) return ran
  // Not `rails server` (most types): no promise to wait for.
  const root = railsServerRoot(ctx.command.argv, ctx.files)
  return root ? root.then((found) => withRailsRoot(ran, found)) : ran
}

type InRoot = {ctx: AnalyzerContext; scriptNotes: Source[]}

function withRailsRoot(ran: InRoot, found: RailsAppRoot | undefined): InRoot {
  const {ctx} = ran
  if (!found) return ran
  const note = fromDefault(`Rails runs the application of ${found.file}:${found.line} (APP_PATH) from ${found.dir}/, the folder its config is read from`, RAILS_APP_DIR_REF)
  return {
    ctx: {...ctx, files: withinDir(ctx.files, found.dir), versions: bundleVersions(ctx.files, found.dir, ctx.versions)},
    scriptNotes: [...ran.scriptNotes, note],
  }
}

/**
 * The gem versions a command sees from the folder it runs in: Bundler looks for the Gemfile
 * from the working directory up (Bundler::SharedHelpers#find_gemfile, `search_up`), and the
 * lock file sits beside it. So `cd backend && bundle exec sidekiq` runs backend/Gemfile.lock's
 * Sidekiq, not the root's; a Gemfile with no lock beside it leaves the versions unknown.
 */
function bundleVersions(files: FileReader, cwd: string | undefined, outer: Record<string, string>): Record<string, string> {
  const parts = (cwd ?? '').split('/').filter((x) => x !== '' && x !== '.')
  if (parts.includes('..')) return outer
  for (let i = parts.length; i > 0; i--) {
    const dir = withinDir(files, parts.slice(0, i).join('/'))
    const lock = dir.read('Gemfile.lock')
    if (lock) return parseGemfileLock(lock.text)
    if (dir.exists('Gemfile')) return {}
  }

  return outer
}

interface ScriptCtx {
  background: boolean
  /** How many of this process run in the dyno (a manager's numprocs or concurrency). */
  copies: number
  ctx: AnalyzerContext
  /** The folder it runs in, relative to the app root ('' = the root; a process manager's own folder is in ctx.files). */
  cwd?: string
  notes: Source[]
  /** What started it beside the type's process when not `&` (concurrently, run-p, turbo). */
  startedBy?: string
  /** Launchers (its own or one outer) that hold a connection of their own while it runs. */
  launcherQueries?: LauncherQueries
  /** More copies of the process budgeted as the type: the rules already check it as the type. */
  copyOfType?: boolean
}

/** One command's server analysis, its ActiveRecord pools (Ruby), and the add-ons that run inside it. */
async function analyzeOne(given: AnalyzerContext, versions: Record<string, string>, diagnostics: Diagnostic[]) {
  // `puma -w $(nproc)`: what the dyno's size says the command prints (procfile/dyno-commands.ts).
  const command = argvWithDynoCommands(given.command, given.dyno)
  // `manage.py migrate --settings=x`: Django's own flag names the settings module for this command (over the env's).
  const settings = settingsFlag(command.argv)
  const env = settings ? given.env.with(layer(settings.written, [{name: 'DJANGO_SETTINGS_MODULE', source: fromFlag(settings.written), value: settings.module}])) : given.env
  const ctx = command === given.command && env === given.env ? given : {...given, command, env}
  // A command known to be unknown (a workspace package conncalc cannot find, a manager's missing file): counted as such, with why.
  const analyzer = ctx.unknownWhy ? unknown : analyzers.find((a) => a.matches(ctx.command, ctx))!
  // Files the program's analyzer meets that are there but cannot be read may set its processes, threads and pools.
  const serverMark = unreadMark(ctx.files)
  const analyzed = await analyzer.analyze(ctx)
  // `bundle exec` where there is no Gemfile: Bundler stops before the program starts (procfile/bundler.ts).
  const noGemfile = bundlerWithoutGemfile(ctx)
  if (noGemfile) analyzed.diagnostics.push(noGemfile)
  // `bundle exec unicorn` with no unicorn in Gemfile.lock: it never starts; counted as if it ran, starred.
  const notBundled = noGemfile ? undefined : (bundledProgramMissing(ctx) ?? gemRakeTaskMissing(ctx))
  if (notBundled) {
    analyzed.diagnostics.push(notBundled.diagnostic)
    const why = assumed(`${notBundled.why ?? `Gemfile.lock has no ${notBundled.gem} gem`}, so \`${ctx.command.wrappers.includes('bundle exec') ? 'bundle exec ' : ''}${notBundled.program}\` stops at start; counted as if it ran`)
    analyzed.processesPerDyno = {...analyzed.processesPerDyno, via: [...(analyzed.processesPerDyno.via ?? []), why]}
  }
  // After `cd sub &&`, the files the analysis names through the folder (Python modules) are named from the app root.
  const within = ctx.files.within
  if (within && !within.split('/').includes('..')) fromRoot(analyzed, within, modulesFromRoot(ctx.files))
  const read = countsAtLeastOne(flagVariables(analyzed, ctx.command), ctx.processType, diagnostics)
  // A deploy hook (`release: python manage.py migrate`) is counted one process × one thread, and is on the app's
  // database: the language of the program it runs decides whether that is another database (below).
  const hook = analyzer.id === 'release' ? await deployHookProgram(ctx, read) : undefined
  // And so may a file it met that parses not at all (a syntax error in config/puma.rb): read as one that cannot be read.
  let analysis = assumeUnreadCounts(hook?.analysis ?? read, [...unreadSince(ctx.files, serverMark), ...unparsedFiles(analyzed.diagnostics)])
  // A deploy hook's program whose only database work is a library migrator holds the migrator's one connection.
  if (analysis.migratorOnly && deployHookOf(ctx.processType)) analysis = {...analysis, threadsPerProcess: sourced(1, analysis.migratorOnly)}
  // A deploy hook whose command names no program conncalc reads (`bash bin/post_deploy.sh`) runs the app's own code:
  // the app's language decides whether its database is PostgreSQL (a Scalingo postdeploy in a MySQL app holds none).
  const language = hook?.language ?? (analyzer.id === 'release' && analysis.language === 'unknown' && ctx.appLanguage ? ctx.appLanguage : analysis.language)
  // A count that follows the dyno's CPUs (`-w $(nproc)`, `WEB_CONCURRENCY=$(nproc)` read by a config) the analyzer did not say itself.
  // Nearly every count follows no CPU count: the messages are built only for one that does.
  if ((fromNproc(ctx, analysis.processesPerDyno) || fromNproc(ctx, analysis.threadsPerProcess)) && !analysis.diagnostics.some((d) => d.code === 'cpu-count-default')) {
    const fix = 'set a number that fits the dyno (WEB_CONCURRENCY, a flag, or the config) rather than the CPU count'
    const said = [...cpuCountWarning(ctx, analysis.processesPerDyno, `${analysis.server} processes per dyno`, fix), ...cpuCountWarning(ctx, analysis.threadsPerProcess, `${analysis.server} threads per process`, fix)]
    analysis.diagnostics.push(...said.map((d) => (ctx.origin ? {...d, file: ctx.origin.file, line: ctx.origin.line} : d)))
  }

  // A flag the command line gives (flagCandidate names COMMAND_LINE): point at the line that has the command,
  // in the Procfile or in the file that started it (a script, supervisord.conf, a Procfile.* of a manager).
  const at = ctx.origin
  // The app installs another database's driver and no PostgreSQL one, or its app.json provisions only another
  // database (languages/common/database-drivers.ts): its pools are on that database, and it holds no connection on the plan.
  // A program conncalc does not recognise (`blueberrypy serve`, an app's console script) is installed by one of the
  // app's languages: when they show its database is another one (unknownProgramElsewhere), it reaches that one.
  const elsewhere = language === 'none' ? undefined : (anotherDatabase(ctx.files, language) ?? (analyzer.id === 'unknown' || analysis.server === 'unknown' ? unknownProgramElsewhere(ctx.files) : undefined))
  // What the analyzer said about how many connections this process would hold ("counting 1 process × 1 thread", a
  // CPU-count default, unbounded greenlets, a value it could not read) is moot beside the 0 it holds on the plan: not said,
  // so no warning contradicts the 0.
  const said = elsewhere ? analysis.diagnostics.filter((d) => !MOOT_ON_ANOTHER_DATABASE.has(d.code)) : analysis.diagnostics
  append(diagnostics, at ? said.map((d) => (d.file === COMMAND_LINE && d.line === undefined ? {...d, file: at.file, line: at.line} : d)) : said)

  let {otherServerPools = [], pools} = analysis
  let idlePools: Extra[] = []
  // A config.ru that boots the Rails app of another folder: Rails reads its database.yml and initializers there.
  const rackup = analysis.language === 'ruby' ? rackupRailsRoot(ctx.files) : undefined
  const rails = rackup instanceof Promise ? await rackup : rackup
  const railsCtx = rails ? {...ctx, files: withinDir(ctx.files, rails.dir)} : ctx
  if (rails) {
    const note = fromDefault(`${rails.file}:${rails.line} boots the Rails application in ${rails.dir}/, whose config Rails reads (Rails.root)`, RAILS_ROOT_REF)
    analysis.processesPerDyno = {...analysis.processesPerDyno, via: [...(analysis.processesPerDyno.via ?? []), note]}
  }

  // A rackup file of its own that loads none of the app's code (`rackup sync.ru` running a Faye server): 0 (rackup-file.ts).
  const rackupAlone = analysis.language === 'ruby' && !rails ? standaloneRackup(ctx) : undefined
  const standalone = rackupAlone instanceof Promise ? await rackupAlone : rackupAlone
  if (standalone) {
    return {
      analysis: {...analysis, extrasPerDyno: [], extrasPerProcess: [], language: 'none', threadsPerProcess: sourced(0, fromFile(standalone.file, 1), [fromDefault(standalone.why, standalone.ref)])},
      extrasPerDyno: [],
      extrasPerProcess: [],
      otherServerPools: [],
      pools: [],
      typeVersions: {...analysis.versions},
    }
  }

  if (!pools && analysis.language === 'ruby') {
    const poolMark = unreadMark(railsCtx.files)
    const reading = analyzeActiveRecordPools(railsCtx, analysis)
    const ar = reading instanceof Promise ? await reading : reading
    append(diagnostics, ar.diagnostics)
    // A database.yml (or initializer) that is there but cannot be read may set the pool.
    pools = poolsAssumingUnread(ar.pools, unreadSince(railsCtx.files, poolMark))
    otherServerPools = ar.otherServerPools
    idlePools = ar.extrasPerProcess ?? []
  }

  if (pools) pools = countablePools(pools, ctx.processType, diagnostics)

  if (elsewhere) {
    const why = fromDefault(elsewhere.why, elsewhere.ref)
    const {server} = elsewhere
    // Said in the plain output too (one line for the app: the same finding from every type is merged).
    diagnostics.push(notPostgresql(elsewhere, elsewhere.told, 'if the app does use PostgreSQL, add its driver to the dependency file (Ruby: gem "pg"; PHP: "ext-pdo_pgsql" in composer.json); otherwise nothing to do', ctx.processType))
    otherServerPools = [...(pools ?? []).map((p) => ({...p, pool: {...p.pool, via: [...(p.pool.via ?? []), why]}, server})), ...otherServerPools]
    pools = []
    return {
      analysis: {...analysis, extrasPerDyno: [], extrasPerProcess: [], language: 'none', threadsPerProcess: sourced(0, fromFile(elsewhere.file, elsewhere.line), [why])},
      extrasPerDyno: [],
      extrasPerProcess: [],
      otherServerPools,
      pools,
      typeVersions: {...analysis.versions},
    }
  }

  // Which server each pool is counted on (model/other-server.ts); not asked when the app's database is not
  // PostgreSQL: every pool is then on that database, none "taken as the app's own" on the plan's server.
  ;({otherServerPools, pools} = placeUnknownServers(pools, otherServerPools, (v) => ctx.sameServer?.get(v) ?? sameServerEvidence(ctx.files, v)))

  // A Python app that installs no database driver at all (database-drivers.ts noPythonDriver): no pool in its code, so
  // nothing it runs can open a PostgreSQL connection (0, read); pools found in its code would need a driver some
  // package installs unseen, or fail to connect: counted, an assumption.
  const noDriver = language === 'python' ? noPythonDriver(ctx.files) : undefined
  // The server imports the app from a package the dependency files install (uWSGI `module = teamboard` with
  // teamboard-server in requirements.txt): that package's own dependencies are not listed here, so the lists'
  // missing driver says nothing. Counted as the server runs it, starred, said (python/server.ts appCodeOutside).
  // With a driver listed too (or a build hook that replaces the list), that package's pools are still unread: no pool is
  // known, so one connection per thread is counted, an assumption.
  const outsideFact = language === 'python' ? (analysis.facts?.appCodeOutside as undefined | {listed: boolean; module: string; named: string}) : undefined
  // Without the no-driver finding: only for a package the dependency files name, or a list a build hook writes (a module
  // in neither is the ModuleNotFoundError warning's, server.ts).
  const outside = outsideFact && (noDriver || ((pools ?? []).length === 0 && analysis.threadsPerProcess.value > 0 && (outsideFact.listed || hookWritesRequirements(ctx.files) !== undefined))) ? outsideFact : undefined
  if (outside) {
    const listing = noDriver ? `${noDriver.read.join(', ')} list${noDriver.read.length === 1 ? 's' : ''} no database driver` : undefined
    const lists = noDriver ? `${noDriver.read.join(' or ')} names` : 'the dependency files name'
    const hook = outside.listed ? undefined : hookWritesRequirements(ctx.files)
    const from = outside.listed ? `come from a package ${lists}` : hook ? `come from a package the requirements.txt ${hook.file}:${hook.line} writes at build time may name` : 'would come from an installed package (none named for it: see the missing-config warning)'
    const what = `${analysis.server} imports ${outside.module} (\`${outside.named}\`), which is not in the app: its code, and what it installs, ${from}`
    const why = assumed(listing ? `${what}; ${listing}, which says nothing about that package's own dependencies: counted as ${analysis.server} runs it, one connection per thread, no pool known` : `${what}; conncalc cannot read that package's pools: counted as ${analysis.server} runs it, one connection per thread, no pool known`)
    diagnostics.push({
      code: 'unknown-config-value',
      ...(noDriver ? {file: noDriver.file, line: 1} : {file: ctx.origin?.file ?? COMMAND_LINE, ...(ctx.origin ? {line: ctx.origin.line} : {})}),
      fix: `if that package opens a pool, say its size: --assume ${ctx.processType}=PROCESSES:THREADS:POOL`,
      message: listing ? `${ctx.processType}: ${what}; conncalc cannot read that package's pools, and that ${listing} does not mean it opens none: counted one connection per thread` : `${ctx.processType}: ${what}; conncalc cannot read that package's pools: counted one connection per thread`,
      processType: ctx.processType,
      severity: 'warning',
    })
    analysis = {...analysis, threadsPerProcess: {...analysis.threadsPerProcess, via: [...(analysis.threadsPerProcess.via ?? []), why]}}
  } else if (noDriver) {
    const listing = `${noDriver.read.join(', ')} list${noDriver.read.length === 1 ? 's' : ''} no database driver (no PostgreSQL one: ${POSTGRES_DRIVER_NAMES.python}; no other database's)`
    // Threads the app starts (app-threads) reach PostgreSQL only through a driver: with none, they hold nothing either.
    const connecting = (xs: readonly {kind?: string}[] | undefined): boolean => (xs ?? []).some((x) => x.kind !== 'app-threads')
    // Pools the code makes (Django's DATABASES, create_engine, a driver's own pool) load the driver when they connect
    // (Django's postgresql backend and SQLAlchemy's psycopg2 dialect import it; `import psycopg2` fails at import): with
    // none installed they open no PostgreSQL connection either. A lock file or a compiled requirements file lists every
    // package installed; a plain list could still have a package that pulls a driver in, which is said.
    const made = [...(pools ?? []), ...otherServerPools].length > 0 || connecting(analysis.extrasPerProcess) || connecting(analysis.extrasPerDyno)
    const whole = noDriver.complete ? `${noDriver.file} pins every package installed` : `if a package ${noDriver.read.join(' or ')} names pulls one in, say --assume ${ctx.processType}=PROCESSES:THREADS:POOL`
    const opened = made ? `; the pools and connections its code opens load that driver when they connect, so they cannot reach PostgreSQL (${whole})` : ''
    const why = fromDefault(`${listing}: nothing the app runs can open a PostgreSQL connection${opened}, so this process holds none on the plan`, noDriver.ref)
    // Said in the plain output too, as the other not-postgresql findings are (one line for the app: merged across types).
    diagnostics.push(
      notPostgresql(
        {file: noDriver.file, line: 1},
        `${listing}: nothing the app runs can open a PostgreSQL connection; its processes are counted with 0 PostgreSQL connections`,
        `if the app does use PostgreSQL, add its driver (psycopg) to ${noDriver.file}; otherwise nothing to do`,
        ctx.processType,
      ),
    )
    return {
      analysis: {...analysis, extrasPerDyno: [], extrasPerProcess: [], language: 'none', threadsPerProcess: sourced(0, fromFile(noDriver.file, 1), [why])},
      extrasPerDyno: [],
      extrasPerProcess: [],
      otherServerPools: [],
      pools: [],
      typeVersions: {...analysis.versions},
    }
  }

  // No driver listed, but a requirement whose packages conncalc cannot see (`-e git+…`): its pools are counted as if
  // that package pulls a driver in, starred and said (else the app cannot connect at all).
  const unseenDriver = !noDriver && language === 'python' && (pools ?? []).length > 0 ? driverOnlyUnseen(ctx.files) : undefined
  if (unseenDriver?.unseen) {
    const {file, line, text} = unseenDriver.unseen
    const listing = `${unseenDriver.read.join(', ')} list${unseenDriver.read.length === 1 ? 's' : ''} no database driver (${POSTGRES_DRIVER_NAMES.python})`
    const why = assumed(`${listing}; \`${text}\` (${file}:${line}) installs packages conncalc cannot list: counted as if one of them pulls a PostgreSQL driver in (without one the pools cannot connect: 0)`)
    pools = (pools ?? []).map((p) => ({...p, pool: {...p.pool, via: [...(p.pool.via ?? []), why]}}))
    diagnostics.push({
      code: 'unknown-config-value',
      file,
      fix: `add the driver the app uses (psycopg) to ${unseenDriver.file}; if the app does not use PostgreSQL where it runs from this file, its processes hold no connection on the plan`,
      line,
      message: `${ctx.processType}: ${listing}, and \`${text}\` installs packages conncalc cannot list; the pools are counted as if one of them pulls a driver in, but with none the app cannot reach PostgreSQL at all`,
      processType: ctx.processType,
      severity: 'warning',
    })
  }

  // A rackup file whose one Rack app is a Redis-only dashboard (`run Sidekiq::Web`) after it loads the app
  // (rackup-file.ts): the server's threads never check a connection out; the process keeps what its boot opened, if that
  // connects (boot-connection.ts: Sequel when it loads; ActiveRecord only on a checkout).
  const dashboard = analysis.language === 'ruby' && !rails && (pools ?? []).length > 0 ? await dashboardRackup(ctx) : undefined
  if (dashboard) {
    const boot = await bootQueries(ctx, {rackup: false})
    const holds = boot.length > 0 ? `the process keeps the one connection its boot opened: ${boot[0].what}` : 'and nothing its boot runs checks one out (ActiveRecord connects on a checkout only), so it holds none'
    const why = fromDefault(`${dashboard.file}:${dashboard.line} runs ${dashboard.dashboard} alone, which reads Redis only: the ${analysis.server} threads never check a database connection out; ${holds}`, dashboard.ref)
    analysis = {...analysis, threadsPerProcess: sourced(boot.length > 0 ? 1 : 0, fromFile(dashboard.file, dashboard.line), [why, ...boot.slice(0, 1).map((b) => b.source)])}
  }

  // A preloading parent's kept Sequel connection is one its children inherit and count in their own pools.
  const inherited = (xs: readonly Extra[]): Extra[] => (analysis.fork && pools?.length ? xs.map((x) => sequelParentInherited(x, analysis.fork, pools!)) : [...xs])
  const extrasPerProcess = [...inherited(analysis.extrasPerProcess ?? []), ...idlePools]
  const extrasPerDyno = inherited(analysis.extrasPerDyno ?? [])
  const typeVersions: Record<string, string> = {...analysis.versions}
  // ActiveRecord decides pool defaults, `max_connections` and fork safety for every Ruby type.
  const ar = analysis.language === 'ruby' ? activeRecordVersion(versions) : undefined
  if (ar) typeVersions.activerecord = ar
  for (const addon of addons) {
    // Most add-ons answer at once for most types (a plain value): awaited only when they read files.
    const answer = addon.analyze(railsCtx, analysis)
    const found = answer instanceof Promise ? await answer : answer
    append(diagnostics, found.diagnostics)
    append(extrasPerProcess, found.extrasPerProcess ?? [])
    append(extrasPerDyno, found.extrasPerDyno ?? [])
    if (found.processesVia?.length) analysis.processesPerDyno = {...analysis.processesPerDyno, via: [...(analysis.processesPerDyno.via ?? []), ...found.processesVia]}
    Object.assign(typeVersions, found.versions)
  }

  return {analysis, extrasPerDyno, extrasPerProcess, otherServerPools, pools, typeVersions}
}

/**
 * A process the script runs beside the type's own (`celery worker &`): budgeted as a
 * one-dyno type of its own, and added to the type's dynos as that many connections.
 */
// Where a forking server's config runs a block, and so how many copies of a process it starts there:
// Puma (lib/puma/dsl.rb, lib/puma/cluster.rb, 3.x to 7.x, cluster mode only): on_worker_boot / before_worker_boot run in
// each worker as it boots; on_worker_fork (7.x: before_worker_fork) and after_worker_fork run in the master around each
// worker's fork (spawn_worker); before_fork runs once in the master before it forks the workers. Unicorn
// (lib/unicorn/http_server.rb spawn_missing_workers): before_fork runs in the master before each worker's fork,
// after_fork in each worker after it. A config file's top level runs once as the server loads it. A hook run per fork
// in the master that keeps what it started (`@pid ||= spawn …`) starts it once; one run in each worker starts one per
// worker whatever it keeps (each worker has its own copy of the variable). Other hooks (on_restart, …) keep the warning.
const PUMA_DSL = 'https://github.com/puma/puma/blob/v6.4.2/lib/puma/dsl.rb'
const UNICORN_SERVER = 'https://github.com/defunkt/unicorn/blob/v6.1.0/lib/unicorn/http_server.rb'
// Puma's on_booted (DSL from 6.2.0; after_booted from 7.0.0, on_booted its alias) runs once the server has booted, in
// single and cluster mode alike ("works for both: single and clustered": lib/puma/single.rb and cluster.rb fire it).
const FORK_HOOKS: Record<string, {booted: Set<string>; inWorker: Set<string>; master: Set<string>; once: Set<string>; ref: string; server: string}> = {
  puma: {booted: new Set(['after_booted', 'on_booted']), inWorker: new Set(['before_worker_boot', 'on_worker_boot']), master: new Set(['after_worker_fork', 'before_worker_fork', 'on_worker_fork']), once: new Set(['before_fork']), ref: PUMA_DSL, server: 'Puma'},
  unicorn: {booted: new Set(), inWorker: new Set(['after_fork']), master: new Set(['before_fork']), once: new Set(), ref: UNICORN_SERVER, server: 'Unicorn'},
}

/**
 * The commands a Puma or Unicorn config starts with `spawn "cmd"` or `fork { exec "cmd" }` where it is known how many
 * run (FORK_HOOKS). Each is read as its own command, beside the type's process (as `cmd &` in a script is); the warning
 * that it was not counted is dropped for those.
 */
// Answered at once (no Promise) without a config file: nearly always when there is none (this runs per process type).
function hookSpawns(ctx: AnalyzerContext, analysis: ServerAnalysis, diagnostics: Diagnostic[]): ScriptCtx[] | Promise<ScriptCtx[]> {
  const hooks = FORK_HOOKS[analysis.server]
  const file = (analysis.facts as {configFile?: string} | undefined)?.configFile
  if (!hooks || !file) return []
  return spawnsOfHooks(ctx, analysis, diagnostics, hooks, file)
}

async function spawnsOfHooks(ctx: AnalyzerContext, analysis: ServerAnalysis, diagnostics: Diagnostic[], hooks: (typeof FORK_HOOKS)[string], file: string): Promise<ScriptCtx[]> {
  const {loadRubyConfig} = await import('../languages/ruby/ruby-server.js')
  const config = await loadRubyConfig(ctx, file, ctx.appEnv)
  if (!config?.launched) return []
  // Unicorn always forks its workers; Puma only in cluster mode.
  const cluster = analysis.server === 'unicorn' || analysis.server === 'pitchfork' || Boolean(analysis.fork?.forks.value)
  const workers = analysis.processesPerDyno.value
  const out: ScriptCtx[] = []
  for (const l of config.launched) {
    const inWorker = l.hook !== undefined && hooks.inWorker.has(l.hook)
    const perFork = l.hook !== undefined && hooks.master.has(l.hook)
    const forkHook = inWorker || perFork || (l.hook !== undefined && hooks.once.has(l.hook))
    const booted = l.hook !== undefined && hooks.booted.has(l.hook)
    if (!(l.hook === undefined || forkHook || booted)) continue
    const said = diagnostics.findIndex((d) => d.file === file && d.line === l.line && d.message.includes('starts another process in every dyno'))
    // Single mode runs no worker hook and no fork hook (lib/puma/single.rb forks nothing): the process never starts.
    if (forkHook && !cluster) {
      if (said !== -1) diagnostics[said] = {...diagnostics[said], message: `\`spawn\` in ${l.hook} never runs: Puma runs in single mode here (workers 0), which forks no worker and runs no ${l.hook} hook`, fix: 'if that process should run, give it its own Procfile line', severity: 'info'}
      continue
    }

    // Under a condition conncalc does not decide here (`if AppConfig.embed_sidekiq?`): the warning stays.
    if (!l.command || l.conditional) continue
    if (said !== -1) diagnostics.splice(said, 1)
    const perWorker = inWorker || (perFork && !l.once)
    const copies = perWorker ? workers : 1
    const where = l.hook ? `${l.hook} (${file})` : `${file}'s top level`
    const how = inWorker
      ? `runs in each ${hooks.server} worker as it boots: one per worker (${copies})`
      : booted
        ? `runs once in each dyno when ${hooks.server} has booted (single and cluster mode)${l.once ? ', started again only when none runs' : ''}`
        : perFork
        ? l.once
          ? `runs in the ${hooks.server} master before or after each worker's fork and keeps the first (\`||=\`): one per dyno`
          : `runs in the ${hooks.server} master around each worker's fork: one per worker (${copies})`
        : l.hook
          ? `runs once in the ${hooks.server} master before it forks the workers`
          : `runs once as ${hooks.server} loads its config`
    const origin = {file, line: l.line}
    out.push({
      background: false,
      copies,
      ctx: {...ctx, command: splitCommand(l.command, ctx.env, origin).command, origin},
      notes: [fromDefault(`${file}:${l.line}: ${l.forked ? '`fork { exec … }`' : '`spawn`'} in ${where} ${how}`, hooks.ref)],
      startedBy: `${l.forked ? '`fork { exec … }`' : '`spawn`'} in ${l.hook ? `${l.hook} (${file}:${l.line})` : `${file}:${l.line}`}`,
    })
  }

  return out
}

async function besideExtra(other: ScriptCtx, versions: Record<string, string>, diagnostics: Diagnostic[]): Promise<Extra> {
  const {analysis, extrasPerDyno, extrasPerProcess, otherServerPools, pools, typeVersions} = await analyzeOne(other.ctx, versions, diagnostics)
  const origin = other.ctx.origin!
  // Extras that are processes with pools of their own (Solid Queue's dispatcher and scheduler, GoodJob's) are capped by
  // this process's pools, as for a type's own (analyzeType): unresolved, a scheduler's 7 would count past its pool of 5.
  const poolsOf = {otherServerPools, pools: pools ?? []}
  const model: ProcessModel = {
    command: other.ctx.command.raw,
    dynos: sourced(1, fromFile(origin.file, origin.line)),
    extrasPerDyno: resolveDemands(extrasPerDyno, poolsOf),
    extrasPerProcess: resolveDemands(extrasPerProcess, poolsOf),
    language: analysis.language,
    name: other.ctx.processType,
    otherServerPools,
    pools: pools ?? [],
    processesPerDyno: analysis.processesPerDyno,
    role: 'long-running',
    server: analysis.server,
    threadsPerProcess: analysis.threadsPerProcess,
  }
  const b = budgetProcess(model)
  const via = uniqueSources([derivedFrom([analysis.processesPerDyno, analysis.threadsPerProcess, ...(pools ?? []).map((p) => p.pool)]), other.notes])
  // A server in the background by its own daemonizing flag (`gunicorn app --daemon`), not by `&`: shown as written,
  // the flag kept (cut at 60 characters it was `gunicorn app  &`).
  const what = daemonizes(other.ctx.command.argv) ? other.ctx.command.argv.join(' ') : `${other.ctx.command.argv.join(' ').slice(0, 60)}${other.background ? ' &' : ''}`
  const copies = other.copies > 1 ? ` × ${other.copies} copies` : ''
  const where = other.cwd ? ` in ${other.cwd}/` : ''
  const extra: Extra = {
    count: sourced(b.connectionsPerDyno * other.copies, fromFile(origin.file, origin.line), via),
    kind: 'script-process',
    reason: `\`${what}\`${where} runs beside it in each dyno${other.startedBy ? `, started by ${other.startedBy}` : ''} (${analysis.server}: ${b.processesPerDyno} × ${b.connectionsPerProcess}${copies})`,
  }
  if (other.copyOfType) return extra
  // Its own model for the per-process rules (fork safety, pool sizing): what it is, where it is written, its versions.
  const processes = other.copies > 1 ? sourced(analysis.processesPerDyno.value * other.copies, fromFile(origin.file, origin.line), [analysis.processesPerDyno.source]) : analysis.processesPerDyno
  const process: ProcessModel = {...model, origin: {file: origin.file, kind: 'file', line: origin.line}, processesPerDyno: processes}
  if (analysis.fork) process.fork = analysis.fork
  if (analysis.greenlets) process.greenlets = true
  if (analysis.eventLoop) process.eventLoop = true
  if (Object.keys(typeVersions).length > 0) process.versions = typeVersions
  return {...extra, process}
}

/**
 * A count above MAX_BACKENDS (2**64 in an env var, `9007199254740993`) is more connections than any
 * PostgreSQL server allows, and past 2**53 not even exact in a JS number: it is counted as
 * MAX_BACKENDS, an assumption with a warning, so totals stay whole numbers a person can read.
 */
function atMostBackends<T extends Sourced<number>>(what: string, v: T, type: string, diagnostics: Diagnostic[]): T {
  const at = v.source.kind === 'file' ? {file: v.source.file, line: v.source.line} : {}
  const shown = Number.isSafeInteger(v.value) ? String(v.value) : `about ${v.value.toExponential(3)}`
  diagnostics.push({
    ...at,
    code: 'unknown-config-value',
    fix: `set ${what} to the number the app really uses, or tell conncalc: --assume ${type}=PROCESSES:THREADS:POOL`,
    message: `${type}: ${what} is ${shown}, more than any PostgreSQL server has connection slots (${MAX_BACKENDS}); conncalc counts ${MAX_BACKENDS}`,
    processType: type,
    severity: 'warning',
  })
  return {...v, ...sourced(MAX_BACKENDS, assumed(`${what} ${shown} is above PostgreSQL's most connections; ${MAX_BACKENDS} assumed`), [v.source])}
}

/**
 * A pool is a whole number of connections from 0 up. A negative one (`pool: -1` from an env var) opens
 * none (ActiveRecord and pg-pool both treat the pool as full when it holds `size` or more), so it is
 * counted as 0 with a warning, never subtracted from the total; one above MAX_BACKENDS as that.
 */
function countablePools(pools: PoolEntry[], type: string, diagnostics: Diagnostic[]): PoolEntry[] {
  if (pools.every((p) => p.pool.value >= 0 && p.pool.value <= MAX_BACKENDS)) return pools
  return pools.map((p) => {
    const what = `the ${p.database} pool`
    if (p.pool.value > MAX_BACKENDS) return {...p, pool: atMostBackends(what, p.pool, type, diagnostics)}
    if (!(p.pool.value < 0)) return p
    const at = p.pool.source.kind === 'file' ? {file: p.pool.source.file, line: p.pool.source.line} : {}
    diagnostics.push({
      ...at,
      code: 'unknown-config-value',
      fix: `set ${what} to a whole number of connections, or tell conncalc: --assume ${type}=PROCESSES:THREADS:POOL`,
      message: `${type}: ${what} is ${p.pool.value}, which can open no connection; conncalc counts 0`,
      processType: type,
      severity: 'warning',
    })
    return {...p, pool: sourced(0, assumed(`${what} ${p.pool.value} is below zero; 0 assumed`), [p.pool.source])}
  })
}

/**
 * Paths an analyzer read through the files of a `cd`'s folder ('settings.py' or '../donate/settings.py' from donate/):
 * named from the app root ('donate/settings.py', 'donate/settings.py') in sources and findings, as every other path
 * is — `modules`: the Python modules read that way (languages/python/modules.ts); a '../' path leads out of the
 * folder whatever read it. In place (a path from the root is right for every type that shares the object).
 */
function fromRoot(analysis: ServerAnalysis, within: string, modules: ReadonlyMap<string, string> | undefined): void {
  const seen = new Set<object>()
  const walk = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v)) return
    seen.add(v)
    if (Array.isArray(v)) {
      for (const x of v) walk(x)
      return
    }

    const o = v as Record<string, unknown>
    if (typeof o.file === 'string') {
      const root = modules?.get(o.file)
      if (root !== undefined) o.file = root
      else if (o.file.startsWith('../')) o.file = normalizedDir(`${within}/${o.file}`)
    }

    for (const x of Object.values(o)) walk(x)
  }

  walk(analysis)
}

/**
 * What the program a deploy hook runs says about the database it uses: the language for the app-wide
 * another-database and no-driver checks in analyzeOne (`bundle exec rake db:migrate` is Ruby's,
 * `python manage.py migrate` Python's), and, when that program's own reading finds the app's settings
 * name no PostgreSQL database (Django settings writing out SQLite: languages/python/server.ts), the hook
 * holds 0 as every other process of those settings does. The program's other findings are not said: the
 * hook still runs once, on one thread.
 */
async function deployHookProgram(ctx: AnalyzerContext, hook: ServerAnalysis): Promise<undefined | {analysis?: ServerAnalysis; language: string}> {
  const program = analyzers.find((a) => a.id !== 'release' && a.matches(ctx.command, ctx))
  if (!program || ANY_PROGRAM.has(program.id) || program.id === 'no-database') return undefined
  const read = await program.analyze(ctx)
  if (read.language !== 'none' || read.threadsPerProcess.value !== 0) return {language: read.language}
  const said = read.diagnostics.filter((d) => d.code === 'not-postgresql')
  if (said.length === 0) return undefined
  return {analysis: {...hook, diagnostics: [...hook.diagnostics, ...said], language: 'none', threadsPerProcess: read.threadsPerProcess}, language: 'none'}
}

/**
 * A count read from a command-line flag whose value a variable on the line gave (`-w $WORKERS`, `-w ${WORKERS:-3}`):
 * the variable's sources follow the flag's, whichever analyzer read it (findFlag traces them only when handed the
 * command). So a shell default taken for a variable app.json requires with no value carries that assumption.
 */
function flagVariables(analysis: ServerAnalysis, command: ParsedCommand): ServerAnalysis {
  const expanded = command.expanded ?? []
  if (expanded.length === 0) return analysis
  const traced = (v: Sourced<number>): Sourced<number> => {
    if (v.source.kind !== 'flag') return v
    const value = /(?:=|\s)(\S+)$/.exec(v.source.flag)?.[1] ?? v.source.flag
    const via = expanded.filter((e) => e.value !== '' && value.includes(e.value)).flatMap((e) => entrySources(e)).filter((s) => !(v.via ?? []).some((w) => JSON.stringify(w) === JSON.stringify(s)))
    return via.length > 0 ? sourced(v.value, v.source, [...(v.via ?? []), ...via]) : v
  }

  const processesPerDyno = traced(analysis.processesPerDyno)
  const threadsPerProcess = traced(analysis.threadsPerProcess)
  return processesPerDyno === analysis.processesPerDyno && threadsPerProcess === analysis.threadsPerProcess ? analysis : {...analysis, processesPerDyno, threadsPerProcess}
}

/**
 * Processes per dyno and threads per process are whole numbers of at least one: a
 * config that says `threads -5, -5` or `workers 0.5` is one the server refuses to
 * start with (Puma raises on min > max or a negative count). Such a value is not a
 * number to budget with: it becomes an assumption of 1, with a warning at its line.
 */
function countsAtLeastOne(analysis: ServerAnalysis, type: string, diagnostics: Diagnostic[]): ServerAnalysis {
  const fix = (what: string, v: ServerAnalysis['threadsPerProcess']): ServerAnalysis['threadsPerProcess'] => {
    if (Number.isInteger(v.value) && v.value > MAX_BACKENDS) return atMostBackends(what, v, type, diagnostics)
    if (Number.isInteger(v.value) && v.value >= 1) return v
    const at = v.source.kind === 'file' ? {file: v.source.file, line: v.source.line} : {}
    diagnostics.push({
      ...at,
      code: 'unknown-config-value',
      fix: `set ${what} to a whole number of at least 1, or tell conncalc: --assume ${type}=PROCESSES:THREADS:POOL`,
      message: `${type}: ${what} is ${v.value}, which the server would not start with; conncalc assumes 1`,
      processType: type,
      severity: 'warning',
    })
    return sourced(1, assumed(`${what} ${v.value} is not a count the server starts with; 1 assumed`), [v.source])
  }

  const processesPerDyno = fix('processes per dyno', analysis.processesPerDyno)
  // A program that opens no database connection (procfile/no-database.ts: redis-server, `tail -f`, asset
  // watchers) has 0 threads using it by its analyzer's own finding, not by a config the server would refuse.
  const noDatabase = analysis.language === 'none' && analysis.threadsPerProcess.value === 0
  const threadsPerProcess = noDatabase ? analysis.threadsPerProcess : fix('threads per process', analysis.threadsPerProcess)
  return processesPerDyno === analysis.processesPerDyno && threadsPerProcess === analysis.threadsPerProcess ? analysis : {...analysis, processesPerDyno, threadsPerProcess}
}

/**
 * app.json `scripts.dokku.predeploy` and `scripts.dokku.postdeploy` (Dokku reads them; Heroku ignores scripts.dokku): the
 * tasks Dokku runs in a container of the newly built image, predeploy before the new containers start (its changes
 * committed to the image), postdeploy once they are up and before the old ones stop (release.ts). As entries named
 * `predeploy` and `postdeploy`, sourced app.json:LINE (the line of the key).
 */
function dokkuTasks(files: AnalyzeInput['files']): RunningEntry[] {
  const file = files.read('app.json')
  if (!file) return []
  let dokku: unknown
  try {
    dokku = (JSON.parse(file.text) as {scripts?: {dokku?: unknown}})?.scripts?.dokku
  } catch {
    return []
  }

  if (!dokku || typeof dokku !== 'object') return []
  const lines = file.text.split(/\r?\n/)
  const from = lines.findIndex((l) => /"dokku"\s*:/.test(l))
  const tasks: RunningEntry[] = []
  for (const name of ['predeploy', 'postdeploy'] as const) {
    const command = (dokku as Record<string, unknown>)[name]
    if (typeof command !== 'string' || command.trim() === '') continue
    const at = lines.findIndex((l, i) => i >= from && new RegExp(`"${name}"\\s*:`).test(l))
    tasks.push({command, file: file.path, line: at === -1 ? 1 : at + 1, name})
  }

  return tasks
}

/** Node.js packages that connect to PostgreSQL (a driver, or an ORM or query builder that brings or needs one). */
const NODE_POSTGRES_PACKAGES = ['pg', 'pg-pool', 'pg-promise', 'pg-native', 'postgres', '@prisma/client', 'prisma', 'knex', 'sequelize', 'typeorm', 'drizzle-orm', 'kysely', 'slonik', 'mikro-orm', '@mikro-orm/postgresql', '@neondatabase/serverless', '@vercel/postgres']

/**
 * Where a program conncalc does not recognise connects, when the app's dependency files decide it: every language the
 * app has files of is one whose lists conncalc reads, one of them lists another database's driver and no PostgreSQL
 * one (anotherDatabase), and none lists a PostgreSQL driver (a package.json names none of NODE_POSTGRES_PACKAGES;
 * another reading language also shows another database). The program is installed by one of those languages (it is not
 * a buildpack's own binary: an app with any other language's files is not decided), so it has no PostgreSQL driver and
 * reaches the app's database, that one. Undefined otherwise: the unknown command keeps its 1*.
 */
function unknownProgramElsewhere(files: FileReader): ReturnType<typeof anotherDatabase> {
  let found: ReturnType<typeof anotherDatabase>
  for (const lang of detectLanguage(files).all) {
    if (lang === 'nodejs') {
      let pkg: {dependencies?: Record<string, unknown>; devDependencies?: Record<string, unknown>; optionalDependencies?: Record<string, unknown>}
      try {
        pkg = JSON.parse(files.read('package.json')?.text ?? '')
      } catch {
        return undefined
      }

      const names = [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].flatMap((d) => (d && typeof d === 'object' ? Object.keys(d) : []))
      if (names.some((n) => NODE_POSTGRES_PACKAGES.includes(n))) return undefined
      continue
    }

    if (lang !== 'python' && lang !== 'ruby' && lang !== 'java') return undefined
    const other = anotherDatabase(files, lang)
    // A reading language whose lists show no other database: it may list a PostgreSQL driver, so nothing is decided.
    if (!other) return undefined
    found ??= other
  }

  return found
}

