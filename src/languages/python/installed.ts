/**
 * A server the Procfile command starts (`gunicorn …`, `python -m uvicorn …`, `celery …`) that no file the Python
 * buildpack installs from names: its console script is not on the PATH (`bash: gunicorn: command not found`) or
 * `python -m` stops with "No module named gunicorn", and the process exits at start, holding nothing.
 *
 * The buildpack installs from requirements.txt (and the files its `-r`/`-c` lines name), Pipfile/Pipfile.lock
 * (pipenv), poetry.lock with pyproject.toml, uv.lock, or setup.py's install_requires when nothing else is there
 * (heroku-buildpack-python lib/package_manager.sh determine_package_manager). A lock file lists every package it
 * installs, its dependencies' dependencies too; a requirements file lists only what the app asked for, and a package
 * it names may bring the server (a plugin such as django-rq brings rq, uvicorn-worker brings uvicorn). So the server
 * is said to be missing only when every such file conncalc can read names neither it nor a package known to bring
 * it, and never for an app built another way (heroku.yml's Docker build: the image may hold anything).
 */
import type {AnalyzerContext} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'

import {COMMAND_LINE} from '../common/setting.js'
import {hookWritesRequirements} from '../common/database-drivers.js'
import {normalizedDir} from '../../model/files.js'
import {pythonProgram} from './program.js'
import {withIncludes} from './pins.js'
import {copiedFile} from '../../model/image-files.js'
import {posix} from 'node:path'

const PACKAGE_MANAGERS = 'https://github.com/heroku/heroku-buildpack-python/blob/main/lib/package_manager.sh'

/** Console scripts (or `python -m` modules) of the Python servers, with the distributions that install them. */
const SERVERS: Record<string, string[]> = {
  arq: ['arq'],
  celery: ['celery'],
  daphne: ['daphne'],
  dramatiq: ['dramatiq'],
  granian: ['granian'],
  gunicorn: ['gunicorn'],
  huey_consumer: ['huey'],
  'huey_consumer.py': ['huey'],
  hypercorn: ['hypercorn'],
  rq: ['rq'],
  uvicorn: ['uvicorn'],
  uwsgi: ['uwsgi', 'pyuwsgi'],
  waitress: ['waitress'],
  'waitress-serve': ['waitress'],
}

/**
 * Distributions (or extras) whose own requirements install a server, each from its metadata: fastapi[standard]/[all]
 * (fastapi's pyproject.toml optional-dependencies: "uvicorn[standard]"), channels 2–3 (setup.py install_requires
 * daphne), flower (requirements/default.txt: celery), apache-airflow / mlflow / apache-superset (gunicorn in their
 * install requirements), django-toolbelt (Heroku's Django starter package: setup.py install_requires django, psycopg2,
 * gunicorn, dj-database-url, dj-static), quart (its pyproject.toml dependencies: hypercorn, e.g. `hypercorn = ">=0.7.0"` in 0.16, the server of `quart run`). Beside these, any distribution whose name has the server's as one of its parts
 * (django-rq, rq-scheduler, django-celery-beat, uvicorn-worker) is taken to bring it.
 */
const BRINGS: Record<string, RegExp> = {
  celery: /(^|[^\w.-])flower([^\w.-]|$)/im,
  daphne: /(^|[^\w.-])(django-)?channels([^\w.-]|$)/im,
  gunicorn: /(^|[^\w.-])(apache-airflow|mlflow|apache-superset|django-toolbelt)([^\w.-]|$)/im,
  hypercorn: /(^|[^\w.-])quart([^\w.-]|$)/im,
  uvicorn: /(^|[^\w.-])fastapi(-cli)?\s*\[[^\]]*\b(standard|all)\b/im,
}

const LOCKS = ['Pipfile.lock', 'poetry.lock', 'uv.lock']

