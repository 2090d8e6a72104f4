#!/usr/bin/env -S node --
// Development entry: rebuilds the bundle from src/ (esbuild, well under a
// second), then runs it like bin/run.js.
import {execFileSync} from 'node:child_process'
import {fileURLToPath} from 'node:url'

execFileSync('npm', ['run', '--silent', 'build'], {cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit'})
await import('./run.js')
