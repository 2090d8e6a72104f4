#!/usr/bin/env node
// node test/corpus/import.js GIT_DIR owner/name: copy one app of apps.json, at its recorded
// commit, from a bare git directory (what the `fetch` tool brings) into .corpus/owner+name
// (or $CONNCALC_CORPUS_DIR). Only text-sized files: no node_modules, vendor/bundle, media,
// archives or binaries, nothing over 1 MiB except lock files. Never commit what this writes.
import {spawn, spawnSync} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const [gitDir, repo] = process.argv.slice(2)
const apps = JSON.parse(readFileSync(join(root, 'test', 'corpus', 'apps.json'), 'utf8'))
const app = apps.find((a) => a.repo === repo)
if (!gitDir || !app) {
  console.error('usage: node test/corpus/import.js GIT_DIR owner/name (an app listed in test/corpus/apps.json)')
  process.exit(2)
}

const dest = join(process.env.CONNCALC_CORPUS_DIR ?? join(root, '.corpus'), repo.replace('/', '+'))
const ls = spawnSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-l', '-z', app.commit], {maxBuffer: 1 << 30})
if (ls.status !== 0) {
  console.error(`import: ${repo}@${app.commit} is not in ${gitDir}: ${ls.stderr}`)
  process.exit(1)
}

const skipDir = /(^|\/)(node_modules|vendor\/bundle|\.git|bower_components)\//
const skipExt =
  /\.(png|jpe?g|gif|ico|webp|bmp|tiff?|woff2?|ttf|eot|otf|mp[34]|wav|ogg|pdf|zip|t?gz|bz2|xz|7z|jar|war|class|psd|mov|webm|sqlite3?|db|so|dylib|dll|exe|bin|pptx?|docx?|xlsx?|mmdb|wasm|dat|pack|idx|avif|heic)$/i
const entries = []
for (const rec of ls.stdout.toString('utf8').split('\0')) {
  if (!rec) continue
  const tab = rec.indexOf('\t')
  const [mode, type, hash, size] = rec.slice(0, tab).split(/\s+/)
  const path = rec.slice(tab + 1)
  // Symlinks are left out: one could point outside the app.
  if (type !== 'blob' || mode === '120000' || path.split('/').includes('..')) continue
  if (Number(size) > 1 << 20 && !/(\.lock|lock\.json|lock\.yaml)$/.test(path)) continue
  if (skipDir.test(path) || skipExt.test(path)) continue
  entries.push({hash, path})
}

rmSync(dest, {force: true, recursive: true})
const cat = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'])
const chunks = []
cat.stdout.on('data', (c) => chunks.push(c))
cat.stdin.end(entries.map((e) => e.hash).join('\n') + '\n')
cat.on('close', () => {
  const buf = Buffer.concat(chunks)
  let pos = 0
  let written = 0
  let missing = 0
  for (const e of entries) {
    const nl = buf.indexOf(10, pos)
    const header = buf.subarray(pos, nl).toString()
    pos = nl + 1
    // Snapshots lack files of 4 MiB and more: such a blob is reported missing.
    if (header.endsWith('missing')) {
      missing++
      continue
    }

    const size = Number(header.split(' ')[2])
    const target = join(dest, e.path)
    mkdirSync(dirname(target), {recursive: true})
    writeFileSync(target, buf.subarray(pos, pos + size))
    pos += size + 1
    written++
  }

  console.log(`${repo}@${app.commit.slice(0, 12)}: ${written} files into ${dest}${missing ? ` (${missing} missing from the snapshot)` : ''}`)
})