/** The missing-server warning for the command's program, or undefined when it is installed or conncalc cannot tell. */
export function serverNotInstalled(ctx: AnalyzerContext): {diagnostic: Diagnostic; why: string} | undefined {
  const {name} = pythonProgram(ctx.command.argv)
  const dists = SERVERS[name]
  if (!dists) return undefined
  const {files} = ctx
  // After `cd sub &&` (or a start script's `cd`) the files are read from that folder (FileReader.within); the buildpack
  // installed from the app's root: each folder up to it is read too.
  const depth = files.within && !files.within.startsWith('..') ? files.within.split('/').length : 0
  const levels = Array.from({length: depth + 1}, (_, i) => '../'.repeat(i))
  // Built from a Dockerfile (heroku.yml), or by a Dockerfile that installs things itself: not the buildpack's install.
  if (levels.some((up) => files.exists(`${up}heroku.yml`) || files.exists(`${up}heroku.yaml`))) return undefined
  const requirements: string[] = []
  const read: string[] = []
  for (const up of levels) {
    const reqs = withIncludes(files, `${up}requirements.txt`, new Set<string>())
    requirements.push(...reqs)
    read.push(...reqs)
    for (const f of ['Pipfile', ...LOCKS, 'pyproject.toml', 'setup.py', 'setup.cfg']) if (files.exists(up + f)) read.push(up + f)
  }

  // A container image installs from what its Dockerfile's RUNs name (`pip install -r prod.txt` after
  // `COPY requirements/prod.txt ./`): those files are read too, as the image has them; one conncalc cannot find says nothing.
  const image = ctx.image ? imageRequirements(ctx.image) : undefined
  if (image === 'unread') return undefined
  const imageText = (image ?? []).map((f) => ctx.image!.files.read(f)?.text ?? '').join('\n')
  if (image) read.push(...image.filter((f) => !read.includes(f)))
  // No file the buildpack installs from: not an app conncalc sees whole (a lone config), so nothing is said.
  if (read.length === 0) return undefined
  // Comments name nothing that is installed (`# gunicorn comes with the image`); a URL's `#egg=name` fragment does.
  const uncommented = (t: string): string => t.replaceAll(/(^|\s)#.*$/gm, '')
  const text = [...read.filter((f) => !image?.includes(f)).map((f) => uncommented(files.read(f)?.text ?? '')), uncommented(imageText)].join('\n')
  // A requirement conncalc cannot read through: a -r/-c file that is not in the app.
  const unread = requirements.some((f) => {
    const dir = f.includes('/') ? f.slice(0, f.lastIndexOf('/') + 1) : ''
    return [...(files.read(f)?.text ?? '').matchAll(/^\s*(?:-r|--requirement|-c|--constraint)[\s=]+(\S+)/gm)].some((m) => !files.exists(normalizedDir(dir + m[1])))
  })
  if (unread) return undefined
  // bin/pre_compile writes requirements.txt before the install: the list installed is not the app's.
  if (depth === 0 && hookWritesRequirements(files)) return undefined
  // Installed another way: a build hook or a Dockerfile / render.yaml build command that names the server.
  const others = [...levels.flatMap((up) => ['bin/pre_compile', 'bin/post_compile', 'Dockerfile', 'render.yaml', 'Aptfile'].map((f) => files.read(up + f)?.text ?? '')), ctx.image?.files.read(ctx.image.image.dockerfile)?.text ?? ''].join('\n')
  const part = (d: string): RegExp => new RegExp(String.raw`(^|[^\w.-])([\w.-]*[-_.])?${d.replaceAll(/[-_.]/g, '[-_.]')}\d*([-_.][\w.-]*)?([^\w.-]|$)`, 'im')
  if (dists.some((d) => part(d).test(text) || part(d).test(others))) return undefined
  if (BRINGS[dists[0]]?.test(text)) return undefined
  const locked = read.some((f) => LOCKS.includes(f.replace(/^(\.\.\/)+/, '')))
  const shown = `\`${ctx.command.argv.slice(0, 3).join(' ')}${ctx.command.argv.length > 3 ? ' …' : ''}\``
  const what = `${ctx.processType}: ${shown} runs ${name}, but no file ${image ? "the image's pip install or the Python buildpack" : 'the Python buildpack'} installs from names ${dists.join(' or ')} (${read.join(', ')})`
  const unless = locked ? '' : ` unless a package listed there depends on it,`
  return {
    diagnostic: {
      code: 'missing-config',
      file: COMMAND_LINE,
      fix: `add ${dists[0]} to ${read.find((f) => f === 'requirements.txt' || f === 'Pipfile' || f === 'pyproject.toml') ?? read[0]}; if the image or a package installs it, ignore this (conncalc counts the process as if it runs)`,
      message: `${what}:${unless} the command is not found (or \`python -m\` says "No module named ${name}") and the process exits at start, holding no connection (${PACKAGE_MANAGERS})`,
      processType: ctx.processType,
      severity: 'warning',
    },
    why: `${what}; the process would exit at start: counted as if ${name} were installed`,
  }
}

/**
 * The requirements files a container image's Dockerfile installs (`pip install -r FILE`, `--requirement FILE`, `uv pip
 * install -r FILE`, `pip-sync FILE`), as repository paths from the app root with the files their `-r`/`-c` lines name:
 * FILE where a COPY put it (relative to a WORKDIR of the file, or absolute), or at that path in the repository.
 * 'unread' when one cannot be found (a path in a variable, a file an earlier stage made): what it installs is unknown.
 */
function imageRequirements(image: NonNullable<AnalyzerContext['image']>): string[] | 'unread' | undefined {
  const text = image.files.read(image.image.dockerfile)?.text
  if (!text) return undefined
  const joined = text.replaceAll(/\\\r?\n/g, ' ')
  const workdirs = ['/', ...[...joined.matchAll(/^\s*WORKDIR\s+(\S+)/gim)].map((m) => m[1].replace(/^["']|["']$/g, ''))]
  const names: string[] = []
  for (const run of joined.matchAll(/^\s*RUN\s+(.*)$/gim)) {
    for (const part of run[1].split(/&&|\|\||;/)) {
      if (/\bpip(3|3\.\d+)?\s+install\b/.test(part)) names.push(...[...part.matchAll(/(?:^|\s)(?:-r|--requirement)(?:\s+|=)(\S+)/g)].map((m) => m[1]))
      const sync = /\bpip-sync\s+(.*)$/.exec(part)
      if (sync) names.push(...sync[1].split(/\s+/).filter((w) => w !== '' && !w.startsWith('-')))
    }
  }

  if (names.length === 0) return undefined
  const found: string[] = []
  for (const raw of names) {
    const name = raw.replace(/^["']|["']$/g, '')
    if (name.includes('$')) return 'unread'
    const inImage = (name.startsWith('/') ? [name] : workdirs.map((w) => posix.join(w.startsWith('/') ? w : `/${w}`, name))).map((abs) => copiedFile(image.image, image.files, abs)?.path)
    const path = inImage.find((p) => p !== undefined) ?? stageCopy(joined, workdirs, name) ?? (image.files.exists(name) ? normalizedDir(name) : undefined)
    if (!path || !image.files.exists(path)) return 'unread'
    for (const f of withIncludes(image.files, path, new Set<string>())) if (!found.includes(f)) found.push(f)
  }

  return found
}

/**
 * A build-context COPY of any stage that puts `name` where the RUN reads it (`COPY requirements.txt /tmp/requirements.txt`
 * in a builder stage, then `pip install -r /tmp/requirements.txt`): the repository path; undefined when none does.
 */
function stageCopy(dockerfile: string, workdirs: readonly string[], name: string): string | undefined {
  const targets = new Set(name.startsWith('/') ? [posix.normalize(name)] : workdirs.map((w) => posix.join(w.startsWith('/') ? w : `/${w}`, name)))
  for (const m of dockerfile.matchAll(/^\s*(?:COPY|ADD)\s+(.+)$/gim)) {
    const words = m[1].trim().split(/\s+/).filter((w) => !w.startsWith('--'))
    if (m[1].includes('--from') || words.length !== 2) continue
    const [from, to] = words.map((w) => w.replace(/^["']|["']$/g, ''))
    const dests = to.endsWith('/') || to === '.' ? [posix.join(to, posix.basename(from))] : [to]
    for (const d of dests) for (const w of workdirs) if (targets.has(d.startsWith('/') ? posix.normalize(d) : posix.join(w.startsWith('/') ? w : `/${w}`, d))) return normalizedDir(from.replace(/^\.\//, ''))
  }

  return undefined
}

/**
 * The requirements files the app's install reads beyond the usual names: requirements.txt's `-r`/`-c` files, and the
 * files a container image's Dockerfile installs from (`pip install -r requirements/requirements.txt`), each with its
 * text. Empty when there are none or they cannot be found.
 */
export function installedRequirementFiles(ctx: AnalyzerContext): {file: string; text: string}[] {
  const own = withIncludes(ctx.files, 'requirements.txt', new Set<string>()).map((file) => ({file, text: ctx.files.read(file)?.text ?? ''}))
  const image = ctx.image ? imageRequirements(ctx.image) : undefined
  const built = image && image !== 'unread' ? image.map((file) => ({file, text: ctx.image!.files.read(file)?.text ?? ''})) : []
  return [...own, ...built]
}
