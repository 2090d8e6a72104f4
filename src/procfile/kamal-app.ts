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
  return text !== undefined && looksLikeKamalConfig(text) ? base : undefined
}

/** Whether `path` is a Kamal config, or a destination file over one. */
export function isKamalConfig(files: FileReader, path: string, text: string): boolean {
  return looksLikeKamalConfig(text) || kamalBaseOf(files, path) !== undefined
}

/** A Kamal config that is a deployment, not the generator's unedited template (kamal.ts isKamalTemplate). */
export function deployedKamalConfig(files: FileReader, path = 'config/deploy.yml'): boolean {
  const text = files.read(path)?.text
  return text !== undefined && looksLikeKamalConfig(text) && !isKamalTemplate(text)
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
  const basePath = looksLikeKamalConfig(text) ? undefined : kamalBaseOf(files, path)
  const base = basePath ? {path: basePath, text: files.read(basePath)!.text} : {path, text}
  const k = parseKamalConfig(base, basePath ? {path, text} : undefined)
  if (k.error) return {error: `${k.error.file}:${k.error.line}: ${k.error.message}`, fix: `fix ${k.error.file}: kamal deploy cannot read it either (${KAMAL_REF.config})`}
  const diagnostics: Diagnostic[] = [...k.diagnostics]
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
  for (const role of k.roles) {
    const machine = {name: 'host', nproc: sourced(8, assumedOfType(`a Kamal host's CPU count is its server's, which ${base.path} does not say; 8 assumed (or --scale ${role.name}=N:SIZE)`)), platform: {name: KAMAL_PLATFORM, unit: 'host'}}
    const vars: EnvLayer[] = []
    if (role.env.length > 0 || role.secrets.length > 0) {
      const deployerSets = new Map(role.secrets.map((s) => [s, assumed(`${s} is one of ${base.path}'s env secrets: Kamal sets it from .kamal/secrets, whose value is not in the repository; a fallback the code takes for it is assumed (give it with --env ${s}=…)`)]))
      vars.push({...layer(`${base.path} ${role.name} env`, role.env), ...(deployerSets.size > 0 ? {deployerSets} : {})})
    }

    for (const s of role.secrets) secrets.add(s)
    for (const note of role.notes) diagnostics.push({code: 'missing-config', file: role.file, line: role.line, message: `${role.name}: ${note}`, processType: role.name, severity: 'info'})
    if (role.envUnknown.length > 0) diagnostics.push({code: 'unknown-config-value', file: role.file, line: role.line, message: `${role.name}: env ${role.envUnknown.join(', ')} ${role.envUnknown.length === 1 ? 'is' : 'are'} ERB that Kamal renders (\`<%= … %>\`): not known here`, processType: role.name, severity: 'info'})
    const entryBase = {cwd: image?.cwd ?? root, machine, name: role.name, ...fromImage(image), ...(vars.length > 0 ? {vars} : {})}
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

  diagnostics.push({
    code: 'missing-config',
    file: base.path,
    fix: `if the app runs on Heroku instead, add its Procfile; CPU-count defaults take each host as 8 CPUs: --scale NAME=N:SIZE sizes it as a Heroku dyno instead`,
    message: `the process types are ${basePath ? `${base.path} with ${path} over it (\`kamal deploy -d …\`)` : base.path}'s roles (${k.roles.map((r) => `${r.name} × ${r.hosts} host${r.hosts === 1 ? '' : 's'}`).join(', ')}), run by Kamal${image && !image.unreadable ? ` in the image ${image.file} builds` : ''}; ${noBuildpack}; env clear is their config vars${secrets.size > 0 ? `; env secret ${[...secrets].join(', ')} ${secrets.size === 1 ? 'is' : 'are'} set from .kamal/secrets, not read` : ''} (${KAMAL_REF.roles}, ${KAMAL_REF.env})`,
    severity: 'info',
  })
  return {built: true, diagnostics, entries, file: base.path, formation, idle: [], platform: KAMAL_PLATFORM}
}
