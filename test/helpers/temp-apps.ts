import {cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {dirname, join} from 'node:path'
import {afterAll} from 'vitest'

import {fixture} from './cli.js'

/**
 * Temporary folders for one test file, removed after it: `app(files)` is a copy of the
 * fixture app (none: an empty folder) with `files` written into it; `emptyDir()` is an empty folder.
 */
export function tempApps(fixtureName?: string): {app: (files: Record<string, string>) => string; emptyDir: () => string} {
  const temps: string[] = []
  afterAll(() => {
    for (const t of temps) rmSync(t, {force: true, recursive: true})
  })
  const emptyDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'conncalc-test-'))
    temps.push(dir)
    return dir
  }

  const app = (files: Record<string, string>): string => {
    const dir = emptyDir()
    if (fixtureName !== undefined) cpSync(fixture(fixtureName), dir, {recursive: true})
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), {recursive: true})
      writeFileSync(join(dir, name), text)
    }

    return dir
  }

  return {app, emptyDir}
}
