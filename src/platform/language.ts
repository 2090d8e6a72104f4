/**
 * Which language buildpack runs the app, and so which WEB_CONCURRENCY the
 * platform sets (domain-facts §2.2). app.json `buildpacks` decide when present
 * (every buildpack writes .profile.d/WEB_CONCURRENCY.sh, so the last one wins);
 * otherwise the files Heroku's auto-detection looks for, in its order.
 */
import type {FileReader} from '../model/files.js'

import {parseAppJsonFormation} from './formation.js'
import {assumed, fromDefault, fromFile, type Source} from '../model/source.js'
import {jsonKeyLine} from '../util/json-lines.js'

const DETECT_REF = 'https://devcenter.heroku.com/articles/buildpacks#officially-supported-buildpacks'

export type Language = 'dotnet' | 'elixir' | 'go' | 'java' | 'nodejs' | 'php' | 'python' | 'ruby'

/** Marker files per language, in Heroku's detection order (first match wins). */
const MARKERS: [Language, string[]][] = [
  ['ruby', ['Gemfile']],
  ['nodejs', ['package.json']],
  ['python', ['requirements.txt', 'pyproject.toml', 'Pipfile', 'uv.lock', 'poetry.lock', 'setup.py']],
  ['java', ['pom.xml', 'build.gradle', 'build.gradle.kts', 'gradlew']],
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

export interface DetectedLanguage {
  /** Every language whose marker files are present, in detection order. */
  all: Language[]
  /** The buildpack that writes WEB_CONCURRENCY last; undefined when nothing matched. */
  language?: Language
  source?: Source
}

function buildpacksFromAppJson(files: FileReader): {languages: Language[]; line: number} | undefined {
  const appJson = files.read('app.json')
  if (!appJson) return undefined
  // Invalid app.json is reported by the formation reader (io/scale.ts); here it just decides nothing.
  const {buildpacks} = parseAppJsonFormation(appJson.text, 'app.json')
  const languages = buildpacks.flatMap((url) => BUILDPACK_NAMES.find(([re]) => re.test(url))?.[1] ?? [])
  return {languages, line: jsonKeyLine(appJson.text, ['buildpacks'])}
}

/** `buildpacks`: the app's installed buildpacks (heroku buildpacks -a APP), which decide over app.json and marker files. */
export function detectLanguage(files: FileReader, buildpacks?: {source: Source; urls: string[]}): DetectedLanguage {
  const all = MARKERS.filter(([lang, marks]) => markerOf(files, lang, marks) !== undefined).map(([lang]) => lang)
  const installed = buildpacks?.urls.flatMap((url) => BUILDPACK_NAMES.find(([re]) => re.test(url))?.[1] ?? [])
  if (installed && installed.length > 0) return {all, language: installed.at(-1), source: buildpacks!.source}
  const fromAppJson = buildpacksFromAppJson(files)
  if (fromAppJson && fromAppJson.languages.length > 0) {
    return {all, language: fromAppJson.languages.at(-1), source: fromFile('app.json', fromAppJson.line)}
  }

  const language = all[0]
  if (!language) return {all}
  const marker = markerOf(files, language, MARKERS.find(([l]) => l === language)![1])!
  if (all.length === 1) return {all, language, source: fromDefault(`heroku/${language} buildpack detected from ${marker}`, DETECT_REF)}
  return {
    all,
    language,
    source: assumed(
      `heroku/${language} buildpack detected from ${marker}; ${all.slice(1).join(', ')} files are there too and app.json names no buildpacks, so Heroku's detection order is assumed`,
    ),
  }
}
