import {Config} from '@oclif/core'
import {afterEach, describe, expect, it, vi} from 'vitest'

import {BaseCommand} from '../../src/commands/base-command.js'
import {UsageError} from '../../src/util/errors.js'
import {ROOT} from '../helpers/cli.js'

/** A command that fails the way a bug would, or the way bad input does. */
function failing(error: Error) {
  return class extends BaseCommand {
    async run(): Promise<void> {
      await this.parse(BaseCommand)
      throw error
    }
  }
}

async function run(error: Error, argv: string[] = []): Promise<{code: number | string | undefined; stderr: string; stdout: string}> {
  const config = await Config.load(ROOT)
  let stderr = ''
  let stdout = ''
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true))
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true))
  try {
    await failing(error).run(argv, config)
  } finally {
    err.mockRestore()
    out.mockRestore()
  }

  return {code: process.exitCode, stderr, stdout}
}

describe('errors at the edge', () => {
  afterEach(() => {
    process.exitCode = undefined
  })

  it('a bug is exit 3 with one line asking for a report, no stack trace, no password', async () => {
    const r = await run(new TypeError('cannot read postgres://app:hunter2@db.example.com/app'))
    expect(r.code).toBe(3)
    expect(r.stderr).toBe(
      'conncalc: cannot read postgres://app:***@db.example.com/app\nThis is a bug in conncalc; please report it with the command you ran.\n',
    )
  })

  it('bad input is exit 2 with the message and its hint', async () => {
    const r = await run(new UsageError('no Procfile at ./Procfile', 'pass --procfile PATH'))
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('conncalc: no Procfile at ./Procfile\n  hint: pass --procfile PATH\n')
  })

  it('under --json the error is JSON on stdout', async () => {
    const r = await run(new UsageError('unknown plan "x"', 'conncalc plans lists them'), ['--json'])
    expect(r.code).toBe(2)
    expect(JSON.parse(r.stdout)).toEqual({error: {exitCode: 2, hint: 'conncalc plans lists them', message: 'unknown plan "x"'}})
  })
})
