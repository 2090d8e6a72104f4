/**
 * A Python package's pinned version, from a requirements file (`Flask-SQLAlchemy==2.5.1`) or a
 * lock file (poetry.lock, uv.lock, Pipfile.lock). Names compare as PEP 503 normalises them
 * (case, and `-`, `_`, `.` alike: https://peps.python.org/pep-0503/#normalized-names).
 * A requirement on a git URL has the version its ref names when the ref is a dotted version tag
 * (`flask-sqlalchemy @ git+https://…/flask-sqlalchemy.git@v2.5.1`, `@2.5.1`), or the one its
 * `#egg=Name==2.3.2` fragment declares (pip's legacy form); a commit or branch ref and a range have none.
 * requirements.in (pip-tools' input, https://pip-tools.readthedocs.io/) is read after the compiled files. A requirements file's
 * `-r other.txt` / `-c constraints.txt` lines are read too, relative to the file that names them,
 * as pip does (https://pip.pypa.io/en/stable/reference/requirements-file-format/#supported-options):
 * `requirements.txt` that is only `-r requirements/prod.txt` pins what that file pins.
 */
import {type FileReader, normalizedDir} from '../../model/files.js'

const REQUIREMENTS = ['requirements.txt', 'requirements/base.txt', 'requirements/production.txt', 'requirements/prod.txt', 'requirements.in']
/** A PEP 440 release, with a pre/dev/post part kept for the message (`2.3.2.dev20190108`). */
const VERSION = String.raw`(\d+(?:\.\d+)*(?:[.-]?(?:dev|a|b|rc|post)\d*)?)`
const LOCKS = ['poetry.lock', 'uv.lock', 'Pipfile.lock']

export interface Pin {
  file: string
  /** 1-based line of the pin in that file. */
  line: number
  version: string
}

export function pinnedVersion(files: FileReader, name: string): Pin | undefined {
  const pkg = name.split(/[-_.]+/).map((p) => p.replace(/[^\w]/g, '')).join('[-_.]+')
  const pinned = [
    new RegExp(String.raw`^\s*${pkg}\s*={2,3}\s*${VERSION}`, 'im'),
    // PEP 508 direct reference whose ref is a tag: `name @ git+https://host/repo.git@v2.5.1`.
    // A dotted tag only: an all-digit commit abbreviation is not a version.
    new RegExp(String.raw`^\s*${pkg}\s*@\s*\S+?@v?(?=\d+\.\d)${VERSION}(?=[\s#]|$)`, 'im'),
    // `git+https://host/repo.git@ref#egg=Name==2.3.2`, with or without `name @` before it.
    new RegExp(String.raw`^[^#\n]*#egg=${pkg}={2,3}${VERSION}`, 'im'),
  ]
  // A lock's version may be a pre-release, dev or post release as pip writes them (`2.3.2.dev20260422`, `1.4.54.post1`).
  const locked = [new RegExp(String.raw`name\s*=\s*"${pkg}"\s*\r?\nversion\s*=\s*"${VERSION}"`, 'i'), new RegExp(String.raw`"${pkg}"\s*:\s*\{[^}]*?"version"\s*:\s*"==${VERSION}"`, 'i')]
  const seen = new Set<string>()
  // After `cd src &&` (or a script's `cd`) the reader is that folder's (FileReader.within), but the buildpack installed
  // from the app root: the folder's own files first, then each folder up to the root.
  const depth = files.within && !files.within.startsWith('..') ? files.within.split('/').length : 0
  for (let i = 0; i <= depth; i++) {
    const up = '../'.repeat(i)
    for (const file of [...REQUIREMENTS.flatMap((r) => withIncludes(files, up + r, seen)), ...LOCKS.map((l) => up + l)]) {
      const text = files.read(file)?.text
      if (!text) continue
      const lock = LOCKS.some((l) => file === up + l)
      const m = lock ? (locked[0].exec(text) ?? locked[1].exec(text)) : (pinned[0].exec(text) ?? pinned[1].exec(text) ?? pinned[2].exec(text))
      // Named from the app root, as the explanation names every file.
      if (m) return {file: files.within ? normalizedDir(`${files.within}/${file}`) : file, line: text.slice(0, m.index + m[0].indexOf(m[1])).split('\n').length, version: m[1]}
    }
  }

  return undefined
}

/** A requirements file, then the files its `-r` / `-c` lines name (relative to it), depth first, each once. */
export function withIncludes(files: FileReader, file: string, seen: Set<string>): string[] {
  if (seen.has(file)) return []
  seen.add(file)
  const text = files.read(file)?.text
  if (text === undefined) return []
  const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : ''
  const out = [file]
  for (const m of text.matchAll(/^\s*(?:-r|--requirement|-c|--constraint)[\s=]+(\S+)/gm)) {
    out.push(...withIncludes(files, normalizedDir(dir + m[1]), seen))
  }

  return out
}
