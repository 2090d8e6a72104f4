/**
 * Which language buildpack runs the app, and so which WEB_CONCURRENCY the
 * platform sets (domain-facts §2.2). The buildpacks the app names (.buildpacks, else
 * app.json `buildpacks`) decide when present
 * (every buildpack writes .profile.d/WEB_CONCURRENCY.sh, so the last one wins);
 * otherwise the files Heroku's auto-detection looks for, in its order.
 */
import type {FileReader} from '../model/files.js'

import {namedBuildpacks} from './named-buildpacks.js'
import {appPath} from '../util/app-path.js'
import {assumed, fromDefault, fromFile, type Source} from '../model/source.js'

const DETECT_REF = 'https://devcenter.heroku.com/articles/buildpacks#officially-supported-buildpacks'

export type Language = 'dotnet' | 'elixir' | 'go' | 'java' | 'nodejs' | 'php' | 'python' | 'ruby'

/** Marker files per language, in Heroku's detection order (first match wins). */
const MARKERS: [Language, string[]][] = [
  ['ruby', ['Gemfile']],
  ['nodejs', ['package.json']],
  ['python', ['requirements.txt', 'pyproject.toml', 'Pipfile', 'uv.lock', 'poetry.lock', 'setup.py']],
  // heroku/java (Maven), heroku/gradle and heroku/scala (sbt: bin/detect's *.sbt, project/build.properties), all JVM.
  ['java', ['pom.xml', 'build.gradle', 'build.gradle.kts', 'gradlew', 'build.sbt', 'project/build.properties']],
  ['php', ['composer.json', 'index.php']],
  ['go', ['go.mod', 'Godeps/Godeps.json', 'vendor/vendor.json']],
  // heroku/dotnet: a .sln, .slnx, .csproj, .vbproj, .fsproj or .cs file in the root (matched by extension below).
  ['dotnet', []],
  // Not an official buildpack: the community Elixir buildpack detects mix.exs.
  ['elixir', ['mix.exs']],
]

/** heroku/buildpacks-dotnet `detect` (src/main.rs): a solution, project or C# file in the root directory. */
export const DOTNET_EXTENSIONS = ['.sln', '.slnx', '.csproj', '.vbproj', '.fsproj', '.cs']

/** The first root file that makes the .NET buildpack pass detection, if any. */
export const dotnetMarker = (files: FileReader): string | undefined => files.list('').find((f) => DOTNET_EXTENSIONS.some((e) => f.toLowerCase().endsWith(e)))

/** Whether heroku/nodejs's default `npm start` runs something: a `start` script, or server.js (npm's default). */
function nodeStarts(files: FileReader): boolean {
  if (files.exists('server.js')) return true
  try {
    const pkg = JSON.parse(files.read('package.json')?.text ?? '{}') as {scripts?: {start?: unknown}}
    return typeof pkg.scripts?.start === 'string'
  } catch {
    // A package.json that is not JSON: the Node.js build fails on it; leave detection as it is.
    return true
  }
}

/** The file that makes a language's buildpack pass detection, if any. */
const markerOf = (files: FileReader, lang: Language, marks: string[]): string | undefined =>
  lang === 'dotnet' ? dotnetMarker(files) : marks.find((m) => files.exists(m))

const BUILDPACK_NAMES: [RegExp, Language][] = [
  [/(^|\/)(heroku\/)?(heroku-buildpack-)?python\b/i, 'python'],
  [/(^|\/)(heroku\/)?(heroku-buildpack-)?nodejs\b/i, 'nodejs'],
  [/(^|\/)(heroku\/)?(heroku-buildpack-)?ruby\b/i, 'ruby'],
  [/(^|\/)(heroku\/)?(heroku-buildpack-)?php\b/i, 'php'],
  [/(^|\/)(heroku\/)?(heroku-buildpack-)?(java|gradle|scala|clojure|jvm-common)\b/i, 'java'],
  [/(^|\/)(heroku\/)?(heroku-buildpack-)?go\b/i, 'go'],
  [/(^|\/)(heroku\/)?(heroku-buildpack-)?dotnet(core)?(-buildpack)?\b/i, 'dotnet'],
  [/(^|\/)heroku-buildpack-elixir\b/i, 'elixir'],
]

