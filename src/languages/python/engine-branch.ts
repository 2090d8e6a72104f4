/**
 * A Django database whose ENGINE is written in the branch of a `match` or `if` on the database's kind that the
 * environment here took, beside a branch for PostgreSQL that it did not (paperless-ngx's settings:
 * `engine = "postgresql" if "PAPERLESS_DBHOST" in os.environ else "sqlite"`, then `match engine:` with a
 * `case "postgresql":` and a `case "sqlite":` that writes django.db.backends.sqlite3). The evaluator decided that
 * branch (a `match` or `if` it cannot decide leaves DATABASES unknown): the app, as configured here, opens no
 * PostgreSQL connection; what would make it take the PostgreSQL branch is named. As Go's database-kind switches
 * (go.ts unchosenDatabase): only a branch on the kind decides, not `if DEBUG:`, which a deploy sets.
 */
import type {PyNode} from './parse.js'
import type {PythonProject} from './modules.js'

import {parsePython} from './parse.js'

const named = (n: PyNode): PyNode[] => n.namedChildren.filter((c): c is PyNode => c !== null && c.type !== 'comment')
/** A string that names PostgreSQL as a database kind (a pattern or a compared value). */
const POSTGRES_KIND = /^(?:postgres(?:ql)?|pg|psql|postgis|django\.db\.backends\.postgresql(?:_psycopg2)?|django\.contrib\.gis\.db\.backends\.postgis)$/i

export interface KindBranch {
  /** Env vars the code reads before the branch, in the function (or module) holding it, by their literal names. */
  env: string[]
  file: string
  line: number
  /** The PostgreSQL branch not taken, as written (`case "postgresql":`, `if engine == "postgresql":`). */
  other: string
  otherLine: number
  /** The branch taken, as written. */
  taken: string
}

/** The string a literal node holds, when it is a plain one. */
function literal(n: PyNode | null | undefined): string | undefined {
  if (n?.type !== 'string') return undefined
  const parts = named(n)
  if (parts.some((p) => p.type === 'interpolation')) return undefined
  return parts.filter((p) => p.type === 'string_content').map((p) => p.text).join('')
}

/** The plain strings of a case pattern (`"postgresql"`, `"postgres" | "pg"`). */
function patternStrings(p: PyNode): string[] {
  if (p.type === 'string') return [literal(p) ?? '']
  return named(p).flatMap((c) => (c.type === 'case_pattern' || c.type === 'union_pattern' ? patternStrings(c) : c.type === 'string' ? [literal(c) ?? ''] : []))
}

/** The strings a condition compares with `==` or `in (…)`: `engine == "postgresql"`, `kind in ("postgres", "pg")`. */
function comparedStrings(cond: PyNode): string[] {
  if (cond.type === 'boolean_operator') return named(cond).flatMap(comparedStrings)
  if (cond.type === 'parenthesized_expression') return named(cond).flatMap(comparedStrings)
  if (cond.type !== 'comparison_operator') return []
  const ops = cond.children.filter((c) => c !== null && !c.isNamed).map((c) => c!.text)
  if (ops.length !== 1 || (ops[0] !== '==' && ops[0] !== 'in')) return []
  return named(cond).flatMap((c) => (c.type === 'string' ? [literal(c) ?? ''] : c.type === 'tuple' || c.type === 'list' || c.type === 'set' ? named(c).map((i) => literal(i) ?? '') : []))
}

const within = (n: PyNode, line: number): boolean => n.startPosition.row + 1 <= line && line <= n.endPosition.row + 1

