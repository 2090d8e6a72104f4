/**
 * Process types declared outside a Procfile, by another Heroku-style platform: Render's render.yaml
 * services and Fly.io's fly.toml process groups. Each becomes a process type (render: the service's
 * name; fly: the group's), with the command the platform starts, the folder it starts in, and the
 * config vars the file gives it; the counts the file gives become the formation (under --scale).
 * Neither platform runs a Heroku buildpack, so no buildpack env is assumed (`built`). Pure: files come
 * through a FileReader.
 */
import {posix} from 'node:path'

import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvLayer} from '../model/env.js'
import type {FileReader} from '../model/files.js'
import type {Formation} from '../model/formation.js'
import type {ContainerApp, ContainerEntry, ContainerError} from './container.js'

import {layer} from '../model/env.js'
import {assumed, assumedOfType, fromDefault, fromDefaultOfType, fromFile, sourced, type Sourced} from '../model/source.js'
import {fromImage, inRepo, readImage, type StageChoice} from './container.js'
import {withEntrypoint} from './dockerfile.js'
import {parseProcfile} from './procfile.js'
import {parseGemfileLock} from '../languages/ruby/gemfile-lock.js'
import {compareVersions} from '../util/version.js'
import {MAX_DYNOS} from '../platform/formation.js'
import {classifyRepositories} from '../platform/render-repo.js'
import {parseRenderYaml, type RenderDatabaseVar, RENDER_INSTANCES_REF, RENDER_YAML_REF, renderInstanceType, type RenderService} from '../platform/render-yaml.js'
import type {SameServerEvidence} from '../model/same-server.js'
import {CF_MANIFEST_REF, CF_PROCESSES_REF, type CfProcess, looksLikeCfManifest, parseCfManifest} from '../platform/cf-manifest.js'
import {repoBuiltImage} from '../platform/image-workflow.js'
import {FLY_PROCESSES_REF, FLY_SIZES_REF, FLY_TOML_REF, FLY_VM_REF, type FlyToml, flyPresetCpus, flyVmOf, parseFlyToml} from '../platform/fly-toml.js'
import {parseRailwayConfig, RAILWAY_CONFIGS, RAILWAY_ENVIRONMENT, RAILWAY_REF} from '../platform/railway.js'

export const RENDER_PLATFORM = 'Render'
export const CF_PLATFORM = 'Cloud Foundry'
export const FLY_PLATFORM = 'Fly.io'
export const RAILWAY_PLATFORM = 'Railway'
const RENDER_INSTANCE = {name: RENDER_PLATFORM, unit: 'instance'}
const FLY_MACHINE = {name: FLY_PLATFORM, unit: 'Machine'}

/** The files that declare process types on another platform, in the order conncalc prefers them. */
export const PLATFORM_MANIFESTS = ['render.yaml', 'fly.toml', ...RAILWAY_CONFIGS] as const

/** The platform a manifest of PLATFORM_MANIFESTS (or another name for one) is for. */
export const manifestPlatform = (name: string): string => (name.startsWith('railway.') ? RAILWAY_PLATFORM : name.endsWith('.toml') ? FLY_PLATFORM : RENDER_PLATFORM)

export type ManifestApp = ContainerApp & {formation: Formation}

/**
 * A platform file named with --procfile: render.yaml, fly.toml, or another fly.toml an app deploys with
 * `fly deploy --config fly.production.toml` (https://fly.io/docs/flyctl/deploy/): fly.NAME.toml, or any NAME.toml.
 */
// Each regular expression behind a test of the name that it needs to match: V8 compiles one the first time it runs,
// and a plain Procfile is asked here on every run (issue 19).
export const isPlatformManifest = (name: string): boolean =>
  (PLATFORM_MANIFESTS as readonly string[]).includes(name) || (name.startsWith('fly.') && FLY_CONFIG_VARIANT.test(name)) || isFlyConfigNamed(name) || isBlueprintNamed(name)
/**
 * Any other YAML named with --procfile (render.production.yaml, blueprints/staging.yaml): a Render Blueprint, whose path
 * is set when the Blueprint is created ("you can define your Blueprint file anywhere",
 * https://render.com/docs/infrastructure-as-code). A Procfile is not YAML; heroku.yml and compose files are other things.
 */
const isBlueprintNamed = (name: string): boolean => name.includes('.') && /\.ya?ml$/i.test(name) && !/^(?:heroku|(?:docker-)?compose(?:\.[\w-]+)?|app|scalingo|dokku|\.?conncalc)\.ya?ml$/i.test(name)
/** Any other .toml named with --procfile (`fly deploy --config node.toml`): a Procfile is never TOML, a Fly config may have any name. */
const isFlyConfigNamed = (name: string): boolean => name.endsWith('.toml') && !/^(?:Procfile|project|netlify|wrangler|railway|Cargo|pyproject)\.toml$/i.test(name)
export const FLY_CONFIG_VARIANT = /^fly\.[\w-]+(?:\.[\w-]+)*\.toml$/

const NO_BUILDPACK = 'no Heroku buildpack runs, so none of its env (WEB_CONCURRENCY, RAILS_ENV, NODE_ENV) is assumed'

/**
 * Read render.yaml or fly.toml (by its file name); `folder`: the checkout folder's name (render.yaml's repo: is read
 * against it); `only`: the Blueprint's services to count (those of one app folder of a monorepo), the others said.
 */
export async function platformManifestApp(files: FileReader, path: string, folder?: string, only?: readonly string[], chosen?: StageChoice): Promise<ContainerError | ManifestApp> {
  const file = files.read(path)
  if (!file) return {error: `${path} cannot be read`, fix: 'check the file'}
  // A Kamal config (config/deploy.yml, or a destination's deploy.NAME.yml over it): its module is loaded only then.
  const kamal = /\.ya?ml$/i.test(path) && (/^servers[ \t]*:/m.test(file.text) || /(?:^|\/)deploy(?:\.[\w-]+)?\.ya?ml$/.test(path)) ? await import('./kamal-app.js') : undefined
  const app = kamal?.isKamalConfig(files, file.path, file.text)
    ? kamal.kamalApp(files, file.path, file.text, {fromImage, inRepo, noBuildpack: NO_BUILDPACK, readImage, withEntrypoint}, chosen)
    : (RAILWAY_CONFIGS as readonly string[]).includes(posix.basename(path))
    ? await railwayApp(files, file.path, file.text, chosen)
    : posix.basename(path).endsWith('.toml')
      ? await flyApp(files, file.path, file.text, chosen)
      : looksLikeCfManifest(file.text)
        ? cfApp(files, file.path, file.text)
        : renderApp(files, file.path, file.text, folder, only, chosen)
  return 'error' in app ? app : withinSlots(app)
}

