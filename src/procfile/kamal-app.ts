/**
 * The process types of a Kamal deploy (platform/kamal.ts): one per role of `servers:`, each running its `cmd:` (after the
 * image's exec-form ENTRYPOINT) or else the image's command, in the image the config's builder builds, with the config's
 * clear env as config vars and its secrets named as set by the deployer; as many as the role has hosts (one container
 * of each role per host). A host's CPU count is not in the file: 8 assumed. Loaded with import() by
 * procfile/platform-manifest.ts only for a Kamal config, so none of this is in a plain run's start-up (issue 19). The image
 * readers come from the caller: a static import of container.ts here would make the bundle wrap it and the modules it
 * imports in init functions of their own, each a top-level name of dist/cli.cjs (test/e2e/lazy-analyzers).
 */
import {posix} from 'node:path'

import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvLayer} from '../model/env.js'
import type {FileReader} from '../model/files.js'
import type {Formation} from '../model/formation.js'
import type {ContainerApp, ContainerEntry, ContainerError, StageChoice} from './container.js'
import type {fromImage, inRepo, readImage} from './container.js'
import type {withEntrypoint} from './dockerfile.js'

import {layer} from '../model/env.js'
import {assumed, assumedOfType, fromDefault, fromFile, sourced} from '../model/source.js'
import {isKamalTemplate, KAMAL_REF, looksLikeKamalConfig, parseKamalConfig} from '../platform/kamal.js'

export const KAMAL_PLATFORM = 'Kamal'

/** A destination's file (`config/deploy.production.yml`, read by `kamal deploy -d production`): the base config beside it. */
export function kamalBaseOf(files: FileReader, path: string): string | undefined {
  const m = /^(.*?)\.[\w-]+\.(ya?ml)$/.exec(path)
  if (!m) return undefined
  const base = `${m[1]}.${m[2]}`
  const text = files.read(base)?.text
  // Kamal deep-merges the destination over the base before it checks either (configuration.rb load_config_files), so the
  // base may hold only the shared keys (service, image, registry; or `--- {}`) and the destination the servers.
  return text !== undefined && looksLikeKamalConfig(`${text}\n${files.read(path)?.text ?? ''}`) ? base : undefined
}

/** Whether `path` is a Kamal config, or a destination file over one, or a base config whose destinations complete it. */
export function isKamalConfig(files: FileReader, path: string, text: string): boolean {
  return looksLikeKamalConfig(text) || kamalBaseOf(files, path) !== undefined || kamalDeployFile(files, path)?.destination !== undefined
}

/** Other environments' destinations (their own app and database): read only when no other is there. */
const OTHER_ENVIRONMENT = /^(?:staging|stage|stg|dev|development|test|testing|review|preview|qa|sandbox|demo|beta)$/i

/**
 * The Kamal config `kamal deploy` reads for the app, from its base `config/deploy.yml`: the base alone when it is a whole
 * config (service and servers) that does not say `require_destination: true` (Kamal then refuses to deploy without -d,
 * "You must specify a destination": configuration.rb ensure_destination_if_required); else a destination,
 * config/deploy.NAME.yml (`kamal deploy -d NAME` deep-merges it over the base), that completes it: the only one, or
 * production/prod, or the first that is not another environment's (staging, review…), or the first. `others`: the
 * destinations not read. Undefined when neither the base nor any destination makes a Kamal config.
 */
