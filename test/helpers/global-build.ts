import {createHash} from 'node:crypto'
import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {join} from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** What `npm run build` reads: the sources (bin/code-cache.js is copied to dist/boot.cjs), the build script and what is installed. */
const INPUTS = ['src', 'bin/code-cache.js', 'esbuild.config.js', 'package.json', 'package-lock.json', 'node_modules/.package-lock.json', 'tsconfig.json']
/** Written into dist/ after a build (the build empties dist/ first): the inputs it was built from. */
const STAMP = join(ROOT, 'dist', '.inputs-sha256')

/**
 * End-to-end tests spawn bin/run.js, which runs the bundle in dist/. Build it
 * before the suite so they never test stale output — unless dist/ was built from
 * exactly these inputs (by content), which a fresh clone's never was.
 */
export default function setup(): void {
  const inputs = inputsHash()
  const built = existsSync(STAMP) && existsSync(join(ROOT, 'oclif.manifest.json')) ? readFileSync(STAMP, 'utf8') : undefined
  if (built === inputs) return
  execFileSync('npm', ['run', '--silent', 'build'], {cwd: ROOT, stdio: 'inherit'})
  writeFileSync(STAMP, inputs)
}

function inputsHash(): string {
  const hash = createHash('sha256')
  for (const input of INPUTS) {
    const full = join(ROOT, input)
    const files = !existsSync(full) ? [] : statSync(full).isDirectory() ? readdirSync(full, {recursive: true, encoding: 'utf8'}).map((f) => join(input, f)).sort() : [input]
    hash.update(`${input}: ${files.length} files\0`)
    for (const file of files) {
      if (statSync(join(ROOT, file)).isFile()) hash.update(`${file}\0`).update(readFileSync(join(ROOT, file))).update('\0')
    }
  }

  return hash.digest('hex')
}
