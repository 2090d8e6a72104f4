/**
 * Which package a Go binary is built from when its name is not the package's: the app builds it itself, in a CI job, a
 * Makefile, a build script or a Dockerfile, with `go build -o NAME PKG` (`go build -o atgatt-worker ./cmd/worker`, then a
 * Procfile runs `./atgatt-worker`). `go help build`: "-o forces build to write the resulting executable … to the named
 * output file or directory"; "If the named output is an existing directory or ends with a slash or backslash, then any
 * resulting executables will be written to that directory"; without -o, "build writes the resulting executable to an
 * output file named after the last non-major-version component of the package path" (or, for a list of .go files,
 * after the first file). `-C dir` changes to dir before the command runs (Go 1.20). Text only: the line's `go build`
 * words, never the script run. Pure: files in, builds out.
 */
import {posix} from 'node:path'

import type {FileReader} from '../../model/files.js'

export const GO_BUILD_REF = 'https://pkg.go.dev/cmd/go#hdr-Compile_packages_and_dependencies'

export interface GoBuild {
  /** The package folder, from the app root ('' for the root). */
  dir: string
  file: string
  line: number
  /** The executable written, as the command names it (`atgatt-worker`, `/app/server`, `bin/api`). */
  out: string
}

// Where apps build: root files, their build and CI folders (names only, then text).
const DIRS = ['', 'bin', 'build', 'script', 'scripts', 'deploy', 'docker', '.circleci', '.github/workflows', '.gitlab', '.buildkite']
const BUILD_FILES = /\.(?:sh|bash|ya?ml|mk)$|^(?:Makefile|makefile|GNUmakefile|Justfile|justfile|Buildfile|build|Dockerfile(?:\.[\w.-]+)?|[\w.-]+\.Dockerfile)$/
// `go build`'s flags that take a value (go help build, go help buildflags).
const VALUE_FLAGS = new Set(['-o', '-C', '-p', '-asmflags', '-buildmode', '-buildvcs', '-compiler', '-gccgoflags', '-gcflags', '-installsuffix', '-ldflags', '-mod', '-modfile', '-overlay', '-pgo', '-pkgdir', '-tags', '-toolexec', '-covermode', '-coverpkg'])

/** Shell-like words of a command's text (quotes removed, nothing expanded); undefined at an unclosed quote. */
function words(text: string): string[] | undefined {
  const out: string[] = []
  let cur = ''
  let quote = ''
  let inWord = false
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = ''
      else cur += c
    } else if (c === '"' || c === "'") {
      quote = c
      inWord = true
    } else if (/\s/.test(c)) {
      if (inWord) out.push(cur)
      cur = ''
      inWord = false
    } else {
      cur += c
      inWord = true
    }
  }

  if (quote) return undefined
  if (inWord) out.push(cur)
  return out
}

/** The binary name `go build` gives a package (its path's last element, the one before a major-version suffix). */
const defaultName = (path: string): string => {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.')
  const last = parts.at(-1) ?? ''
  return /^v[2-9]\d*$|^v1\d+$/.test(last) && parts.length > 1 ? parts.at(-2)! : last
}

/**
 * One `go build` command's words (after `build`): the output and package folder, when both are plain. A pattern
 * (`./cmd/...`) with an output folder (`-o /out/`) writes each main package below it under its own name ("ends with a
 * slash … any resulting executables will be written to that directory"): one build per folder there with Go files.
 */
function readBuild(args: string[], module: string | undefined, files?: FileReader): {dir: string; out: string}[] {
  const pattern = args.filter((a) => !a.startsWith('-')).find((a) => a.endsWith('/...'))
  const outAt = args.findIndex((a) => a === '-o' || a.startsWith('-o='))
  const outDir = outAt === -1 ? undefined : args[outAt].startsWith('-o=') ? args[outAt].slice(3) : args[outAt + 1]
  if (pattern && files && outDir?.endsWith('/') && !/[$`*]/.test(outDir) && args.filter((a, i) => !a.startsWith('-') && i !== outAt + 1).length === 1) {
    const base = posix.normalize(pattern.slice(0, -'/...'.length) || '.')
    if (base.startsWith('..') || base.startsWith('/') || /[$`*]/.test(base)) return []
    const out: {dir: string; out: string}[] = []
    const walk = (dir: string, depth: number): void => {
      if (depth > 4 || /(^|\/)(vendor|testdata)(\/|$)/.test(dir)) return
      if (files.list(dir).some((f) => f.endsWith('.go') && !f.endsWith('_test.go'))) out.push({dir, out: `${outDir}${defaultName(dir)}`})
      for (const d of files.folders(dir)) if (!d.startsWith('.') && !d.startsWith('_')) walk(dir ? `${dir}/${d}` : d, depth + 1)
    }
    walk(base === '.' ? '' : base, 0)
    return out
  }

  const one = readOneBuild(args, module)
  return one ? [one] : []
}