export function kamalDeployFile(files: FileReader, base: string): undefined | {destination?: string; others: string[]; read: string; why?: string} {
  const text = files.read(base)?.text
  const m = /^(.*\/)?([^/]+)\.(ya?ml)$/.exec(base)
  if (text === undefined || !m) return undefined
  const dir = (m[1] ?? '').replace(/\/$/, '')
  // deploy.NAME.yml beside deploy.yml: NAME is the destination (configuration.rb destination_config_file, sub_ext).
  const nameOf = (n: string): string | undefined => (n.startsWith(`${m[2]}.`) ? /^([\w-]+)\.ya?ml$/.exec(n.slice(m[2].length + 1))?.[1] : undefined)
  const destinations = files
    .list(dir)
    .filter((n) => nameOf(n) !== undefined && !/^(?:example|sample|template|dist|tpl|local)$/i.test(nameOf(n)!))
    .map((n) => (dir === '' ? n : `${dir}/${n}`))
    .filter((p) => looksLikeKamalConfig(`${text}\n${files.read(p)?.text ?? ''}`))
    .sort()
  if (looksLikeKamalConfig(text) && !/^require_destination[ \t]*:[ \t]*true\b/m.test(text)) return {others: destinations, read: base}
  if (destinations.length === 0) return undefined
  const name = (p: string): string => nameOf(posix.basename(p)) ?? ''
  const read = destinations.find((p) => /^(?:production|prod)$/i.test(name(p))) ?? destinations.find((p) => !OTHER_ENVIRONMENT.test(name(p))) ?? destinations[0]
  return {destination: read, others: destinations.filter((p) => p !== read), read, why: looksLikeKamalConfig(text) ? 'says `require_destination: true`' : 'sets no servers'}
}

/**
 * The Kamal config the app deploys with (kamalDeployFile), when it is a deployment, not the generator's unedited template
 * (kamal.ts isKamalTemplate; the generator writes no destination files).
 */
export function deployedKamalConfig(files: FileReader, path = 'config/deploy.yml'): ReturnType<typeof kamalDeployFile> {
  const found = kamalDeployFile(files, path)
  return found && (found.destination !== undefined || !isKamalTemplate(files.read(path)!.text)) ? found : undefined
}

