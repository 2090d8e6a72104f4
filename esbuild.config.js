// npm run build: src/main.ts → dist/main.js, one esbuild bundle with its lazy chunks (the
// parsers and analyzers a run may not need are loaded by dynamic import()).
//
// V8 parses every byte of a module it loads, used or not: at start-up that was most of
// conncalc's time beyond Node's own. oclif (CommonJS, bundled in) requires at its top level
// packages that only its help, its glob-based command discovery (conncalc lists its
// commands explicitly), its spinner or its S3 update templates use: ~300 KB of the bundle's
// 1 MB. Those are built apart, as dist/lazy/NAME.cjs, and oclif gets a stand-in that
// requires the real package the first time oclif touches it (`conncalc --help` does;
// `conncalc plan` does not).
import * as esbuild from 'esbuild'
import {rmSync} from 'node:fs'
import {createRequire} from 'node:module'

// The packages oclif requires that a run which prints no help never uses.
const LAZY = ['cli-spinners', 'clean-stack', 'ejs', 'indent-string', 'lilconfig', 'minimatch', 'string-width', 'tinyglobby', 'widest-line', 'wrap-ansi']

const fromOclif = createRequire(createRequire(import.meta.url).resolve('@oclif/core/package.json'))

const common = {bundle: true, logLevel: 'warning', platform: 'node', target: 'node20'}

rmSync('dist', {force: true, recursive: true})

// Each lazy package, whole, as CommonJS (what oclif's require() expects).
await esbuild.build({
  ...common,
  entryPoints: Object.fromEntries(LAZY.map((name) => [name, fromOclif.resolve(name)])),
  format: 'cjs',
  outdir: 'dist/lazy',
  outExtension: {'.js': '.cjs'},
})

/** oclif's require('NAME') of a lazy package → a stand-in that loads dist/lazy/NAME.cjs on first use. */
const lazyPackages = {
  name: 'lazy-packages',
  setup(build) {
    const names = new RegExp(`^(${LAZY.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`)
    build.onResolve({filter: names}, (args) => (/[\\/]@oclif[\\/]core[\\/]/.test(args.importer) ? {namespace: 'lazy', path: args.path} : undefined))
    build.onResolve({filter: /^\.\/lazy\//}, (args) => ({external: true, path: args.path}))
    build.onLoad({filter: /.*/, namespace: 'lazy'}, (args) => {
      // TypeScript's __importDefault asks for __esModule as soon as oclif's module loads:
      // answered from the real package here, at build time, so the stand-in need not load it.
      const esModule = Boolean(fromOclif(args.path).__esModule)
      return {
        contents: `let real
const load = () => (real ??= require(${JSON.stringify(`./lazy/${args.path}.cjs`)}))
module.exports = new Proxy(function () {}, {
  apply: (_, self, args) => Reflect.apply(load(), self, args),
  construct: (_, args) => Reflect.construct(load(), args),
  get: (_, key) => (key === '__esModule' ? ${esModule} || undefined : load()[key]),
  has: (_, key) => key in load(),
})
`,
        loader: 'js',
      }
    })
  },
}

await esbuild.build({
  ...common,
  // The bundle is ESM; CommonJS inside it (oclif) calls require(), which ESM lacks.
  banner: {js: "import {createRequire as __conncalcRequire} from 'node:module'; const require = __conncalcRequire(import.meta.url);"},
  entryPoints: ['src/main.ts'],
  external: ['@ruby/prism', 'web-tree-sitter', 'oxc-parser', 'pg', 'typescript', 'ts-node'],
  format: 'esm',
  outdir: 'dist',
  plugins: [lazyPackages],
  splitting: true,
})
