/**
 * A Python package's pinned version, from a requirements file (`Flask-SQLAlchemy==2.5.1`) or a
 * lock file (poetry.lock, uv.lock, Pipfile.lock). Names compare as PEP 503 normalises them
 * (case, and `-`, `_`, `.` alike: https://peps.python.org/pep-0503/#normalized-names).
 * A requirement pinned to a git URL or a range has no version here.
 */
import type {FileReader} from '../../model/files.js'

const REQUIREMENTS = ['requirements.txt', 'requirements/base.txt', 'requirements/production.txt', 'requirements/prod.txt']
const LOCKS = ['poetry.lock', 'uv.lock', 'Pipfile.lock']

export interface Pin {
  file: string
  /** 1-based line of the pin in that file. */
  line: number
  version: string
}

export function pinnedVersion(files: FileReader, name: string): Pin | undefined {
  const pkg = name.split(/[-_.]+/).map((p) => p.replace(/[^\w]/g, '')).join('[-_.]+')
  const pinned = new RegExp(String.raw`^\s*${pkg}\s*={2,3}\s*([\d.]+)`, 'im')
  const locked = [new RegExp(String.raw`name\s*=\s*"${pkg}"\s*\r?\nversion\s*=\s*"([\d.]+)"`, 'i'), new RegExp(String.raw`"${pkg}"\s*:\s*\{[^}]*?"version"\s*:\s*"==([\d.]+)"`, 'i')]
  for (const file of [...REQUIREMENTS, ...LOCKS]) {
    const text = files.read(file)?.text
    if (!text) continue
    const m = REQUIREMENTS.includes(file) ? pinned.exec(text) : (locked[0].exec(text) ?? locked[1].exec(text))
    if (m) return {file, line: text.slice(0, m.index + m[0].indexOf(m[1])).split('\n').length, version: m[1]}
  }

  return undefined
}
