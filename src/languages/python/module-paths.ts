/**
 * The Python modules read through the files of a `cd`'s folder (languages/python/modules.ts): their values name the
 * path relative to that folder, which analyze-app names from the app root in sources and findings. Kept apart from
 * modules.ts so that reading it loads no parser.
 */
import type {FileReader} from '../../model/files.js'

/** Per files of a `cd`'s folder: the path a module's values name → its path from the app root. */
const FROM_ROOT = new WeakMap<FileReader, Map<string, string>>()

export function namedFromRoot(files: FileReader): Map<string, string> {
  let m = FROM_ROOT.get(files)
  if (!m) FROM_ROOT.set(files, (m = new Map()))
  return m
}

/** The root paths of the modules read through `files` under other names (a `cd`'s folder), if any. */
export const modulesFromRoot = (files: FileReader): ReadonlyMap<string, string> | undefined => FROM_ROOT.get(files)
