/**
 * The monorepo buildpack (lstoll/heroku-buildpack-monorepo): one repository, the app in a subfolder named by
 * the APP_BASE config var. At build time it moves that folder's contents to the build root and deletes the
 * rest, so the slug is APP_BASE: its Procfile runs, and the repository root's Procfile is gone. Without
 * APP_BASE the build aborts. lstoll/heroku-buildpack-monorepo@4d42e2b:bin/compile:
 *   [ ! -f "${ENV_DIR}/APP_BASE" ] → "APP_BASE was not set. Aborting"
 *   mv "${BUILD_DIR}/${APP_BASE}" "${STAGE}" && rm -rf "${BUILD_DIR}"/* && mv "${STAGE}/$(basename "$APP_BASE")"/* "${BUILD_DIR}"
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvEntry} from '../model/env.js'
import type {FileReader} from '../model/files.js'

import {joinPath} from '../util/app-path.js'

export const MONOREPO_REF = 'https://github.com/lstoll/heroku-buildpack-monorepo/blob/master/bin/compile'

/** The buildpack, as `.buildpacks`, app.json or the app's installed buildpacks name it. */
export const isMonorepoBuildpack = (url: string): boolean => /(^|[/:])heroku-buildpack-monorepo(\.git)?(#.*)?$/.test(url.trim())

/**
 * What to say about the root's Procfile when the monorepo buildpack builds APP_BASE instead (`lookup` reads
 * the app's env, highest layer first; `by` names the buildpack's line). The numbers that follow are the root
 * Procfile's, so this is a warning that names the Procfile Heroku runs and how to count it.
 */
export function monorepoWarning(
  files: FileReader,
  by: string,
  procfile: string,
  lookup: (name: string) => EnvEntry | undefined,
  typesOf: (text: string, path: string) => string[],
): Diagnostic {
  const base = lookup('APP_BASE')
  const value = base?.value.trim() ?? ''
  if (value === '') {
    return {
      code: 'missing-config',
      file: procfile,
      fix: 'say which folder the app is: --env APP_BASE=PATH (as `heroku config:set` sets it), then count that folder\'s Procfile with --procfile PATH/Procfile',
      message: `the monorepo buildpack (${by}) builds the folder the APP_BASE config var names, and APP_BASE is not set here: Heroku aborts the build without it; the types below are this Procfile's (${MONOREPO_REF})`,
      severity: 'warning',
    }
  }

  const dir = joinPath('', value.replace(/^\/+/, '').replace(/\/+$/, ''))
  const from = base!.source.kind === 'env' ? base!.source.from : 'the env'
  const inside = dir === undefined || dir === '' ? undefined : files.read(`${dir}/Procfile`)
  const types = inside ? typesOf(inside.text, inside.path) : []
  const runs = inside ? `${inside.path} (${types.join(', ') || 'no process types'})` : `the default web process of ${dir ?? value}'s language (it has no Procfile)`
  return {
    code: 'missing-config',
    file: procfile,
    fix: inside ? `count what Heroku runs: --procfile ${inside.path} (its folder is then the app root)` : `count what Heroku runs: --procfile ${dir ?? value}/Procfile (its folder is then the app root)`,
    message: `the monorepo buildpack (${by}) moves APP_BASE=${value} (set by ${from}) to the build root and deletes the rest: Heroku runs ${runs}, not this Procfile, whose types are counted below (${MONOREPO_REF})`,
    severity: 'warning',
  }
}

/**
 * The folder the monorepo buildpack builds, when APP_BASE names one that is there (`lookup` reads the app's
 * env, highest layer first): conncalc then counts it as Heroku runs it, that folder's Procfile (or its
 * language's default web process) with the folder as the app root. Undefined when APP_BASE is unset, leaves
 * the repository, or names no folder (monorepoWarning says so).
 */
export function monorepoBase(lookup: (name: string) => EnvEntry | undefined, isFolder: (dir: string) => boolean): undefined | {dir: string; from: string; value: string} {
  const base = lookup('APP_BASE')
  const value = base?.value.trim() ?? ''
  if (value === '') return undefined
  const dir = joinPath('', value.replace(/^\/+/, '').replace(/\/+$/, ''))
  if (dir === undefined || dir === '' || dir.startsWith('..') || !isFolder(dir)) return undefined
  return {dir, from: base!.source.kind === 'env' ? base!.source.from : 'the env', value}
}
