import {execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

/**
 * End-to-end tests spawn bin/run.js, which runs the bundle in dist/. Build it
 * once before the suite so they never test stale output.
 */
export default function setup(): void {
  execFileSync('npm', ['run', '--silent', 'build'], {cwd: fileURLToPath(new URL('../..', import.meta.url)), stdio: 'inherit'})
}