function readOneBuild(args: string[], module: string | undefined): undefined | {dir: string; out: string} {
  let out: string | undefined
  let chdir = ''
  const pkgs: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a.startsWith('-')) {
      const eq = a.indexOf('=')
      const name = (eq === -1 ? a : a.slice(0, eq)).replace(/^--/, '-')
      const value = eq === -1 ? (VALUE_FLAGS.has(name) ? args[++i] : undefined) : a.slice(eq + 1)
      if (name === '-o') out = value
      else if (name === '-C' && value !== undefined) chdir = value
    } else pkgs.push(a)
  }

  // One package (or the .go files of one): `./...`, variables and several packages are not one binary.
  const files = pkgs.length > 0 && pkgs.every((p) => p.endsWith('.go'))
  if (!files && pkgs.length > 1) return undefined
  const pkg = files ? posix.dirname(pkgs[0]) : (pkgs[0] ?? '.')
  if ([pkg, out ?? '', chdir].some((p) => /[$`*]|\.\.\./.test(p))) return undefined
  let rel = pkg
  if (module !== undefined && (pkg === module || pkg.startsWith(`${module}/`))) rel = pkg.slice(module.length + 1) || '.'
  else if (!/^\.{1,2}(\/|$)/.test(pkg) && pkg.split('/')[0].includes('.')) return undefined // another module's package
  const dir = posix.normalize(posix.join(chdir || '.', rel))
  if (dir.startsWith('..') || dir.startsWith('/')) return undefined
  const named = files ? posix.basename(pkgs[0], '.go') : defaultName(dir === '.' ? (module ?? '') : dir)
  if (out === undefined) out = named
  else if (out.endsWith('/')) out += named
  if (!out) return undefined
  return {dir: dir === '.' ? '' : dir, out}
}

const CACHE = new WeakMap<FileReader, GoBuild[]>()

/** Every plain `go build` in the app's build files, CI jobs and Dockerfiles (cached per app). */
export function goBuilds(files: FileReader, module: string | undefined): GoBuild[] {
  const known = CACHE.get(files)
  if (known) return known
  const found: GoBuild[] = []
  for (const dir of DIRS) {
    for (const name of files.list(dir)) {
      if (!BUILD_FILES.test(name)) continue
      const path = dir === '' ? name : `${dir}/${name}`
      const text = files.read(path)?.text
      if (!text?.includes('go build')) continue
      const lines = text.split('\n')
      for (let i = 0; i < lines.length; i++) {
        let l = lines[i]
        // A command continued with a backslash (Makefile, Dockerfile RUN, shell) is one command.
        for (let j = i + 1; /\\\s*$/.test(l) && j < lines.length && j < i + 20; j++) l = l.replace(/\\\s*$/, ' ') + lines[j]
        // tonistiigi/xx's `xx-go build` (multi-platform Dockerfiles) is `go build` with GOOS/GOARCH set for the target.
        const at = /(?:^|[\s;&|("'`=:])(?:xx-)?go\s+build\s/.exec(`${l} `)
        if (!at || /^\s*#/.test(l)) continue
        // A `;` ends the command with or without a space before it (`go build -o x ./cmd/x; fi` inside a RUN's `if`).
        const rest = `${l} `.slice(at.index + at[0].length).split(/\s(?:&&|\|\||\|)\s|;(?=\s|$)|\s#/)[0]
        // `run: "go build -o x ./cmd/x"`: the quote closing the YAML string is not the command's.
        const w = words(rest) ?? words(rest.replace(/["']\s*$/, ''))
        for (const b of w ? readBuild(w, module, files) : []) found.push({...b, file: path, line: i + 1})
      }
    }
  }

  CACHE.set(files, found)
  return found
}

/** The builds whose output the command runs: the same path, else (when no build writes that path) the same file name. */
export function buildsOf(program: string, builds: GoBuild[]): GoBuild[] {
  const norm = (p: string): string => posix.normalize(p).replace(/^\.\//, '')
  const path = norm(program)
  const same = builds.filter((b) => norm(b.out) === path)
  if (same.length > 0) return same
  const base = posix.basename(path)
  return builds.filter((b) => posix.basename(norm(b.out)) === base)
}
