/**
 * A monorepo app folder (apps/api) with no deploy file of its own is often deployed by a file higher up: a render.yaml
 * Blueprint at the repository root with a service `rootDir: apps/api`, a fly.toml or heroku.yml there that builds
 * apps/api/Dockerfile, a Procfile whose line runs `cd apps/api && …` / `npm --prefix apps/api start`, or an app.json that
 * gives the monorepo buildpack `APP_BASE=apps/api`. Which of an ancestor's deploy files names the folder, and where.
 * Pure: the ancestor's files come through a FileReader rooted there.
 */
import {posix} from 'node:path'

import type {FileReader} from '../model/files.js'

import {parseAppJsonEnv} from '../platform/app-json-env.js'
import {parseHerokuYml} from '../platform/heroku-yml.js'
import {parseRenderYaml, type RenderService} from '../platform/render-yaml.js'
import {parseFlyToml} from '../platform/fly-toml.js'
import {parseProcfile} from './procfile.js'
import {jsonKeyLine} from '../util/json-lines.js'

/** The files a folder's own deploy says what runs with: any of them in the folder itself, and it is not looked up for. */
export const OWN_DEPLOY_FILES = ['Procfile', 'heroku.yml', 'heroku.yaml', 'render.yaml', 'fly.toml', 'railway.json', 'railway.toml', 'app.json', 'scalingo.json'] as const

/** Files whose presence marks the top of a workspace (npm/yarn/pnpm/bun, Nx, turbo, lerna, Go, Cargo, Gradle, Maven, mix umbrella). */
export const WORKSPACE_FILES = ['pnpm-workspace.yaml', 'lerna.json', 'nx.json', 'turbo.json', 'go.work', 'settings.gradle', 'settings.gradle.kts', 'rush.json'] as const

export type DeployAbove =
  /** A Blueprint whose services (those named) run in the folder. */
  | {file: string; kind: 'render'; line: number; services: string[]; why: string}
  /** A file that deploys one app from the ancestor (fly.toml, heroku.yml, Procfile, app.json): counted as there. */
  | {file: string; kind: 'app.json' | 'fly' | 'heroku.yml' | 'Procfile'; line: number; why: string}

