import {basename, dirname, join, relative, resolve} from 'node:path'

import type {AnalyzeInput} from './analyze-app.js'
import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvLayer} from '../model/env.js'
import type {FileReader, SourceFile, UnreadFile} from '../model/files.js'
import type {Formation} from '../model/formation.js'
import type {HerokuInputs} from '../model/heroku.js'

import {InputError, UsageError} from '../util/errors.js'
import {relativePath} from '../util/relative-path.js'
import {Env, layer} from '../model/env.js'
import {searchedText} from '../model/files.js'
import {fromDefault, fromEnv, fromFile, sourced, type Sourced} from '../model/source.js'
import {loadDynoSizes} from '../platform/dyno-size-table.js'
import {readEnvFile} from '../io/read-env-file.js'
import {createFileReader, isDirectory, isFile, type ReadCache, readProcfile, readTextFile, whyNotText} from '../io/files.js'
import {deployFileNaming, OWN_DEPLOY_FILES, WORKSPACE_FILES} from '../procfile/deploy-above.js'
import {displayPath} from '../io/config.js'
import {parseAppJsonFormation, parseScale, parseScalingoFormation} from '../platform/formation.js'
import {HEROKU_YML_REF} from '../platform/heroku-yml.js'
import {type ContainerApp, type ContainerError, CONTAINER_RUNTIME_REF, dockerfileApp, herokuYmlApp, procfileInImage, type StageChoice} from '../procfile/container.js'
import {dokkuBuildsDockerfile} from '../platform/dokku-builder.js'
import {type DeployPlatform, deployPlatform, dokkuSignOf, type PlatformName} from '../platform/deploy-platform.js'
import {detectLanguage} from '../platform/language.js'
import {defaultWebProcess} from '../procfile/default-process.js'
import {defaultWebFile} from '../model/command-site.js'
import {parseProcfile} from '../procfile/procfile.js'
import {append} from '../util/arrays.js'
import {isMultiProcfileBuildpack, MULTI_PROCFILE_REF, multiProcfile, PROCFILE_SELECTORS, selectableProcfile, withAppJsonFrom} from '../platform/multi-procfile.js'
import {namedBuildpacks} from '../platform/named-buildpacks.js'
import {isMonorepoBuildpack, MONOREPO_REF, monorepoBase, monorepoWarning} from '../platform/monorepo-buildpack.js'
import {parseAppJsonEnv} from '../platform/app-json-env.js'
import {dokkuScaleBesideFormation, parseDokkuScale} from '../platform/dokku-scale.js'
import {looksLikeCfManifest, parseCfManifest} from '../platform/cf-manifest.js'
import {looksLikeRailwayConfig, RAILWAY_CONFIGS} from '../platform/railway.js'
import {cfManifestOf, FLY_CONFIG_VARIANT, isPlatformManifest, type ManifestApp, manifestPlatform, PLATFORM_MANIFESTS, platformManifestApp} from '../procfile/platform-manifest.js'

export interface LoadOptions {
  appEnv?: string
  /** What the config file gives, below the matching flags. */
  defaults?: {env?: EnvLayer; envFiles?: string[]; formation?: Formation}
  env: string[]
  envFiles: string[]
  /** -a APP: the Heroku app's config vars and formation, under the flags and over the config file. */
  heroku?: HerokuInputs
  /** --platform, else the config file's: whose deploy is counted (deploy-platform.ts). */
  platform?: null | Sourced<PlatformName>
  procfile: string
  /** --procfile (or the config file) named the Procfile: it is read even beside a heroku.yml. */
  procfileGiven?: boolean
  /** Reads shared with the run's other apps. */
  reads?: ReadCache
  /** --root: the folder the commands run from, when it is not the Procfile's (a Procfile the deploy copies to the root). */
  root?: string
  scale: string[]
  /** --docker-target, else the config file's dockerTarget: the Dockerfile stage built where no deploy file names one. */
  dockerTarget?: Sourced<string>
  /** Set when a Cloud Foundry manifest's `path:` leaves its folder and the root was taken above it (cfManifestReach): the info line saying so. */
  reached?: Diagnostic
  /** Set when the app folder had no deploy file and one higher up names it (deployAbove): what was found, and the Blueprint services kept. */
  above?: {note: Diagnostic; services?: string[]}
}

