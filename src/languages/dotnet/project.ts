/**
 * Which .NET project a process runs, found as heroku/buildpacks-dotnet finds
 * it (src/app_source.rs, src/dotnet/{solution,slnx,project}.rs): in the app
 * root, one solution (`.sln`, `.slnx`) and its projects, else one project file
 * (`.csproj`, `.vbproj`, `.fsproj`), else one C# file-based app (`.cs` with
 * `#:sdk`/`#:package` directives). A project's assembly name is
 * `<AssemblyName>` or the file name; `Microsoft.NET.Sdk.Web` makes it a web
 * app. Its `PackageReference`s tell whether (and which) Npgsql it uses.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {FileReader} from '../../model/files.js'

import {filesUnder} from '../../model/files.js'

import {XMLParser} from 'fast-xml-parser'

import {lineAt} from '../../util/lines.js'
import {append} from '../../util/arrays.js'

export const BUILDPACK = 'https://github.com/heroku/buildpacks-dotnet/blob/main/buildpacks/dotnet/src/app_source.rs'

export interface PackageRef {
  line: number
  version?: string
}

export interface DotnetProject {
  assembly: string
  /** The folder the project file is in ('' for the root): its appsettings*.json and code. */
  dir: string
  /** Project file (or the .cs file of a file-based app), relative to the app root. */
  file: string
  packages: Map<string, PackageRef>
  /** `<ProjectReference Include="..\Data\Data.csproj" />`: the projects it builds with, from the app root. */
  references?: string[]
  /** `Microsoft.NET.Sdk.Web`: an ASP.NET Core app on Kestrel. */
  web: boolean
}

export interface DotnetApp {
  diagnostics: Diagnostic[]
  projects: DotnetProject[]
  /** The solution or project file the buildpack builds. */
  source?: string
}

const ext = (name: string): string => name.slice(name.lastIndexOf('.')).toLowerCase()
const dirOf = (path: string): string => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '')
const stem = (path: string): string => {
  const base = path.split('/').pop() ?? path
  return base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base
}

/** Collapse `a/../b` and `./` so a solution's relative project path names an app file. */
function normalize(path: string): string {
  const out: string[] = []
  for (const part of path.replaceAll('\\', '/').split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') out.pop()
    else out.push(part)
  }

  return out.join('/')
}

const xml = new XMLParser({attributeNamePrefix: '', ignoreAttributes: false, isArray: () => true, parseAttributeValue: false, parseTagValue: false})

type XmlNode = Record<string, unknown>
const children = (n: unknown, tag: string): XmlNode[] => {
  if (!n || typeof n !== 'object') return []
  // With isArray, every element is an array; match tags case-insensitively, as MSBuild does.
  const key = Object.keys(n).find((k) => k.toLowerCase() === tag.toLowerCase())
  const v = key ? (n as XmlNode)[key] : undefined
  return Array.isArray(v) ? (v as XmlNode[]) : []
}

const attr = (n: XmlNode, name: string): string | undefined => {
  const key = Object.keys(n).find((k) => k.toLowerCase() === name.toLowerCase())
  const v = key ? n[key] : undefined
  const s = Array.isArray(v) ? v[0] : v
  return typeof s === 'string' ? s : undefined
}

const text = (n: XmlNode | string): string | undefined => {
  // An element with no attributes and only text is its string (`<AssemblyName>Shop.Api</AssemblyName>`).
  if (typeof n === 'string') return n.trim()
  const t = n['#text']
  const s = Array.isArray(t) ? t[0] : t
  return typeof s === 'string' ? s.trim() : undefined
}

function parseXml(raw: string, file: string, diagnostics: Diagnostic[]): XmlNode | undefined {
  try {
    return xml.parse(raw, true) as XmlNode
  } catch (error) {
    const m = /line:?\s*(\d+)/i.exec(String((error as Error).message))
    diagnostics.push({code: 'unparsable-config', file, line: m ? Number(m[1]) : undefined, message: `${file} is not valid XML: ${(error as Error).message.split('\n')[0]}`, severity: 'warning'})
    return undefined
  }
}

/** A project file: SDK, assembly name, package references with their lines. */
export function parseProjectFile(raw: string, file: string): {diagnostics: Diagnostic[]; project?: DotnetProject} {
  const diagnostics: Diagnostic[] = []
  const doc = parseXml(raw, file, diagnostics)
  const project = doc ? children(doc, 'Project')[0] : undefined
  if (!project) {
    if (doc) diagnostics.push({code: 'unparsable-config', file, message: `${file} has no <Project> element`, severity: 'warning'})
    return {diagnostics}
  }

  const sdks = [attr(project, 'Sdk') ?? '', ...children(project, 'Sdk').map((s) => attr(s, 'Name') ?? '')]
  const groups = children(project, 'PropertyGroup')
  const assembly = groups.flatMap((g) => children(g, 'AssemblyName')).map(text).findLast((s) => s) ?? stem(file)
  const packages = new Map<string, PackageRef>()
  const references: string[] = []
  for (const group of children(project, 'ItemGroup')) {
    for (const ref of children(group, 'ProjectReference')) {
      const path = attr(ref, 'Include')?.replaceAll('\\', '/')
      if (path && /\.(cs|vb|fs)proj$/i.test(path)) references.push(normalize(dirOf(file) ? `${dirOf(file)}/${path}` : path))
    }

    for (const ref of children(group, 'PackageReference')) {
      const name = attr(ref, 'Include') ?? attr(ref, 'Update')
      if (!name) continue
      const version = attr(ref, 'Version') ?? children(ref, 'Version').map(text)[0]
      const at = raw.search(new RegExp(`(Include|Update)\\s*=\\s*["']${name.replaceAll('.', '\\.')}["']`, 'i'))
      packages.set(name.toLowerCase(), {line: at === -1 ? 1 : lineAt(raw, at), version})
    }
  }

  return {diagnostics, project: {assembly, dir: dirOf(file), file, packages, ...(references.length > 0 ? {references} : {}), web: sdks.some((s) => /^Microsoft\.NET\.Sdk\.Web\b/i.test(s.trim()))}}
}

