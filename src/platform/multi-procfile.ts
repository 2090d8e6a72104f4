/**
 * Heroku's multi-procfile buildpack (heroku-community/multi-procfile): one repository, several apps,
 * each naming its Procfile with the PROCFILE config var. At build time it copies that file over the
 * root's Procfile (the app still runs from the repository root, so `node apps/api/main.js` is a path
 * from the root), and copies an app.json found beside it to the root. Without PROCFILE the build
 * aborts. heroku/heroku-buildpack-multi-procfile@13afc31:bin/compile:
 *   PROCFILE=$(cat "${ENV_DIR}/PROCFILE"); [[ -z "${PROCFILE}" ]] → "PROCFILE was not set. Aborting"
 *   cp "${BUILD_DIR}/${PROCFILE}" "${BUILD_DIR}/Procfile"
 *   PROCFILE_APPEND: comma-separated files appended to that Procfile
 *   APP_DIR=$(dirname "${BUILD_DIR}/${PROCFILE}"); cp "${APP_DIR}/app.json" "${BUILD_DIR}/app.json" when it exists
 */
import type {EnvEntry} from '../model/env.js'
import type {FileReader} from '../model/files.js'

import {filesUnder, searchedText} from '../model/files.js'
import {joinPath} from '../util/app-path.js'

export const MULTI_PROCFILE_REF = 'https://github.com/heroku/heroku-buildpack-multi-procfile/blob/master/bin/compile'

/** The buildpack, as `.buildpacks`, app.json or the app's installed buildpacks name it. */
export const isMultiProcfileBuildpack = (url: string): boolean => /(^|[/:])(heroku-buildpack-)?multi-procfile(\.git)?(#.*)?$|heroku-community\/multi-procfile/.test(url.trim())

export type MultiProcfile =
  | {appJson?: string; append?: EnvEntry; path: string; procfile: EnvEntry}
  | {error: string; fix: string}

/**
 * The Procfile the buildpack installs, from PROCFILE (`lookup` reads the app's env, highest layer
 * first). `by` names the buildpack's line (".buildpacks:1"). An error when PROCFILE is unset or names
 * no file: the build would abort, so there is nothing to count.
 */
export function multiProcfile(files: FileReader, by: string, lookup: (name: string) => EnvEntry | undefined): MultiProcfile {
  const procfile = lookup('PROCFILE')
  const candidates = (): string => {
    const found = filesUnder(files, '', (p) => /(^|\/)Procfile([.-][\w.-]+)?$/.test(p) && !/\.(dev|local|test)$/.test(p), {max: 12, maxDepth: 3}).paths
    return found.length > 0 ? ` (Procfiles here: ${found.join(', ')})` : ''
  }

  if (!procfile || procfile.value.trim() === '') {
    return {
      error: `the multi-procfile buildpack (${by}) copies the file the PROCFILE config var names to Procfile, and PROCFILE is not set here: Heroku aborts the build without it (${MULTI_PROCFILE_REF})`,
      fix: `say which app this is: --env PROCFILE=PATH${candidates()}, or --env-file with \`heroku config -s\``,
    }
  }

  // `cp "${BUILD_DIR}/${PROCFILE}"`: a path from the repository root ("/cmd/x/Procfile" too).
  const path = joinPath('', procfile.value.trim().replace(/^\/+/, ''))
  if (path === undefined || path === '' || !files.exists(path)) {
    return {
      error: `PROCFILE=${procfile.value} names no file in the repository: the multi-procfile buildpack (${by}) could not copy it to Procfile and the build aborts (${MULTI_PROCFILE_REF})`,
      fix: `set PROCFILE to the path of the app's Procfile from the repository root${candidates()}`,
    }
  }

  const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
  const appJson = dir !== '' && files.exists(`${dir}/app.json`) ? `${dir}/app.json` : undefined
  const append = lookup('PROCFILE_APPEND')
  return {path, procfile, ...(appJson ? {appJson} : {}), ...(append && append.value.trim() !== '' ? {append} : {})}
}

/** The app's files with `app.json` read from `appJson` (the buildpack copied it to the root). */
export function withAppJsonFrom(files: FileReader, appJson: string): FileReader {
  const at = (p: string): string => (p === 'app.json' ? appJson : p)
  return {exists: (p) => files.exists(at(p)), folders: (d) => files.folders(d), list: (d) => files.list(d), read: (p) => files.read(at(p)), search: (p) => searchedText(files, at(p)), ...(files.unread ? {unread: files.unread} : {})}
}

/**
 * cantino/heroku-selectable-procfile: moves the file the PROCFILE_PATH config var names over the root's
 * Procfile; without PROCFILE_PATH it does nothing and the root's Procfile runs. It copies no app.json.
 * cantino/heroku-selectable-procfile@6fcc194:bin/compile:
 *   if [ -f $ENV_DIR/PROCFILE_PATH ]; then mv $BUILD_DIR/$PROCFILE_PATH $BUILD_DIR/Procfile
 *   else echo "PROCFILE_PATH not set in environment, doing nothing."
 */
export const SELECTABLE_PROCFILE_REF = 'https://github.com/cantino/heroku-selectable-procfile/blob/master/bin/compile'

export const isSelectableProcfileBuildpack = (url: string): boolean => /heroku-selectable-procfile(\.git)?(#.*)?$/.test(url.trim())

/**
 * jessefulton/env-procfile-buildpack: the same move with the PROCFILE config var; unset, nothing is done.
 * jessefulton/env-procfile-buildpack@5c411a7:bin/compile:
 *   if [ -e "$ENV_DIR/PROCFILE" ]; then procfile=$(cat $ENV_DIR/PROCFILE); mv $BUILD_DIR/$procfile $BUILD_DIR/Procfile; fi
 */
export const ENV_PROCFILE_REF = 'https://github.com/jessefulton/env-procfile-buildpack/blob/master/bin/compile'

export const isEnvProcfileBuildpack = (url: string): boolean => /env-procfile-buildpack(\.git)?(#.*)?$/.test(url.trim())

/** The buildpacks that move the file a config var names over the root's Procfile, and doing nothing when it is unset. */
export const PROCFILE_SELECTORS = [
  {is: isSelectableProcfileBuildpack, label: 'selectable-procfile', ref: SELECTABLE_PROCFILE_REF, variable: 'PROCFILE_PATH'},
  {is: isEnvProcfileBuildpack, label: 'env-procfile', ref: ENV_PROCFILE_REF, variable: 'PROCFILE'},
] as const

/**
 * The Procfile the selectable-procfile buildpack leaves at the root: PROCFILE_PATH's file (a path from the
 * repository root), undefined when PROCFILE_PATH is unset (the root's Procfile runs), or an error when it
 * names no file (`mv` fails and the build goes on with the root's Procfile: said, not guessed past).
 */
export function selectableProcfile(
  files: FileReader,
  lookup: (name: string) => EnvEntry | undefined,
  variable = 'PROCFILE_PATH',
): {path: string; procfile: EnvEntry} | {error: string} | undefined {
  const procfile = lookup(variable)
  if (!procfile || procfile.value.trim() === '') return undefined
  const path = joinPath('', procfile.value.trim().replace(/^\/+/, ''))
  if (path === undefined || path === '' || !files.exists(path)) return {error: `${variable}=${procfile.value} names no file in the repository`}
  return {path, procfile}
}
