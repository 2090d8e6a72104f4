/**
 * What a process that only sends through a channels_postgres layer holds, by version:
 * - 1.1+ (psycopg_pool, PSYCOPG_OPTIONS min_size 2, max_size 6): min(6, max(2, threads)) — 2 for one
 *   thread, 5 for five, 6 for eight — and no LISTEN connection;
 * - before 1.1 (channels 3 pinned, channels_postgres unpinned → 0.0.4): send and group_send write through
 *   Django's ORM (db.py DatabaseLayer), already counted in DATABASES → nothing more.
 */
import {describe, expect, it} from 'vitest'

import {channelsPostgresExtras} from '../../src/languages/python/channels-postgres.js'
import {memoryFiles} from '../../src/model/files.js'
import {fromDefault, sourced} from '../../src/model/source.js'

const options = {entries: new Map([['min_size', {file: 'p/settings.py', kind: 'known' as const, line: 9, value: 2, via: []}], ['max_size', {file: 'p/settings.py', kind: 'known' as const, line: 9, value: 6, via: []}]]), kind: 'dict' as const}
const layer = {config: {file: 'p/settings.py', kind: 'known' as const, line: 8, value: {entries: new Map([['PSYCOPG_OPTIONS', {file: 'p/settings.py', kind: 'known' as const, line: 9, value: options, via: []}]]), kind: 'dict' as const}, via: []}, file: 'p/settings.py', line: 7, onPrimary: true}
const threads = (n: number) => sourced(n, fromDefault(`${n} threads`, 'https://example.test/threads'))
const sender = (n: number) => ({file: 'alerts/tasks.py', line: 3, threads: threads(n)})

describe('channels_postgres in a process that only sends', () => {
  it('1.1+: the pool its threads use, between min_size and max_size, and no LISTEN connection', () => {
    const files = memoryFiles({'requirements.txt': 'channels==4.2.0\nchannels_postgres==1.1.3\n'})
    expect(channelsPostgresExtras(layer, files, 'gunicorn', sender(1)).map((e) => e.count.value)).toEqual([2])
    expect(channelsPostgresExtras(layer, files, 'gunicorn', sender(5)).map((e) => e.count.value)).toEqual([5])
    expect(channelsPostgresExtras(layer, files, 'gunicorn', sender(8)).map((e) => e.count.value)).toEqual([6])
    // A consumer process: the pool's max_size and the LISTEN connection.
    expect(channelsPostgresExtras(layer, files, 'daphne').map((e) => e.count.value)).toEqual([6, 1])
  })

  it('before 1.1: sends go through the Django ORM, so no layer connection is added', () => {
    const files = memoryFiles({'requirements.txt': 'channels==3.0.4\nchannels_postgres\n'})
    expect(channelsPostgresExtras(layer, files, 'gunicorn', sender(4))).toEqual([])
    expect(channelsPostgresExtras(layer, files, 'daphne').map((e) => e.count.value)).toEqual([10, 5])
  })
})
