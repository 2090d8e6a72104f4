/**
 * pm2 ecosystem files (`pm2-runtime start ecosystem.config.js`): each app's
 * `script` is an entry, and its `instances` are processes in the dyno
 * (a number, or `max` / 0 / -1 for one per CPU; 1 when absent). pm2-runtime
 * runs every app of the file in the same dyno, so their instances add up.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {Sourced} from '../model/source.js'
import type {NodeProject} from './project.js'

import {fromDefault, fromFile, sourced} from '../model/source.js'
import {pyCandidate} from '../python/candidate.js'
import {asString, entry, type EvalValue, isDict} from '../python/evaluate.js'

const PM2 = 'https://pm2.keymetrics.io/docs/usage/application-declaration/'

export const isEcosystemFile = (file: string): boolean => /(^|\/)(ecosystem[^/]*|pm2[^/]*|process)\.(config\.)?[cm]?js$/.test(file)

export interface Pm2Apps {
  /** Instance count per app, summed by the caller; undefined `perCpu` means a number was read. */
  apps: {instances: Sourced<number> | 'per-cpu'; script?: string}[]
  diagnostics: Diagnostic[]
}

function instances(v: EvalValue | undefined, file: string, line: number, diagnostics: Diagnostic[]): Sourced<number> | 'per-cpu' {
  if (!v) return sourced(1, fromFile(file, line), [fromDefault('pm2 runs 1 instance when `instances` is not set', PM2)])
  const s = asString(v)
  if (s === 'max' || (v.kind === 'known' && (v.value === 0 || v.value === -1 || v.value === '0' || v.value === '-1'))) return 'per-cpu'
  const got = pyCandidate(v, 'pm2 instances')
  diagnostics.push(...got.diagnostics)
  return got.value ?? sourced(1, fromFile(file, line), [fromDefault('pm2 runs 1 instance when `instances` cannot be read', PM2)])
}

export async function pm2Apps(project: NodeProject, file: string): Promise<Pm2Apps> {
  const diagnostics: Diagnostic[] = []
  const m = await project.load(file)
  if (!m?.parsed) return {apps: [], diagnostics}
  const exported = m.exports.get('default')
  const list = entry(exported, 'apps')
  const items = list?.kind === 'known' && typeof list.value === 'object' && list.value?.kind === 'list' ? list.value.items : undefined
  if (!items) {
    diagnostics.push({code: 'unknown-config-value', file, line: exported?.line ?? 1, message: `${file}: no \`apps\` list conncalc can read; 1 process assumed`, severity: 'warning'})
    return {apps: [], diagnostics}
  }

  const apps = items.filter((a) => isDict(a)).map((a) => ({instances: instances(entry(a, 'instances'), file, a.line, diagnostics), script: asString(entry(a, 'script'))}))
  return {apps, diagnostics}
}
