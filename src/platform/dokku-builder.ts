/**
 * Which builder Dokku picks for an app with a Dockerfile in its root. Dokku builds with Herokuish
 * buildpacks when `BUILDPACK_URL` is set (a committed `.env`) or a `.buildpacks` file is in the root,
 * with Cloud Native Buildpacks when a `project.toml` is, and otherwise, with a root Dockerfile, builds
 * that Dockerfile (https://dokku.com/docs/deployment/builders/herokuish-buildpacks/#detection,
 * https://dokku.com/docs/deployment/builders/dockerfiles/#detection). The Procfile's commands then run
 * in the image: "the commands in it will be passed to `docker run`", as arguments to the ENTRYPOINT
 * when the Dockerfile sets one (dockerfiles.md, "Procfiles and multiple processes").
 *
 * Heroku never builds a Dockerfile beside a Procfile (only heroku.yml's `build: docker` does), so
 * conncalc takes the Dockerfile's image only where the repository says it deploys on Dokku: an
 * app.json key only Dokku reads (`healthchecks`, `cron`, `scripts.dokku`: Heroku's app.json schema,
 * https://devcenter.heroku.com/articles/app-json-schema, has none of them), a Dokku file (CHECKS,
 * DOKKU_SCALE), or a Procfile program only the Dockerfile installs: a Python server or worker (`gunicorn`,
 * `celery`, …) that a `RUN pip install` of the Dockerfile installs and none of the app's Python dependency files
 * (requirements*.txt, pyproject.toml, Pipfile, setup.py, the lock files) lists, so Heroku's Python buildpack,
 * which installs only those (https://devcenter.heroku.com/articles/python-pip), would leave the command missing:
 * the Procfile runs in the image. Pure: files come through a FileReader.
 */
import type {FileReader} from '../model/files.js'

import {jsonKeyLine} from '../util/json-lines.js'

/**
 * Dokku's zero-downtime deploy: "Dokku will wait 10 seconds after starting each container … traffic will be switched
 * to point to your new containers. Dokku will also wait a further 60 seconds after the deploy is complete before
 * terminating old containers … you may have more than one container running for a given application"
 * (DOKKU_WAIT_TO_RETIRE; `checks:disable` per process type stops the old ones first, with downtime).
 */
export const DOKKU_ZERO_DOWNTIME_REF = 'https://dokku.com/docs/deployment/zero-downtime-deploys/'

export const DOKKU_DOCKERFILE_REF = 'https://dokku.com/docs/deployment/builders/dockerfiles/#procfiles-and-multiple-processes'

/** A deploy task app.json declares (Dokku's scripts.dokku), not a Procfile line: its entry's file is app.json. */
export const fromAppJson = (file: string | undefined): boolean => file !== undefined && /(^|\/)app\.json$/.test(file)

/** What says the app deploys on Dokku: a file, and the line when it is an app.json key. */
export interface DokkuSign {
  file: string
  line?: number
  what: string
}

/**
 * Why Dokku builds the root Dockerfile and runs the Procfile in its image, or undefined when it would
 * not (no Dockerfile, a buildpack builder is selected) or nothing says the app deploys on Dokku.
 */
export function dokkuBuildsDockerfile(files: FileReader, sign: DokkuSign | undefined = dokkuSign(files)): DokkuSign | undefined {
  if (!files.exists('Dockerfile') || files.exists('.buildpacks') || files.exists('project.toml')) return undefined
  const dotenv = files.read('.env')
  if (dotenv && /^\s*(?:export\s+)?BUILDPACK_URL\s*=/m.test(dotenv.text)) return undefined
  return sign
}

/** What says the app deploys on Dokku (an app.json key only Dokku reads, CHECKS, DOKKU_SCALE), if anything does. */
export function dokkuSign(files: FileReader): DokkuSign | undefined {
  const appJson = files.read('app.json')
  if (appJson) {
    let parsed: unknown
    try {
      parsed = JSON.parse(appJson.text)
    } catch {
      parsed = undefined
    }

    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const o = parsed as Record<string, unknown>
      for (const key of ['healthchecks', 'cron']) {
        if (key in o) return {file: appJson.path, line: Math.max(1, jsonKeyLine(appJson.text, [key])), what: `its \`${key}\` key (Dokku's)`}
      }

      const scripts = o.scripts
      if (scripts && typeof scripts === 'object' && 'dokku' in scripts) {
        return {file: appJson.path, line: Math.max(1, jsonKeyLine(appJson.text, ['scripts', 'dokku'])), what: "its `scripts.dokku` key (Dokku's)"}
      }
    }
  }

  for (const name of ['CHECKS', 'DOKKU_SCALE']) {
    if (files.exists(name)) return {file: name, what: "a file only Dokku reads"}
  }

  return dockerfileOnlyProgram(files)
}

