/**
 * Which render.yaml services run this repository's code. A service's `repo:` names the repository Render builds it
 * from; without one, Render builds it from the repository holding render.yaml ("Default: Repo containing render.yaml",
 * https://render.com/docs/blueprint-spec). Render's own "Generate Blueprint" writes `repo:` on every service, naming the
 * repository itself, so a `repo:` is often this repository. The checkout does not say its own URL for sure (it may
 * have no .git), so this reads what it can:
 * - names of this repository (OWNER/NAME): .git/config's remote URLs, package.json's `repository`/`homepage`/`bugs`,
 *   app.json's `repository`, README's "Deploy to Render" button (`render.com/deploy?repo=URL`) and `git clone URL`;
 * - its name alone: the root package.json's or app.json's `name` (a package scope `@NAME/…` too), as a repository
 *   renamed since the Blueprint was written keeps its packages' names, or a Blueprint names the new name; and the
 *   checkout folder's name (`git clone URL` names it after the repository).
 * A `repo:` matching a name (owner/name compared case-insensitively, `.git`, http(s)/ssh/git@ forms alike) is this
 * repository; matching only the name, it is taken as this repository renamed or moved, said and starred. With no
 * evidence: services without `repo:` are this repository's, and those naming one another's; when every service names
 * one, the repository most of them name is taken as this one (said, starred), the others' are another's. Pure.
 */
import type {FileReader} from '../model/files.js'
import type {RenderService} from './render-yaml.js'