/** The language buildpack a URL or shorthand names (`heroku/python`, `https://github.com/Scalingo/php-buildpack`). */
const buildpackLanguage = (url: string): Language | undefined => BUILDPACK_NAMES.find(([re]) => re.test(url))?.[1]

export interface DetectedLanguage {
  /** Every language whose marker files are present, in detection order. */
  all: Language[]
  /** The buildpack that writes WEB_CONCURRENCY last; undefined when nothing matched. */
  language?: Language
  source?: Source
  /**
   * When the app pins a language buildpack to a release older than its first WEB_CONCURRENCY script (.buildpacks
   * `heroku-buildpack-python.git#v52`): the last named buildpack that does write it (undefined language: none does).
   */
  webConcurrency?: {language?: Language; source: Source}
}

/**
 * The first release of each language buildpack whose .profile.d script sets WEB_CONCURRENCY (its archive/vNN tags):
 * heroku-buildpack-python v55 (2015-01-08, vendor/python.webconcurrency.sh; v54 and before set none) and
 * heroku-buildpack-nodejs v71 (2015-02-17, lib/concurrency.sh; v70 and before set none).
 */
const FIRST_WEB_CONCURRENCY: Partial<Record<Language, {ref: string; release: number}>> = {
  nodejs: {ref: 'https://github.com/heroku/heroku-buildpack-nodejs/blob/archive/v71/lib/concurrency.sh', release: 71},
  python: {ref: 'https://github.com/heroku/heroku-buildpack-python/blob/archive/v55/vendor/python.webconcurrency.sh', release: 55},
}

/** A named buildpack pinned (`#v52`) to a release before its language's first WEB_CONCURRENCY script. */
function pinnedBeforeConcurrency(language: Language, ref: string | undefined): {ref: string; release: number} | undefined {
  const first = FIRST_WEB_CONCURRENCY[language]
  const release = ref === undefined ? undefined : /^v(\d+)$/.exec(ref)?.[1]
  return first && release !== undefined && Number(release) < first.release ? first : undefined
}

const MULTI_REF = 'https://github.com/heroku/heroku-buildpack-multi#readme'

/** Programs that say which language's buildpack an app's process needs (commandLanguage takes the last one named). */
const PROGRAM_LANGUAGES = new Map<string, Language>([
  ...['gunicorn', 'uvicorn', 'daphne', 'hypercorn', 'granian', 'waitress-serve', 'uwsgi', 'celery', 'rq', 'dramatiq', 'arq', 'huey_consumer', 'manage.py', 'flask', 'fastapi'].map((p) => [p, 'python'] as const),
  ...['puma', 'pumactl', 'unicorn', 'pitchfork', 'rails', 'rackup', 'thin', 'passenger', 'sidekiq', 'good_job', 'bundle', 'rake', 'falcon', 'iodine', 'que', 'resque'].map((p) => [p, 'ruby'] as const),
  ...['node', 'npm', 'yarn', 'pnpm', 'npx', 'nodemon', 'ts-node', 'tsx', 'next', 'nuxt', 'pm2', 'pm2-runtime'].map((p) => [p, 'nodejs'] as const),
  ...['heroku-php-apache2', 'heroku-php-nginx', 'php', 'php-fpm', 'artisan'].map((p) => [p, 'php'] as const),
  ...['java', 'mvn', 'mvnw', 'gradle', 'gradlew'].map((p) => [p, 'java'] as const),
  ...['mix', 'elixir'].map((p) => [p, 'elixir'] as const),
])

/**
 * The language a program name says, if any: a name in PROGRAM_LANGUAGES, or python with a version (`python3`,
 * `python3.12`). A lookup, not a regular expression per language: V8 compiles each expression the first time it
 * runs, which cost more than the whole lookup on every run.
 */
export function programLanguage(program: string): Language | undefined {
  const named = PROGRAM_LANGUAGES.get(program)
  if (named || !program.startsWith('python')) return named
  for (let i = 'python'.length; i < program.length; i++) {
    const c = program.charCodeAt(i)
    if (c !== 0x2e && (c < 0x30 || c > 0x39)) return undefined
  }

  return 'python'
}

/**
 * The language a process command runs, from the last word that names a known program (after wrappers,
 * VAR=value and setup steps), else from the lines of the script it starts (`bin/run.sh`), one level deep,
 * comments left out.
 */
