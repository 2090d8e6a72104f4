/**
 * Where a file a bundler writes comes from (languages/node/bundlers.ts), on in-memory packages in the
 * shapes each tool's docs give: rollup output.file and output.dir ([name].js), tsup's entry/outDir,
 * @vercel/ncc's index.js, vite's build.ssr, webpack's entry/output (path.resolve(__dirname, …)), bun
 * build, `cp` into a folder, and a vite config for a client build (nothing to map).
 */
import {describe, expect, it} from 'vitest'

import {builtSource} from '../../src/languages/node/built.js'
import {prepareBundles} from '../../src/languages/node/bundlers.js'
import {memoryFiles} from '../../src/model/files.js'

const scripts = (s: Record<string, string>) => ({lineOf: (path: string[]) => Object.keys(s).indexOf(path[1]) + 2, path: 'package.json', scripts: s})

async function mapped(files: Record<string, string>, s: Record<string, string>, built: string): Promise<string | undefined> {
  const reader = memoryFiles(files)
  const sc = scripts(s)
  await prepareBundles(reader, sc)
  return builtSource(reader, sc, built)?.file
}

describe('bundled entries', () => {
  it('rollup: output.file is its one input; output.dir holds [name].js of each input (object keys name them)', async () => {
    const file = {'rollup.config.js': "module.exports = {input: 'app/boot.ts', output: {file: 'bin/server.js', format: 'cjs'}}", 'app/boot.ts': ''}
    expect(await mapped(file, {build: 'rollup -c'}, 'bin/server.js')).toBe('app/boot.ts')
    const dir = {'rollup.config.mjs': "export default [{input: {api: 'app/http.ts', jobs: 'app/queue.ts'}, output: {dir: 'bin'}}]", 'app/http.ts': '', 'app/queue.ts': ''}
    expect(await mapped(dir, {build: 'rollup --config'}, 'bin/jobs.js')).toBe('app/queue.ts')
    // Not a name rollup writes: not mapped (the usual layout does not apply to bin/ either).
    expect(await mapped(dir, {build: 'rollup --config'}, 'bin/other.js')).toBeUndefined()
    // The config is read only when a script runs rollup.
    expect(await mapped(file, {build: 'tsc'}, 'bin/server.js')).toBeUndefined()
  })

  it('tsup: entry into outDir (default dist), named by file; the CLI form with -d', async () => {
    const files = {'tsup.config.ts': "import {defineConfig} from 'tsup'\nexport default defineConfig({entry: ['app/api-server.ts'], format: ['cjs']})", 'app/api-server.ts': ''}
    expect(await mapped(files, {build: 'tsup'}, 'dist/api-server.js')).toBe('app/api-server.ts')
    expect(await mapped({'app/w.ts': ''}, {'build:w': 'tsup app/w.ts -d compiled --format cjs'}, 'compiled/w.js')).toBe('app/w.ts')
  })

  it('ncc build IN -o DIR writes DIR/index.js; bun build --outfile', async () => {
    expect(await mapped({'app/main.ts': ''}, {build: 'ncc build app/main.ts -o release'}, 'release/index.js')).toBe('app/main.ts')
    expect(await mapped({'app/main.ts': ''}, {build: 'bun build ./app/main.ts --target node --outfile ./out/app.js'}, 'out/app.js')).toBe('app/main.ts')
  })

  it("vite: build.ssr into build.outDir; a client build's config maps nothing", async () => {
    const ssr = {'vite.config.ts': "import {defineConfig} from 'vite'\nexport default defineConfig({build: {ssr: 'app/entry-node.ts', outDir: 'server-build'}})", 'app/entry-node.ts': ''}
    expect(await mapped(ssr, {'build:server': 'vite build'}, 'server-build/entry-node.js')).toBe('app/entry-node.ts')
    expect(await mapped({'app/x.ts': ''}, {build: 'vite build --ssr app/x.ts --outDir srv'}, 'srv/x.js')).toBe('app/x.ts')
    const client = {'vite.config.ts': "export default {build: {outDir: 'dist'}}", 'src/server.ts': ''}
    // dist/server.js ← src/server.ts is only the usual layout's guess, not vite's.
    expect(await mapped(client, {build: 'vite build'}, 'dist/server.js')).toBe('src/server.ts')
  })

  it('webpack: a string entry is the chunk main; output.path from path.resolve(__dirname, …); a fixed filename', async () => {
    const files = {'webpack.config.js': "const path = require('path')\nmodule.exports = {target: 'node', entry: './app/start.ts', output: {path: path.resolve(__dirname, 'bundle')}}", 'app/start.ts': ''}
    expect(await mapped(files, {build: 'webpack --mode production'}, 'bundle/main.js')).toBe('app/start.ts')
    const fixed = {'webpack.config.js': "module.exports = {entry: {api: './app/start.ts'}, output: {path: require('path').join(__dirname, 'out'), filename: 'server.js'}}", 'app/start.ts': ''}
    expect(await mapped(fixed, {build: 'webpack'}, 'out/server.js')).toBe('app/start.ts')
  })

  it('cp into a folder and cp -r of a folder', async () => {
    expect(await mapped({'boot/run.js': ''}, {postbuild: 'cp boot/run.js public/'}, 'public/run.js')).toBe('boot/run.js')
    expect(await mapped({'scripts/jobs/sweep.js': ''}, {build: 'cp -r scripts/jobs out/jobs'}, 'out/jobs/sweep.js')).toBe('scripts/jobs/sweep.js')
  })

  it("a build script another package's script runs (`pnpm -C server run build`), with paths from __dirname", async () => {
    // server/package.json's build runs `node ../scripts/bundle.mjs` in server/; the script resolves everything from
    // its own folder: root = scripts/.., entry root/api/main.ts, outfile root/out-server/app.cjs.
    const files = {
      'api/main.ts': '',
      'scripts/bundle.mjs': [
        "import path from 'node:path'",
        "import {fileURLToPath} from 'node:url'",
        "import {build} from 'esbuild'",
        'const here = path.dirname(fileURLToPath(import.meta.url))',
        "const root = path.resolve(here, '..')",
        "await build({entryPoints: [path.join(root, 'api', 'main.ts')], outfile: path.join(root, 'out-server', 'app.cjs'), bundle: true})",
      ].join('\n'),
      'server/package.json': '{"scripts": {"build": "node ../scripts/bundle.mjs"}}',
    }
    expect(await mapped(files, {'build:server': 'pnpm -C server run build'}, 'out-server/app.cjs')).toBe('api/main.ts')
    // The same script run from the package folder itself, with a relative outdir: from where it runs.
    const rel = {'api/main.ts': '', 'tools/b.mjs': "import * as esbuild from 'esbuild'\nawait esbuild.build({entryPoints: ['api/main.ts'], outdir: 'out', bundle: true})"}
    expect(await mapped(rel, {build: 'node tools/b.mjs'}, 'out/main.js')).toBe('api/main.ts')
  })
})
