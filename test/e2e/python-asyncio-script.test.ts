/**
 * A script that runs an asyncio event loop and makes an async pool: its tasks (a webhook server's requests, a bot's
 * handlers) each check a connection out on the one thread, all at once, as an ASGI server's requests do.
 * The app (test/fixtures/python-asyncio-bot):
 * - bot: `python run_bot.py`: loop.run_until_complete makes an asyncpg pool (min_size 2, max_size 6), then aiohttp's
 *   web.run_app serves the webhook; each request acquires from the pool. By hand: up to 6 at once (2 open when idle).
 *   It was counted as one thread: max(min(6, 1), 2 kept open) = 2.
 * - poller: `python poller.py`, a blocking loop with psycopg2.connect: 1 (no event loop, no async pool), as before.
 * - sweeper: `python sweeper.py`, asyncio.run of a loop that awaits one job after another with an asyncpg pool
 *   (min_size 2, max_size 8): one connection in use at a time, 2 open: 2, as before (no server, gather or create_task).
 */
import {describe, expect, it} from 'vitest'

import {fixture, planJson} from '../helpers/cli.js'

describe('an asyncio script with an async pool (test/fixtures/python-asyncio-bot)', () => {
  const r = planJson(`${fixture('python-asyncio-bot')}/Procfile`, ['--scale', 'bot=1', 'poller=1', 'sweeper=1'])

  it('bot: every pooled connection can be in use at once: 6, said with the loop and the pool', () => {
    expect(r.type('bot')).toMatchObject({connectionsPerDyno: 6, poolPerProcess: 6, server: 'python-script', threadsPerProcess: 6})
    expect(r.type('bot').sources.threadsPerProcess?.source.what).toContain('run_bot.py:16 runs an asyncio event loop')
    expect(r.type('bot').sources.threadsPerProcess?.source.what).toContain('run_bot.py:23 starts concurrent work on it (aiohttp.web.run_app)')
    expect(r.type('bot').sources.threadsPerProcess?.source.what).toContain('run_bot.py:12 makes an async pool (asyncpg.create_pool)')
  })

  it('poller (blocking psycopg2, no event loop): 1; sweeper (sequential awaits): the 2 its pool keeps open', () => {
    expect(r.type('poller')).toMatchObject({connectionsPerDyno: 1, threadsPerProcess: 1})
    expect(r.type('sweeper')).toMatchObject({connectionsPerDyno: 2, threadsPerProcess: 1})
  })
})
