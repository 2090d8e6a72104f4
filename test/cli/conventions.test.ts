import {readFileSync} from 'node:fs'
import {describe, expect, it} from 'vitest'

import {ROOT, runCli, runCliInProcess} from '../helpers/cli.js'

const VERSION = (JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8')) as {version: string}).version

// In each table the first row runs in a process of its own (exit code and streams as a shell
// sees them), the rest in process (runCliInProcess: the same bundle, output and exit code).
const firstSpawned = <T>(table: readonly T[], row: T) => (row === table[0] ? runCli : runCliInProcess)

describe('the conventions of oclif CLIs', () => {
  const helps = ['help', '-h', '--help']
  it.each(helps)('`conncalc %s` lists the commands', (arg) => {
    const r = firstSpawned(helps, arg)([arg])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^USAGE\n {2}\$ conncalc \[COMMAND\]$/m)
    expect(r.stdout).toMatch(/^ {2}plan {4}Compute the app's PostgreSQL connection budget/m)
    expect(r.stderr).toBe('')
  })

  const planHelps = [['help', 'plan'], ['plan', '-h'], ['plan', '--help']]
  it.each([...planHelps.map((argv) => [argv])])('`conncalc %s` shows the plan command', (argv) => {
    const r = firstSpawned(planHelps, argv)(argv)
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^ {2}\$ conncalc plan \[--json\]/m)
    expect(r.stdout).toContain('-f, --procfile=<value>')
    expect(r.stderr).toBe('')
  })

  // All spawned: bin/run.js answers these itself.
  it.each([['version'], ['-v'], ['--version']])('`conncalc %s` prints the version', (arg) => {
    const r = runCli([arg])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`^conncalc/${VERSION.replaceAll('.', '\\.')} \\S+ node-v\\d+`))
  })

  it("bin/run.js's quick `--version` prints exactly what oclif itself prints", () => {
    // bin/run.js answers --version without loading oclif; dist/main.js's execute (which
    // runCliInProcess calls as bin/run.js would) is oclif's answer.
    const viaOclif = runCliInProcess(['--version'])
    expect(viaOclif.code).toBe(0)
    expect(viaOclif.stdout).toMatch(/^conncalc\//)
    expect(runCli(['--version']).stdout).toBe(viaOclif.stdout)
  })
})

describe('a usage error is one line and a hint', () => {
  const usageErrors: [string[], string, string][] = [
    [['pln'], 'unknown command "pln"', 'did you mean plan, plans? (conncalc help lists the commands)'],
    [['help', 'pln'], 'unknown command "pln"', 'did you mean plan, plans? (conncalc help lists the commands)'],
    [['sacle', 'web=2'], 'unknown command "sacle"', 'did you mean scale? (conncalc help lists the commands)'],
    [['plan', '--procfil', 'Procfile'], 'unknown flag --procfil', 'did you mean --procfile? (conncalc plan --help lists the flags)'],
    [['scale', 'web=2', '--pln', 'standard-0'], 'unknown flag --pln', 'did you mean --plan? (conncalc scale --help lists the flags)'],
    [['plan', '--bogus'], 'unknown flag --bogus', 'conncalc plan --help lists the flags'],
    [['plan', '--format', 'tabel'], '--format tabel is not one of table, markdown, json, github, svg', 'did you mean table?'],
    // a prefix counts as near: "warn" is three edits from "warning"
    [['plan', '--fail-on', 'warn'], '--fail-on warn is not one of error, warning', 'did you mean warning?'],
    [['plan', '--limit', 'abc'], '--limit: expected an integer but received: abc', 'conncalc plan --help describes --limit'],
    [['plan', '--plan'], '--plan expects a value', 'conncalc plan --help describes --plan'],
    [['plan', 'web=2'], 'unexpected argument web=2', 'a formation goes in --scale: conncalc plan --scale web=2'],
    [['plans', 'extra'], 'unexpected argument extra', 'conncalc plans takes flags only; conncalc plans --help lists them'],
  ]
  it.each(usageErrors)('conncalc %j', (argv, message, hint) => {
    const r = firstSpawned(usageErrors.map((row) => row[0]), argv)(argv)
    expect(r.code).toBe(2)
    expect(r.stderr).toBe(`conncalc: ${message}\n  hint: ${hint}\n`)
    expect(r.stdout).toBe('')
  })
})

describe('under --json every failure is the documented JSON error on standard output, and nothing else', () => {
  const failures: [string[], string][] = [
    [['plan', '--bogus'], 'unknown flag --bogus'],
    [['pln'], 'unknown command "pln"'],
    [['plan', '--limit', '0'], '--limit: expected an integer greater than or equal to 1 but received: 0'],
    [['plan', 'extra'], 'unexpected argument extra'],
    [['scale', 'web=2', '--format', 'pdf'], '--format pdf is not one of table, markdown, json, github, svg'],
    // A --procfile in a folder that does not exist: say which folder.
    [['plan', '--procfile', 'no/such/Procfile'], 'no Procfile at no/such/Procfile: the folder no/such does not exist'],
  ]
  it.each(failures)('conncalc %j --json', (argv, message) => {
    const r = firstSpawned(failures.map((row) => row[0]), argv)([...argv, '--json'])
    expect(r.code).toBe(2)
    expect(r.stderr).toBe('')
    const json = JSON.parse(r.stdout) as {error: {exitCode: number; hint: string; message: string}}
    expect(Object.keys(json)).toEqual(['error'])
    expect(Object.keys(json.error).sort()).toEqual(['exitCode', 'hint', 'message'])
    expect(json.error.exitCode).toBe(2)
    expect(json.error.message).toBe(message)
    expect(r.stdout.length).toBeLessThan(400)
  })
})
