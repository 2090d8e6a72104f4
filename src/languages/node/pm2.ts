/**
 * pm2 ecosystem files (`pm2-runtime start ecosystem.config.js`, `process.yml`,
 * `ecosystem.config.json`): each app's `script` is an entry, and its
 * `instances` are processes in the dyno (a number, or `max` / 0 / -1 for one
 * per CPU; 1 when absent). pm2-runtime runs every app of the file in the same
 * dyno; each app's processes open that app's own pools.
 */
import type {EvalValue, KnownValue} from '../python/values.js'
import type {Diagnostic} from '../../model/diagnostic.js'
import type {FileReader} from '../../model/files.js'
import type {Sourced} from '../../model/source.js'
import type {NodeProject} from './project.js'

import {fromDefault, fromFile, sourced} from '../../model/source.js'
import {unreadFallback} from '../common/setting.js'
import {pyCandidate} from '../python/candidate.js'
import {asString, entry, isDict} from '../python/evaluate.js'
import {parseYaml, type YamlPath} from '../../util/yaml.js'
import {append} from '../../util/arrays.js'

const PM2 = 'https://pm2.keymetrics.io/docs/usage/application-declaration/'

export const isEcosystemFile = (file: string): boolean => /(^|\/)(ecosystem[^/]*|pm2[^/]*|process)\.(config\.)?([cm]?js|json|ya?ml)$/.test(file)

export interface Pm2App {
  /** `args` for the script, split on spaces (pm2 accepts a string or a list). */
  args?: string[]
  /** `cwd`: the folder pm2 starts the app in; its `script` (and a `node` script's file) are resolved from there. */
  cwd?: string
  instances: Sourced<number> | 'per-cpu'
  line: number
  name?: string
  script?: string
}

export interface Pm2Apps {
  apps: Pm2App[]
  diagnostics: Diagnostic[]
}

function instances(v: EvalValue | undefined, file: string, line: number, diagnostics: Diagnostic[]): Sourced<number> | 'per-cpu' {
  if (!v) return sourced(1, fromFile(file, line), [fromDefault('pm2 runs 1 instance when `instances` is not set', PM2)])
  const s = asString(v)
  if (s === 'max' || (v.kind === 'known' && (v.value === 0 || v.value === -1 || v.value === '0' || v.value === '-1'))) return 'per-cpu'
  const got = pyCandidate(v, 'pm2 instances')
  append(diagnostics, got.diagnostics)
  return got.value ?? unreadFallback(got.diagnostics, sourced(1, fromFile(file, line), [fromDefault('pm2 runs 1 instance when `instances` is not set', PM2)]))
}

/** A YAML document as evaluated values (objects are dicts), each at the line it was written on. */
function yamlValue(v: unknown, file: string, path: YamlPath, lineOf: (p: YamlPath) => number | undefined): EvalValue {
  const line = lineOf(path) ?? 1
  const known = (value: KnownValue['value']): EvalValue => ({file, kind: 'known', line, value, via: []})
  if (Array.isArray(v)) return known({items: v.map((x, i) => yamlValue(x, file, [...path, i], lineOf)), kind: 'list'})
  if (typeof v === 'object' && v !== null) return known({entries: new Map(Object.entries(v).map(([k, x]) => [k, yamlValue(x, file, [...path, k], lineOf)])), kind: 'dict'})
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null) return known(v)
  return {file, kind: 'unknown', line, reason: 'not a plain YAML value'}
}

/** The file's top-level value: `module.exports` / `export default` for JS and JSON, the document for YAML. */
async function ecosystemValue(project: NodeProject, files: FileReader, file: string, diagnostics: Diagnostic[]): Promise<EvalValue | undefined> {
  if (/\.ya?ml$/.test(file)) {
    const text = files.read(file)?.text
    if (text === undefined) return undefined
    const doc = parseYaml(text, file)
    append(diagnostics, doc.diagnostics)
    return doc.value === undefined ? undefined : yamlValue(doc.value, file, [], doc.lineOf)
  }

  const m = await project.load(file)
  return m?.parsed ? m.exports.get('default') : undefined
}

function argsOf(v: EvalValue | undefined): {args?: string[]} {
  const s = asString(v)
  if (s !== undefined) return {args: s.split(/\s+/).filter(Boolean)}
  const items = v?.kind === 'known' && typeof v.value === 'object' && v.value?.kind === 'list' ? v.value.items.map((i) => asString(i)) : undefined
  return items?.every((i) => i !== undefined) ? {args: items as string[]} : {}
}

export async function pm2Apps(project: NodeProject, files: FileReader, file: string): Promise<Pm2Apps> {
  const diagnostics: Diagnostic[] = []
  const exported = await ecosystemValue(project, files, file, diagnostics)
  // `{apps: [...]}`, or (JSON/YAML process files) the list of apps itself.
  const list = isDict(exported) ? entry(exported, 'apps') : exported
  const items = list?.kind === 'known' && typeof list.value === 'object' && list.value?.kind === 'list' ? list.value.items : undefined
  if (!items) {
    diagnostics.push({code: 'unknown-config-value', file, line: exported?.line ?? 1, message: `${file}: no \`apps\` list conncalc can read; 1 process assumed`, severity: 'warning'})
    return {apps: [], diagnostics}
  }

  const apps = items
    .filter((a) => isDict(a))
    .map((a) => {
      const cwd = asString(entry(a, 'cwd'))
      return {...(cwd === undefined ? {} : {cwd}), instances: instances(entry(a, 'instances'), file, a.line, diagnostics), line: a.line, name: asString(entry(a, 'name')), script: asString(entry(a, 'script')), ...argsOf(entry(a, 'args'))}
    })
  return {apps, diagnostics}
}
