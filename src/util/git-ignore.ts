import type {FileReader} from '../model/files.js'

/**
 * Which `.gitignore` line keeps `path` (relative to the app root) out of git, as `file:line`, or undefined when none
 * does. A file git ignores is not pushed, so a git-based deploy (Heroku, Dokku, Render, Scalingo) never has it, even
 * when the checkout conncalc reads does (a developer's local `.env`).
 *
 * The .gitignore files of the root and of each folder on the way to `path` are read, in that order, each pattern
 * relative to its own folder; the last pattern that matches decides (`!pattern` re-includes), as gitignore(5) says.
 * Patterns: `*`, `?`, `[...]`, `**`, a leading `/` or a slash inside anchors to the file's folder, else the pattern
 * matches a name at any depth; a trailing `/` matches folders only (here: a folder on the path). Escapes and a file
 * re-included inside an ignored folder (which git cannot do either) are not special-cased.
 */
export function gitIgnoredBy(files: FileReader, path: string): string | undefined {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.')
  let verdict: string | undefined
  for (let depth = 0; depth < parts.length; depth++) {
    const dir = parts.slice(0, depth).join('/')
    const ignoreFile = dir === '' ? '.gitignore' : `${dir}/.gitignore`
    const text = files.read(ignoreFile)?.text
    if (text === undefined) continue
    const rest = parts.slice(depth)
    for (const [i, raw] of text.split('\n').entries()) {
      let line = raw.replace(/\r$/, '').replace(/(?<!\\)\s+$/, '')
      if (line === '' || line.startsWith('#')) continue
      const negate = line.startsWith('!')
      if (negate) line = line.slice(1)
      const dirOnly = line.endsWith('/')
      if (dirOnly) line = line.slice(0, -1)
      const anchored = line.includes('/')
      line = line.replace(/^\//, '')
      if (line === '') continue
      const re = patternRe(line)
      // The pattern matches the file itself, or (for a folder pattern, or any pattern) a folder on its way.
      const candidates: string[] = []
      for (let n = 1; n <= rest.length; n++) {
        const isDir = n < rest.length
        if (dirOnly && !isDir) continue
        if (anchored) candidates.push(rest.slice(0, n).join('/'))
        else candidates.push(rest[n - 1])
      }

      if (candidates.some((c) => re.test(c))) verdict = negate ? undefined : `${ignoreFile}:${i + 1}`
    }
  }

  return verdict
}

function patternRe(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` any folders (or none), a trailing `/**` everything inside.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?'
        i += 2
      } else {
        re += '.*'
        i += 1
      }
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1)
      if (end === -1) re += '\\['
      else {
        re += `[${glob.slice(i + 1, end).replace(/^!/, '^').replaceAll('\\', '\\\\')}]`
        i = end
      }
    } else if (c === '\\' && i + 1 < glob.length) {
      re += glob[i + 1].replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&')
      i += 1
    } else re += c.replaceAll(/[$()*+.?[\\\]^{|}]/g, '\\$&')
  }

  return new RegExp(`^${re}$`)
}