/** The CPUs a `--cpuset-cpus` list names (`0-3,6`: 5); undefined when it is not such a list. */
function cpusetCount(list: string): number | undefined {
  const cpus = new Set<number>()
  for (const part of list.replaceAll(/["'\s]/g, '').split(',')) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part)
    if (!m) return undefined
    const [from, to] = [Number(m[1]), Number(m[2] ?? m[1])]
    if (to < from || to - from > 4096) return undefined
    for (let c = from; c <= to; c++) cpus.add(c)
  }

  return cpus.size > 0 ? cpus.size : undefined
}

/** What kamalApp reads images with (procfile/container.ts, dockerfile.ts), and the sentence every platform's info line says. */
export interface ImageTools {
  fromImage: typeof fromImage
  inRepo: typeof inRepo
  noBuildpack: string
  readImage: typeof readImage
  withEntrypoint: typeof withEntrypoint
}

export function kamalApp(files: FileReader, path: string, text: string, tools: ImageTools, chosen?: StageChoice): ContainerError | (ContainerApp & {formation: Formation}) {
  const {fromImage, inRepo, noBuildpack, readImage, withEntrypoint} = tools
  const diagnostics: Diagnostic[] = []
  // The base config named, when it cannot deploy alone (no servers, or `require_destination: true`): a destination over it.
  const chosenFile = kamalBaseOf(files, path) === undefined ? kamalDeployFile(files, path) : undefined
  if (chosenFile?.destination) {
    const read = chosenFile.destination
    diagnostics.push({code: 'missing-config', file: path, fix: `to count another destination, pass --procfile ${chosenFile.others[0] ?? read}`, message: `${path} ${chosenFile.why}, so \`kamal deploy\` needs a destination (-d NAME): ${read} is read over it${chosenFile.others.length > 0 ? `; ${chosenFile.others.join(', ')} ${chosenFile.others.length === 1 ? 'is another destination' : 'are other destinations'}, not read` : ''}`, severity: 'info'})
  }

  const named = chosenFile?.destination ? {path: chosenFile.destination, text: files.read(chosenFile.destination)!.text} : {path, text}
  const basePath = kamalBaseOf(files, named.path)
  const base = basePath ? {path: basePath, text: files.read(basePath)!.text} : named
  const k = parseKamalConfig(base, basePath ? named : undefined)
  if (k.error) return {error: `${k.error.file}:${k.error.line}: ${k.error.message}`, fix: `fix ${k.error.file}: kamal deploy cannot read it either (${KAMAL_REF.config})`}
  diagnostics.push(...k.diagnostics)
  // `kamal deploy` runs from the app's folder, the one above config/ (`-c config/deploy.yml`); the Dockerfile and the build
  // context are from there (the default context is a clone of the repository).
  const dir = posix.dirname(base.path)
  const root = posix.basename(dir) === 'config' ? posix.dirname(dir).replace(/^\.$/, '') : ''
  const context = k.builder.context ? posix.normalize(posix.join(root, k.builder.context.value)).replace(/^\.$|\/$/g, '') : root
  const dockerfile = posix.join(root, k.builder.dockerfile?.value ?? 'Dockerfile')
  const args = new Map(k.builder.args.map((a) => [a.name, a]))
  const image = files.exists(dockerfile) ? readImage(files, dockerfile, k.builder.target?.value ?? chosen, args, diagnostics, context.startsWith('..') ? undefined : context) : undefined
  const stage = image && !image.unreadable ? image.stage : undefined
  const entries: ContainerEntry[] = []
  const formation: Formation = new Map()
  const secrets = new Set<string>()
  // Each PostgreSQL accessory is reachable from the app's containers at its container name, `<service>-<name>`, on the
  // network Kamal puts them all on (kamal configuration/accessory.rb service_name; https://kamal-deploy.org/docs/configuration/accessories/).
  const ownPostgres = k.service === undefined ? [] : k.postgres.map((db) => ({host: `${k.service}-${db.name}`, why: `accessory ${db.name} (${db.file}:${db.line}) runs ${db.image}, reachable as ${k.service}-${db.name} on Kamal's network`}))
  for (const role of k.roles) {
    // `--cpuset-cpus 0-1` pins the container to those CPUs, which is the count programs read (sched_getaffinity: nproc,
    // Etc.nprocessors, os.cpu_count); `--cpus 2` is a CFS quota of CPU time, which they do not read.
    const pinned = role.cpuset ? cpusetCount(role.cpuset.value) : undefined
    const quota = role.cpus ? `; its options cpus ${role.cpus.value} (${role.cpus.file}:${role.cpus.line}, docker run --cpus) caps CPU time, not the CPU count programs read (Etc.nprocessors, os.cpu_count follow the CPUs the container may run on)` : ''
    const nproc = pinned !== undefined && role.cpuset
      ? sourced(pinned, fromFile(role.cpuset.file, role.cpuset.line), [fromDefault(`docker run --cpuset-cpus ${role.cpuset.value} lets the container run on ${pinned} CPU${pinned === 1 ? '' : 's'}, the count programs read`, 'https://docs.docker.com/engine/containers/resource_constraints/#cpu')])
      : sourced(8, assumedOfType(`a Kamal host's CPU count is its server's, which ${base.path} does not say; 8 assumed (or --scale ${role.name}=N:SIZE)${quota}`))
    const machine = {name: 'host', nproc, platform: {name: KAMAL_PLATFORM, unit: 'host'}}
    const vars: EnvLayer[] = []
    if (role.env.length > 0 || role.secrets.length > 0) {
      const deployerSets = new Map(role.secrets.map((s) => [s, assumed(`${s} is one of ${base.path}'s env secrets: Kamal sets it from .kamal/secrets, whose value is not in the repository; a fallback the code takes for it is assumed (give it with --env ${s}=…)`)]))
      vars.push({...layer(`${base.path} ${role.name} env`, role.env), ...(deployerSets.size > 0 ? {deployerSets} : {})})
    }

    for (const s of role.secrets) secrets.add(s)
    for (const note of role.notes) diagnostics.push({code: 'missing-config', file: role.file, line: role.line, message: `${role.name}: ${note}`, processType: role.name, severity: 'info'})
    if (role.envUnknown.length > 0) diagnostics.push({code: 'unknown-config-value', file: role.file, line: role.line, message: `${role.name}: env ${role.envUnknown.join(', ')} ${role.envUnknown.length === 1 ? 'is' : 'are'} ERB that Kamal renders (\`<%= … %>\`): not known here`, processType: role.name, severity: 'info'})
    const entryBase = {cwd: image?.cwd ?? root, machine, name: role.name, ...fromImage(image), ...(vars.length > 0 ? {vars} : {}), ...(ownPostgres.length > 0 ? {ownPostgres} : {})}
    if (role.cmd) {
      // `docker run … IMAGE CMD`: the image's exec-form ENTRYPOINT takes the role's cmd as its arguments.
      const run = stage ? withEntrypoint(stage, role.cmd.value) : {command: role.cmd.value}
      if (run.ignored && image) diagnostics.push({code: 'missing-config', file: image.file, ...(run.line ? {line: run.line} : {}), message: `${role.name}: ${image.file}'s ENTRYPOINT is in shell form, so it ignores the role's cmd and runs alone: \`${run.command}\` is counted`, processType: role.name, severity: 'warning'})
      entries.push({...entryBase, command: image && !image.unreadable ? inRepo(run.command, image, files) : run.command, file: role.cmd.file, line: role.cmd.line, ...(/<%/.test(role.cmd.value) ? {unknownWhy: `${role.name}'s cmd is ERB that Kamal renders`} : {})})
    } else if (image?.command && !image.unreadable) {
      entries.push({...entryBase, command: inRepo(image.command.command, image, files), file: image.file, line: image.command.line})
    } else {
      const why = image ? (image.unreadable ?? `${image.file}'s CMD, and it sets none`) : `the image ${dockerfile} builds, and it is not in the repository`
      entries.push({...entryBase, command: k.image ?? dockerfile, file: role.file, line: role.line, unknownWhy: `${role.name} has no cmd in ${base.path}: it runs ${why}`})
    }

    formation.set(role.name, {quantity: role.hosts > 0
      ? sourced(role.hosts, fromFile(role.file, role.line), [fromDefault(`Kamal runs one container of the ${role.name} role on each host the role lists`, KAMAL_REF.source)])
      : sourced(1, assumedOfType(`${role.file}:${role.line}: the ${role.name} role lists no host (Kamal refuses that: "No servers specified for the ${role.name} role"); 1 assumed (say --scale ${role.name}=N)`))})
  }

  // A PostgreSQL the deploy runs itself (`accessories: db: image: postgres:16`): its limit is that server's max_connections,
  // not a Heroku plan's. PostgreSQL's default is 100 (https://www.postgresql.org/docs/current/runtime-config-connection.html),
  // 3 of them superuser_reserved_connections; the official image's initdb keeps it unless `-c max_connections=N` is given.
  for (const db of k.postgres) {
    const max = db.maxConnections ? `${db.maxConnections.value}, its cmd's max_connections (${db.maxConnections.file}:${db.maxConnections.line})` : "100, PostgreSQL's default max_connections (its cmd sets none)"
    diagnostics.push({
      code: 'missing-config',
      file: db.file,
      fix: `if DATABASE_URL points at it, pass --limit ${db.maxConnections?.value ?? 100} (less 3 superuser_reserved_connections when the app's role is not a superuser) instead of --plan`,
      line: db.line,
      message: `accessory ${db.name} runs ${db.image}${db.host ? ` on ${db.host}` : ''}, a PostgreSQL server Kamal runs itself: if the app's database is this one, the limit is ${max}, not a Heroku plan's (https://www.postgresql.org/docs/current/runtime-config-connection.html)`,
      severity: 'info',
    })
  }

  diagnostics.push({
    code: 'missing-config',
    file: base.path,
    fix: `if the app runs on Heroku instead, add its Procfile; CPU-count defaults take each host as 8 CPUs: --scale NAME=N:SIZE sizes it as a Heroku dyno instead`,
    message: `the process types are ${basePath ? `${base.path} with ${named.path} over it (\`kamal deploy -d ${/\.([\w-]+)\.ya?ml$/.exec(named.path)?.[1] ?? '…'}\`)` : base.path}'s roles (${k.roles.map((r) => `${r.name} × ${r.hosts} host${r.hosts === 1 ? '' : 's'}`).join(', ')}), run by Kamal${image && !image.unreadable ? ` in the image ${image.file} builds` : ''}; ${noBuildpack}; env clear is their config vars${secrets.size > 0 ? `; env secret ${[...secrets].join(', ')} ${secrets.size === 1 ? 'is' : 'are'} set from .kamal/secrets, not read` : ''} (${KAMAL_REF.roles}, ${KAMAL_REF.env})`,
    severity: 'info',
  })
  return {built: true, diagnostics, entries, file: base.path, formation, idle: [], platform: KAMAL_PLATFORM}
}