function commandLanguage(command: string, files: FileReader, depth = 0): {language: Language; program: string} | undefined {
  const words = command.split(/[\s;&|()'"]+/).filter(Boolean)
  // The last program named: setup steps come first (`npm run build && …`, `manage.py migrate`), the server last.
  for (const word of words.toReversed()) {
    const program = word.slice(word.lastIndexOf('/') + 1)
    const language = programLanguage(program)
    if (language) return {language, program}
  }

  if (depth > 0) return undefined
  for (const word of words) {
    // A path on the platform (`/app/bin/web.sh`) is the app's file; any other absolute path (`/dev/null`) is not one.
    const path = /^[\w./-]+$/.test(word) && word.includes('/') ? appPath(word) : ''
    // `../../scripts/x.sh` is relative to the process's folder (an image's WORKDIR apps/api), which is not known here:
    // read from the app root it would be outside the app, and said so as if the app named such a file.
    const script = path === '' || path.startsWith('/') || path.startsWith('../') ? undefined : files.read(path)
    if (!script) continue
    const body = script.text.split('\n').filter((l) => !l.trimStart().startsWith('#')).join('\n')
    const found = commandLanguage(body, files, depth + 1)
    if (found) return {language: found.language, program: `${found.program} in ${script.path}`}
  }

  return undefined
}

/** A Procfile process, to tell which of several languages' buildpacks the app runs last. */
export interface ProcessHint {
  command: string
  file: string
  line: number
  name: string
}

/**
 * `buildpacks`: the app's installed buildpacks (heroku buildpacks -a APP), which decide over app.json and marker files.
 * `processes`: the Procfile's processes; when no buildpack is named and the web process (else the first process)
 * runs another language than the root's files detect first, that language is taken as the last buildpack, labelled.
 */
export function detectLanguage(files: FileReader, buildpacks?: {source: Source; urls: string[]}, processes: readonly ProcessHint[] = []): DetectedLanguage {
  const all = MARKERS.filter(([lang, marks]) => markerOf(files, lang, marks) !== undefined).map(([lang]) => lang)
  const installed = buildpacks?.urls.flatMap((url) => buildpackLanguage(url) ?? [])
  if (installed && installed.length > 0) return {all, language: installed.at(-1), source: buildpacks!.source}
  // The last named buildpack that is a language's writes WEB_CONCURRENCY last.
  const named = namedBuildpacks(files).flatMap((b) => {
    const language = buildpackLanguage(b.url)
    return language ? [{...b, language}] : []
  })
  const last = named.at(-1)
  if (last) {
    const found: DetectedLanguage = {all, language: last.language, source: fromFile(last.file, last.line)}
    // A pinned release that predates its WEB_CONCURRENCY script writes none: the last one that does decides.
    const silent = named.filter((b) => pinnedBeforeConcurrency(b.language, b.ref))
    // Only the last one's pin changes anything: an earlier silent one was overwritten anyway.
    if (!silent.includes(last)) return found
    const writer = named.findLast((b) => !silent.includes(b))
    const said = silent.map((b) => {
      const first = pinnedBeforeConcurrency(b.language, b.ref)!
      return `${b.file}:${b.line} pins heroku/${b.language} to ${b.ref}, before its first WEB_CONCURRENCY script (v${first.release}: ${first.ref}), so it sets none`
    })
    const source = fromDefault(`${said.join('; ')}${writer ? `; the last buildpack that sets it is heroku/${writer.language} (${writer.file}:${writer.line})` : '; no buildpack named sets it'}`, silent.map((b) => pinnedBeforeConcurrency(b.language, b.ref)!.ref)[0])
    return {...found, webConcurrency: {...(writer ? {language: writer.language} : {}), source}}
  }

  let language = all[0]
  if (!language) {
    // No root file passes any language buildpack's detection, yet the web process runs a language's server (La Suite's
    // Scalingo apps: src/backend/pyproject.toml, a meta-buildpack that builds that folder with the Python buildpack,
    // whose .profile.d sets WEB_CONCURRENCY, then `gunicorn …` from bin/buildpack_start.sh). A deploy that starts it
    // set its buildpacks elsewhere (the dashboard, BUILDPACK_URL, a subfolder's); that language's is taken as the last.
    const hint = processes.find((p) => p.name === 'web') ?? processes[0]
    const server = hint && commandLanguage(hint.command, files)
    if (!server) return {all}
    return {
      all,
      language: server.language,
      source: assumed(
        `no file in the app's root makes a language buildpack pass detection (${DETECT_REF}), and no buildpack is named (.buildpacks, app.json); the ${hint.name} process runs ${server.program} (${hint.file}:${hint.line}), so the app's buildpacks are set where conncalc cannot see (the dashboard, BUILDPACK_URL) and heroku/${server.language} is taken as the last one`,
      ),
    }
  }
  // elixir_buildpack.config is read only by the community Elixir buildpack (HashNuke bin/compile sources it, Gigalixir's
  // too), which Heroku never picks by detection: an app that ships it beside mix.exs sets its buildpacks, Elixir's among
  // them, whatever other language's files lie in the root (a requirements.txt for a Python helper). With no Procfile
  // naming another language's server, Elixir is taken as the app's buildpack, labelled.
  const elixirConfig = ['elixir_buildpack.config'].find((f) => files.exists(f))
  const webHint = processes.find((p) => p.name === 'web') ?? processes[0]
  const webRuns = webHint && commandLanguage(webHint.command, files)
  if (language !== 'elixir' && all.includes('elixir') && elixirConfig && (!webRuns || webRuns.language === 'elixir')) {
    return {
      all,
      language: 'elixir',
      source: assumed(
        `${elixirConfig} is there (only the community Elixir buildpack reads it, and Heroku's detection never picks that buildpack), so the app sets its buildpacks with Elixir's: heroku/${language}'s ${markerOf(files, language, MARKERS.find(([l]) => l === language)![1])} is not taken as the app's language (${MULTI_REF})`,
      ),
    }
  }

  // No Procfile, and package.json is only the build's (no start script, no server.js: heroku/nodejs's `npm start` would
  // have nothing to run) beside another language's files: Heroku's detection would pick heroku/nodejs (package.json comes
  // first in its order) and the web dyno would crash, so the app must be deployed with its buildpacks set — the other
  // language's last, whose default web process runs (kanboard: composer.json and a gulp-only package.json).
  if (language === 'nodejs' && processes.length === 0 && all.length > 1 && !nodeStarts(files)) {
    const next = all[1]
    language = next
    const nextMarker = markerOf(files, next, MARKERS.find(([l]) => l === next)![1])!
    return {
      all,
      language,
      source: assumed(
        `package.json has no start script and there is no server.js, so heroku/nodejs (which Heroku's detection tries before heroku/${next}: ${DETECT_REF}) would start nothing; ${nextMarker} is there, so the app is taken to be deployed with heroku/${next} as its last buildpack (set it: heroku buildpacks:add heroku/${next}, or app.json "buildpacks")`,
      ),
    }
  }

  const marker = markerOf(files, language, MARKERS.find(([l]) => l === language)![1])!
  // No buildpack named, and the web process runs another language than the root's files say (a Django app
  // with a package.json for its assets; `cd backend && bundle exec puma` beside a root package.json): Heroku's
  // detection would build only the first, so the app must have its buildpacks set — the server's language
  // last ("Node.js for asset preparation … followed by the native buildpack of your application").
  const web = processes.find((p) => p.name === 'web') ?? processes[0]
  const runs = web && commandLanguage(web.command, files)
  if (runs && runs.language !== language) {
    const found = all.includes(runs.language) ? `${all.join(' and ')} files are both there` : `the root has ${all.join(' and ')} files only`
    return {
      all,
      language: runs.language,
      source: assumed(
        `${found} and no buildpacks are named (.buildpacks, app.json); the ${web.name} process runs ${runs.program} (${web.file}:${web.line}), so heroku/${runs.language} is taken as the last buildpack, after the others (${MULTI_REF})`,
      ),
    }
  }

  if (all.length === 1) return {all, language, source: fromDefault(`heroku/${language} buildpack detected from ${marker}`, DETECT_REF)}
  return {
    all,
    language,
    source: assumed(
      `heroku/${language} buildpack detected from ${marker}; ${all.slice(1).join(', ')} files are there too and app.json names no buildpacks, so Heroku's detection order is assumed`,
    ),
  }
}
