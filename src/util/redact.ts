import {parse as parsePg} from 'pg-connection-string'

/** What a password is replaced with in everything conncalc prints (DESIGN.md, "Secrets"). */
export const MASK = '***'

const PG_SCHEMES = new Set(['postgres', 'postgresql'])
/** Schemes whose path may legitimately hold `@`; every other scheme is treated like a database URL. */
const WEB_SCHEMES = new Set(['file', 'ftp', 'http', 'https', 'ws', 'wss'])
/** Query parameters that carry a secret in a connection URL (libpq and pg read `password`). */
const SECRET_PARAMS = new Set(['password', 'pass', 'sslpassword', 'secret', 'token', 'api_key', 'apikey'])

/**
 * A URL with its password replaced by `***`, everything else as written.
 *
 * PostgreSQL URLs are checked with `pg-connection-string` (the parser `pg` itself
 * uses); `?password=` and other secret parameters are masked too. The password is masked in place, so
 * the output keeps the user's spelling. A URL that cannot be parsed at all keeps
 * only its scheme and host: we would rather hide too much than leak.
 */
export function redactUrl(url: string): string {
  const scheme = /^([a-z][\d+.a-z-]*):\/\//i.exec(url)?.[1]?.toLowerCase()
  if (!scheme) return url
  const isPg = PG_SCHEMES.has(scheme)
  if (isPg) {
    let password: string | undefined
    try {
      // Without the query: pg-connection-string reads sslcert/sslrootcert files named
      // there and warns about sslmode; maskQuery handles `?password=` itself.
      password = parsePg(url.slice(0, queryStart(url, scheme.length + 3))).password
    } catch {
      return maskWholeUserinfo(url, scheme.length + 3)
    }

    // Nothing to hide, but a malformed query could still carry one: mask in place anyway.
    if (!password) return maskQuery(url)
  } else if (!canParse(url)) {
    return maskWholeUserinfo(url, scheme.length + 3)
  }

  return maskQuery(maskPassword(url, scheme.length + 3, !WEB_SCHEMES.has(scheme)))
}

/**
 * `text` with every URL that carries credentials redacted (see redactUrl), and the
 * value of any `NAME=value` whose name says it is a secret masked: libpq key/value
 * strings (`host=db password=secret`) and env assignments (`AWS_SECRET_ACCESS_KEY=…`).
 * For messages, Procfile lines and anything else that may quote a user's config.
 */
export function redactSecrets(text: string, json = false): string {
  // A view is redacted where it is built and again as it is printed (commands/base-command.ts): the
  // second pass over the very text the first returned would mask nothing more, and a 100,000-type
  // table is 10 MB to scan five times over. The views redact their text with its last newline, so
  // what they return is that very string (a newline added after would make a new one, scanned again).
  if (!json && text.length >= REMEMBER_FROM && text === lastRedacted) return text
  let out = text
  // Every URL holds `://`: a text without one (a 100,000-type table) has none to redact.
  if (out.includes('://')) {
    out = out
      // A quoted URL may hold spaces and escaped quotes in its password: redact it whole first.
      .replaceAll(QUOTED_URL, (_m, q: string, url: string) => `${q}${redactUrl(url)}${q}`)
      .replaceAll(BARE_URL, (m) => redactUrl(m))
  }

  // A URL a path function has normalized (`--root postgres://u:pw@h/db` shown as the folder
  // `postgres:/u:pw@h/db`: resolve() folds `//` into `/`) holds the same password.
  if (out.includes(':/')) out = out.replaceAll(FOLDED_URL, (m, scheme: string, rest: string) => redactUrl(`${scheme}://${rest}`).replace('://', ':/'))

  out = replaceAnchored(out, json ? SECRET_ASSIGNMENT_JSON_AT : SECRET_ASSIGNMENT_AT, '=', wordBefore, (m) => `${m[1]}${m[2]}${MASK}`)
  out = replaceAnchored(out, json ? SECRET_FLAG_JSON_AT : SECRET_FLAG_AT, '--', (_, at) => at, (m) => `${m[1]}${m[2]}${MASK}`)
  out = replaceAnchored(out, ATTACHED_P_AT, '-p', (_, at) => Math.max(0, at - 1), (m) => `${m[1]}-p${MASK}`)
  if (!json && out.length >= REMEMBER_FROM) lastRedacted = out
  return out
}

