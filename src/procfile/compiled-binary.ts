/**
 * A program a package.json script compiles into one executable (`bun build src/index.ts --compile --outfile dist/server`,
 * Bun's single-file executables: https://bun.sh/docs/bundler/executables): running that file runs the entry point in
 * Bun, with the package's dependencies bundled in. A command that runs such a file (`./dist/server`, or /app/server an
 * image copied it to, procfile/container.ts inRepo) is read as `bun ENTRY` in the package's folder. Pure.
 */
import {posix} from 'node:path'

import type {FileReader} from '../model/files.js'

export interface CompiledBinary {
  /** The package folder (from the app root) and the script that builds it. */
  dir: string
  entry: string
  script: {file: string; line: number; name: string}
}

/** The Bun entry point `path` (a repository path from the app root, that is not itself a file of the repository) is compiled from. */
export function compiledBinary(path: string, files: FileReader): CompiledBinary | undefined {
  const clean = posix.normalize(path).replace(/^\.\//, '')
  if (clean.startsWith('..') || clean.startsWith('/') || files.exists(clean)) return undefined
  // A reader within a folder (an image's WORKDIR mapped to dist/): the package may be above it.
  const within = files.within && files.within !== '.' ? files.within : ''
  const rel = (p: string): string => (within === '' ? p : posix.relative(within, p) || '.')
  const full = within === '' ? clean : posix.join(within, clean)
  let dir = posix.dirname(full)
  for (let i = 0; i < 5; i++) {
    const at = dir === '.' ? '' : dir
    const text = files.read(rel(at === '' ? 'package.json' : `${at}/package.json`))?.text
    if (text !== undefined) {
      let scripts: Record<string, unknown>
      try {
        scripts = (JSON.parse(text) as {scripts?: Record<string, unknown>}).scripts ?? {}
      } catch {
        return undefined
      }

      for (const [name, value] of Object.entries(scripts)) {
        if (typeof value !== 'string' || !/\bbun\s+build\b/.test(value) || !/--compile\b/.test(value)) continue
        const out = /--outfile(?:=|\s+)(\S+)/.exec(value)?.[1]
        if (!out || posix.join(at, out) !== full) continue
        const words = value.slice(value.search(/\bbun\s+build\b/)).split(/\s+/).slice(2)
        const entry = words.find((w) => !w.startsWith('-') && /\.[cm]?[jt]sx?$/.test(w))
        if (!entry) continue
        const line = text.slice(0, text.indexOf(`"${name}"`)).split('\n').length
        const folder = rel(at === '' ? '.' : at)
        return {dir: folder === '.' ? '' : folder, entry, script: {file: at === '' ? 'package.json' : `${at}/package.json`, line, name}}
      }

      return undefined
    }

    if (at === '') return undefined
    dir = posix.dirname(dir)
  }

  return undefined
}
