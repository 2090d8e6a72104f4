/**
 * Dokku's DOKKU_SCALE file: the app root's `TYPE=COUNT` lines (`web=1`, `worker=2`; `#` comments), which
 * Dokku reads on every deploy to set how many containers of each Procfile type run, over `ps:scale`.
 * Read by Dokku 0.3.14 to 0.29.x; deprecated in 0.25.0 and removed in 0.30.0 in favour of app.json's
 * `formation` (https://dokku.com/docs/appendices/0.30.0-migration-guide; the file:
 * https://dokku.com/docs~v0.5.8/process-management). Dokku runs the counts the file gives; a Procfile type it
 * does not list runs no container (the file Dokku writes when there is none gives web 1 and every other
 * type 0: dokku/dokku plugins/ps generateScalefile).
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {Formation} from '../model/formation.js'

import {fromDefault, fromFile, sourced} from '../model/source.js'
import {MAX_DYNOS} from './formation.js'

export const DOKKU_SCALE_REF = 'https://dokku.com/docs~v0.5.8/process-management'

/**
 * DOKKU_SCALE beside an app.json `formation` object: every Dokku that reads app.json formation (0.25 and later)
 * ignores DOKKU_SCALE then, and scales exactly the types formation gives a quantity, every other Procfile type
 * (web too) to 0, manual `ps:scale` refused. dokku/dokku@v0.29.0 plugins/app-json/functions.go injectDokkuScale:
 *   if appJSON.Formation == nil { …inject DOKKU_SCALE… } else { LogWarn("Deprecated: DOKKU_SCALE ignored in favor of 'formation' key in the app.json"); return nil }
 * setScale: ps-set-scale with clearExisting=true and the formation's quantities (none: ps-can-scale true);
 * plugins/ps/functions.go updateScale: each Procfile type not in the updates gets Quantity 0 (same at v0.38).
 */
export const DOKKU_FORMATION_REF = 'https://github.com/dokku/dokku/blob/v0.29.0/plugins/app-json/functions.go'

/** What Dokku 0.25+ does with DOKKU_SCALE when app.json has a formation object: said, and the counts it gives. */
export function dokkuScaleBesideFormation(
  scalePath: string,
  appJsonAt: {file: string; line: number},
  formation: Formation,
  types: readonly string[],
): {diagnostic: Diagnostic; zero: Formation} {
  // A type whose quantity app.json does not give is in the map with an assumed count: not listed for Dokku.
  const listed = [...formation].filter(([, v]) => v.quantity?.source.kind === 'file').map(([k]) => k)
  const zero: Formation = new Map()
  if (listed.length > 0) {
    for (const t of types) {
      if (t === 'release' || listed.includes(t)) continue
      zero.set(t, {quantity: sourced(0, fromDefault(`Dokku scales only the types ${appJsonAt.file} formation gives a quantity (${listed.join(', ')}); ${t} gets 0 containers`, DOKKU_FORMATION_REF), [fromFile(appJsonAt.file, appJsonAt.line)])})
    }
  }

  const unlisted = [...zero.keys()]
  return {
    diagnostic: {
      code: 'missing-config',
      file: scalePath,
      fix: listed.length > 0 ? 'on Dokku before 0.25 (no app.json formation), pass DOKKU_SCALE\'s counts with --scale' : 'say the counts `ps:scale` set with --scale',
      message: `${scalePath} is not used: ${appJsonAt.file}:${appJsonAt.line} has a formation, and Dokku 0.25 and later then ignore DOKKU_SCALE${listed.length > 0 ? ` and run only the types it lists${unlisted.length > 0 ? ` (${unlisted.join(', ')}: 0)` : ''}` : ''}; Dokku before 0.25 read DOKKU_SCALE and not formation (${DOKKU_FORMATION_REF})`,
      // web (or a type DOKKU_SCALE runs) left at 0 is likely not what was meant: a warning.
      severity: zero.size > 0 ? 'warning' : 'info',
    },
    zero,
  }
}

/**
 * The formation DOKKU_SCALE gives: each listed type's count at its line, and 0 for each of `types` (the
 * Procfile's, release aside) it does not list. A line that is not `TYPE=COUNT` is said and not used; its
 * type is left out (the caller's assumption stands).
 */
export function parseDokkuScale(text: string, types: readonly string[], path = 'DOKKU_SCALE'): {diagnostics: Diagnostic[]; formation: Formation} {
  const diagnostics: Diagnostic[] = []
  const formation: Formation = new Map()
  const lines = text.split(/\r\n?|\n/)
  // Types whose line could not be read: not "unlisted", so they keep conncalc's assumption, not 0.
  const unread = new Set<string>()
  for (const [i, raw] of lines.entries()) {
    const line = raw.replace(/\s#.*$/, '').trim()
    if (line === '' || line.startsWith('#')) continue
    const m = /^([\w-]+)\s*=\s*(\d+)$/.exec(line)
    if (!m || Number(m[2]) > MAX_DYNOS) {
      diagnostics.push({code: 'unparsable-config', file: path, line: i + 1, message: `${path}:${i + 1}: "${line}" is not TYPE=COUNT with a whole number of containers from 0 to ${MAX_DYNOS}; not used`, severity: 'warning'})
      const named = /^([\w-]+)\s*=/.exec(line)?.[1]
      if (named) unread.add(named)
      continue
    }

    formation.set(m[1], {quantity: sourced(Number(m[2]), fromFile(path, i + 1))})
  }

  if (formation.size === 0) return {diagnostics, formation}
  diagnostics.push({
    code: 'missing-config',
    file: path,
    fix: 'on Dokku 0.30 or later, give the counts in app.json formation (or say them with --scale)',
    message: `${path} sets each process type's containers on Dokku 0.3.14 to 0.29 (types it does not list: 0); Dokku 0.30 and later ignore it and read app.json formation (https://dokku.com/docs/appendices/0.30.0-migration-guide)`,
    severity: 'info',
  })
  // A line naming no Procfile type (`worker=1` beside `alert-worker:`): Dokku has no command for it, and the type the
  // line was likely meant for is not listed, so it runs no container. Said, with the Procfile's types.
  if (types.length > 0) {
    for (const [name, entry] of formation) {
      if (types.includes(name) || name === 'release') continue
      const line = entry.quantity.source.kind === 'file' ? entry.quantity.source.line : undefined
      diagnostics.push({
        code: 'missing-config',
        file: path,
        ...(line === undefined ? {} : {line}),
        fix: `name a Procfile type (${types.filter((t) => t !== 'release').join(', ')}), as \`dokku ps:scale\` does`,
        message: `${path}${line === undefined ? '' : `:${line}`}: ${name} is not a process type of the Procfile, so no container runs for it; every Procfile type ${path} does not list runs none`,
        severity: 'warning',
      })
    }
  }

  const unlisted = fromDefault(`${path} does not list it: Dokku runs the types ${path} lists, each at its count, and no container of any other type`, DOKKU_SCALE_REF)
  for (const type of types) if (type !== 'release' && !formation.has(type) && !unread.has(type)) formation.set(type, {quantity: sourced(0, unlisted)})
  return {diagnostics, formation}
}