/** `./apps/api/` → `apps/api`. */
const norm = (p: string): string => posix.normalize(p.trim().replace(/^['"]|['"]$/g, '')).replace(/^(?:\.\/)+/, '').replace(/\/+$/, '')
/** Whether path `p` (from the ancestor) is the folder or inside it. */
const within = (p: string, rel: string): boolean => {
  const n = norm(p)
  return n === rel || n.startsWith(`${rel}/`)
}

/** The folder a Render service builds or runs in: its rootDir, else its Dockerfile's folder or a `cd DIR` its commands start with. */
function serviceNames(s: RenderService, rel: string): string | undefined {
  if (s.rootDir !== '') return norm(s.rootDir) === rel ? `rootDir: ${s.rootDir}` : undefined
  if (s.docker && within(posix.dirname(norm(s.docker.dockerfile)), rel)) return `dockerfilePath: ${s.docker.dockerfile}`
  const cd = s.start ? cdInto(s.start.text, rel) : undefined
  return cd ? `startCommand \`${s.start!.text.length > 50 ? `${s.start!.text.slice(0, 49)}…` : s.start!.text}\`` : undefined
}

/** Options of launchers that take the folder a command runs in (npm/yarn/pnpm, gunicorn, make, go, …). */
const FOLDER_OPTIONS = new Set(['--prefix', '--cwd', '--dir', '-C', '--chdir', '--workspace', '-w', '--filter', '-F', '--app-dir', '--project', '-p'])

/**
 * Whether a command line runs in (or runs a file of) folder `rel`: `cd rel`, a folder option naming it
 * (`npm --prefix rel`, `pnpm -C rel`, `yarn --cwd rel`, `npm -w rel`, `pnpm --filter ./rel`), a workspace named by the
 * folder's package name (`yarn workspace @x/api`, `npm -w @x/api`, `pnpm --filter @x/api`), or a path into it (`node
 * rel/dist/main.js`). The matching word, or undefined.
 */
export function cdInto(command: string, rel: string, packageName?: string): string | undefined {
  const words = command.split(/\s+|&&|;|\|\|/).map((w) => w.replace(/^['"]|['"]$/g, '')).filter((w) => w !== '')
  for (const [i, w] of words.entries()) {
    const eq = /^(--[\w-]+)=(.+)$/.exec(w)
    const [opt, value] = eq ? [eq[1], eq[2]] : [w, words[i + 1]]
    if ((opt === 'cd' || FOLDER_OPTIONS.has(opt)) && value !== undefined) {
      if (within(value, rel) && !norm(value).startsWith('..')) return `${opt} ${value}`
      if (packageName !== undefined && value === packageName && opt !== 'cd') return `${opt} ${value}`
    }

    if (packageName !== undefined && w === 'workspace' && i > 0 && /(?:^|\/)yarn$/.test(words[i - 1]) && value === packageName) return `yarn workspace ${packageName}`
    if (w.includes('/') && !w.startsWith('-') && within(w, rel) && norm(w) !== rel) return w
  }

  return undefined
}

/**
 * The first of the ancestor's deploy files (render.yaml, fly.toml, heroku.yml, Procfile, app.json) that names folder
 * `rel` (the app folder, from the ancestor), or undefined. `packageName`: the folder's package.json name, which a
 * workspace command may use instead of its path.
 */
export async function deployFileNaming(files: FileReader, rel: string, packageName?: string): Promise<DeployAbove | undefined> {
  const render = files.read('render.yaml')
  if (render) {
    const yml = parseRenderYaml(render.text, render.path)
    const named = yml.error ? [] : yml.services.flatMap((s) => {
      const how = serviceNames(s, rel)
      return how ? [{how, s}] : []
    })
    if (named.length > 0) {
      return {file: render.path, kind: 'render', line: named[0].s.line, services: named.map((n) => n.s.name), why: named.map((n) => `service ${n.s.name} (${n.how})`).join(', ')}
    }
  }

  const fly = files.read('fly.toml')
  if (fly) {
    const parsed = await parseFlyToml(fly.text, fly.path)
    const dockerfile = parsed.error ? undefined : parsed.build.dockerfile
    if (dockerfile !== undefined && within(posix.dirname(norm(dockerfile)), rel)) {
      const line = fly.text.split('\n').findIndex((l) => /^\s*dockerfile\s*=/.test(l)) + 1
      return {file: fly.path, kind: 'fly', line: Math.max(line, 1), why: `[build] dockerfile = "${dockerfile}"`}
    }
  }

  const yml = files.read('heroku.yml')
  if (yml) {
    const parsed = parseHerokuYml(yml.text, yml.path)
    const image = parsed.error ? undefined : [...parsed.images].find(([, i]) => within(posix.dirname(norm(i.dockerfile)), rel))
    if (image) return {file: yml.path, kind: 'heroku.yml', line: image[1].line, why: `build.docker.${image[0]}: ${image[1].dockerfile}`}
  }

  const procfile = files.read('Procfile')
  if (procfile) {
    for (const e of parseProcfile(procfile.text, procfile.path).entries) {
      const word = cdInto(e.command, rel, packageName)
      if (word) return {file: procfile.path, kind: 'Procfile', line: e.line, why: `${e.name} runs \`${word}\``}
    }
  }

  const appJson = files.read('app.json')
  if (appJson) {
    const env = parseAppJsonEnv(appJson.text, appJson.path).layer
    for (const name of ['APP_BASE', 'PROCFILE', 'PROCFILE_PATH']) {
      const v = env?.vars.get(name)
      if (!v) continue
      const value = name === 'APP_BASE' ? v.value : posix.dirname(norm(v.value))
      if (norm(value) === rel) return {file: appJson.path, kind: 'app.json', line: Math.max(1, jsonKeyLine(appJson.text, ['env', name])), why: `${name}=${v.value}`}
    }
  }

  return undefined
}
