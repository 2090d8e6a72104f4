/**
 * The password of one machine in a .netrc file, as the Heroku CLI writes it
 * (`heroku login` stores `machine api.heroku.com login EMAIL password TOKEN`).
 *
 * The format is whitespace-separated tokens (GNU inetutils' ruserpass.c, which
 * every netrc reader follows): `machine NAME` starts an entry, `default` is the
 * entry for every other machine, `login`/`password`/`account` take a value, and
 * `macdef NAME` is followed by a macro body that runs to the next blank line.
 * Values may be double-quoted (as the netrc-parser package the Heroku CLI uses writes them).
 */
export function netrcPassword(text: string, machine: string): string | undefined {
  const tokens = tokenize(text)
  let current: null | string | typeof DEFAULT = null
  let found: string | undefined
  let fallback: string | undefined
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]
    if (t.value === 'machine') {
      current = tokens[++i]?.value ?? null
    } else if (t.value === 'default') {
      current = DEFAULT
    } else if (t.value === 'login' || t.value === 'account') {
      i++
    } else if (t.value === 'password') {
      const value = tokens[++i]?.value
      if (current === machine && found === undefined) found = value
      else if (current === DEFAULT && fallback === undefined) fallback = value
    } else if (t.value === 'macdef') {
      // The macro body runs to the first blank line after the macdef line.
      const end = text.indexOf('\n\n', t.end)
      const stop = end === -1 ? text.length : end
      while (i + 1 < tokens.length && tokens[i + 1].start < stop) i++
      current = null
    }
  }

  return found ?? fallback
}

const DEFAULT = Symbol('default')

interface Token {
  end: number
  start: number
  value: string
}

function tokenize(text: string): Token[] {
  const out: Token[] = []
  const re = /"((?:[^"\\]|\\.)*)"|(\S+)/g
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // `#` starts a comment to the end of the line (netrc-parser and Python's netrc agree).
    if (m[2]?.startsWith('#')) {
      const nl = text.indexOf('\n', m.index)
      re.lastIndex = nl === -1 ? text.length : nl
      continue
    }

    out.push({end: m.index + m[0].length, start: m.index, value: m[1] === undefined ? m[2] : m[1].replaceAll(/\\(.)/g, '$1')})
  }

  return out
}
