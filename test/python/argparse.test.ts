import {describe, expect, it} from 'vitest'

import {evaluatePython} from '../../src/languages/python/evaluate.js'
import {envOf} from '../analyzers/helpers.js'

const PARSER = [
  'import argparse',
  'import os',
  'p = argparse.ArgumentParser()',
  'p.add_argument("--concurrency", "-c", type=int, default=os.environ.get("WORKERS", "2"))',
  'p.add_argument("--disable-scheduler", action="store_true")',
  'p.add_argument("--keep", action="store_false")',
  'p.add_argument("--queues", "-Q")',
  'g = p.add_mutually_exclusive_group()',
  'g.add_argument("--verbose", "-v", action="count")',
]

async function names(lines: string[], env: Record<string, string> = {}) {
  return (await evaluatePython('run.py', [...PARSER, ...lines].join('\n'), {env: envOf(env)})).names
}

describe('argparse namespaces (Lib/argparse.py)', () => {
  it('options not given are their defaults: a string default through type=int, store_true False, store_false True, None', async () => {
    const n = await names(['a = p.parse_args([])', 'c = a.concurrency', 's = a.disable_scheduler', 'k = a.keep', 'q = a.queues', 'v = a.verbose', 'words = ["worker"]', 'if not a.disable_scheduler:', '    words.append("--beat")'])
    expect(n.get('c')).toMatchObject({kind: 'known', value: 2})
    expect(n.get('s')).toMatchObject({kind: 'known', value: false})
    expect(n.get('k')).toMatchObject({kind: 'known', value: true})
    expect(n.get('q')).toMatchObject({kind: 'known', value: null})
    expect(n.get('v')).toMatchObject({kind: 'known', value: null})
    expect(n.get('words')).toMatchObject({kind: 'known', value: {items: [{value: 'worker'}, {value: '--beat'}], kind: 'list'}})
  })

  it('the env var a default reads, and the words given: -c3, --disable (a unique prefix), --queues=a,b, -vv', async () => {
    expect((await names(['c = p.parse_args([]).concurrency'], {WORKERS: '5'})).get('c')).toMatchObject({kind: 'known', value: 5})
    const n = await names(['a = p.parse_args(["-c3", "--disable", "--queues=a,b", "-v", "-v"])', 'c = a.concurrency', 's = a.disable_scheduler', 'q = ",".join(a.queues.split(","))', 'v = a.verbose'])
    expect(n.get('c')).toMatchObject({kind: 'known', value: 3})
    expect(n.get('s')).toMatchObject({kind: 'known', value: true})
    expect(n.get('q')).toMatchObject({kind: 'known', value: 'a,b'})
    expect(n.get('v')).toMatchObject({kind: 'known', value: 2})
  })

  it('set_defaults over an option`s default; parse_known_args gives [namespace, []]', async () => {
    const n = await names(['p.set_defaults(concurrency=7, mode="x")', 'a, rest = p.parse_known_args([])', 'c = a.concurrency', 'm = a.mode'])
    expect(n.get('c')).toMatchObject({kind: 'known', value: 7})
    expect(n.get('m')).toMatchObject({kind: 'known', value: 'x'})
  })

  it('what it cannot follow is unknown, said: a word the parser lacks, an option added in an undecided if, a parser handed to a library, the process argv unknown', async () => {
    expect((await names(['c = p.parse_args(["--nope"]).concurrency'])).get('c')).toMatchObject({kind: 'unknown', reason: expect.stringContaining('--nope is not an option')})
    expect((await names(['import random', 'if random.random() > 0.5:', '    p.add_argument("--extra")', 'c = p.parse_args([]).concurrency'])).get('c')).toMatchObject({kind: 'unknown', reason: expect.stringContaining('where conncalc cannot tell that it runs')})
    expect((await names(['import helpers_lib', 'helpers_lib.add(p)', 'c = p.parse_args([]).concurrency'])).get('c')).toMatchObject({kind: 'unknown', reason: expect.stringContaining('the parser is passed to `helpers_lib.add(p)`')})
    expect((await names(['c = p.parse_args([]).other'])).get('c')).toMatchObject({kind: 'unknown'})
    // evaluated on its own, the process's command line is not known.
    expect((await names(['c = p.parse_args().concurrency'])).get('c')).toMatchObject({kind: 'unknown', reason: expect.stringContaining('sys.argv')})
    expect((await names(['c = p.parse_args(["-h"]).concurrency'])).get('c')).toMatchObject({kind: 'unknown', reason: expect.stringContaining('print and exit')})
  })
})