/** A C# file-based app (`dotnet run app.cs`, .NET 10): `#:sdk` and `#:package Name@Version` directives. */
export function parseFileBasedApp(raw: string, file: string): DotnetProject {
  const packages = new Map<string, PackageRef>()
  let web = false
  for (const [i, line] of raw.split('\n').entries()) {
    const sdk = /^#:sdk\s+(\S+)/.exec(line)
    if (sdk && /^Microsoft\.NET\.Sdk\.Web\b/i.test(sdk[1])) web = true
    const pkg = /^#:package\s+([^@\s]+)(?:@(\S+))?/.exec(line)
    if (pkg) packages.set(pkg[1].toLowerCase(), {line: i + 1, version: pkg[2]})
  }

  return {assembly: stem(file), dir: dirOf(file), file, packages, web}
}

/** Project paths a solution lists: `.sln` `Project(...) = "Name", "path", "{guid}"` lines, `.slnx` `<Project Path="…"/>`. */
function solutionProjects(raw: string, file: string, diagnostics: Diagnostic[]): string[] {
  const base = dirOf(file)
  const join = (p: string): string => normalize(base ? `${base}/${p}` : p)
  if (ext(file) === '.sln') {
    const out: string[] = []
    for (const line of raw.split('\n')) {
      const m = /^\s*Project\("\{[^}]*\}"\)\s*=\s*"[^"]*"\s*,\s*"([^"]+)"/.exec(line)
      if (m && /\.(cs|vb|fs)proj$/i.test(m[1])) out.push(join(m[1]))
    }

    return out
  }

  const doc = parseXml(raw, file, diagnostics)
  const out: string[] = []
  const visit = (n: XmlNode): void => {
    for (const p of children(n, 'Project')) {
      const path = attr(p, 'Path')
      if (path && /\.(cs|vb|fs)proj$/i.test(path)) out.push(join(path))
    }

    for (const f of children(n, 'Folder')) visit(f)
  }

  for (const s of doc ? children(doc, 'Solution') : []) visit(s)
  return out
}

/** The .NET app in the root, as the buildpack discovers it; `projects` is empty when there is none. */
export function discoverDotnetApp(files: FileReader): DotnetApp {
  const diagnostics: Diagnostic[] = []
  const root = files.list('')
  const of = (exts: string[]): string[] => root.filter((f) => exts.includes(ext(f)))
  const solutions = of(['.sln', '.slnx'])
  const projectFiles = of(['.csproj', '.vbproj', '.fsproj'])
  const csFiles = of(['.cs'])
  const load = (path: string): DotnetProject | undefined => {
    const f = files.read(path)
    if (!f) {
      diagnostics.push({code: 'missing-config', file: path, message: `${path} is listed but cannot be read; its project is not analysed`, severity: 'warning'})
      return undefined
    }

    if (ext(path) === '.cs') return parseFileBasedApp(f.text, path)
    const parsed = parseProjectFile(f.text, path)
    append(diagnostics, parsed.diagnostics)
    return parsed.project
  }

  const several = (kind: string, list: string[]): void => {
    diagnostics.push({code: 'unparsable-config', file: list[0], message: `the app root has ${list.length} ${kind} (${list.join(', ')}); heroku/dotnet needs one (or SOLUTION_FILE in project.toml); conncalc reads ${list[0]}`, severity: 'warning'})
  }

  if (solutions.length > 0) {
    if (solutions.length > 1) several('solution files', solutions)
    const sln = files.read(solutions[0])
    const paths = sln ? solutionProjects(sln.text, solutions[0], diagnostics) : []
    return {diagnostics, projects: paths.flatMap((p) => load(p) ?? []), source: solutions[0]}
  }

  const single = projectFiles.length > 0 ? projectFiles : csFiles
  if (single.length === 0) return {diagnostics, projects: []}
  if (single.length > 1) several(projectFiles.length > 0 ? 'project files' : 'C# files', single)
  const project = load(single[0])
  return {diagnostics, projects: project ? [project] : [], source: single[0]}
}

/**
 * The project below the app root that builds `assembly` (`dotnet Api.dll`), when the root's solution or project has none:
 * an image's build publishes a project of its own (`dotnet publish src/Host/Api/Api.csproj -o /publish`, then
 * `COPY --from=build /publish .`), wherever the repository keeps it. Only one project of that assembly name is an answer.
 */
export function projectBuilding(files: FileReader, assembly: string): DotnetProject | undefined {
  const {paths} = filesUnder(files, '', (p) => /\.(cs|vb|fs)proj$/i.test(p) && !/(^|\/)(node_modules|bin|obj)\//.test(p), {max: 2000, maxDepth: 8})
  const named = paths.flatMap((path) => {
    const text = files.read(path)?.text
    const project = text === undefined ? undefined : parseProjectFile(text, path).project
    return project && project.assembly.toLowerCase() === assembly.toLowerCase() ? [project] : []
  })
  return named.length === 1 ? named[0] : undefined
}
