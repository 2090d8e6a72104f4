/**
 * Files a buildpack build hook moves or copies inside the app before it runs: `mv src/backend/* ./` in a hook makes the
 * backend's files the built app's root (La Suite's Scalingo apps: bin/scalingo_postfrontend), `cp -r docker/sabredav
 * sabredav` makes a folder the repository does not have. The dyno runs the built app, so its commands (`python
 * worker.py`, gunicorn's default ./gunicorn.conf.py, `celery -A app.celery_app`) find those files where the hook put them.
 *
 * The hooks read: bin/pre_compile and bin/post_compile, which the Python buildpacks run (heroku-buildpack-python
 * bin/steps/hooks/pre_compile, post_compile; Scalingo's python-buildpack keeps them), and the scripts in bin/ named as
 * build hooks (`scalingo_postfrontend`, `buildpack_postcompile.sh`, `heroku-postbuild`): La Suite's buildpack runs the
 * ones its LASUITE_SCRIPT_* config vars name (https://github.com/suitenumerique/buildpack), set on the platform, not in
 * the repository. Only plain lines at the hook's own folder are read: `mv|cp [-flags] SRC/* ./`, `mv|cp [-r] SRC DEST`
 * with literal relative paths; a line after a `cd` that no `cd -`/`cd ..`/`popd` undoes, or with a variable or another
 * glob, is not. Pure: files in, a reader out.
 */
import {posix} from 'node:path'

import type {Diagnostic} from '../model/diagnostic.js'
import type {FileReader, SourceFile} from '../model/files.js'

import {searchedText} from '../model/files.js'

/** One move the hook makes: the contents of folder `from` into `to` ('' the app root), or `from` (a file or folder) to the path `to`. */
export interface BuildMove {
  contents: boolean
  file: string
  from: string
  line: number
  text: string
  to: string
}

const HOOK_NAME = /^(?:pre_compile|post_compile|(?:scalingo|buildpack|heroku|build)[_-]?(?:pre|mid|post)[_-]?(?:compile|frontend|build)(?:\.sh)?)$/
const HEROKU_HOOKS = 'https://github.com/heroku/heroku-buildpack-python/blob/main/bin/steps/hooks/post_compile'

