import {execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

/**
 * End-to-end tests spawn bin/run.js, which runs the compiled dist/. Build once
 * before the suite so they never test stale output.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url))
  execFileSync(process.execPath, [fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  })
}
