import {describe, expect, it} from 'vitest'

import {evaluatePython} from '../../src/languages/python/evaluate.js'
import {threadStarts} from '../../src/languages/python/import-threads.js'
import {envOf} from '../analyzers/helpers.js'

/**
 * A thread pool made in a method of the app's own class (no base class a framework could call it through) that no code
 * the process reads calls or names: the method never runs, so its threads never start. A mail sender with an opt-in
 * background pool (`def enable_background_pool(self): self._pool = ThreadPoolExecutor(max_workers=10)`) that nothing
 * enables sends on the request's thread: no extra threads. Called or handed on anywhere, it is counted as before.
 */
describe('threadStarts: a method nothing calls starts no threads', () => {
  const read = async (files: Record<string, string>) => Promise.all(Object.entries(files).map(async ([f, t]) => evaluatePython(f, t, {env: envOf({})})))
  const sender = [
    'from concurrent.futures import ThreadPoolExecutor',
    'class MailSender:',
    '    def __init__(self):',
    '        self._pool = None',
    '    def enable_background_pool(self, max_workers=10):',
    '        self._pool = ThreadPoolExecutor(max_workers=max_workers)',
    '    def send(self, msg):',
    '        if self._pool:',
    '            self._pool.submit(print, msg)',
    'mail_sender = MailSender()',
  ]
  const views = ['from flask import Flask', 'from app.mail import mail_sender', 'app = Flask(__name__)', '@app.post("/signup")', 'def signup():', '    mail_sender.send("hi")']

  it('enable_background_pool, which nothing calls or names: no start', async () => {
    const modules = await read({'app/mail.py': sender.join('\n'), 'app/views.py': views.join('\n')})
    expect(threadStarts(modules)).toEqual([])
  })

  it('called at module level: counted, at app/mail.py:6', async () => {
    const modules = await read({'app/mail.py': [...sender, 'mail_sender.enable_background_pool()'].join('\n'), 'app/views.py': views.join('\n')})
    expect(threadStarts(modules).map((s) => [s.file, s.line])).toEqual([['app/mail.py', 6]])
  })

  it('handed on by name (a callback another call is given): counted', async () => {
    const modules = await read({'app/mail.py': [...sender, 'import atexit', 'atexit.register(mail_sender.enable_background_pool)'].join('\n'), 'app/views.py': views.join('\n')})
    expect(threadStarts(modules).map((s) => [s.file, s.line])).toEqual([['app/mail.py', 6]])
  })

  it('in a class with a base (a framework may call it, as AppConfig.ready): counted', async () => {
    const withBase = sender.map((l) => (l === 'class MailSender:' ? 'class MailSender(BaseSender):' : l))
    const modules = await read({'app/mail.py': ['from vendor.mail import BaseSender', ...withBase].join('\n'), 'app/views.py': views.join('\n')})
    expect(threadStarts(modules).map((s) => [s.file, s.line])).toEqual([['app/mail.py', 7]])
  })

  it('decorated, or a dunder method Python calls itself: counted', async () => {
    const decorated = sender.map((l) => (l === '    def enable_background_pool(self, max_workers=10):' ? '    @hook\n    def enable_background_pool(self, max_workers=10):' : l))
    const one = await read({'app/mail.py': ['from vendor import hook', ...decorated].join('\n'), 'app/views.py': views.join('\n')})
    expect(threadStarts(one).map((s) => s.line)).toEqual([8])
    const dunder = ['from concurrent.futures import ThreadPoolExecutor', 'class Pool:', '    def __enter__(self):', '        self._pool = ThreadPoolExecutor(max_workers=4)', '        return self']
    expect(threadStarts(await read({'app/pool.py': dunder.join('\n')})).map((s) => s.line)).toEqual([4])
  })
})