/** `owner/name` (lower-case) of a git or web URL on any host; undefined when it names no repository. */
export function repositoryOf(url: string): string | undefined {
  let u = url.trim().replace(/^git\+/, '')
  // npm's shorthands: github:owner/name, gitlab:owner/name, owner/name.
  const short = /^(?:(?:github|gitlab|bitbucket):)?([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(u)
  if (short && !u.includes('//')) return `${short[1]}/${short[2]}`.toLowerCase()
  // git@host:owner/name.git → ssh://git@host/owner/name.git
  const scp = /^[\w.-]+@([\w.-]+):(?!\/)(.+)$/.exec(u)
  if (scp) u = `ssh://${scp[1]}/${scp[2]}`
  const m = /^[a-z][\w+.-]*:\/\/(?:[^@/]+@)?[^/]+\/(.+)$/i.exec(u)
  if (!m) return undefined
  const parts = m[1].replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').filter((p) => p !== '')
  // A web page inside the repository (github.com/o/n/tree/main, gitlab's /-/…): owner/name are the first two.
  const cut = parts.findIndex((p) => p === '-' || p === 'tree' || p === 'blob' || p === 'issues' || p === 'wiki' || p === 'pulls' || p === 'actions')
  const path = cut >= 2 ? parts.slice(0, cut) : parts
  if (path.length < 2) return undefined
  const name = path.at(-1)!.replace(/\.git$/i, '')
  const owner = path.slice(0, -1).join('/')
  return name === '' ? undefined : `${owner}/${name}`.toLowerCase()
}

const nameOf = (repository: string): string => repository.slice(repository.lastIndexOf('/') + 1)

export interface RepositorySignal {
  file: string
  line: number
  /** `owner/name`, lower-case, or only the name (no `/`). */
  names: string
}

const lineAt = (text: string, index: number): number => text.slice(0, Math.max(0, index)).split('\n').length

/** What this checkout says its repository is; `folder`: the checkout folder's name. */
export function repositorySignals(files: FileReader, folder?: string): RepositorySignal[] {
  const found: RepositorySignal[] = []
  const add = (file: string, text: string, needle: string, value: string | undefined, onlyName = false): void => {
    if (!value) return
    const repository = onlyName ? value.toLowerCase() : repositoryOf(value)
    if (!repository) return
    found.push({file, line: lineAt(text, text.indexOf(needle)), names: repository})
  }

  const git = files.read('.git/config')
  if (git) for (const m of git.text.matchAll(/^\s*url\s*=\s*(\S+)/gim)) add(git.path, git.text, m[0], m[1])
  for (const manifest of ['package.json', 'app.json']) {
    const file = files.read(manifest)
    if (!file) continue
    let json: unknown
    try {
      json = JSON.parse(file.text)
    } catch {
      continue
    }

    if (typeof json !== 'object' || json === null) continue
    const o = json as Record<string, unknown>
    const urlOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'object' && v !== null && typeof (v as {url?: unknown}).url === 'string' ? (v as {url: string}).url : undefined)
    for (const key of ['repository', 'homepage', 'bugs']) {
      const url = urlOf(o[key])
      // homepage/bugs name a repository only on a code host (a homepage is often the app's own site).
      if (url && (key === 'repository' || /\b(?:github\.com|gitlab\.com|bitbucket\.org)\//i.test(url))) add(file.path, file.text, `"${key}"`, url)
    }

    if (typeof o.name === 'string') {
      const m = /^(?:@([\w.-]+)\/)?([\w.-]+)$/.exec(o.name.trim())
      if (m?.[1]) add(file.path, file.text, '"name"', m[1], true)
      if (m?.[2]) add(file.path, file.text, '"name"', m[2], true)
    }
  }

  for (const readme of files.list('').filter((f) => /^readme(?:\.\w+)?$/i.test(f))) {
    const file = files.read(readme)
    if (!file) continue
    for (const m of file.text.matchAll(/render\.com\/deploy\?repo=([^\s)"'\]&]+)/gi)) add(file.path, file.text, m[0], decodeURIComponent(m[1]))
    for (const m of file.text.matchAll(/git clone\s+(?:--?[\w-]+(?:=\S+)?\s+)*((?:https?|ssh|git):\/\/\S+|[\w.-]+@[\w.-]+:\S+)/g)) add(file.path, file.text, m[0], m[1])
  }

  // A name git could have given the folder (a temporary or renamed one rarely matches a repo:'s name).
  if (folder && /^[\w.-]+$/.test(folder) && folder !== '.' && folder !== '..') found.push({file: 'the checkout folder', line: 0, names: folder.replace(/\.git$/i, '').toLowerCase()})
  return found
}

export interface RepositoryDecision {
  /** The services Render builds from another repository. */
  elsewhere: Set<RenderService>
  /** Services taken as this repository's on an inference: why (said, their counts starred); a warning when a signal names another repository. */
  inferred: Map<RenderService, {severity: 'info' | 'warning'; why: string}>
}

/** Decide which services with `repo:` run this repository's code (see the module comment). */
export function classifyRepositories(services: RenderService[], files: FileReader, path: string, folder?: string): RepositoryDecision {
  const elsewhere = new Set<RenderService>()
  const inferred = new Map<RenderService, {severity: 'info' | 'warning'; why: string}>()
  const named = services.filter((s) => s.repo !== undefined)
  if (named.length === 0) return {elsewhere, inferred}
  const keyOf = (s: RenderService): string => repositoryOf(s.repo!.url) ?? s.repo!.url.trim().toLowerCase()
  const groups = new Map<string, RenderService[]>()
  for (const s of named) groups.set(keyOf(s), [...(groups.get(keyOf(s)) ?? []), s])
  const signals = repositorySignals(files, folder)
  const full = signals.filter((s) => s.names.includes('/'))
  const cite = (s: RepositorySignal): string => (s.line > 0 ? `${s.file}:${s.line}` : s.file)
  const where = (g: RenderService[]): string => `${g.slice(0, 3).map((s) => `${path}:${s.repo!.line}`).join(', ')}${g.length > 3 ? ` and ${g.length - 3} more` : ''}`

  const ours = new Set<string>()
  for (const [key, g] of groups) {
    if (full.some((s) => s.names === key)) {
      ours.add(key)
      continue
    }

    const byName = signals.find((s) => nameOf(s.names) === nameOf(key))
    if (byName) {
      ours.add(key)
      for (const s of g) inferred.set(s, {severity: 'info', why: `repo: ${g[0].repo!.url} (${where(g)}) is taken as this repository by its name (${byName.names.includes('/') ? `${cite(byName)} names ${byName.names}: moved, renamed or forked` : `${byName.line > 0 ? `${cite(byName)} names the app` : 'the checkout folder is named'} ${byName.names}; the owner is not known here`})`})
    }
  }

  const unnamed = services.some((s) => s.repo === undefined)
  if (ours.size === 0 && !unnamed) {
    // Every service names a repository and none is known to be this one: the one most services name is taken as this one.
    const ranked = [...groups].sort((a, b) => b[1].length - a[1].length)
    const [top, next] = ranked
    const tied = ranked.filter(([, g]) => g.length === top[1].length)
    const other = full.length > 0 ? `, though ${cite(full[0])} names ${full[0].names}` : ''
    for (const [key, g] of next && next[1].length === top[1].length ? tied : [top]) {
      ours.add(key)
      const why =
        groups.size === 1
          ? `every service in ${path} names the same repository (repo: ${g[0].repo!.url}), taken as this one${other}`
          : next && next[1].length === top[1].length
            ? `${path}'s services name ${groups.size} repositories, none of them known to be this one (${tied.map(([k]) => k).join(', ')} as often): repo: ${g[0].repo!.url} is counted as this repository's code${other}`
            : `repo: ${g[0].repo!.url} (${where(g)}) is named by most of ${path}'s services (${g.length} of ${named.length}), taken as this repository${other}`
      for (const s of g) inferred.set(s, {severity: other ? 'warning' : 'info', why})
    }
  }

  for (const [key, g] of groups) if (!ours.has(key)) for (const s of g) elsewhere.add(s)
  return {elsewhere, inferred}
}