/** Programs of Python packages a Procfile runs, with the package pip installs them from. */
const PYTHON_PROGRAMS = new Map([
  ['arq', 'arq'],
  ['celery', 'celery'],
  ['daphne', 'daphne'],
  ['dramatiq', 'dramatiq'],
  ['granian', 'granian'],
  ['gunicorn', 'gunicorn'],
  ['huey_consumer', 'huey'],
  ['huey_consumer.py', 'huey'],
  ['hypercorn', 'hypercorn'],
  ['rq', 'rq'],
  ['uvicorn', 'uvicorn'],
  ['uwsgi', 'uwsgi'],
  ['waitress-serve', 'waitress'],
])

/** The app's Python dependency files, as the buildpack and the lock files name them. */
function pythonDependencyTexts(files: FileReader): string[] {
  const named = ['pyproject.toml', 'Pipfile', 'Pipfile.lock', 'setup.py', 'setup.cfg', 'poetry.lock', 'uv.lock']
  const requirements = [...files.list('').filter((f) => /^requirements.*\.(txt|in)$/i.test(f)), ...files.list('requirements').filter((f) => /\.(txt|in)$/i.test(f)).map((f) => `requirements/${f}`)]
  return [...named, ...requirements].map((p) => files.read(p)?.text).filter((t): t is string => t !== undefined)
}

/** The Dockerfile's instructions, each with its first line, continuation lines (`\` at the end) joined. */
function dockerInstructions(text: string): {line: number; text: string}[] {
  const out: {line: number; text: string}[] = []
  let current: {line: number; text: string} | undefined
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    // Comment lines are dropped, also inside a continued instruction (Docker removes them before joining).
    if (/^\s*#/.test(raw)) continue
    const line = raw
    if (!current) {
      if (line.trim() === '') continue
      current = {line: i + 1, text: ''}
    }

    const cont = /\\\s*$/.test(line)
    current.text += ` ${cont ? line.replace(/\\\s*$/, '') : line}`
    if (!cont) {
      out.push(current)
      current = undefined
    }
  }

  if (current) out.push(current)
  return out
}

const word = (name: string): RegExp => new RegExp(`(^|[^A-Za-z0-9_.-])${name.replaceAll('.', '\\.')}([^A-Za-z0-9_.-]|$)`, 'im')

/**
 * A Procfile line whose Python program (`gunicorn wsgi`) the Dockerfile's `RUN pip install … gunicorn` installs while
 * no dependency file of the app lists its package: the Procfile runs in the image, not in a buildpack's slug.
 */
function dockerfileOnlyProgram(files: FileReader): DokkuSign | undefined {
  const procfile = files.read('Procfile')?.text
  const dockerfile = files.read('Dockerfile')
  if (!procfile || !dockerfile) return undefined
  const deps = pythonDependencyTexts(files)
  if (deps.length === 0) return undefined
  const installs = dockerInstructions(dockerfile.text).filter((i) => /^\s*RUN\s/i.test(i.text) && /\bpip3?(\.\d+)?\s[^;&|]*\binstall\b/.test(i.text))
  for (const [i, raw] of procfile.split(/\r?\n/).entries()) {
    const m = /^([A-Za-z0-9_-]+)\s*:\s*(.+)$/.exec(raw.trim())
    if (!m) continue
    const words = m[2].trim().split(/\s+/)
    let at = 0
    while (at < words.length && ((words[at].includes('=') && /^[A-Za-z_]\w*=/.test(words[at])) || words[at] === 'exec')) at++
    const program = words[at]?.split('/').at(-1)
    const pkg = program && PYTHON_PROGRAMS.get(program)
    if (!pkg || deps.some((t) => word(pkg).test(t))) continue
    const run = installs.find((r) => word(pkg).test(r.text))
    if (!run) continue
    return {
      file: dockerfile.path,
      line: run.line,
      what: `it installs \`${pkg}\` with pip, which the Procfile's \`${program}\` (Procfile:${i + 1}) needs and no Python dependency file of the app lists, so a buildpack build would not have it`,
    }
  }

  return undefined
}