/** Everything analyzeApp needs, read from disk; the only place `plan` touches files. */
export async function loadAppInput(
  options: LoadOptions,
  followed?: FollowedBase,
): Promise<AnalyzeInput & {problems: () => Diagnostic[]; root: string; scaledTypes: string[]}> {
  const procfilePath = resolve(options.procfile)
  // A Cloud Foundry manifest kept apart from the app (`ops/manifests/manifest-stable.yaml` with `path: ../../src`):
  // cf push uploads the folder `path:` names, relative to the manifest, so the app is read from the folder that holds both.
  if (options.root === undefined && !followed && /\.ya?ml$/i.test(procfilePath)) {
    // A Kamal config (`config/deploy.yml`, or a destination's `config/deploy.production.yml`): `kamal deploy` runs from the
    // folder above config/, where its Dockerfile and build context are, so the app is read from there.
    const kamalReach = async (): Promise<undefined | {note: Diagnostic; root: string}> => {
      const root = dirname(dirname(procfilePath))
      const at = relative(root, procfilePath).replaceAll('\\', '/')
      const file = readTextFile(procfilePath)
      if (file.kind !== 'text' || !(await import('../procfile/kamal-app.js')).isKamalConfig(createFileReader(root, options.reads), at, file.text)) return undefined
      const message = `${at} is Kamal's deploy config: \`kamal deploy\` runs from the folder above config/ (its Dockerfile and build context are there), so the app is read from ${relative(process.cwd(), root) === '' ? '.' : displayPath(root)} (--root says another)`
      return {note: {code: 'missing-config', file: at, message, severity: 'info'}, root}
    }

    const reach = cfManifestReach(procfilePath) ?? (basename(dirname(procfilePath)) === 'config' ? await kamalReach() : undefined)
    if (reach) return loadAppInput({...options, reached: reach.note, root: reach.root}, followed)
  }

  const root = options.root === undefined ? dirname(procfilePath) : resolve(options.root)
  const own = createFileReader(root, options.reads)
  if (!followed && !options.above && options.root === undefined && !options.heroku && basename(procfilePath) === 'Procfile') {
    const above = await deployAbove(own, root, options.reads)
    if (above) return loadAppInput({...options, above: {note: above.note, ...(above.services ? {services: above.services} : {})}, procfile: above.procfile})
  }

  const disk = followed ? withTopAppJson(own, followed) : own
  const extra: Diagnostic[] = followed ? [followed.note] : options.above ? [options.above.note] : []
  if (options.root === undefined) whatRunsIsThere(disk, procfilePath)
  else if (options.reached) extra.push(options.reached)
  else extra.push(...procfileElsewhere(root, procfilePath, options.root))
  // Highest first: --env, the config's env, --env-file(s), the config's envFiles. With -a APP:
  // --env, --env-file(s), `heroku config`, then the config file's env and envFiles.
  const envLayers: EnvLayer[] = []
  const readFiles = (paths: string[]): void => {
    // Later files win over earlier ones, as with docker --env-file.
    for (const path of [...paths].reverse()) {
      const {diagnostics, entries} = readEnvFile(path)
      append(extra, diagnostics)
      envLayers.push(layer(path, entries))
    }
  }

  if (options.env.length > 0) envLayers.push(parseEnvFlags(options.env))
  if (options.heroku) {
    readFiles(options.envFiles)
    envLayers.push(options.heroku.env)
    if (options.defaults?.env) envLayers.push(options.defaults.env)
    readFiles(options.defaults?.envFiles ?? [])
  } else {
    if (options.defaults?.env) envLayers.push(options.defaults.env)
    readFiles(options.envFiles)
    readFiles(options.defaults?.envFiles ?? [])
  }

  // The multi-procfile buildpack puts the file PROCFILE names in the root's Procfile's place (and its app.json in app.json's).
  // The monorepo buildpack builds the APP_BASE folder: counted from there, with this folder's app.json (the app's manifest).
  // The monorepo buildpack named, and APP_BASE not set: the buildpack that names it, for the error when the root runs nothing.
  let appBaseUnset: string | undefined
  if (basename(procfilePath) === 'Procfile' && options.root === undefined && !followed) {
    const base = monorepo(disk, options, envLayers, extra)
    if (base && 'unsetBy' in base) appBaseUnset = base.unsetBy
    else if (base) return loadAppInput({...options, procfile: resolve(root, base.dir, 'Procfile')}, {note: base.note, top: own, up: base.up})
  }

  // With --root the user named the Procfile that is copied to the root: no other file takes its place.
  const multi = basename(procfilePath) === 'Procfile' && options.root === undefined ? chosenProcfile(disk, options, envLayers, extra) : undefined
  const files = multi?.appJson ? withAppJsonFrom(disk, multi.appJson) : disk
  // Heroku's deploy or Dokku's: the flag or config file, else the app's files (Dokku's app.json keys, CHECKS, heroku.yml, …).
  const platform = deployPlatform(files, options.platform, options.heroku?.app)
  // heroku.yml (Heroku's container stack) or a lone Dockerfile, where they say what runs (containerApp).
  const chosen = stageChoice(options.dockerTarget)
  const container = multi ? undefined : await containerApp(files, procfilePath, options, extra, platform, chosen)
  if (chosen && !chosen.used) {
    // A flag that changes nothing is said, so a user who expected it to pick the image does not trust a number it did not touch.
    extra.push({
      code: 'missing-config',
      fix: 'leave it out, or count the image it builds: pass --procfile heroku.yml, fly.toml or render.yaml (or run where only a Dockerfile says what runs)',
      message: `${chosen.from} is not used: no Dockerfile is read for what runs here${container ? ' (the deploy file names its own target, or builds no Dockerfile)' : ' (the processes come from a Procfile, not an image)'}`,
      severity: 'warning',
    })
  }
  // With -a APP and no Procfile in the checkout, the formation says what runs.
  const procfile = multi
    ? multi.procfile
    : container
      ? {path: container.file, text: container.procfileText ?? ''}
      : (readProcfile(procfilePath, options.reads) ?? (options.heroku ? {path: procfilePath, text: ''} : await defaultProcfile(files, procfilePath, extra, appBaseUnset)))
  if (procfile.encoding) {
    // Heroku's slug compiler matches each line of the file's bytes against `name: command`: in UTF-16
    // every character is followed (or preceded) by a NUL, so no line matches and nothing runs.
    extra.push({
      code: 'invalid-procfile-line',
      file: multi?.procfile.path ?? (relative(root, procfilePath) || 'Procfile'),
      fix: 'save it as UTF-8 (in PowerShell: Get-Content Procfile | Set-Content -Encoding utf8 Procfile.new, then rename)',
      message: `the Procfile is ${procfile.encoding.toUpperCase()} (what Windows PowerShell's \`>\` writes): conncalc decoded it, but Heroku reads a Procfile as UTF-8 and would find none of these process types`,
      severity: 'warning',
    })
  }

  /**
   * A Procfile in a subfolder whose commands name files by their path from the folder above (`back_end/Procfile` with
   * `web: node ./back_end/index.js`): they run from the repository root, where the deploy installs the file (the
   * multi-procfile buildpack's PROCFILE), not from the Procfile's folder conncalc counts from without --root. Said, with
   * the flag that counts them from there; the analyzers still say what they find missing.
   */
  function namedFromAbove(files: FileReader, root: string, procfile: SourceFile): Diagnostic[] {
    const folder = basename(root)
    if (!procfile.text.includes(`${folder}/`)) return []
    const out: Diagnostic[] = []
    for (const entry of parseProcfile(procfile.text, procfile.path).entries) {
      const named = entry.command
        .split(/\s+/)
        .map((w) => w.replace(/^["']|["']$/g, '').replace(/^\.\//, ''))
        .find((w) => w.startsWith(`${folder}/`) && w.length > folder.length + 1 && !files.exists(w) && isFile(resolve(root, '..', w)))
      if (!named) continue
      const procfileFromAbove = `${folder}/${basename(procfile.path)}`
      out.push({
        code: 'missing-config',
        file: relative(root, procfile.path) || basename(procfile.path),
        fix: `count it from there: --procfile ${displayPath(procfile.path)} --root ${relative(process.cwd(), dirname(root)) === '' ? '.' : displayPath(dirname(root))}`,
        line: entry.line,
        message: `${entry.name}: ${named} is not in ${folder}/ (there is no ${folder}/${named}) but is in the folder above it: the command names it from the repository root, so it runs there (a deploy that installs ${procfileFromAbove} at the root: the multi-procfile buildpack's PROCFILE), and conncalc counted the app from ${folder}/`,
        processType: entry.name,
        severity: 'warning',
      })
    }

    return out
  }

  if (!multi && !container && !followed && options.root === undefined && procfile.path === procfilePath) extra.push(...namedFromAbove(files, root, procfile))

  // --scale wins over app.json formation, type by type.
  const formation: Formation = new Map()
  for (const {line, name} of container?.idle ?? []) {
    const why = `heroku.yml builds ${name} as the image other types run in, and Heroku scales a new process type other than web to 0 dynos (say --scale ${name}=N if it runs)`
    formation.set(name, {quantity: sourced(0, fromDefault(why, 'https://devcenter.heroku.com/articles/procfile#scaling-a-process-type'), [fromFile(container!.file, line)])})
  }

  // render.yaml's numInstances / scaling, fly.toml's assumed counts; app.json and scalingo.json are other platforms' manifests.
  const manifest = container && 'formation' in container ? (container as ManifestApp) : undefined
  for (const [k, v] of manifest?.formation ?? []) formation.set(k, v)
  const appJson = manifest ? undefined : files.read('app.json')
  const appJsonFormation = appJson ? parseAppJsonFormation(appJson.text, appJson.path) : undefined
  if (appJsonFormation) {
    append(extra, appJsonFormation.diagnostics)
    for (const [k, v] of appJsonFormation.formation) formation.set(k, v)
  }

  // scalingo.json `formation` (Scalingo's manifest): a type app.json also scales keeps app.json's.
  const scalingoJson = manifest ? undefined : files.read('scalingo.json')
  if (scalingoJson) {
    const parsed = parseScalingoFormation(scalingoJson.text, scalingoJson.path)
    append(extra, parsed.diagnostics)
    for (const [k, v] of parsed.formation) if (!formation.has(k)) formation.set(k, v)
  }

  // Dokku's DOKKU_SCALE (Dokku before 0.30): a type scalingo.json scales keeps its count. Beside an app.json
  // formation it is not read at all (Dokku 0.25+), and the types formation does not list run 0 containers.
  const dokkuScale = manifest || !platform.dokku ? undefined : files.read('DOKKU_SCALE')
  if (dokkuScale) {
    const types = parseProcfile(procfile.text, procfile.path).entries.map((e) => e.name)
    if (appJson && appJsonFormation?.formationLine !== undefined) {
      const beside = dokkuScaleBesideFormation(dokkuScale.path, {file: appJson.path, line: appJsonFormation.formationLine}, appJsonFormation.formation, types)
      extra.push(beside.diagnostic)
      for (const [k, v] of beside.zero) formation.set(k, v)
    } else {
      const parsed = parseDokkuScale(dokkuScale.text, types, dokkuScale.path)
      append(extra, parsed.diagnostics)
      for (const [k, v] of parsed.formation) if (!formation.has(k)) formation.set(k, v)
    }
  }

  // The config's scale, the Heroku app's formation, then --scale, each type by type over what came before.
  for (const [k, v] of options.defaults?.formation ?? []) formation.set(k, {...v, size: v.size ?? formation.get(k)?.size})
  for (const [k, v] of options.heroku?.formation ?? []) formation.set(k, v)
  const scaled = parseScale(options.scale)
  for (const [k, v] of scaled) formation.set(k, {...v, size: v.size ?? formation.get(k)?.size})

  return {
    appEnv: options.appEnv,
    dynoSizes: loadDynoSizes(),
    envLayers,
    files,
    formation,
    platform,
    problems: () => [...extra, ...own.problems, ...(followed?.top.problems ?? [])],
    procfile: {path: procfile.path === procfilePath ? relativePath(root, procfilePath) || 'Procfile' : procfile.path, text: procfile.text},
    ...(container ? {container} : {}),
    ...(options.heroku ? {running: {buildpacks: options.heroku.buildpacks, commands: options.heroku.commands, label: options.heroku.label}} : {}),
    root,
    scaledTypes: [...scaled.keys()],
  }
}


/**
 * With the multi-procfile buildpack among the app's buildpacks (-a APP's, else `.buildpacks` or app.json's),
 * the Procfile that runs is the file PROCFILE names (platform/multi-procfile.ts), read from the repository
 * root the commands run in. PROCFILE comes from the user's env layers (--env, --env-file, `heroku config`),
 * else app.json's env. Undefined when the buildpack is not used; an input error when the build would abort.
 */
function chosenProcfile(files: FileReader, options: LoadOptions, envLayers: EnvLayer[], extra: Diagnostic[]): {appJson?: string; procfile: SourceFile} | undefined {
  const installed = options.heroku?.buildpacks.urls
  const named = installed ? undefined : namedBuildpacks(files).find((b) => isMultiProcfileBuildpack(b.url))
  if (!named && !installed?.some((u) => isMultiProcfileBuildpack(u))) return selectedProcfile(files, options, envLayers, extra)
  const by = named ? `${named.file}:${named.line}` : `the buildpacks of ${options.heroku!.app}`
  const appJsonFile = files.read('app.json')
  const env = new Env([...envLayers, ...(appJsonFile ? [parseAppJsonEnv(appJsonFile.text, appJsonFile.path).layer ?? layer('app.json', [])] : [])])
  const found = multiProcfile(files, by, (name) => env.get(name))
  if ('error' in found) throw new InputError(found.error, found.fix)
  const file = files.read(found.path)
  if (!file) throw new InputError(`${found.path} (PROCFILE) cannot be read as a Procfile`, 'see the warnings above')
  const from = found.procfile.source.kind === 'env' ? found.procfile.source.from : 'the env'
  extra.push({
    code: 'missing-config',
    file: found.path,
    message: `the multi-procfile buildpack (${by}) copies ${found.path} (PROCFILE from ${from}) to Procfile: its process types are counted, their commands run from the repository root${found.appJson ? `, and ${found.appJson} is copied to app.json` : ''} (${MULTI_PROCFILE_REF})`,
    severity: 'info',
  })
  if (found.append) {
    extra.push({
      code: 'missing-config',
      file: found.path,
      fix: `count those types too: run conncalc again with --procfile on each of ${found.append.value}`,
      message: `PROCFILE_APPEND=${found.append.value} appends those files' process types to the Procfile; conncalc does not read them, so they are not in this total`,
      severity: 'warning',
    })
  }

  return {...(found.appJson ? {appJson: found.appJson} : {}), procfile: file}
}

/**
 * Whether a buildpack `is` accepts is the app's (the buildpacks of `-a APP`, else app.json/.buildpacks), where it
 * is named (`named`: in the app's files; else `by` names the app), and the env it reads at build time: the
 * user's env layers, else app.json's env.
 */
function buildpackInstalled(files: FileReader, options: LoadOptions, envLayers: EnvLayer[], is: (url: string) => boolean) {
  const installed = options.heroku?.buildpacks.urls
  const named = installed ? undefined : namedBuildpacks(files).find((b) => is(b.url))
  if (!named && !installed?.some((u) => is(u))) return undefined
  const by = named ? `${named.file}:${named.line}` : `the buildpacks of ${options.heroku!.app}`
  const appJsonFile = files.read('app.json')
  const env = new Env([...envLayers, ...(appJsonFile ? [parseAppJsonEnv(appJsonFile.text, appJsonFile.path).layer ?? layer('app.json', [])] : [])])
  return {appJsonFile, by, env, named}
}

/**
 * With a buildpack that moves a named file over the root's Procfile among the app's buildpacks
 * (cantino/heroku-selectable-procfile: PROCFILE_PATH; jessefulton/env-procfile-buildpack: PROCFILE), the
 * file the variable names (from the user's env layers, else app.json's env) runs from the repository root
 * (platform/multi-procfile.ts). Unset, or naming no file, the root's Procfile runs: said, and undefined returned.
 */
function selectedProcfile(files: FileReader, options: LoadOptions, envLayers: EnvLayer[], extra: Diagnostic[]): {procfile: SourceFile} | undefined {
  for (const selector of PROCFILE_SELECTORS) {
    const installed = buildpackInstalled(files, options, envLayers, selector.is)
    if (installed) return selectedBy(selector, installed, files, extra)
  }

  return undefined
}

function selectedBy(
  {label, ref, variable}: (typeof PROCFILE_SELECTORS)[number],
  {by, env, named}: NonNullable<ReturnType<typeof buildpackInstalled>>,
  files: FileReader,
  extra: Diagnostic[],
): {procfile: SourceFile} | undefined {
  const found = selectableProcfile(files, (name) => env.get(name), variable)
  const file = found && !('error' in found) ? files.read(found.path) : undefined
  if (!found || 'error' in found || !file) {
    const why = found ? ('error' in found ? found.error : `${found.path} (${variable}) cannot be read as a Procfile`) : `${variable} is not set here`
    extra.push({
      code: 'missing-config',
      file: named?.file ?? 'Procfile',
      ...(named ? {line: named.line} : {}),
      fix: found
        ? `set ${variable} to the Procfile's path from the repository root (the buildpack moves \`$BUILD_DIR/$${variable}\`)`
        : `if the app sets ${variable} (\`heroku config:get ${variable}\`), say so with --env ${variable}=PATH, or count that file with --procfile PATH`,
      message: `the ${label} buildpack (${by}) moves the file the ${variable} config var names over Procfile; ${why}, so the root's Procfile runs and its types are counted (${ref})`,
      severity: found ? 'warning' : 'info',
    })
    return undefined
  }

  const from = found.procfile.source.kind === 'env' ? found.procfile.source.from : 'the env'
  extra.push({
    code: 'missing-config',
    file: found.path,
    message: `the ${label} buildpack (${by}) moves ${found.path} (${variable} from ${from}) over Procfile: its process types are counted, not the root Procfile's, and their commands run from the repository root (${ref})`,
    severity: 'info',
  })
  return {procfile: file}
}

/**
 * The folder a Cloud Foundry manifest's applications reach when a `path:` climbs out of the manifest's folder
 * (`path: ../../src` from ops/manifests/): the deepest folder holding the manifest and every such path, with an info
 * line. Undefined for another file, a manifest cf push cannot read (platform-manifest.ts says why), or paths inside.
 */
function cfManifestReach(procfilePath: string): undefined | {note: Diagnostic; root: string} {
  const file = readTextFile(procfilePath)
  if (file.kind !== 'text' || !looksLikeCfManifest(file.text)) return undefined
  const dir = dirname(procfilePath)
  const paths = parseCfManifest(file.text, basename(procfilePath)).applications.map((a) => a.path).filter((p) => p.split('/')[0] === '..')
  if (paths.length === 0) return undefined
  let root = dir
  for (const p of paths) {
    const target = resolve(dir, p)
    while (relative(root, target).startsWith('..') && dirname(root) !== root) root = dirname(root)
  }

  if (!isDirectory(root)) return undefined
  const at = relative(root, procfilePath).replaceAll('\\', '/')
  return {
    note: {
      code: 'missing-config',
      file: at,
      message: `path: ${paths.join(', ')} leaves the manifest's folder (cf push uploads the folder path names, relative to the manifest): the app is read from ${relative(process.cwd(), root) === '' ? '.' : displayPath(root)}, the folder holding both (--root says another)`,
      severity: 'info',
    },
    root,
  }
}

/**
 * --root DIR with a Procfile elsewhere (apps/api/scalingo/Procfile, copied to the repository root by a deploy
 * step): the folder must exist and the Procfile be a file; an info line says where the commands run from, and
 * names the deploy files beside the Procfile that conncalc reads from the root instead (a deploy that copies
 * the Procfile often copies its .buildpacks too).
 */
function procfileElsewhere(root: string, procfilePath: string, given: string): Diagnostic[] {
  if (!isDirectory(root)) throw new InputError(`--root ${given}: the folder ${displayPath(root)} does not exist`, 'pass the folder the commands run from, e.g. --root . for the repository root')
  if (!isFile(procfilePath)) throw new InputError(`${displayPath(procfilePath)}: no such file`, 'with --root, pass --procfile PATH naming the Procfile that runs (e.g. --procfile apps/api/scalingo/Procfile --root .)')
  const at = relative(root, procfilePath).replaceAll('\\', '/')
  if (dirname(procfilePath) === root) return []
  const beside = ['.buildpacks', 'app.json', 'scalingo.json', 'heroku.yml', 'project.toml'].filter((n) => isFile(resolve(dirname(procfilePath), n)) && !isFile(resolve(root, n)))
  return [
    {
      code: 'missing-config',
      file: at,
      ...(beside.length > 0 ? {fix: `if the deploy copies ${beside.join(', ')} to the root with the Procfile, copy them there before running conncalc so they are read`} : {}),
      message: `the process types come from ${at}, their commands run from ${relative(process.cwd(), root) === '' ? '.' : displayPath(root)} (--root)${beside.length > 0 ? `; ${beside.join(', ')} beside it ${beside.length === 1 ? 'is' : 'are'} not read (conncalc reads those from the root)` : ''}`,
      severity: 'info',
    },
  ]
}

/**
 * With the monorepo buildpack among the app's buildpacks (-a APP's, else `.buildpacks` or app.json's), Heroku
 * builds and runs the APP_BASE folder (platform/monorepo-buildpack.ts), not the root's Procfile: a warning
 * that names the Procfile that runs and how to count it. APP_BASE comes from the user's env layers, else
 * app.json's env (flexile's `"APP_BASE": {"value": "backend/"}`).
 */
function monorepo(files: FileReader, options: LoadOptions, envLayers: EnvLayer[], extra: Diagnostic[]): undefined | {unsetBy: string} | Omit<FollowedBase, 'top'> & {dir: string} {
  const installed = buildpackInstalled(files, options, envLayers, isMonorepoBuildpack)
  if (!installed) return undefined
  const {appJsonFile, by, env, named} = installed
  const base = monorepoBase((name) => env.get(name), (dir) => files.folders(dirname(dir) === '.' ? '' : dirname(dir)).includes(basename(dir)))
  if (!base) {
    extra.push(monorepoWarning(files, by, 'Procfile', (name) => env.get(name), (text, path) => parseProcfile(text, path).entries.map((e) => e.name)))
    return (env.get('APP_BASE')?.value.trim() ?? '') === '' ? {unsetBy: by} : undefined
  }

  const up = relative(resolve('/', base.dir), '/').replaceAll('\\', '/')
  // Paths from the folder that is counted: the root's files are `../app.json`.
  const byHere = named ? `${up}/${named.file}:${named.line}` : by
  const from = appJsonFile && base.from.startsWith(`${appJsonFile.path}:`) ? `${up}/${base.from}` : base.from
  const procfile = files.exists(`${base.dir}/Procfile`) ? `${base.dir}/Procfile` : `${base.dir}'s language's default web process (it has no Procfile)`
  return {
    dir: base.dir,
    up,
    note: {
      code: 'missing-config',
      file: `${up}/Procfile`,
      message: `the monorepo buildpack (${byHere}) moves APP_BASE=${base.value} (set by ${from}) to the build root and deletes the rest: what runs is ${procfile}, counted with ${base.dir}/ as the app root; ${appJsonFile ? `${up}/app.json is the app's manifest (env, formation), ` : ''}the repository root's Procfile is not read (${MONOREPO_REF})`,
      severity: 'info',
    },
  }
}

/** What the followed APP_BASE folder is counted with: the monorepo buildpack's note, and the repository root's files (its app.json). */
interface FollowedBase {
  note: Diagnostic
  /** The repository root from the folder: `..`, `../..`. */
  up: string
  top: FileReader & {problems: Diagnostic[]; unread: UnreadFile[]}
}

/**
 * The APP_BASE folder's files, with app.json read from the repository root (Heroku reads the app's manifest
 * from the root of the source; the root's Procfile and everything else are gone from the slug), named by its
 * path from the folder (`../app.json`).
 */
function withTopAppJson(files: FileReader, followed: FollowedBase): FileReader {
  const label = (file: SourceFile | undefined): SourceFile | undefined => (file ? {...file, path: `${followed.up}/app.json`} : undefined)
  return {
    exists: (p) => (p === 'app.json' ? followed.top.exists('app.json') : files.exists(p)),
    folders: (d) => files.folders(d),
    list: (d) => files.list(d),
    read(p) {
      if (p !== 'app.json') return files.read(p)
      // The root's app.json, unreadable there, is met by this app's reads (its values are this app's assumptions).
      const from = followed.top.unread.length
      const file = label(followed.top.read('app.json'))
      for (const u of followed.top.unread.slice(from)) files.unread?.push({...u, path: `${followed.up}/app.json`})
      return file
    },
    search: (p) => (p === 'app.json' ? searchedText(followed.top, 'app.json') : searchedText(files, p)),
    ...(files.unread ? {unread: files.unread} : {}),
  }
}

/**
 * An app folder with no deploy file of its own (no Procfile, heroku.yml, render.yaml, fly.toml, app.json) inside a
 * repository: the deploy files of the folders above it, up to the repository root (the nearest folder with .git, else
 * the topmost with a workspace file), nearest first; the first that names this folder (procfile/deploy-above.ts) is
 * counted as the deploy there would run it, from that folder, and said. Undefined when none does.
 */
async function deployAbove(files: FileReader, folder: string, reads: ReadCache | undefined): Promise<undefined | {note: Diagnostic; procfile: string; services?: string[]}> {
  if (OWN_DEPLOY_FILES.some((n) => files.exists(n))) return undefined
  const top = repositoryRoot(folder)
  if (top === undefined || top === folder) return undefined
  const pkg = files.read('package.json')
  let name: string | undefined
  try {
    const n = pkg ? (JSON.parse(pkg.text) as {name?: unknown}).name : undefined
    if (typeof n === 'string' && n !== '') name = n
  } catch {
    // not JSON: no workspace name
  }

  for (let dir = dirname(folder); ; dir = dirname(dir)) {
    const rel = relative(dir, folder).replaceAll('\\', '/')
    const found = await deployFileNaming(createFileReader(dir, reads), rel, name)
    if (found) {
      const up = relative(folder, dir).replaceAll('\\', '/')
      const kept = found.kind === 'render' ? found.services : undefined
      return {
        note: {
          code: 'missing-config',
          file: found.file,
          line: found.line,
          message: `${rel} has no deploy file of its own (Procfile, heroku.yml, render.yaml, fly.toml, app.json); ${up}/${found.file} names it (${found.why}), so what it runs is counted, from ${up} (paths below are from there)`,
          severity: 'info',
        },
        procfile: resolve(dir, found.kind === 'app.json' ? 'Procfile' : found.file),
        ...(kept ? {services: kept} : {}),
      }
    }

    if (dir === top || dirname(dir) === dir) return undefined
  }
}

/**
 * The repository a folder is in: the nearest folder (itself or above) holding .git, else the topmost holding a workspace
 * file (pnpm-workspace.yaml, turbo.json, a package.json with `workspaces`, a Cargo.toml with [workspace], …); undefined
 * when neither.
 */
function repositoryRoot(folder: string): string | undefined {
  let workspace: string | undefined
  for (let dir = folder; ; dir = dirname(dir)) {
    if (isDirectory(resolve(dir, '.git')) || isFile(resolve(dir, '.git'))) return dir
    if (WORKSPACE_FILES.some((n) => isFile(resolve(dir, n))) || declaresWorkspace(dir)) workspace = dir
    if (dirname(dir) === dir) return workspace
  }
}

/** A package.json with `workspaces`, or a Cargo.toml with a [workspace] table. */
function declaresWorkspace(dir: string): boolean {
  const read = (name: string): string => {
    const file = readTextFile(resolve(dir, name))
    return file.kind === 'text' ? file.text : ''
  }

  return (isFile(resolve(dir, 'package.json')) && /"workspaces"\s*:/.test(read('package.json'))) || (isFile(resolve(dir, 'Cargo.toml')) && /^\s*\[workspace\]/m.test(read('Cargo.toml')))
}

/**
 * Why a Procfile beside render.yaml or fly.toml is what conncalc counts: the Procfile is what Heroku,
 * Scalingo and Dokku run, and a repository that has one usually deploys there, keeping the other file
 * for a second platform (a "Deploy to Render" button); --procfile render.yaml counts the other.
 */
const PROCFILE_WINS = 'the Procfile says what runs (Heroku, Scalingo and Dokku read it; conncalc counts the Procfile when there is one)'

/** How to point conncalc at the file that says what runs. */
const POINT_AT = 'run conncalc in the app folder, or pass --procfile PATH (a Procfile, or a heroku.yml: --procfile heroku.yml)'

/**
 * A --procfile (or config file `procfile`) in a folder that does not exist, or naming a file other than
 * `Procfile` that is not there (Procfile.prod, heroku.yml): an input error, not the buildpack's default web
 * process. A missing `Procfile` in an app folder is not: Heroku starts the default web process then.
 */
function whatRunsIsThere(files: FileReader, procfilePath: string): void {
  const named = basename(procfilePath)
  const root = dirname(procfilePath)
  if (!isDirectory(root)) {
    const there = readTextFile(root, 0)
    const why = there.kind === 'missing' ? 'does not exist' : there.kind === 'unreadable' ? `cannot be read (${whyNotText(there)})` : 'is a file, not a folder'
    throw new InputError(`no ${named} at ${displayPath(procfilePath)}: the folder ${displayPath(root)} ${why}`, POINT_AT)
  }

  if (named === 'Procfile' || files.exists(named) || isDirectory(procfilePath)) return
  const there = files.list('').filter((n) => n === 'Procfile' || n === 'heroku.yml' || n === 'heroku.yaml' || (PLATFORM_MANIFESTS as readonly string[]).includes(n) || /^Procfile\.[\w.-]+$/.test(n))
  const instead = there.length > 0 ? `${displayPath(root)} has ${there.join(', ')}: pass --procfile ${displayPath(resolve(root, there[0]))}` : POINT_AT
  // There but not a file conncalc reads (/dev/null, a FIFO, a symbolic link loop, a folder it may not enter): said as such.
  const file = readTextFile(procfilePath, 0)
  if (file.kind === 'unreadable') throw new InputError(`cannot read ${displayPath(procfilePath)} (${whyNotText(file)})`, instead)
  throw new InputError(`${displayPath(procfilePath)}: no such file`, instead)
}

/**
 * The container app that runs instead of a Procfile, if any:
 * - `--procfile heroku.yml`, or a heroku.yml in the root with no Procfile beside it: heroku.yml.
 * - heroku.yml beside a Procfile: heroku.yml, unless --procfile named the Procfile. Heroku's
 *   container stack runs heroku.yml's `run` "instead of your Procfile"; an app that deploys with
 *   buildpacks ignores heroku.yml, which the info line says, with how to count the Procfile.
 * - no Procfile, no heroku.yml, no app.json (a buildpack app's manifest), no language a buildpack
 *   detects (a Gemfile, package.json, …), a Dockerfile in the root: its CMD as `web`, as `heroku
 *   container:push web` runs it; an assumption, said. A Dockerfile with no CMD is an input error
 *   (exit 2) naming its FROM line. With a language's files, `git push` builds with that buildpack and
 *   the Dockerfile is not what runs (Rails ≥ 7.1 generates one for Kamal in every new app): the
 *   buildpack's default web process, whose info line names the Dockerfile.
 * Invalid heroku.yml is an input error naming its line: Heroku could not build from it either.
 */
async function containerApp(files: FileReader, procfilePath: string, options: LoadOptions, extra: Diagnostic[], platform: DeployPlatform, chosen: StageChoice | undefined): Promise<ContainerApp | undefined> {
  /**
   * `--procfile apps/api/Dockerfile` without --root: the Dockerfile's folder is taken as the app and the build context. A
   * monorepo service's Dockerfile is usually built from the repository root (`docker build -f apps/api/Dockerfile .`,
   * compose's `context: .`): when most of its COPY sources (not --from a stage, not URLs or globs) are missing from its
   * folder and all are in one up to four folders above, the image read from the folder has none of the app's files: said,
   * with the --root that reads it as built. (Nested here: load-app runs at every start, and a top-level function costs.)
   */
  const contextAbove = (reader: FileReader, dockerfile: string, named: string, opts: LoadOptions): Diagnostic | undefined => {
    const lines = reader.read(dockerfile)?.text.split('\n') ?? []
    const sources: {line: number; source: string}[] = []
    for (let i = 0; i < lines.length; i++) {
      const m = /^\s*(?:COPY|ADD)\s+(.*)$/i.exec(lines[i])
      if (!m || /--from=/i.test(m[1]) || m[1].trimStart().startsWith('[')) continue
      const words = m[1].trim().replace(/\\$/, '').split(/\s+/).filter((w) => !w.startsWith('--'))
      for (const w of words.slice(0, -1)) if (!/^[a-z]+:\/\//i.test(w) && !/[$*?[]/.test(w) && w !== '.' && w !== './') sources.push({line: i + 1, source: w.replace(/^\.\//, '')})
    }

    // A source is a file or a folder (`COPY apps/api ./apps/api`): a folder is there when its parent lists it.
    const has = (r: FileReader, p: string): boolean => r.exists(p) || r.folders(dirname(p) === '.' ? '' : dirname(p)).includes(basename(p))
    const missing = sources.filter((x) => !has(reader, x.source.replace(/\/+$/, '')))
    if (missing.length === 0 || missing.length < sources.length / 2) return undefined
    const here = dirname(resolve(named))
    for (let dir = dirname(here), n = 0; n < 4 && dir !== dirname(dir); dir = dirname(dir), n++) {
      const up = createFileReader(dir, opts.reads)
      if (!missing.every((x) => has(up, x.source.replace(/\/+$/, '')))) continue
      const root = relative(process.cwd(), dir) || '.'
      return {
        code: 'missing-config',
        file: dockerfile,
        fix: `pass --root ${root} (the build context: \`docker build -f ${relative(dir, resolve(named))} ${root}\`)`,
        line: missing[0].line,
        message: `${missing.length} of the ${sources.length} COPY sources (${missing.slice(0, 3).map((x) => x.source).join(', ')}${missing.length > 3 ? ', …' : ''}) are not in ${relative(process.cwd(), here) || '.'}/, the build context conncalc takes without --root, but all are in ${root}/: the image is built from there, so the app's files are read as missing`,
        severity: 'warning',
      }
    }

    return undefined
  }

  const named = basename(procfilePath)
  // The checkout's folder: `git clone` names it after the repository (render.yaml's repo: is read against it).
  const folder = basename(options.root === undefined ? dirname(resolve(procfilePath)) : resolve(options.root))
  const take = <T extends ContainerApp>(found: ContainerError | T): T => {
    if ('error' in found) throw new InputError(found.error, found.fix)
    append(extra, found.diagnostics)
    return found
  }

  if (named === 'heroku.yml' || named === 'heroku.yaml') return take(herokuYmlApp(files, named, chosen))
  // A Docker Compose file is not a Procfile: read as one, its keys (`image: postgres:16`, `command: …`) became process types.
  if (/^(?:docker-)?compose(?:[.-][\w.-]+)?\.ya?ml$/i.test(named)) {
    throw new InputError(`${displayPath(procfilePath)} is a Docker Compose file: conncalc does not read Compose (it runs containers on one machine, not a platform's dynos)`, `pass what the app deploys with: its Procfile, heroku.yml, render.yaml, fly.toml or railway.json, or the Dockerfile a service builds (--procfile Dockerfile: its CMD as web)`)
  }

  // With --root, a file named in a subfolder (`fly deploy -c apps/api/fly.toml`, `docker build -f docker/web/Dockerfile .` from
  // the repository root) is read where it is, not looked for at the root: a fly.toml's [build] dockerfile is beside it
  // (platform-manifest.ts flyApp), a Dockerfile's COPY sources are the root's (the build context). A root file of the same
  // name (another app's fly.toml beside services/worker/fly.toml) is not the one named.
  const under = options.root === undefined ? undefined : relative(resolve(options.root), resolve(procfilePath)).split('\\').join('/')
  const path = under && !under.startsWith('../') && under !== '..' ? under : named
  // A Dockerfile named (`--procfile Dockerfile`, Dockerfile.prod, api.Dockerfile): its CMD is web, as `heroku container:push web` runs it.
  // `dockerfile` too: `docker build` takes it when there is no Dockerfile (docker/cli cli/command/image/build/context.go
  // getDockerfileRelPath: "look for 'dockerfile' too").
  if ((named === 'Dockerfile' || named === 'dockerfile' || named.startsWith('Dockerfile.') || named.startsWith('Dockerfile-') || /\.dockerfile$/i.test(named)) && files.exists(path)) {
    // Named in a subfolder without --root: its COPY sources may be the repository's (a monorepo service built from the root).
    if (options.root === undefined) {
      const above = contextAbove(files, path, procfilePath, options)
      if (above) extra.push(above)
    }

    return take(dockerfileApp(files, path, chosen))
  }

  if (isPlatformManifest(named)) return take(await platformManifestApp(files, path, folder, options.above?.services, chosen))

  if (named !== 'Procfile' || options.heroku) return undefined
  // With --root the Procfile named is the one copied to the root: it is there at deploy.
  const hasProcfile = options.root !== undefined || files.exists('Procfile')
  // render.yaml / fly.toml: what runs when nothing Heroku reads (a Procfile, heroku.yml) says so; else said not read.
  // A railway.json / railway.toml that is not Railway's config (a Nixpacks plan kept under that name) is not one.
  const manifests = PLATFORM_MANIFESTS.filter((n) => files.exists(n) && (!n.startsWith('railway.') || looksLikeRailwayConfig(n, files.read(n)?.text ?? '')))
  const notRead = (names: readonly string[], because: string, fix?: string): void => {
    for (const n of names) {
      extra.push({
        code: 'missing-config',
        file: n,
        fix: fix ?? `to count what ${manifestPlatform(n)} runs, pass --procfile ${n}`,
        message: `${n} is not read: ${because}`,
        severity: 'info',
      })
    }
  }

  // A railway file left out above (no build, deploy or environments table: a Nixpacks plan, or a file cut short) is said.
  for (const n of RAILWAY_CONFIGS) {
    if (files.exists(n) && !manifests.includes(n)) notRead([n], 'it has no build, deploy or environments table, so it is not Railway\'s config as code (a Nixpacks plan, or a file cut short)', `if the app deploys on Railway, give ${n} its deploy.startCommand, or pass --procfile with the file that says what runs`)
  }

  if (files.exists('heroku.yml') && !(hasProcfile && options.procfileGiven)) {
    const found = herokuYmlApp(files, 'heroku.yml', chosen)
    // A heroku.yml that declares no process (only `setup:` for review apps) leaves the Procfile in charge.
    // Its warnings (a `run:` entry that is not a command) are still said.
    if (hasProcfile && !('error' in found) && found.entries.length === 0) {
      append(extra, found.diagnostics)
      notRead(manifests, PROCFILE_WINS)
      return undefined
    }

    notRead(manifests, 'heroku.yml says what runs (Heroku\'s container stack)')

    const app = take(found)
    if (hasProcfile) {
      extra.push({
        code: 'missing-config',
        file: 'Procfile',
        fix: 'if the app deploys with buildpacks (its stack is not `container`), Heroku ignores heroku.yml: count the Procfile with --procfile Procfile',
        message: `heroku.yml is read, not the Procfile: on Heroku's container stack "Heroku uses the run command provided in heroku.yml instead of your Procfile" (${HEROKU_YML_REF})`,
        severity: 'info',
      })
    }

    return app
  }

  // A Cloud Foundry manifest.yml (cf push reads it beside the Procfile): its command and instances are what CF runs.
  const cf = cfManifestOf(files)
  // Kamal's config/deploy.yml (Rails 7.1+ generates one in every new app): a deployment once edited from the generator's template.
  const KAMAL_CONFIG = 'config/deploy.yml'
  // With destinations (config/deploy.production.yml over it), the one `kamal deploy -d NAME` would read when the base cannot deploy alone.
  const kamal = files.exists(KAMAL_CONFIG) ? (await import('../procfile/kamal-app.js')).deployedKamalConfig(files, KAMAL_CONFIG) : undefined
  if (hasProcfile) {
    notRead(manifests, PROCFILE_WINS)
    if (kamal) notRead([kamal.read], `${PROCFILE_WINS}; it is Kamal's deploy config, whose roles run in the Dockerfile's image on the hosts it lists`, `to count what Kamal runs, pass --procfile ${kamal.read}`)
    if (cf) notRead([cf], `${PROCFILE_WINS}; it is a Cloud Foundry manifest, whose command and instances cf push uses over the Procfile's web line`, `to count what cf push runs, pass --procfile ${cf} (the Procfile's lines are read for processes it gives no command)`)
    // Dokku builds a root Dockerfile unless a buildpack builder is selected, and runs the Procfile in its image.
    const dokku = options.root === undefined && platform.dokku ? dokkuBuildsDockerfile(files, dokkuSignOf(platform)) : undefined
    const procfile = dokku ? readProcfile(procfilePath, options.reads) : undefined
    if (dokku && procfile) {
      const app = procfileInImage(files, {path: 'Procfile', text: procfile.text}, dokku, chosen)
      if (app) return take(app)
    }

    return undefined
  }

  if (manifests.length > 0) {
    const app = take(await platformManifestApp(files, manifests[0], folder, undefined, chosen))
    notRead(manifests.slice(1), `${manifests[0]} is read (conncalc reads one platform's file)`)
    if (files.exists('app.json')) notRead(['app.json'], `the app runs on ${app.platform} (${manifests[0]}): app.json's env and formation are Heroku's`, `if the app runs on Heroku, add the Procfile it runs (then app.json is read and ${manifests[0]} is not)`)
    return app
  }

  /**
   * The fly.NAME.toml to read when the root has no fly.toml (and no Procfile, heroku.yml or render.yaml): one of them, a
   * production one (fly.production.toml, fly.prod.toml) over the rest. Configs for other environments (staging, dev,
   * review) are another app's, on its own database: named, not counted (with only such configs, none is read). Others (fly.api.toml,
   * fly.worker.toml) are separate Fly apps that may share this database: the first is read and the rest named in a
   * warning. Examples and templates (fly.example.toml) are not deploy files.
   */
  function onlyFlyVariants(files: FileReader): undefined | {next?: string; others: string[]; read: string; severity: 'info' | 'warning'; why: string} {
    const all = files
      .list('')
      .filter((n) => n.startsWith('fly.') && FLY_CONFIG_VARIANT.test(n))
      .filter((n) => !/^fly\.(?:[\w-]+\.)*(?:example|sample|template|dist|tpl|local)\.toml$/i.test(n))
      .sort()
    if (all.length === 0) return undefined
    const environment = (n: string): boolean => /^fly\.(?:[\w-]+[.-])?(?:staging|stage|stg|dev|development|test|testing|review|preview|qa|sandbox|demo)\.toml$/i.test(n)
    // Only other environments' configs (a lone fly.staging.toml): not the app's production deploy; named in the hint (nestedDeployFiles).
    const read = all.find((n) => /^fly\.(?:[\w-]+[.-])?(?:production|prod)\.toml$/i.test(n)) ?? all.find((n) => !environment(n))
    if (read === undefined) return undefined
    const others = all.filter((n) => n !== read)
    const apps = others.filter((n) => !environment(n))
    const envs = others.filter((n) => environment(n))
    const parts = [
      ...(envs.length > 0 ? [`${envs.join(', ')} ${envs.length === 1 ? 'is' : 'are'} another environment's (its own app and database), not read`] : []),
      ...(apps.length > 0 ? [`${apps.join(', ')} ${apps.length === 1 ? 'deploys another Fly app' : 'deploy other Fly apps'}, not counted here: if ${apps.length === 1 ? 'it uses' : 'they use'} this database, add ${apps.length === 1 ? 'its' : 'their'} connections (conncalc --procfile ${apps[0]})`] : []),
    ]
    return {next: apps[0] ?? envs[0], others, read, severity: apps.length > 0 ? 'warning' : 'info', why: parts.length > 0 ? `; ${parts.join('; ')}` : ''}
  }

  // fly.NAME.toml (`fly deploy --config fly.production.toml`) and no fly.toml: the Fly config the app deploys with.
  const fly = onlyFlyVariants(files)
  if (fly) {
    const app = take(await platformManifestApp(files, fly.read, folder, undefined, chosen))
    extra.push({
      code: 'missing-config',
      file: fly.read,
      fix: fly.others.length > 0 ? `to count another, pass --procfile ${fly.next}` : 'if the app runs elsewhere, pass --procfile with the file that says what runs there',
      message: `no Procfile or fly.toml: ${fly.read} is read, the Fly.io config the app deploys with (\`fly deploy --config ${fly.read}\`, https://fly.io/docs/flyctl/deploy/)${fly.why}`,
      severity: fly.severity,
    })
    if (files.exists('app.json')) notRead(['app.json'], `the app runs on ${app.platform} (${fly.read}): app.json's env and formation are Heroku's`, `if the app runs on Heroku, add the Procfile it runs (then app.json is read and ${fly.read} is not)`)
    return app
  }

  if (cf) {
    const app = take(await platformManifestApp(files, cf, folder, undefined, chosen))
    if (files.exists('app.json')) notRead(['app.json'], `the app runs on ${app.platform} (${cf}): app.json's env and formation are Heroku's`, `if the app runs on Heroku, add the Procfile it runs (then app.json is read and ${cf} is not)`)
    return app
  }

  if (kamal) {
    const app = take(await platformManifestApp(files, kamal.read, folder, undefined, chosen))
    const others = kamal.others.length > 0 ? `; ${kamal.others.join(', ')} ${kamal.others.length === 1 ? 'is a destination' : 'are destinations'} (\`kamal deploy -d NAME\` merges one over ${KAMAL_CONFIG}), not read` : ''
    const read = kamal.destination
      ? `${KAMAL_CONFIG} ${kamal.why}, so ${kamal.destination} is read over it, a destination Kamal deep-merges over ${KAMAL_CONFIG} (\`kamal deploy -d ${/\.([\w-]+)\.ya?ml$/.exec(kamal.destination)?.[1]}\`)`
      : `${KAMAL_CONFIG} is read, Kamal's deploy config (edited from the generator's template, so taken as how the app deploys)`
    extra.push({code: 'missing-config', file: kamal.read, fix: `if the app runs on Heroku instead, add its Procfile (then ${KAMAL_CONFIG} is not read)${kamal.others.length > 0 ? `; to count another destination, pass --procfile ${kamal.others[0]}` : ''}`, message: `no Procfile: ${read}${others}`, severity: 'info'})
    if (files.exists('app.json')) notRead(['app.json'], `the app runs on Kamal (${kamal.read}): app.json's env and formation are Heroku's`, `if the app runs on Heroku, add the Procfile it runs (then app.json is read and ${kamal.read} is not)`)
    return app
  }

  if (files.exists('app.json') || !files.exists('Dockerfile')) return undefined
  // Beside a language's files `git push` builds with its buildpack, and the buildpack's default web process runs
  // (defaultProcfile). Where that buildpack declares none (a Gradle app whose Spring Boot plugin is in a subproject, a
  // Python app), a buildpack deploy starts nothing: the app runs only as the Dockerfile's image.
  // That is taken only where the app's own files push the image (`heroku container:push` in a script, a workflow or the
  // README): a Dockerfile beside them is as often for local use (docker compose) or another host.
  const detected = detectLanguage(files)
  const buildpack = detected.language === undefined ? undefined : await defaultWebProcess(files, detected)
  if (buildpack && !('none' in buildpack)) return undefined
  const pushed = buildpack ? containerPush(files) : undefined
  if (buildpack && !pushed) return undefined
  const built = dockerfileApp(files, 'Dockerfile', chosen)
  // A Dockerfile with no CMD either: the buildpack's reason is the one said (defaultProcfile's exit 2).
  if (buildpack && 'error' in built) return undefined
  const app = take(built)
  const web = app.entries[0]
  const noWeb = buildpack && 'none' in buildpack && pushed ? `, and a buildpack deploy would start no web process (${buildpack.none}); ${pushed.file}:${pushed.line} pushes the Dockerfile's image (\`${pushed.text}\`)` : ''
  const others = files.list('').filter((n) => n !== 'Dockerfile' && /^Dockerfile[.-]|\.Dockerfile$/.test(n))
  extra.push({
    code: 'missing-config',
    file: 'Dockerfile',
    fix: `add a Procfile (\`web: …\`) if the app deploys with buildpacks, or a heroku.yml if it builds on Heroku's container stack${others.length > 0 ? ` (${others.join(', ')} not read)` : ''}`,
    line: web.line,
    message: `no Procfile or heroku.yml${noWeb}: web is assumed to run the Dockerfile's command, \`${web.command.length > 60 ? `${web.command.slice(0, 59)}…` : web.command}\`, as \`heroku container:push web\` would release it (${CONTAINER_RUNTIME_REF})`,
    processType: 'web',
    severity: 'info',
  })
  return app
}


/** The user's --docker-target / dockerTarget as the stage choice readImage says it with. */
function stageChoice(target: Sourced<string> | undefined): StageChoice | undefined {
  if (!target) return undefined
  const {source} = target
  const from = source.kind === 'flag' ? source.flag : source.kind === 'file' ? `${source.file}:${source.line}` : 'the config file'
  return {from, name: target.value}
}

const CONTAINER_PUSH = /\bheroku\s+container:(?:push|release)\b|\bregistry\.heroku\.com\//
// Where an app says how it deploys: root scripts and docs, its bin/ and scripts/ folders, its CI workflows (bounded: names only, then text).
const PUSH_FILES = /\.(?:sh|bash|ya?ml|md|json|toml|txt)$|^(?:Makefile|Justfile|Rakefile|deploy)$/i

/** The first line of the app's scripts, workflows or README that pushes an image to Heroku's container registry. */
function containerPush(files: FileReader): {file: string; line: number; text: string} | undefined {
  for (const dir of ['', 'bin', 'scripts', 'script', '.github/workflows', '.circleci', '.gitlab']) {
    for (const name of files.list(dir)) {
      if (!PUSH_FILES.test(name)) continue
      const path = dir === '' ? name : `${dir}/${name}`
      const lines = files.read(path)?.text.split('\n') ?? []
      const i = lines.findIndex((l) => CONTAINER_PUSH.test(l))
      if (i >= 0) return {file: path, line: i + 1, text: lines[i].trim().length > 50 ? `${lines[i].trim().slice(0, 49)}…` : lines[i].trim()}
    }
  }

  return undefined
}

/**
 * No Procfile: the process Heroku starts anyway, the language buildpack's
 * default web process, as a one-line Procfile named after the buildpack (so
 * every source says where the command came from), with an info line that says
 * so. Where the buildpack declares none (Python), there is nothing to budget: exit 2.
 */
async function defaultProcfile(files: FileReader, procfilePath: string, extra: Diagnostic[], appBaseUnset?: string): Promise<SourceFile> {
  const detected = detectLanguage(files)
  const found = await defaultWebProcess(files, detected)
  if ('none' in found && !found.types && appBaseUnset) throw appBaseError(files, procfilePath, appBaseUnset)
  const other = otherProcfiles(files)
  if ('none' in found && found.types && found.buildpack) {
    // The buildpack writes a Procfile without web (heroku/go, several main packages): those types, at no dynos until scaled.
    extra.push({code: 'missing-config', fix: `add a Procfile that names what runs (\`web: …\`)${other ? `; ${other}` : ''}`, message: `no Procfile: ${found.none}`, severity: 'info'})
    return {path: defaultWebFile(found.buildpack), text: found.types.map((t) => `${t.name}: ${t.command}\n`).join('')}
  }

  // A Dockerfile here is what runs when the app deploys as a container: counted when named (--procfile Dockerfile).
  const dockerfile = files.exists('Dockerfile') ? `; or, if it deploys as a container, count its Dockerfile's CMD as web: pass --procfile ${displayPath(join(dirname(procfilePath), 'Dockerfile'))}` : ''
  if ('none' in found) throw new InputError(`no Procfile or heroku.yml in ${displayPath(dirname(procfilePath))}, and ${found.none}`, `${other ?? POINT_AT}${dockerfile}`)
  const path = defaultWebFile(found.buildpack)
  // A Dockerfile beside the language's files (Rails ≥ 7.1 generates one for Kamal): `git push` builds with the buildpack.
  const docker = files.exists('Dockerfile') ? `; the Dockerfile runs only when the app is deployed as a container (a heroku.yml on the container stack, or \`heroku container:push web\`)` : ''
  extra.push({
    code: 'missing-config',
    fix: `add a Procfile (\`web: …\`) if the app should start something else${other ? `; ${other}` : ''}${dockerfile}`,
    message: `no Procfile: web runs ${found.why}, \`${found.command}\` (${found.ref})${detected.source?.kind === 'assumed' && detected.all[0] !== detected.language ? `; ${detected.source.why}` : ''}${docker}`,
    processType: 'web',
    severity: 'info',
  })
  return {path, text: `web: ${found.command}\n`}
}

/**
 * No Procfile and nothing the root's language runs by default, with the monorepo buildpack among the app's buildpacks
 * and APP_BASE unset (an app.json that asks for it, `"APP_BASE": {"description": …}`, and gives no value): what runs is
 * the folder APP_BASE will name, so the error says that and names the folders holding a Procfile (`--env APP_BASE=…`),
 * rather than only that the root's default web process stops.
 */
function appBaseError(files: FileReader, procfilePath: string, by: string): InputError {
  const folders: string[] = []
  const look = (dir: string, depth: number): void => {
    for (const name of files.folders(dir)) {
      if (SKIP_FOLDER.test(name)) continue
      const sub = dir === '' ? name : `${dir}/${name}`
      if (files.exists(`${sub}/Procfile`)) folders.push(sub)
      if (depth < 3) look(sub, depth + 1)
    }
  }

  look('', 1)
  const shown = folders.slice(0, 4).join(', ') + (folders.length > 4 ? ` and ${folders.length - 4} more` : '')
  return new InputError(
    `no Procfile in ${displayPath(dirname(procfilePath))}: the monorepo buildpack (${by}) builds the folder the APP_BASE config var names, and APP_BASE is not set here (Heroku aborts the build without it: ${MONOREPO_REF})`,
    folders.length > 0 ? `say which folder is the app, as \`heroku config:set APP_BASE=…\` does: --env APP_BASE=${folders[0]} (folders with a Procfile: ${shown})` : 'say which folder is the app, as `heroku config:set APP_BASE=…` does: --env APP_BASE=PATH',
  )
}

/**
 * Procfile.dev (foreman, Rails' bin/dev) and its kin beside a missing Procfile: Heroku never reads them, but
 * they name the app's other processes (a Solid Queue `jobs: bin/jobs`), so say they are there and how to count them.
 */
function otherProcfiles(files: FileReader): string | undefined {
  const names = files.list('').filter((n) => /^Procfile\.[\w.-]+$/.test(n)).sort()
  if (names.length === 0) return cleverCloud(files) ?? nestedDeployFiles(files)
  const described = names.map((n) => {
    const types = parseProcfile(files.read(n)?.text ?? '', n).entries.map((e) => e.name)
    return types.length > 0 ? `${n} (${types.join(', ')})` : n
  })
  return `${described.join(' and ')} ${names.length > 1 ? 'are' : 'is'} not read: Heroku runs only Procfile; to count those processes, pass --procfile ${names[0]}`
}

/** The files a folder's app deploys with, in the order the hint names them. */
const DEPLOY_FILES = ['Procfile', 'heroku.yml', 'fly.toml', 'railway.json', 'railway.toml'] as const
const SKIP_FOLDER = /^(\.|node_modules$|vendor$|dist$|build$|tmp$|test$|tests$|spec$|fixtures?$|examples?$|docs?$)/

/**
 * A monorepo whose apps deploy from their own folders (apps/api/fly.toml, services/web/Procfile), with none at the root:
 * the deploy files one and two folders down, named so the one that deploys can be counted with --procfile.
 */
function nestedDeployFiles(files: FileReader): string | undefined {
  const found: string[] = []
  // A container monorepo's services (apps/api/Dockerfile, docker/Dockerfile.prod), built from the repository root as
  // their compose file or CI says (`context: .`, `dockerfile: apps/api/Dockerfile`): named when nothing else deploys.
  const isImage = (f: string): boolean => /^Dockerfile(?:[.-][\w.-]+)?$|\.Dockerfile$/.test(f) && !/\.dockerignore$/.test(f)
  // The root's own variants first (Dockerfile.release); its Dockerfile is named by the caller's hint.
  const images = files.list('').filter((f) => f !== 'Dockerfile' && isImage(f))
  const look = (dir: string, depth: number): void => {
    for (const name of files.folders(dir)) {
      if (SKIP_FOLDER.test(name)) continue
      const sub = dir === '' ? name : `${dir}/${name}`
      for (const f of DEPLOY_FILES) if (files.exists(`${sub}/${f}`)) found.push(`${sub}/${f}`)
      for (const f of files.list(sub)) if (isImage(f)) images.push(`${sub}/${f}`)
      if (depth < 2) look(sub, depth + 1)
    }
  }

  // Fly configs kept beside an app for `fly deploy --config` (fly.production.toml, fly.example.toml), at the root first.
  const variants = files.list('').filter((n) => FLY_CONFIG_VARIANT.test(n))
  look('', 1)
  found.unshift(...variants)
  if (found.length === 0 && images.length > 0) {
    // Development, CI and test images last: the one named first is the likeliest to deploy.
    const local = (p: string): boolean => /(?:^|[./-])(?:dev|development|local|ci|test|e2e)(?:[./-]|$)/i.test(p.slice(p.lastIndexOf('/') + 1))
    const sorted = [...images.filter((p) => !local(p)), ...images.filter(local)]
    const shown = sorted.slice(0, 4).join(', ')
    const where = sorted.every((p) => p.includes('/')) ? ' in subfolders' : ''
    const root = sorted[0].includes('/') ? ' --root . (the folder its build context is, usually the repository)' : ''
    return `${shown}${sorted.length > 4 ? ` and ${sorted.length - 4} more` : ''}${where} ${sorted.length === 1 ? 'is' : 'are'} not read (images the app's services build?): to count what one runs, pass --procfile ${sorted[0]}${root}`
  }

  if (found.length === 0) return undefined
  const shown = found.slice(0, 4).join(', ')
  const where = variants.length === found.length ? 'beside it' : variants.length > 0 ? 'beside it and in subfolders' : 'in subfolders'
  const why = variants.length === found.length ? 'Fly.io configs used with `fly deploy --config`' : 'a monorepo whose apps deploy from their folders?'
  return `${shown}${found.length > 4 ? ` and ${found.length - 4} more` : ''} ${where} ${found.length === 1 ? 'is' : 'are'} not read (${why}): to count one, pass --procfile ${found[0]}`
}

/** Clever Cloud's deploy files, clevercloud/<runtime>.json (https://www.clever-cloud.com/developers/doc/applications/python/). */
const CLEVER_CLOUD_REF = 'https://www.clever-cloud.com/developers/doc/applications/python/'
const CLEVER_CLOUD_RUNTIMES = new Set(['python.json', 'ruby.json', 'node.json', 'php.json', 'go.json', 'java.json', 'jar.json', 'maven.json', 'gradle.json', 'scala.json', 'rust.json', 'elixir.json', 'dotnet.json', 'haskell.json'])

/**
 * An app deployed on Clever Cloud (clevercloud/python.json and the like) says what runs there, in its
 * `deploy.module` (a WSGI module Clever Cloud serves) and console env vars, not in a Procfile: not read, so the
 * hint names the file and how to count it (a Procfile with the command, passed with --procfile).
 */
function cleverCloud(files: FileReader): string | undefined {
  const deploy = files.list('clevercloud').find((n) => CLEVER_CLOUD_RUNTIMES.has(n))
  if (!deploy) return undefined
  let module: string | undefined
  try {
    const m = (JSON.parse(files.read(`clevercloud/${deploy}`)?.text ?? '{}') as {deploy?: {module?: unknown}})?.deploy?.module
    if (typeof m === 'string' && m.trim() !== '') module = m.trim()
  } catch {
    // invalid JSON: named without its module
  }

  const example = module ? `, e.g. \`web: gunicorn ${module}\`` : ''
  return `clevercloud/${deploy} is Clever Cloud's deploy file, which conncalc does not read (${CLEVER_CLOUD_REF}): write the command Clever Cloud runs as a Procfile line${example} with the workers its CC_* env vars give, and pass --procfile`
}

/** `--env KEY=VALUE` (repeatable): the layer just under the Procfile line. */
export function parseEnvFlags(pairs: string[]): EnvLayer {
  return layer(
    '--env',
    pairs.map((pair) => {
      const eq = pair.indexOf('=')
      const name = eq === -1 ? pair : pair.slice(0, eq)
      if (eq === -1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new UsageError(`--env expects KEY=VALUE, got "${name.length > 40 ? name.slice(0, 40) + '…' : name}"`, 'e.g. --env RAILS_MAX_THREADS=10 (repeat the flag for more)')
      }

      return {name, source: fromEnv(name, '--env'), value: pair.slice(eq + 1)}
    }),
  )
}

