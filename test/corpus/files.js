// The files under a folder, depth first, for the corpus scripts (parse.js, yaml-plain.js): each
// file whose name `keep` accepts, `.git` folders left out; a folder that cannot be read is skipped.
import {readdirSync} from 'node:fs'
import {join} from 'node:path'

export function* filesUnder(path, keep) {
  let entries
  try {
    entries = readdirSync(path, {withFileTypes: true})
  } catch {
    return
  }

  for (const e of entries) {
    const p = join(path, e.name)
    if (e.isDirectory() && e.name !== '.git') yield* filesUnder(p, keep)
    else if (e.isFile() && keep(e.name)) yield p
  }
}
