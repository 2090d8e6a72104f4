/**
 * The arguments of a Node runtime (node, ts-node, tsx, babel-node, bun): which word is the file it runs. Small and
 * free of parsers: the process-type registry asks it for every deploy hook.
 */
// Node's options that take the next word as their value (https://nodejs.org/api/cli.html): `node -r dotenv/config x.js`
// runs x.js, with dotenv/config preloaded. `-e`/`-p` take code and run no file (CODE_FLAGS).
export const NODE_VALUE_FLAGS = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--env-file', '--env-file-if-exists', '--title', '--max-old-space-size', '--inspect-port', '--input-type', '--watch-path', '--disable-warning', '--stack-size', '--redirect-warnings', '--unhandled-rejections', '--diagnostic-dir', '--icu-data-dir', '--openssl-config', '--heapsnapshot-signal', '--secure-heap', '--test-reporter', '--test-reporter-destination'])
const CODE_FLAGS = new Set(['-e', '--eval', '-p', '--print'])
/**
 * Each runner's own options that take a value, beside Node's: ts-node's (https://typestrong.org/ts-node/docs/options:
 * -P/--project, -O/--compilerOptions, -C/--compiler, -I/--ignore, -D/--ignoreDiagnostics, --dir, --scope-dir, --cwd,
 * --transpiler), tsx's (`--tsconfig`, https://tsx.is/typescript#custom-tsconfig-json-path; `tsx watch --include/--ignore`),
 * babel-node's (https://babeljs.io/docs/babel-node#options) and bun's (https://bun.sh/docs/cli/run: --preload, --cwd, …).
 */
const RUNNER_VALUE_FLAGS: Record<string, readonly string[]> = {
  'babel-node': ['-x', '--extensions', '-w', '--plugins', '-b', '--presets', '-i', '--ignore', '-o', '--only', '--config-file', '--env-name', '--root-mode'],
  bun: ['--preload', '--cwd', '-c', '--config', '--tsconfig-override', '--env-file', '--main-fields', '--conditions'],
  'ts-node': ['-P', '--project', '-O', '--compilerOptions', '--compiler-options', '-C', '--compiler', '-I', '--ignore', '-D', '--ignoreDiagnostics', '--ignore-diagnostics', '--dir', '--scope-dir', '--cwd', '--transpiler'],
  tsx: ['--tsconfig', '--include', '--ignore'],
}
RUNNER_VALUE_FLAGS['ts-node-esm'] = RUNNER_VALUE_FLAGS['ts-node']
const valueFlagsOf = new Map(Object.entries(RUNNER_VALUE_FLAGS).map(([k, v]) => [k, new Set([...NODE_VALUE_FLAGS, ...v])]))

/**
 * Where the file a Node runtime runs is in its arguments (`node -r dotenv/config dist/x.js` → 2, `tsx --tsconfig
 * t.json src/x.ts` → 2, `tsx watch src/x.ts` → 1): the first word that is neither an option nor an option's value.
 * -1 when it runs code given inline (`node -e …`) or no file; with no script, the last preload of a local path (`node -r ./dist/main.js`).
 */
export function runnerFileIndex(runner: string, args: readonly string[]): number {
  const flags = valueFlagsOf.get(runner) ?? NODE_VALUE_FLAGS
  // `node -r ./dist/main.js` with no script: Node loads the preloaded module, then reads a script from stdin (empty on a
  // dyno), so the app's own preloaded file is the code that runs (https://nodejs.org/api/cli.html#-r---require-module).
  let preload = -1
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--') continue
    if (CODE_FLAGS.has(a) || /^--(eval|print)=/.test(a)) return -1
    if (a.startsWith('-')) {
      if (flags.has(a)) {
        if (PRELOAD_FLAGS.has(a) && /^\.{0,2}\//.test(args[i + 1] ?? '')) preload = i + 1
        i++
      }

      continue
    }

    // `tsx watch file.ts`, `bun run file.ts`: the subcommand comes before the file.
    if ((runner === 'tsx' && a === 'watch') || (runner === 'bun' && a === 'run')) continue
    return i
  }

  return preload
}

/** Options that load a module before the script: the module's own code runs (`-r`, `--require`, `--import`, bun's `--preload`). */
const PRELOAD_FLAGS = new Set(['-r', '--require', '--import', '--preload'])