const clean = (p: string): string => posix.normalize(p.replace(/^(["'])(.*)\1$/, '$2')).replace(/\/+$/, '').replace(/^\.$/, '')
const plain = (p: string): boolean => !/[$`*?[\]{}~]/.test(p) && !p.startsWith('/') && !p.split('/').includes('..')

/** The moves the app's build hooks make, in the order they run (pre_compile, then the others by name, post_compile last). */
export function buildMoves(files: FileReader): BuildMove[] {
  const hooks = files.list('bin').filter((n) => HOOK_NAME.test(n))
  const order = (n: string): number => (n === 'pre_compile' ? 0 : n === 'post_compile' ? 2 : 1)
  const out: BuildMove[] = []
  for (const name of hooks.toSorted((a, b) => order(a) - order(b) || a.localeCompare(b))) {
    const file = `bin/${name}`
    const text = files.read(file)?.text
    if (!text) continue
    let depth = 0
    const lines = text.split('\n')
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i].replace(/\s+#.*$/, '').trim()
      const cd = /^(cd|pushd|popd)\b\s*(\S*)/.exec(l)
      if (cd) {
        const back = cd[1] === 'popd' || cd[2] === '-' || cd[2] === '..' || cd[2] === '"$OLDPWD"' || cd[2] === '$OLDPWD'
        depth = back ? Math.max(0, depth - 1) : depth + 1
        continue
      }

      if (depth > 0) continue
      const m = /^(mv|cp)((?:\s+-[A-Za-z]+)*)\s+(\S+)\s+(\S+)$/.exec(l)
      if (!m) continue
      const [, program, flags, rawFrom, rawTo] = m
      const to = clean(rawTo)
      if (!plain(rawTo.replace(/^(["'])(.*)\1$/, '$2'))) continue
      const star = /^(["']?)(.+)\/\*\1$/.exec(rawFrom)
      if (star) {
        const from = clean(star[2])
        if (!plain(star[2]) || from === '' || !files.folders(posix.dirname(from) === '.' ? '' : posix.dirname(from)).includes(posix.basename(from))) continue
        out.push({contents: true, file, from, line: i + 1, text: l, to})
        continue
      }

      const from = clean(rawFrom)
      if (!plain(rawFrom.replace(/^(["'])(.*)\1$/, '$2')) || from === '' || to === '') continue
      const isFolder = files.folders(posix.dirname(from) === '.' ? '' : posix.dirname(from)).includes(posix.basename(from))
      if (isFolder && program === 'cp' && !/[rRa]/.test(flags)) continue
      if (!isFolder && !files.exists(from)) continue
      // Into a folder the repository has (`cp x.conf conf/`): under its own name there.
      const intoFolder = files.folders(posix.dirname(to) === '.' ? '' : posix.dirname(to)).includes(posix.basename(to)) || rawTo.endsWith('/')
      out.push({contents: false, file, from, line: i + 1, text: l, to: intoFolder ? posix.join(to, posix.basename(from)) : to})
    }
  }

  return out
}

/**
 * `files` as the build hooks leave them: a path the repository does not have is read where a move took it from (a file
 * moved to the root over one of the same name is the moved one, as `mv` replaces it). `used` gets each move a read went
 * through, for the caller to say so. Paths read keep their repository path (diagnostics name the file that is there).
 */
export function withBuildMoves(files: FileReader, moves: readonly BuildMove[], used: Set<BuildMove>): FileReader {
  if (moves.length === 0) return files
  const norm = (p: string): string => clean(p === '' ? '.' : p)
  // The repository path a built path comes from, through the last move that covers it.
  const source = (p: string): {move: BuildMove; path: string} | undefined => {
    const path = norm(p)
    for (const move of moves.toReversed()) {
      if (move.contents) {
        const rel = move.to === '' ? path : path.startsWith(`${move.to}/`) ? path.slice(move.to.length + 1) : undefined
        if (rel === undefined || rel === '') continue
        const from = posix.join(move.from, rel)
        if (files.exists(from) || isFolder(from)) return {move, path: from}
      } else if (path === move.to || path.startsWith(`${move.to}/`)) {
        return {move, path: move.from + path.slice(move.to.length)}
      }
    }

    return undefined
  }

  const isFolder = (p: string): boolean => {
    const dir = posix.dirname(p)
    return files.folders(dir === '.' ? '' : dir).includes(posix.basename(p))
  }

  // A top-level file a contents move brings over one the root has: `mv` replaces it. Elsewhere the repository's path wins.
  const moved = (p: string): {move: BuildMove; path: string} | undefined => {
    const path = norm(p)
    const found = source(path)
    if (!found) return undefined
    if (!files.exists(path) && !isFolder(path)) return found
    return found.move.contents && !path.includes('/') && files.exists(found.path) ? found : undefined
  }

  const through = <T>(p: string, own: (p: string) => T): T => {
    const m = moved(p)
    if (!m) return own(p)
    used.add(m.move)
    return own(m.path)
  }

  const merged = (d: string, list: (dir: string) => string[]): string[] => {
    const dir = norm(d)
    const more: string[] = []
    for (const move of moves) {
      if (move.contents && move.to === dir) more.push(...list(move.from))
      else if (move.contents && dir.startsWith(move.to === '' ? '' : `${move.to}/`)) {
        const rel = move.to === '' ? dir : dir.slice(move.to.length + 1)
        more.push(...list(posix.join(move.from, rel)))
      } else if (!move.contents && (dir === move.to || dir.startsWith(`${move.to}/`))) more.push(...list(move.from + dir.slice(move.to.length)))
    }

    return more.length === 0 ? list(d) : [...new Set([...list(d), ...more])].sort()
  }

  const folderMoves = (d: string): string[] => {
    const dir = norm(d)
    return moves.filter((m) => !m.contents && posix.dirname(m.to) === (dir === '' ? '.' : dir) && isFolder(m.from)).map((m) => posix.basename(m.to))
  }

  const fileMoves = (d: string): string[] => {
    const dir = norm(d)
    return moves.filter((m) => !m.contents && posix.dirname(m.to) === (dir === '' ? '.' : dir) && files.exists(m.from)).map((m) => posix.basename(m.to))
  }

  return {
    exists: (p) => through(p, (q) => files.exists(q)),
    folders: (d) => [...new Set([...merged(d, (x) => files.folders(x)), ...folderMoves(d)])].sort(),
    list: (d) => [...new Set([...merged(d, (x) => files.list(x)), ...fileMoves(d)])].sort(),
    read: (p): SourceFile | undefined => through(p, (q) => files.read(q)),
    search: (p) => through(p, (q) => searchedText(files, q)),
    ...(files.unread ? {unread: files.unread} : {}),
    ...(files.within === undefined ? {} : {within: files.within}),
    ...(files.root ? {root: files.root} : {}),
  }
}

/** The info that says which of the hooks' moves the analysis read through. */
export function buildMovesRead(used: ReadonlySet<BuildMove>): Diagnostic[] {
  return [...used].map((m) => ({
    code: 'missing-config',
    file: m.file,
    line: m.line,
    message: `${m.contents ? `moves the contents of ${m.from}/ into ${m.to === '' ? "the app's root" : `${m.to}/`}` : `puts ${m.from} at ${m.to}`} when the app builds (\`${m.text.length > 60 ? `${m.text.slice(0, 59)}…` : m.text}\`): the built app's files are read there (a buildpack runs the app's build hooks: ${HEROKU_HOOKS}; La Suite's buildpack runs the scripts its LASUITE_SCRIPT_* config vars name)`,
    severity: 'info' as const,
  }))
}