/** Env var names read by their literal names in `scope` before `before`: os.environ.get/getenv/environ[…] and `"X" in os.environ`. */
function envReads(scope: PyNode, before: number): string[] {
  const out: string[] = []
  const environ = (n: PyNode | null | undefined): boolean => n?.text === 'os.environ' || n?.text === 'environ'
  const walk = (n: PyNode): void => {
    if (n.startIndex >= before) return
    if (n.type === 'call') {
      const f = n.childForFieldName('function')
      const first = named(n.childForFieldName('arguments') ?? n)[0]
      const reads = f?.type === 'attribute' && ((environ(f.childForFieldName('object')) && f.childForFieldName('attribute')?.text === 'get') || f.text === 'os.getenv')
      const name = reads ? literal(first) : undefined
      if (name) out.push(name)
    } else if (n.type === 'subscript' && environ(n.childForFieldName('value'))) {
      const name = literal(n.childForFieldName('subscript'))
      if (name) out.push(name)
    } else if (n.type === 'comparison_operator') {
      const [left, right] = named(n)
      const op = n.children.find((c) => c !== null && !c.isNamed)?.text
      const name = op === 'in' && environ(right) ? literal(left) : undefined
      if (name) out.push(name)
    }

    for (const c of named(n)) walk(c)
  }

  walk(scope)
  return [...new Set(out)]
}

/**
 * The `match`/`if` branch on the database's kind that `line` of `file` (an ENGINE written there) lies in, when another
 * branch of it is PostgreSQL's; undefined otherwise.
 */
export async function kindBranch(project: PythonProject, file: string, line: number): Promise<KindBranch | undefined> {
  const text = project.files.read(file)?.text
  if (text === undefined) return undefined
  const {error, tree} = await parsePython(file, text)
  if (error) return undefined
  let found: KindBranch | undefined
  let holder: PyNode = tree.rootNode
  let start = 0
  const visit = (n: PyNode, scope: PyNode): void => {
    if (!within(n, line) || found) return
    const inner = n.type === 'function_definition' ? n : scope
    if (n.type === 'match_statement') {
      const cases = named(n.childForFieldName('body') ?? n).filter((c) => c.type === 'case_clause')
      const taken = cases.find((c) => within(c, line) && c.childForFieldName('consequence') && within(c.childForFieldName('consequence')!, line))
      const pg = cases.find((c) => c !== taken && named(c).some((p) => p.type === 'case_pattern' && patternStrings(p).some((s) => POSTGRES_KIND.test(s))))
      const takenIsPg = taken && named(taken).some((p) => p.type === 'case_pattern' && patternStrings(p).some((s) => POSTGRES_KIND.test(s)))
      if (taken && pg && !takenIsPg) {
        const head = (c: PyNode): string => c.text.slice(0, c.text.indexOf(':') + 1)
        found = {env: [], file, line: n.startPosition.row + 1, other: head(pg), otherLine: pg.startPosition.row + 1, taken: head(taken)}
        holder = inner
        start = n.startIndex
        return
      }
    }

    if (n.type === 'if_statement') {
      const arms: {body: PyNode | null; cond?: PyNode; head: string; line: number}[] = [
        {body: n.childForFieldName('consequence'), cond: n.childForFieldName('condition') ?? undefined, head: `if ${n.childForFieldName('condition')?.text ?? ''}:`, line: n.startPosition.row + 1},
      ]
      for (const alt of n.childrenForFieldName('alternative')) {
        if (alt.type === 'elif_clause') arms.push({body: alt.childForFieldName('consequence'), cond: alt.childForFieldName('condition') ?? undefined, head: `elif ${alt.childForFieldName('condition')?.text ?? ''}:`, line: alt.startPosition.row + 1})
        else arms.push({body: alt.childForFieldName('body'), head: 'else:', line: alt.startPosition.row + 1})
      }

      const taken = arms.find((a) => a.body && within(a.body, line))
      const pgArm = (a: (typeof arms)[number]): boolean => a.cond !== undefined && comparedStrings(a.cond).some((s) => POSTGRES_KIND.test(s))
      const pg = arms.find((a) => a !== taken && pgArm(a))
      if (taken && pg && !pgArm(taken)) {
        found = {env: [], file, line: n.startPosition.row + 1, other: pg.head, otherLine: pg.line, taken: taken.head}
        holder = inner
        start = n.startIndex
        return
      }
    }

    for (const c of named(n)) visit(c, inner)
  }

  visit(tree.rootNode, tree.rootNode)
  if (!found) return undefined
  return {...found, env: envReads(holder, start)}
}