/** The last large text redactSecrets returned (not --json's), and what counts as large. */
let lastRedacted = ''
const REMEMBER_FROM = 1 << 16

/**
 * A URL starts only where a token starts (the lookbehind): without it, a 100 KB run of
 * letters is scanned from every position, quadratic time.
 */
const BARE_URL = /(?<![\d+.a-z-])[a-z][\d+.a-z-]*:\/\/[^\s"'<>`]+/gi
/** A scheme and one slash, then a user and password (`postgres:/u:pw@h`): a URL with its `//` folded by a path function. */
const FOLDED_URL = /(?<![\d+.a-z-])([a-z][\d+.a-z-]*):\/(?!\/)([^\s"'<>`/:@]*:[^\s"'<>`]*@[^\s"'<>`]*)/gi
const QUOTED_URL = /(["'])((?<![\d+.a-z-])[a-z][\d+.a-z-]*:\/\/(?:\\.|(?!\1)[^\\\n])*)\1/gi

/**
 * `NAME=value` where NAME mentions a password, secret, token or key (`DB_PASS=…`, `API_KEY=…`);
 * a bare `KEY=` is the placeholder of messages (`--env expects KEY=VALUE`), not a secret.
 */
const SECRET_ASSIGNMENT =
  /\b(\w*(?:pass(?!enger|port)|pwd|secret|token|credentials?)\w*|\w+key\w*|key\w+)(\s*=\s*)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;]+)/gi

/** `--password X`, `--db-pass=X`, `--api-token X`: a flag that names a secret, and its value. */
const SECRET_FLAG = /(?<!\S)(--[\w-]*(?:pass(?!enger|port)|pwd|secret|token|key)[\w-]*)(=|\s+)(?!-)('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"|[^\s&;]+)/gi

/**
 * The same inside JSON text (--json): a value ends at the JSON string's closing quote, and an
 * escaped character (`\"`, `\\`) is taken whole, so a secret's quotes are masked with it and the
 * mask never eats the `",` that ends the string (a type named `pass…` broke the JSON).
 */
const SECRET_ASSIGNMENT_JSON = new RegExp(SECRET_ASSIGNMENT.source.replace(String.raw`|[^\s&;]+)`, String.raw`|(?:[^\s&;"\\]|\\.)+)`), 'gi')
const SECRET_FLAG_JSON = new RegExp(SECRET_FLAG.source.replace(String.raw`|[^\s&;]+)`, String.raw`|(?:[^\s&;"\\]|\\.)+)`), 'gi')

/**
 * mysql-style `-pSECRET` (a password attached to -p); `-p 5000`, `-p5000` and `-p$PORT` are ports. A single-dash long flag
 * (Go's flag package: `-postgres-url=$DATABASE_URL`, `-port=5000`) whose value is an env reference, a number or a URL
 * (redacted apart) is not a password: it is shown as written, not as `-p***`.
 */
const ATTACHED_P = /(^|\s)-p(?!\d+\b|\$|\s|$)(?![a-z][\w-]*=(?:\$|\d+(?!\S)|[a-z][\d+.a-z-]*:\/\/))\S+/g

/** Each expression above, matched only where it is tried (the sticky flag): see replaceAnchored. */
const sticky = (re: RegExp): RegExp => new RegExp(re.source, re.flags.replace('g', '') + 'y')
const SECRET_ASSIGNMENT_AT = sticky(SECRET_ASSIGNMENT)
const SECRET_ASSIGNMENT_JSON_AT = sticky(SECRET_ASSIGNMENT_JSON)
const SECRET_FLAG_AT = sticky(SECRET_FLAG)
const SECRET_FLAG_JSON_AT = sticky(SECRET_FLAG_JSON)
const ATTACHED_P_AT = sticky(ATTACHED_P)

/**
 * `text.replaceAll(re, …)` for an expression every match of which holds `anchor`, at a place
 * `startOf` finds from it: the expression is tried only there, not at every position of the
 * text. The same matches, in the same order, never overlapping: a start inside the last match
 * is skipped, as replaceAll resumes after it. A `NAME=value` assignment starts at the word
 * before its `=` (a 10 MB table has one `=`, and every word of it is a place the whole
 * expression was tried: ≈ 100 ms).
 */
function replaceAnchored(text: string, re: RegExp, anchor: string, startOf: (text: string, at: number) => number, replace: (m: RegExpExecArray) => string): string {
  let out = ''
  let done = 0
  for (let at = text.indexOf(anchor); at !== -1; at = text.indexOf(anchor, at + 1)) {
    const start = startOf(text, at)
    if (start < done) continue
    re.lastIndex = start
    const m = re.exec(text)
    if (!m) continue
    out += text.slice(done, start) + replace(m)
    done = start + m[0].length
  }

  return done === 0 ? text : out + text.slice(done)
}

const WORD = /\w/
const SPACE = /\s/

/**
 * Where the `NAME` of `NAME = value` starts, for the `=` at `at`: the run of word characters
 * before it, past any spaces (the expressions' `\b(\w…)(\s*=`); -1 when none is there.
 */
function wordBefore(text: string, at: number): number {
  let i = at
  while (i > 0 && SPACE.test(text[i - 1])) i--
  const end = i
  while (i > 0 && WORD.test(text[i - 1])) i--
  return i === end ? -1 : i
}

function canParse(url: string): boolean {
  try {
    new URL(url)
    return true
  } catch {
    return false
  }
}

/**
 * Replace what follows the first `:` of the userinfo. The authority ends where the
 * WHATWG URL parser ends it (first `/`, `?` or `#`) for web URLs; for database
 * URLs (postgres, redis, amqp, …), whose path never holds `@`, the userinfo runs to
 * the last `@` before the query, so an unencoded `/` or `#` in a password is still
 * hidden.
 */
function maskPassword(url: string, start: number, dbLike: boolean): string {
  const rest = url.slice(start)
  let at: number
  if (dbLike) {
    at = userinfoEnd(rest)
  } else {
    const end = rest.search(/[#/?]/)
    at = (end === -1 ? rest : rest.slice(0, end)).lastIndexOf('@')
  }

  if (at === -1) return url
  const userinfo = rest.slice(0, at)
  const colon = userinfo.indexOf(':')
  if (colon === -1) return url
  return url.slice(0, start) + userinfo.slice(0, colon + 1) + MASK + rest.slice(at)
}

function maskWholeUserinfo(url: string, start: number): string {
  const rest = url.slice(start)
  const at = userinfoEnd(rest)
  const masked = at === -1 ? url : url.slice(0, start) + MASK + rest.slice(at)
  return maskQuery(masked)
}

/**
 * In a database URL after its `scheme://` (`rest`), the `@` that ends the userinfo, or -1: the last `@` before the
 * query — unless a `?` comes before an `@` with no `=` or `&` between them (`u:pa?ss@h/db`): that `?` is the password's,
 * left unencoded, not a query (whose parameters are `key=value`), and the userinfo runs to that `@`. Masking a little
 * more than the password is better than printing part of it.
 */
function userinfoEnd(rest: string): number {
  const q = rest.indexOf('?')
  if (q === -1) return rest.lastIndexOf('@')
  const params = rest.slice(q).search(/[&=]/)
  const inPassword = (params === -1 ? rest.slice(q) : rest.slice(q, q + params)).lastIndexOf('@')
  return inPassword === -1 ? rest.slice(0, q).lastIndexOf('@') : q + inPassword
}

/** Where the query of a database URL starts (its length when it has none): the first `?` after the userinfo. */
function queryStart(url: string, start: number): number {
  const at = userinfoEnd(url.slice(start))
  const q = url.indexOf('?', at === -1 ? start : start + at)
  return q === -1 ? url.length : q
}

function maskQuery(url: string): string {
  const q = url.indexOf('?')
  if (q === -1) return url
  const hash = url.indexOf('#', q)
  const query = url.slice(q + 1, hash === -1 ? undefined : hash)
  const masked = query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq === -1) return pair
      const key = safeDecode(pair.slice(0, eq)).toLowerCase()
      return SECRET_PARAMS.has(key) ? `${pair.slice(0, eq)}=${MASK}` : pair
    })
    .join('&')
  return url.slice(0, q + 1) + masked + (hash === -1 ? '' : url.slice(hash))
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}