/**
 * A type's count of instances above what any PostgreSQL server allows (`numInstances: 99999999999`, `numReplicas: 1e20`:
 * a typo) is not a number to budget with — it printed a 12-digit total. Such a type counts 1, assumed, with a warning at
 * the line, as app.json's formation and --scale refuse such a count.
 */
function withinSlots(app: ManifestApp): ManifestApp {
  for (const [name, entry] of app.formation) {
    const {source, value} = entry.quantity
    if (value <= MAX_DYNOS) continue
    const shown = Number.isSafeInteger(value) ? String(value) : `about ${value.toExponential(3)}`
    app.diagnostics.push({
      code: 'unparsable-config',
      file: source.kind === 'file' ? source.file : app.file,
      ...(source.kind === 'file' ? {line: source.line} : {}),
      message: `${app.file}: ${name} runs ${shown} instances, more than any PostgreSQL server has connection slots (${MAX_DYNOS}); not used`,
      processType: name,
      severity: 'warning',
    })
    app.formation.set(name, {...(entry.size ? {size: entry.size} : {}), quantity: sourced(1, assumedOfType(`${app.file} gives ${name} ${shown} instances, more than any server's connection slots; 1 assumed (say --scale ${name}=N)`))})
  }

  return app
}

/** The Cloud Foundry manifest `cf push` reads from the app's folder when no -f names another. */
export const CF_MANIFESTS = ['manifest.yml', 'manifest.yaml'] as const

/** The app's Cloud Foundry manifest, when one of CF_MANIFESTS is there and lists applications. */
export const cfManifestOf = (files: FileReader): string | undefined => CF_MANIFESTS.find((n) => looksLikeCfManifest(files.read(n)?.text ?? ''))


/** `512M`, `1G`, `1024MB`: megabytes. */
function cfMegabytes(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(M|MB|G|GB|T|TB)$/i.exec(text.trim())
  if (!m) return undefined
  const unit = m[2][0].toUpperCase()
  return Math.round(Number(m[1]) * (unit === 'M' ? 1 : unit === 'G' ? 1024 : 1024 * 1024))
}

/**
 * A Cloud Foundry manifest (platform/cf-manifest.ts): each application's processes become process types (one application:
 * named by their type, web, worker; several: the application's name for its web process, NAME-TYPE for the others), with
 * the command the manifest gives, else the Procfile's line of that type (cf push runs it when no command is given), the
 * manifest's env as their config vars, and `instances` as the formation.
 */
function cfApp(files: FileReader, path: string, text: string): ContainerError | ManifestApp {
  const cf = parseCfManifest(text, path)
  if (cf.error) return {error: `${path}:${cf.error.line}: ${cf.error.message}`, fix: `fix ${path}: cf push cannot read it either (${CF_MANIFEST_REF})`}
  const diagnostics: Diagnostic[] = [...cf.diagnostics]
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path)
  const entries: ContainerEntry[] = []
  const formation: Formation = new Map()
  const several = cf.applications.length > 1
  for (const app of cf.applications) {
    // `path:` is relative to the manifest's folder; without one, cf push pushes the folder it runs in (the app root:
    // `cf push -f .cloud-gov/manifest.yml` from the checkout, as GSA-TTS/all_sorns deploys), not the manifest's.
    const cwd = app.path === '' ? '' : posix.join(dir, app.path).replace(/^\.$/, '')
    const procfile = files.read(posix.join(cwd, 'Procfile'))
    const procfileEntries = procfile ? parseProcfile(procfile.text, procfile.path).entries : []
    const vars = app.env.length > 0 ? [layer(`${path} ${app.name} env`, app.env)] : []
    if (app.envUnknown.length > 0) {
      diagnostics.push({code: 'unknown-config-value', file: path, line: app.line, message: `${app.name}: env ${app.envUnknown.join(', ')} ${app.envUnknown.length === 1 ? 'is a variable' : 'are variables'} (\`((name))\`) that cf push fills in from --var or --vars-file: not known here`, severity: 'info'})
    }

    for (const p of app.processes) {
      const name = several ? (p.type === 'web' ? app.name : `${app.name}-${p.type}`) : p.type
      const fromProcfile = procfileEntries.find((e) => e.name === p.type)
      const memoryMb = p.memory ? cfMegabytes(p.memory.value) : undefined
      const machine = {
        ...(memoryMb && p.memory ? {memoryMb: sourced(memoryMb, fromFile(path, p.memory.line))} : {}),
        name: p.memory?.value ?? 'instance',
        nproc: sourced(8, assumedOfType(`a Cloud Foundry instance sees the CPUs of the Diego cell it runs on, which ${path} does not say; 8 assumed (or --scale ${name}=N:SIZE)`)),
        platform: {name: CF_PLATFORM, unit: 'instance'},
      }
      const base = {cwd, machine, name, ...(vars.length > 0 ? {vars} : {})}
      if (app.docker) entries.push({...base, command: app.docker, file: path, line: app.line, unknownWhy: `${app.name} runs the Docker image ${app.docker}, which is not in the repository`})
      else if (p.command) entries.push({...base, command: p.command.value, file: path, line: p.command.line, ...(/\(\([\w.-]+\)\)/.test(p.command.value) ? {unknownWhy: `${name}'s command holds a variable cf push fills in (\`((name))\`)`} : {})})
      else if (fromProcfile) entries.push({...base, command: fromProcfile.command, file: procfile!.path, line: fromProcfile.line})
      else {
        const rails = p.type === 'web' ? cfRubyRailsWeb(files, cwd, app.buildpacks) : undefined
        if (rails) {
          entries.push({...base, command: CF_RUBY_RAILS_WEB, file: path, line: p.line})
          diagnostics.push({code: 'missing-config', file: path, line: p.line, message: `${name} has no command in ${path} and no web line in a Procfile: it runs the final buildpack's default web process, the Cloud Foundry Ruby buildpack's for Rails ${rails}, \`${CF_RUBY_RAILS_WEB}\` (https://github.com/cloudfoundry/ruby-buildpack/blob/master/lib/language_pack/rails4.rb)`, severity: 'info'})
        } else if (p.type === 'web' && /(^|[/_-])(staticfile|nginx)([-_]buildpack)?(\.git)?(#.*)?$/i.test(app.buildpacks.at(-1) ?? '')) {
          // Cloud Foundry's Staticfile and NGINX buildpacks start nginx, serving the pushed files or the app's nginx.conf
          // (https://docs.cloudfoundry.org/buildpacks/staticfile/index.html, https://docs.cloudfoundry.org/buildpacks/nginx/index.html).
          entries.push({...base, command: 'nginx', file: path, line: p.line})
          diagnostics.push({code: 'missing-config', file: path, line: p.line, message: `${name} has no command in ${path}: its buildpack ${app.buildpacks.at(-1)} starts nginx, a web server (https://docs.cloudfoundry.org/buildpacks/${/staticfile/i.test(app.buildpacks.at(-1)!) ? 'staticfile' : 'nginx'}/index.html)`, severity: 'info'})
        } else {
          const final = app.buildpacks.at(-1)
          entries.push({...base, command: final ?? 'buildpack', file: path, line: p.line, unknownWhy: `${name} has no command in ${path} and no ${p.type} line in a Procfile: it runs the ${app.buildpacks.length > 1 ? 'final ' : ''}buildpack's own start command${final ? ` (${final})` : ''}, which conncalc does not know`})
        }
      }
      formation.set(name, {quantity: cfInstances(p, name, path)})
    }
  }

  if (entries.length === 0) return {error: `${path} lists no application`, fix: `add one under applications: (${CF_MANIFEST_REF}), or pass --procfile PATH naming what runs`}
  diagnostics.push({
    code: 'missing-config',
    file: path,
    fix: 'if the app runs on Heroku instead, add its Procfile; --scale NAME=N:SIZE sizes a type as a Heroku dyno instead',
    message: `no Procfile: the process types are ${path}'s applications' processes (${entries.map((e) => e.name).join(', ')}), run by Cloud Foundry; ${NO_BUILDPACK}; each application's env is its config vars (${CF_MANIFEST_REF}, ${CF_PROCESSES_REF})`,
    severity: 'info',
  })
  return {built: true, diagnostics, entries, file: path, formation, idle: [], platform: CF_PLATFORM}
}

