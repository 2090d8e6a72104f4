/*
 * An app's own files that show a second URL var on DATABASE_URL's server (model/other-server.ts uses it).
 *
 * A pool read from an env var X with no value is, by the other-server rule, on an unknown server: a second
 * URL on Heroku is usually a second add-on. Some apps say otherwise in the files they ship to set the vars:
 * a setup script, an env template, docker-compose, a `.env.example`. When one such file writes both
 * DATABASE_URL and X as postgres URLs and they name the same server, X is taken as on the plan's server
 * (counted, starred, the file and line named). "The same server" is read strictly:
 *
 * - both hosts are the same variable reference (`@${DATABASE_HOST}/…` in both): the file builds both URLs on
 *   one host whatever its value, so they are one server in every environment the file sets up; or
 * - both hosts are the same literal and so are the database names (`postgres://owner@localhost/app` beside
 *   `postgres://visitor@localhost/app`): one database reached with another role, not a second database.
 *
 * Not evidence: two literal URLs on one host with different database names (a developer's laptop holds
 * every database on localhost; on Heroku a second database is a second add-on), and for literal hosts, vars
 * named like a follower (REPLICA, FOLLOWER, READER, STANDBY, SECONDARY): a follower has the primary's
 * database name in development and its own server in production.
 */

import {type FileReader, normalizedDir} from './files.js'

export interface SameServerEvidence {
  file: string
  line: number
  /** How the file shows it, for the assumption's words. */
  how: string
}

/** Folders whose files set up an app's env (besides the root). */
const SETUP_DIRS = ['', 'scripts', 'bin', 'script']
/** Names of files that set env vars: env templates, shell and setup scripts, compose files, templates. */
const SETUP_FILE = /^(\.env(\..+)?|.+\.(env|sh|bash|template|tmpl|example|sample|dist|ya?ml|js|mjs|cjs|ts)|[^.]+)$/
const MAX_BYTES = 200_000
const FOLLOWER = /REPLICA|FOLLOWER|READER|READ_ONLY|READONLY|STANDBY|SECONDARY/

interface UrlAt {
  db: string
  host: string
  line: number
  user: string
}

/** `NAME=postgres://…`, `NAME: "postgres://…"`, `const NAME = \`postgres://…\``: the URLs a file gives a var. */
function urlsOf(text: string, name: string): UrlAt[] {
  if (!text.includes(name)) return []
  const found: UrlAt[] = []
  const re = new RegExp(`(?<![\\w$])${name}["']?\\s*[:=]\\s*["'\`]?postgres(?:ql)?://(?:([^@/\\s"'\`]*)@)?([^/?#\\s"'\`]*)(?:/([^?#\\s"'\`]*))?`, 'g')
  for (const m of text.matchAll(re)) {
    const host = m[2] ?? ''
    if (host === '') continue
    found.push({db: m[3] ?? '', host, line: text.slice(0, m.index).split('\n').length, user: (m[1] ?? '').split(':')[0]})
  }
  return found
}

function sameServer(primary: UrlAt, other: UrlAt, name: string): string | undefined {
  if (primary.host !== other.host) return undefined
  if (primary.host.includes('$')) return `builds it on DATABASE_URL's host (${primary.host})`
  if (FOLLOWER.test(name) || primary.db === '' || primary.db !== other.db || primary.db.includes('$') !== other.db.includes('$')) return undefined
  return `gives it DATABASE_URL's host and database (${primary.host}/${primary.db})${primary.user !== other.user ? ', another role' : ''}`
}

const memo = new WeakMap<FileReader, Map<string, SameServerEvidence | undefined>>()

/**
 * The first setup file (in the process's folder or the app root: the folder itself, scripts/, bin/, script/) that
 * shows var `name` on DATABASE_URL's server, else undefined. Paths are named from the app root.
 */
export function sameServerEvidence(files: FileReader, name: string): SameServerEvidence | undefined {
  let seen = memo.get(files)
  if (!seen) memo.set(files, (seen = new Map()))
  if (seen.has(name)) return seen.get(name)
  let found: SameServerEvidence | undefined
  const within = files.within && !files.within.split('/').includes('..') ? files.within : ''
  const bases = within === '' ? [''] : ['', '../'.repeat(within.split('/').length)]
  for (const dir of bases.flatMap((b) => SETUP_DIRS.map((d) => `${b}${d}`))) {
    for (const file of files.list(dir)) {
      if (!SETUP_FILE.test(file)) continue
      const path = dir === '' ? file : `${dir.replace(/\/$/, '')}/${file}`
      const text = files.read(path)?.text
      if (!text || text.length > MAX_BYTES || !text.includes('DATABASE_URL') || !text.includes(name)) continue
      const primaries = urlsOf(text, 'DATABASE_URL')
      for (const other of urlsOf(text, name)) {
        for (const primary of primaries) {
          const how = sameServer(primary, other, name)
          if (how) {
            found = {file: normalizedDir(`${within}/${path}`), how, line: other.line}
            break
          }
        }
        if (found) break
      }
      if (found) break
    }
    if (found) break
  }
  seen.set(name, found)
  return found
}
