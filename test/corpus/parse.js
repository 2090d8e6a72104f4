#!/usr/bin/env node
// npm run corpus:parse DIR: parses every .py, .js, .mjs, .cjs, .jsx, .ts, .mts, .cts and .tsx
// file under DIR with the parsers conncalc reads apps with (tree-sitter-python, oxc-parser),
// through conncalc's own parse functions, and prints how many files each language has and how
// many the parser rejects, with the first rejected files and why. Nothing is evaluated or run.
// A valid file rejected is a conncalc bug: on this repo's node_modules the count is 0.
//
//   npm run corpus:parse -- node_modules
//   npm run corpus:parse -- .corpus --list     every rejected file
import {build} from 'esbuild'
import {readFileSync, statSync} from 'node:fs'
import {join, relative} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {filesUnder} from './files.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const args = process.argv.slice(2)
const list = args.includes('--list')
const dir = args.find((a) => !a.startsWith('--'))
if (!dir) {
  console.error('usage: npm run corpus:parse -- DIR [--list]')
  process.exit(2)
}

// conncalc's parse functions are TypeScript: bundle them (packages stay external) next to node_modules.
const out = join(root, 'node_modules', '.cache', 'conncalc', 'corpus-parse.mjs')
await build({
  bundle: true,
  format: 'esm',
  logLevel: 'warning',
  outfile: out,
  packages: 'external',
  platform: 'node',
  stdin: {
    contents: "export {parsePython} from './src/languages/python/parse.ts'\nexport {parseJs} from './src/languages/node/js.ts'\n",
    loader: 'ts',
    resolveDir: root,
  },
  target: 'node20',
})
const {parseJs, parsePython} = await import(pathToFileURL(out).href)

const LANGUAGE = {cjs: 'js', cts: 'ts', js: 'js', jsx: 'js', mjs: 'js', mts: 'ts', py: 'python', ts: 'ts', tsx: 'ts'}
const MAX_BYTES = 4 * 1024 * 1024

/** The language conncalc parses a file of this name as (no `.d.ts`: declarations only); undefined for any other. */
function languageOf(name) {
  const ext = /\.([a-z]+)$/.exec(name)?.[1]
  return ext && Object.hasOwn(LANGUAGE, ext) && !name.endsWith('.d.ts') ? LANGUAGE[ext] : undefined
}

function* files(path) {
  for (const p of filesUnder(path, (name) => languageOf(name) !== undefined)) yield [p, languageOf(p)]
}

const counts = {}
const rejected = []
const t0 = performance.now()
for (const [path, language] of files(dir)) {
  if (statSync(path).size > MAX_BYTES) continue
  const text = readFileSync(path, 'utf8')
  const c = (counts[language] ??= {files: 0, ms: 0, rejected: 0})
  const start = performance.now()
  let why
  if (language === 'python') {
    const parsed = await parsePython(path, text)
    if (parsed.error) why = `${parsed.error.line}: ${parsed.error.message}`
    parsed.tree.delete() // one tree at a time in the WebAssembly heap
  } else {
    const parsed = await parseJs(path, text)
    if (parsed.diagnostics.length > 0) why = `${parsed.diagnostics[0].line}: ${parsed.diagnostics[0].message}`
  }

  c.ms += performance.now() - start
  c.files++
  if (why) {
    c.rejected++
    rejected.push(`${relative(process.cwd(), path)}:${why}`)
  }
}

for (const [language, c] of Object.entries(counts)) {
  console.log(`${language.padEnd(7)} ${String(c.files).padStart(6)} files  ${String(c.rejected).padStart(4)} rejected  ${(c.ms / 1000).toFixed(1)} s parsing`)
}

const total = rejected.length
console.log(`rejected ${total} of ${Object.values(counts).reduce((n, c) => n + c.files, 0)} files (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
for (const r of list ? rejected : rejected.slice(0, 20)) console.log(`  ${r}`)
if (!list && total > 20) console.log(`  … and ${total - 20} more (--list shows all)`)
process.exitCode = total > 0 ? 1 : 0
