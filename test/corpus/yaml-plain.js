#!/usr/bin/env node
// node test/corpus/yaml-plain.js DIR...: reads every .yml and .yaml file under each DIR with
// util/yaml-plain.ts and with the yaml package alone (test/helpers/yaml-compare.ts), and prints how
// many files the plain reader took, how many it left to the package, and every file on which the
// two differ (value, key order, a key's or item's line), which must be none. Exit 1 if one differs.
//
//   node test/corpus/yaml-plain.js test/fixtures /work/main/.corpus
import {build} from 'esbuild'
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {filesUnder} from './files.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const dirs = process.argv.slice(2)
if (dirs.length === 0) {
  console.error('usage: node test/corpus/yaml-plain.js DIR...')
  process.exit(2)
}

const out = join(root, 'node_modules', '.cache', 'conncalc', 'yaml-plain.mjs')
// src/util/yaml.ts require()s the yaml package when a text first needs it: an ES module bundle has no require of its own.
const banner = {js: "import {createRequire as __conncalcRequire} from 'node:module'; const require = __conncalcRequire(import.meta.url);"}
await build({banner, bundle: true, entryPoints: [join(root, 'test/helpers/yaml-compare.ts')], format: 'esm', logLevel: 'warning', outfile: out, packages: 'external', platform: 'node', target: 'node20'})
const {compareYaml} = await import(pathToFileURL(out).href)

const files = (path) => filesUnder(path, (name) => /\.ya?ml$/i.test(name))

let total = 0
let accepted = 0
const differing = []
for (const dir of dirs) {
  for (const file of files(dir)) {
    const bytes = readFileSync(file)
    if (bytes.length > 1024 * 1024) continue
    total++
    const {accepted: took, differences} = compareYaml(bytes.toString('utf8'))
    if (took) accepted++
    if (differences.length > 0) differing.push([file, differences])
  }
}

console.log(`${total} files: ${accepted} read by the plain reader, ${total - accepted} left to the yaml package; ${differing.length} differ`)
for (const [file, differences] of differing) console.log(`${file}\n  ${differences.slice(0, 5).join('\n  ')}`)
process.exitCode = differing.length > 0 ? 1 : 0