/**
 * Cloud Foundry's Ruby buildpack (a fork of Heroku's) declares `web` for Rails 4 and later in LanguagePack::Rails4
 * (cloudfoundry/ruby-buildpack lib/language_pack/rails4.rb; the Rails 4.1+ packs inherit it). With several buildpacks only
 * the final one, the last listed, gives the start command (https://docs.cloudfoundry.org/buildpacks/use-multiple-buildpacks.html);
 * none listed, CF detects the Ruby buildpack from the Gemfile.
 */
const CF_RUBY_RAILS_WEB = 'bin/rails server -b 0.0.0.0 -p $PORT -e $RAILS_ENV'

/** The Rails version when the final buildpack is CF's Ruby buildpack and the app is Rails 4+; undefined otherwise. */
function cfRubyRailsWeb(files: FileReader, cwd: string, buildpacks: readonly string[]): string | undefined {
  const final = buildpacks.at(-1)
  if (final !== undefined && !/(^|[/_-])ruby([-_]buildpack)?(\.git)?(#.*)?$/i.test(final)) return undefined
  const lock = files.read(posix.join(cwd, 'Gemfile.lock'))
  const gems = lock ? parseGemfileLock(lock.text) : {}
  const railties = gems.railties ?? gems.rails
  return railties !== undefined && compareVersions(railties, '4.0') >= 0 ? railties : undefined
}

/** How many instances of a process cf push starts: the manifest's `instances`, else one for web ("By default, cf push deploys one instance"). */
function cfInstances(p: CfProcess, name: string, path: string): Sourced<number> {
  if (p.instances) return sourced(p.instances.value, fromFile(path, p.instances.line))
  if (p.instancesUnknown) return sourced(1, assumedOfType(`${path}:${p.instancesUnknown.line}: instances is \`${p.instancesUnknown.value}\`, a value cf push fills in (--var, --vars-file); 1 assumed (say --scale ${name}=N)`))
  if (p.type === 'web') return sourced(1, fromDefaultOfType(`cf push deploys one instance of ${name}: ${path} sets no instances`, CF_MANIFEST_REF))
  return sourced(1, assumedOfType(`${path} does not say how many instances of ${name} run (cf scale sets it); 1 assumed (say --scale ${name}=N)`))
}

function renderApp(files: FileReader, path: string, text: string, folder?: string, only?: readonly string[], chosen?: StageChoice): ContainerError | ManifestApp {
  const yml = parseRenderYaml(text, path)
  if (yml.error) return {error: `${path}:${yml.error.line}: ${yml.error.message}`, fix: `fix ${path}: Render cannot sync the Blueprint either (${RENDER_YAML_REF})`}
  const diagnostics: Diagnostic[] = [...yml.diagnostics]
  const entries: ContainerEntry[] = []
  const formation: Formation = new Map()
  const counted: string[] = []
  const notRun: string[] = []
  const releases: {line: number; service: RenderService; text: string}[] = []
  const {elsewhere, inferred} = classifyRepositories(yml.services, files, path, folder)
  const said = new Set<string>()
  const skipped: string[] = []
  for (const s of yml.services) {
    if (only && !only.includes(s.name)) {
      skipped.push(s.name)
      continue
    }

    if (s.repo && elsewhere.has(s)) {
      diagnostics.push({
        code: 'missing-config',
        file: path,
        fix: `count it by running conncalc in ${s.repo.url} (its render.yaml or Procfile), and keep room for its connections here with --reserve N`,
        line: s.repo.line,
        message: `service ${s.name} runs the code of another repository (repo: ${s.repo.url}), not this one: it is not counted as this app's process${s.fromDatabase.length > 0 ? `, though it takes ${s.fromDatabase.map((d) => d.key).join(', ')} from database ${[...new Set(s.fromDatabase.map((d) => d.name))].join(', ')}` : ''}`,
        severity: s.fromDatabase.length > 0 ? 'warning' : 'info',
      })
      continue
    }

    if (s.type === 'cron') {
      diagnostics.push({
        code: 'missing-config',
        file: path,
        fix: 'keep room for it with --reserve N (N = its connections while it runs)',
        line: s.line,
        message: `cron job ${s.name}${s.schedule ? ` (${s.schedule})` : ''} runs \`${s.start?.text ?? s.docker?.command?.text ?? 'its image'}\` in an instance of its own on its schedule: not a process type, not in the total (as Heroku Scheduler's jobs)`,
        severity: 'info',
      })
      continue
    }

    // Static sites serve files; Key Value (Redis) instances, and a private service whose runtime names a database, run no app code.
    if (s.type === 'keyvalue' || s.type === 'redis' || s.runtime === 'static' || (s.runtime !== undefined && /^(postgres|postgresql|redis|keyvalue|valkey|mysql)$/.test(s.runtime))) {
      notRun.push(s.name)
      continue
    }

    if (s.type !== 'web' && s.type !== 'pserv' && s.type !== 'worker') {
      diagnostics.push({code: 'missing-config', file: path, line: s.line, message: `service ${s.name} has type ${s.type}, which is not a Render service type conncalc knows (web, pserv, worker, cron, keyvalue); not counted`, severity: 'warning'})
      continue
    }

    const vars = serviceVars(s, yml.groups, path, diagnostics)
    const sameServer = sameDatabase(s, yml.groups, path)
    entries.push({...renderCommand(files, s, path, diagnostics, chosen), machine: renderMachine(s, path), name: s.name, ...(vars.length > 0 ? {vars} : {}), ...(sameServer ? {sameServer} : {})})
    counted.push(`${s.type} ${s.name}`)
    if (s.preDeploy) releases.push({line: s.preDeploy.line, service: s, text: s.preDeploy.text})
    // A service taken as this repository's on an inference (its repo: is not known to be this one): its instances are starred.
    const guess = inferred.get(s)
    const via = guess ? [assumedOfType(`${s.name} runs this repository's code: ${guess.why}`)] : undefined
    if (guess && !said.has(guess.why)) {
      said.add(guess.why)
      diagnostics.push({code: 'missing-config', file: path, fix: 'if it is another repository, count that one with conncalc in its checkout and pass --scale NAME=0 here', line: s.repo!.line, message: `${guess.why}: its services' code is read from here (starred)`, severity: guess.severity})
    }

    if (s.scaling) {
      formation.set(s.name, {quantity: sourced(s.scaling.max, fromFile(path, s.scaling.line), via), range: {max: s.scaling.max, min: s.scaling.min}})
    } else {
      formation.set(s.name, {quantity: s.numInstances ? sourced(s.numInstances.value, fromFile(path, s.numInstances.line), via) : sourced(1, fromDefaultOfType(`Render runs 1 instance of ${s.name}: ${path} sets no numInstances`, RENDER_YAML_REF), via)})
    }
  }

  // A preDeployCommand runs once per deploy, before the new instances start: Heroku's release phase, counted as one.
  const [release, ...more] = releases
  if (release) {
    const vars = serviceVars(release.service, yml.groups, path, [])
    const {cwd, image} = renderCommand(files, release.service, path, [], chosen)
    entries.push({command: release.text, cwd, file: path, line: release.line, machine: renderMachine(release.service, path), name: 'release', ...(image ? {image} : {}), ...(vars.length > 0 ? {vars} : {})})
  }

  for (const r of more) {
    diagnostics.push({code: 'missing-config', file: path, line: r.line, message: `${r.service.name}'s preDeployCommand also runs once per deploy; only ${release.service.name}'s is counted as the release type (deploy peak)`, severity: 'info'})
  }

  if (entries.length === 0) return {error: `${path} declares no service that runs a process (web, pserv or worker)${only ? ` in ${only.join(', ')}` : ''}`, fix: 'pass --procfile PATH naming what runs (a Procfile or heroku.yml)'}
  if (skipped.length > 0) {
    diagnostics.push({
      code: 'missing-config',
      file: path,
      fix: `to count the whole Blueprint, run conncalc where ${path} is with --procfile ${path}; or keep room for them here with --reserve N`,
      message: `${path}'s other services (${skipped.join(', ')}) run other folders of the repository: not counted here`,
      severity: 'info',
    })
  }

  diagnostics.push({
    code: 'missing-config',
    file: path,
    fix: "if the app runs on Heroku instead, add its Procfile; CPU-count defaults use each service's instance type (plan); --scale NAME=N:SIZE sizes it as a Heroku dyno instead",
    message: `${entries.some((e) => e.buildpacks) ? '' : 'no Procfile: '}the process types are ${path}'s services (${counted.join(', ')}${release ? ', release = preDeployCommand' : ''}), run by Render; ${entries.some((e) => e.buildpacks) ? `no Heroku buildpack runs but in heroku-import's image (${entries.filter((e) => e.buildpacks).map((e) => e.name).join(', ')})` : NO_BUILDPACK}; their envVars are their config vars${notRun.length > 0 ? ` (${notRun.join(', ')}: no app process)` : ''} (${RENDER_YAML_REF})`,
    severity: 'info',
  })
  return {built: true, diagnostics, entries, file: path, formation, idle: [], platform: RENDER_PLATFORM}
}

/**
 * URL vars Render fills from the database DATABASE_URL comes from (`fromDatabase` with `property: connectionString` on
 * both, the service's own or its groups'): on DATABASE_URL's server, as evidence for model/other-server.ts.
 */
function sameDatabase(s: RenderService, groups: ReturnType<typeof parseRenderYaml>['groups'], path: string): Map<string, SameServerEvidence> | undefined {
  const vars = new Map<string, RenderDatabaseVar>()
  for (const g of s.groups.toReversed()) for (const v of groups.get(g.name)?.fromDatabase ?? []) vars.set(v.key, v)
  for (const v of s.fromDatabase) vars.set(v.key, v)
  const primary = vars.get('DATABASE_URL')
  if (!primary || primary.property !== 'connectionString') return undefined
  const found = new Map<string, SameServerEvidence>()
  for (const v of vars.values()) {
    if (v.key === 'DATABASE_URL' || v.property !== 'connectionString' || v.name !== primary.name) continue
    found.set(v.key, {file: path, how: `gives it DATABASE_URL's database (${v.name}) through fromDatabase`, line: v.line})
  }

  return found.size > 0 ? found : undefined
}

/** The service's own envVars, then its linked groups' (a service's own value wins). */
function serviceVars(s: RenderService, groups: ReturnType<typeof parseRenderYaml>['groups'], path: string, diagnostics: Diagnostic[]): EnvLayer[] {
  const layers: EnvLayer[] = []
  if (s.env.length > 0) layers.push(layer(`${path} ${s.name} envVars`, s.env))
  for (const g of s.groups) {
    const group = groups.get(g.name)
    if (group) {
      if (group.entries.length > 0) layers.push(layer(`${path} envVarGroup ${g.name}`, group.entries))
    } else {
      diagnostics.push({code: 'missing-config', file: path, line: g.line, message: `${s.name}: envVarGroup ${g.name} is not in ${path} (made in Render's dashboard?): its values are not known here`, processType: s.name, severity: 'info'})
    }
  }

  return layers
}

/** The workflow's name for an image whose owner it keeps in a secret: said, as the match rests on the name alone. */
const ownerNote = (built: {ownerUnknown?: string}): string => (built.ownerUnknown ? ` (it pushes ${built.ownerUnknown}, the owner a secret or variable: taken as this image, which is named after this repository)` : '')

/** What a Render service runs, and where. */
function renderCommand(files: FileReader, s: RenderService, path: string, diagnostics: Diagnostic[], chosen?: StageChoice): Omit<ContainerEntry, 'name'> {
  const root = s.rootDir
  // A prebuilt image the repository's own workflow builds (docker/build-push-action): that Dockerfile's image, with the
  // service's dockerCommand over its CMD, as a `runtime: docker` service of that Dockerfile and context runs.
  const built = s.image ? repoBuiltImage(files, s.image) : undefined
  if (s.image && built) {
    diagnostics.push({
      code: 'image-built-here',
      file: built.file,
      line: built.line,
      message: `${s.name}: the image ${s.image} that ${path} runs is built by ${built.file} from ${built.dockerfile} (context ${built.context || '.'})${ownerNote(built)}: its processes are read from there`,
      processType: s.name,
      severity: 'info',
    })
    const docker = {context: built.context || '.', dockerfile: built.dockerfile, ...(s.imageCommand ? {command: s.imageCommand} : {})}
    return renderCommand(files, {...s, docker, image: undefined, rootDir: ''}, path, diagnostics, chosen)
  }

  if (s.image) return {command: s.image, cwd: root, file: path, line: s.line, unknownWhy: `${s.name} runs the prebuilt image ${s.image}, which is not in the repository`}
  if (s.docker) {
    // dockerContext is the build context (`COPY . .` copies it); without one, the Dockerfile's folder (readImage's default).
    const context = s.docker.context === undefined ? undefined : posix.normalize(posix.join(root, s.docker.context)).replace(/^\.$|\/$/g, '')
    const image = readImage(files, posix.join(root, s.docker.dockerfile), chosen, new Map(), diagnostics, context?.startsWith('..') ? undefined : context)
    const env = fromImage(image)
    const given = s.docker.command ? {file: path, line: s.docker.command.line, text: s.docker.command.text} : image.command ? {file: image.file, line: image.command.line, text: image.command.command} : undefined
    const slug = given && !image.unreadable ? herokuImported(files, image, given, s.name, diagnostics) : undefined
    if (slug) return {...slug, ...env}
    if (s.docker.command) return {command: image.unreadable ? s.docker.command.text : inRepo(s.docker.command.text, image, files), cwd: image.cwd, file: path, line: s.docker.command.line, ...env}
    if (image.command) return {command: inRepo(image.command.command, image, files), cwd: image.cwd, file: image.file, line: image.command.line, ...env}
    return {command: image.file, cwd: image.cwd, file: path, line: s.line, unknownWhy: image.unreadable ?? `${s.name} has no dockerCommand and ${image.file} sets no CMD or ENTRYPOINT`, ...env}
  }

  if (s.start) return {command: s.start.text, cwd: root, file: path, line: s.start.line}
  return {command: s.runtime ?? s.type, cwd: root, file: path, line: s.line, unknownWhy: `${s.name} has no startCommand in ${path} (set in Render's dashboard?)`}
}

/**
 * Render's heroku-import image (its Dockerfile.render: FROM …/heroku-app-builder, then …/heroku-app-runner): the builder
 * runs Heroku's buildpacks on the build context (copied to /app) and writes `/render/process/TYPE` for each Procfile type
 * (`create-process-types /app/Procfile`); `/render/process/TYPE` runs that line, behind ENTRYPOINT `/render/setup-env` (the
 * older `/render/start`), which "sources all /app/.profile.d/*.sh files before process start" (the comments of the
 * Dockerfile heroku-import writes). So the type runs the Procfile's line with the buildpacks' env, as a dyno would:
 * WEB_CONCURRENCY for the instance's memory and CPUs, RAILS_ENV, NODE_ENV. Undefined for any other command.
 */
function herokuImported(files: FileReader, image: ReturnType<typeof readImage>, given: {file: string; line: number; text: string}, service: string, diagnostics: Diagnostic[]): Omit<ContainerEntry, 'name'> | undefined {
  // Folded into the function: every top-level name of a module every run loads is a slot in dist/cli.cjs's scope (issue 19).
  const m = /^(?:\/render\/(?:setup-env|start)\s+)?\/render\/process\/([\w.-]+)$/.exec(given.text.trim().replaceAll(/\s+/g, ' '))
  if (!m) return undefined
  const type = m[1]
  const procfile = posix.join(image.context, 'Procfile')
  const file = files.read(procfile)
  const entry = file ? parseProcfile(file.text, file.path).entries.find((e) => e.name === type) : undefined
  const where = image.context === '' ? 'the repository root' : image.context
  if (!file || !entry) {
    return {command: given.text, cwd: image.context, file: given.file, line: given.line, unknownWhy: `${given.text} runs the ${type} type of the Procfile Render's heroku-import builder finds in ${where}, and ${file ? `${file.path} has no ${type} type` : 'there is none (the builder guesses a command)'}`}
  }

  diagnostics.push({
    code: 'missing-config',
    file: given.file,
    line: given.line,
    message: `${service}: ${image.file} is Render's heroku-import image: \`${given.text}\` runs ${file.path}'s ${type} line, \`${entry.command.length > 60 ? `${entry.command.slice(0, 59)}…` : entry.command}\`, in the slug Heroku's buildpacks built, after /render/setup-env sources its .profile.d scripts: the buildpacks' env (WEB_CONCURRENCY for the instance's memory and CPUs) is counted as on a dyno`,
    processType: service,
    severity: 'info',
  })
  return {buildpacks: {file: given.file, line: given.line}, command: entry.command, cwd: image.context, file: file.path, line: entry.line}
}

async function flyApp(files: FileReader, path: string, text: string, chosen?: StageChoice): Promise<ContainerError | ManifestApp> {
  const fly = await parseFlyToml(text, path)
  if (fly.error) return {error: `${path}:${fly.error.line}: ${fly.error.message}`, fix: `fix ${path}: flyctl cannot read it either (${FLY_TOML_REF})`}
  const diagnostics: Diagnostic[] = []
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path)
  // The image: fly deploy builds [build] dockerfile (a path from fly.toml's folder), else the Dockerfile of its working
  // directory (internal/build/imgsrc/dockerfile_builder.go: `dockerfile = resolveDockerfile(opts.WorkingDir)` when no path is
  // configured): beside fly.toml when deployed from there (`cd apps/api && fly deploy`), else the repository root's, where
  // `fly deploy -c deploy/fly/fly.toml` runs. A prebuilt [build] image or a builder is not read. Its build context is fly
  // deploy's working directory, the root conncalc reads (`fly deploy -c apps/api/fly.toml` from the repository root sends the
  // repository: `COPY apps/api/package.json .`), not the Dockerfile's folder (flyctl internal/command/deploy/deploy_build.go:
  // ImageOptions.WorkingDir is state.WorkingDirectory, resolveDockerfilePath joins the config's folder;
  // https://fly.io/docs/launch/monorepo/).
  // A prebuilt [build] image the repository's own workflow builds (docker/build-push-action): that Dockerfile and context,
  // as render.yaml's `runtime: image` services are read (platform/image-workflow.ts).
  const built = fly.build.image ? repoBuiltImage(files, fly.build.image) : undefined
  if (built) diagnostics.push({code: 'image-built-here', file: built.file, line: built.line, message: `the image ${fly.build.image} that ${path} runs ([build] image) is built by ${built.file} from ${built.dockerfile} (context ${built.context || '.'})${ownerNote(built)}: its processes are read from there`, severity: 'info'})
  const dockerfile = built ? built.dockerfile : fly.build.image || fly.build.builder ? undefined : flyDockerfile(files, dir, fly.build.dockerfile)
  const image = dockerfile && files.exists(dockerfile) ? readImage(files, dockerfile, fly.build.target ?? chosen, new Map(fly.build.args.map((a) => [a.name, a])), diagnostics, built?.context ?? '') : undefined
  const vars = fly.env.length > 0 ? [layer(`${path} [env]`, fly.env)] : []
  const inImage = (command: string): string => (image && !image.unreadable ? inRepo(command, image, files) : command)
  const base = {cwd: image?.cwd ?? dir, ...fromImage(image), ...(vars.length > 0 ? {vars} : {})}
  const entries: ContainerEntry[] = fly.processes.map((p) => ({...base, command: inImage(p.command), file: path, line: p.line, machine: flyMachine(fly, p.name, path), name: p.name}))
  if (entries.length === 0) {
    const machine = flyMachine(fly, 'app', path)
    if (fly.cmd) entries.push({...base, command: inImage(fly.cmd.text), file: path, line: fly.cmd.line, machine, name: 'app'})
    else if (image?.command) entries.push({...base, command: inRepo(image.command.command, image, files), file: image.file, line: image.command.line, machine, name: 'app'})
    else {
      const why = fly.build.image ? `the prebuilt image ${fly.build.image} ([build] image), which is not in the repository` : fly.build.builder ? `what the buildpacks of ${fly.build.builder} start, which conncalc does not read` : image ? (image.unreadable ?? `${image.file}'s CMD, and it sets none`) : `its Dockerfile's CMD, and ${dockerfile ?? 'Dockerfile'} is not in the repository (fly launch writes one)`
      entries.push({...base, command: fly.build.image ?? dockerfile ?? 'app', file: path, line: 1, machine, name: 'app', unknownWhy: `${path} declares no [processes]: the default group app runs ${why}`})
    }
  }

  const formation: Formation = new Map()
  for (const e of entries) {
    const min = fly.minRunning.get(e.name)
    const redundancy = fly.served.has(e.name) ? `; a first \`fly deploy\` gives a group with a service and no volume 2 Machines (redundancy by default)` : ''
    const why = min && min.value > 1
      ? `${path} does not say how many Machines run ${e.name} (\`fly scale count\` sets it); min_machines_running ${min.value} (${path}:${min.line}) keeps at least that many running, so ${min.value} assumed (say --scale ${e.name}=N)`
      : `${path} does not say how many Machines run ${e.name} (\`fly scale count\` sets it); 1 assumed${redundancy} (say --scale ${e.name}=N)`
    formation.set(e.name, {quantity: sourced(Math.max(1, min?.value ?? 1), assumedOfType(why))})
  }

  // release_command runs once per deploy in a temporary Machine: Heroku's release phase, counted as one.
  if (fly.release) entries.push({...base, command: inImage(fly.release.text), file: path, line: fly.release.line, machine: flyMachine(fly, 'release', path), name: 'release'})
  diagnostics.push({
    code: 'missing-config',
    file: path,
    fix: 'if the app runs on Heroku instead, add its Procfile; CPU-count defaults use each group\'s [[vm]] size (shared-cpu-1x when there is none); --scale NAME=N:SIZE sizes it as a Heroku dyno instead',
    message: `no Procfile: the process types are ${path}'s ${fly.processes.length > 0 ? `[processes] (${fly.processes.map((p) => p.name).join(', ')})` : 'default process group app'}${fly.release ? ' and release = [deploy] release_command' : ''}, run by Fly.io${image ? ` in the image ${image.file} builds` : ''}; ${NO_BUILDPACK}; [env] is their config vars (${FLY_PROCESSES_REF})`,
    severity: 'info',
  })
  return {built: true, diagnostics, entries, file: path, formation, idle: [], platform: FLY_PLATFORM}
}

/**
 * A Railway service's config as code (platform/railway.ts): one process type, `app` (`cron` when it runs on a schedule), that
 * runs deploy.startCommand, else the image's CMD when Railway builds a Dockerfile (build.dockerfilePath, else one in the
 * service's folder: "Railway will always build with a Dockerfile if it finds one"), else the Procfile's web line there (which
 * Railpack and Nixpacks start); preDeployCommand is `release`. Replicas: multiRegionConfig's sum (or numReplicas), else 1,
 * assumed (the dashboard and `railway scale` set them too). A replica's CPU count is not in the file: 8 assumed.
 */
async function railwayApp(files: FileReader, path: string, text: string, chosen?: StageChoice): Promise<ContainerError | ManifestApp> {
  const rw = await parseRailwayConfig(text, path)
  if (rw.error) return {error: `${path}:${rw.error.line}: ${rw.error.message}`, fix: `fix ${path}: Railway cannot read it either (${RAILWAY_REF.config})`}
  const diagnostics: Diagnostic[] = []
  const dir = posix.dirname(path) === '.' ? '' : posix.dirname(path)
  const name = rw.cronSchedule ? 'cron' : 'app'
  const at = (v: {environment?: string; line: number}): string => `${path}:${v.line}${v.environment ? ` (environments.${v.environment})` : ''}`
  for (const u of rw.unread) diagnostics.push({code: 'unknown-config-value', file: path, line: u.line, message: `${path}: cannot read ${u.what}; its replicas are not counted from it`, severity: 'warning'})
  // Paths are from the service's Root Directory: the config's folder when the service is rooted there (an isolated
  // monorepo service), else the repository root, whose config file path the service names (`apps/api/railway.json` with
  // dockerfilePath `apps/api/Dockerfile`). The Root Directory is also the build context.
  const rootOf = (p: string): string => (dir !== '' && files.exists(posix.join(dir, p)) ? dir : files.exists(p) ? '' : dir)
  const context = rw.dockerfilePath ? rootOf(rw.dockerfilePath.value) : files.exists(posix.join(dir, 'Dockerfile')) ? dir : files.exists('Dockerfile') ? '' : undefined
  // "Railway will always build with a Dockerfile if it finds one" (RAILWAY_REF.config).
  const found = context === undefined ? undefined : posix.join(context, rw.dockerfilePath?.value ?? 'Dockerfile')
  const image = found !== undefined && files.exists(found) ? readImage(files, found, chosen, new Map(), diagnostics, context) : undefined
  const inImage = (command: string): string => (image && !image.unreadable ? inRepo(command, image, files) : command)
  const machine = {name: 'replica', nproc: sourced(8, assumedOfType(`a Railway replica's CPU count is set by the plan and the service's limits, not by ${path}; 8 assumed (or --scale ${name}=N:SIZE)`)), platform: {name: RAILWAY_PLATFORM, unit: 'replica'}}
  // Railway sets RAILWAY_ENVIRONMENT_NAME (and the older RAILWAY_ENVIRONMENT) in every deployment to its environment's name:
  // code that asks `=== 'production'` takes that branch there. The name is not in the file: a new project's, assumed.
  const envSource = assumed(`Railway sets RAILWAY_ENVIRONMENT_NAME to the deployment's environment; ${path} does not say which: a new project's, ${RAILWAY_ENVIRONMENT}, assumed (say --env RAILWAY_ENVIRONMENT_NAME=NAME) (${RAILWAY_REF.variables})`)
  const vars = [layer('platform (Railway)', ['RAILWAY_ENVIRONMENT_NAME', 'RAILWAY_ENVIRONMENT'].map((n) => ({name: n, source: envSource, value: RAILWAY_ENVIRONMENT})))]
  const base = {cwd: image?.cwd ?? dir, ...fromImage(image), machine, vars}
  const entries: ContainerEntry[] = []
  if (rw.startCommand) entries.push({...base, command: inImage(rw.startCommand.value), file: path, line: rw.startCommand.line, name})
  else if (image?.command) entries.push({...base, command: inRepo(image.command.command, image, files), file: image.file, line: image.command.line, name})
  else {
    const procfile = files.read(posix.join(dir, 'Procfile'))
    const web = procfile ? parseProcfile(procfile.text, procfile.path).entries.find((e) => e.name === 'web') : undefined
    if (web && found === undefined) entries.push({...base, command: web.command, file: procfile!.path, line: web.line, name})
    else {
      const why = image ? (image.unreadable ?? `${image.file}'s CMD, and it sets none`) : found ? `${found} (build.dockerfilePath), which is not in the app folder (its paths are from the service's Root Directory: if that is the repository's root, pass --root with it)` : 'the start command Railpack detects for the app, which conncalc does not read'
      entries.push({...base, command: found ?? 'app', file: path, line: 1, name, unknownWhy: `${path} sets no deploy.startCommand: the service runs ${why}`})
    }
  }

  const formation: Formation = new Map()
  formation.set(name, {quantity: rw.replicas
    ? sourced(rw.replicas.value, fromFile(path, rw.replicas.line), [fromDefault('each replica runs the start command', RAILWAY_REF.scaling)])
    : sourced(1, assumedOfType(`${path} does not say how many replicas run (the service's settings or \`railway scale\` do); 1, Railway's default, assumed (say --scale ${name}=N)`))})
  if (rw.preDeployCommand) entries.push({...base, command: inImage(rw.preDeployCommand.value), file: path, line: rw.preDeployCommand.line, name: 'release'})
  const read = [rw.startCommand && `deploy.startCommand (${at(rw.startCommand)})`, rw.preDeployCommand && `release = deploy.preDeployCommand (${at(rw.preDeployCommand)})`].filter(Boolean)
  diagnostics.push({
    code: 'missing-config',
    file: path,
    fix: `if the app runs on Heroku instead, add its Procfile; --scale ${name}=N:SIZE sizes it as a Heroku dyno instead`,
    message: `no Procfile: the process type is ${path}'s service, \`${name}\`${read.length > 0 ? `: ${read.join(', ')}` : ''}, run by Railway${image ? ` in the image ${image.file} builds` : ''}${rw.overrides.length > 0 ? `; its environments.${rw.overrides.join(', ')} overrides are read (a new project's environment)` : ''}; ${NO_BUILDPACK}; Railway's service variables are set in its dashboard, not read; RAILWAY_ENVIRONMENT_NAME is taken as ${RAILWAY_ENVIRONMENT} (${RAILWAY_REF.config})`,
    severity: 'info',
  })
  return {built: true, diagnostics, entries, file: path, formation, idle: [], platform: RAILWAY_PLATFORM}
}

/**
 * The Dockerfile fly deploy builds: [build] dockerfile, else `Dockerfile` beside the config, else the working directory's
 * (the root's). The configured path is joined to the config's folder with Go's filepath.Join, which keeps a leading `/`
 * below it (flyctl internal/command/deploy/deploy_build.go resolveDockerfilePath): `dockerfile = "/other/Dockerfile"` in
 * the root's fly.toml is other/Dockerfile (epicweb-dev/epic-stack).
 */
function flyDockerfile(files: FileReader, dir: string, configured: string | undefined): string {
  if (configured !== undefined) return posix.join(dir, configured.replace(/^\/+/, ''))
  const beside = posix.join(dir, 'Dockerfile')
  return dir === '' || files.exists(beside) || !files.exists('Dockerfile') ? beside : 'Dockerfile'
}

/**
 * The CPU count a group's Machines have: `[[vm]] cpus`, else its preset `size` (shared-cpu-Nx,
 * performance-Nx: N vCPUs), else, with no [[vm]], Fly's default for a new app, shared-cpu-1x (assumed:
 * `fly deploy` keeps an existing Machine's size).
 */
function flyMachine(fly: FlyToml, group: string, path: string): NonNullable<ContainerEntry['machine']> {
  const vm = flyVmOf(fly, group)
  if (vm?.cpus) return {name: vm.size?.value ?? `${vm.cpus.value}-vCPU`, platform: FLY_MACHINE, nproc: sourced(vm.cpus.value, fromFile(path, vm.cpus.line))}
  if (vm?.size) {
    const n = flyPresetCpus(vm.size.value)
    if (n !== undefined) return {name: vm.size.value, platform: FLY_MACHINE, nproc: sourced(n, fromFile(path, vm.size.line), [fromDefault(`a ${vm.size.value} Machine has ${n} vCPU${n === 1 ? '' : 's'}`, FLY_SIZES_REF)])}
    return {name: vm.size.value, platform: FLY_MACHINE, nproc: sourced(8, assumedOfType(`${path}:${vm.size.line}: Machine size "${vm.size.value}" is not a shared-cpu-Nx or performance-Nx preset conncalc reads; 8 CPUs assumed (say cpus = N in [[vm]], or --scale ${group}=N:SIZE)`))}
  }

  return {name: 'shared-cpu-1x', platform: FLY_MACHINE, nproc: sourced(1, assumedOfType(`${path} has no [[vm]] for ${group}: a new app's Machines are shared-cpu-1x (1 vCPU), assumed (\`fly deploy\` keeps an existing Machine's size; ${FLY_VM_REF})`))}
}

/**
 * The CPUs and memory of a service's instance type (render.yaml `plan`, RENDER_INSTANCES_REF). Render
 * gives a share of CPU; what a process that counts CPUs (nproc, os.cpus(), cpu_count()) sees inside the
 * instance is not documented, so the count is the share rounded up to whole CPUs, assumed. No plan:
 * the smallest types (free, starter: 512 MB, under 1 CPU), 1 assumed; a type conncalc does not know: 8.
 */
function renderMachine(s: RenderService, path: string): NonNullable<ContainerEntry['machine']> {
  if (!s.plan) {
    return {name: 'starter', platform: RENDER_INSTANCE, nproc: sourced(1, assumedOfType(`${path} sets no plan for ${s.name}: its instance type is set in Render's dashboard or is the smallest (free or starter: 512 MB, under 1 CPU); 1 CPU assumed (say plan: in ${path}, or --scale ${s.name}=N:SIZE)`))}
  }

  const type = renderInstanceType(s.plan.value)
  if (!type) {
    return {name: s.plan.value, platform: RENDER_INSTANCE, nproc: sourced(8, assumedOfType(`${path}:${s.plan.line}: instance type "${s.plan.value}" is not one conncalc knows (free, starter, standard, pro, pro plus, pro max, pro ultra); 8 CPUs assumed (or --scale ${s.name}=N:SIZE)`))}
  }

  const cpus = Math.max(1, Math.ceil(type.cpu))
  const spec = `Render's ${type.name} instance type has ${type.cpu} CPU and ${type.memoryMb >= 1024 ? `${type.memoryMb / 1024} GB` : `${type.memoryMb} MB`}`
  const at = fromFile(path, s.plan.line)
  return {
    memoryMb: sourced(type.memoryMb, at, [fromDefault(spec, RENDER_INSTANCES_REF)]),
    name: type.name,
    platform: RENDER_INSTANCE,
    nproc: sourced(cpus, assumedOfType(`${path}:${s.plan.line}: ${spec}; what a process counting CPUs sees in it is not documented: ${cpus} assumed (the share${type.cpu === cpus ? '' : ' rounded up'})`), [at, fromDefault(spec, RENDER_INSTANCES_REF)]),
  }
}
