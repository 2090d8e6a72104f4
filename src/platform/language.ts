/**
 * Which language buildpack runs the app, and so which WEB_CONCURRENCY the
 * platform sets (domain-facts §2.2). The buildpacks the app names (.buildpacks, else
 * app.json `buildpacks`) decide when present
 * (every buildpack writes .profile.d/WEB_CONCURRENCY.sh, so the last one wins);
 * otherwise the files Heroku's auto-detection looks for, in its order.
 */
import type {FileReader} from '../model/files.js'

import {namedBuildpacks} from './named-buildpacks.js'
import {assumed, fromDefault, fromFile, type Source} from '../model/source.js'

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

/** `buildpacks`: the app's installed buildpacks (heroku buildpacks -a APP), which decide over app.json and marker files. */
export function detectLanguage(files: FileReader, buildpacks?: {source: Source; urls: string[]}): DetectedLanguage {
  const all = MARKERS.filter(([lang, marks]) => markerOf(files, lang, marks) !== undefined).map(([lang]) => lang)
  const installed = buildpacks?.urls.flatMap((url) => BUILDPACK_NAMES.find(([re]) => re.test(url))?.[1] ?? [])
  if (installed && installed.length > 0) return {all, language: installed.at(-1), source: buildpacks!.source}
  // The last named buildpack that is a language's writes WEB_CONCURRENCY last.
  const named = namedBuildpacks(files).flatMap((b) => {
    const language = BUILDPACK_NAMES.find(([re]) => re.test(b.url))?.[1]
    return language ? [{...b, language}] : []
  })
  const last = named.at(-1)
  if (last) return {all, language: last.language, source: fromFile(last.file, last.line)}

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
