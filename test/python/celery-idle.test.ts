import type {PythonProject} from '../../src/languages/python/modules.js'
import {describe, expect, it} from 'vitest'

import {evaluatePython} from '../../src/languages/python/evaluate.js'
import {unreadImports} from '../../src/languages/python/celery-idle.js'
import {envOf} from '../analyzers/helpers.js'

// The app's modules: worker.py and helpers.py (resolved by name, as PythonProject does for files in the app).
const app: Record<string, string> = {helpers: 'helpers.py', worker: 'worker.py'}
const project = {resolve: (m: string) => app[m]} as unknown as PythonProject
const read = async (files: Record<string, string>) => Promise.all(Object.entries(files).map(async ([f, t]) => evaluatePython(f, t, {env: envOf({})})))

describe('unreadImports: has conncalc read every module a Celery worker imports?', () => {
  it('the standard library, the app\'s own modules and packages that open no connection: read', async () => {
    const m = await read({'helpers.py': 'import json\nimport requests', 'worker.py': 'import os\nfrom celery import Celery\nfrom redis import Redis\nfrom helpers import fmt\ndef f():\n    import smtplib'})
    expect(unreadImports(m, project)).toBeUndefined()
  })

  it('an installed package conncalc does not know, an app module not read, a computed import: each said with its line', async () => {
    expect(unreadImports(await read({'worker.py': 'import os\nimport acme_jobs'}), project)).toBe('worker.py:2 imports acme_jobs, an installed package conncalc does not read')
    expect(unreadImports(await read({'worker.py': 'from helpers import fmt'}), project)).toBe('worker.py:1 imports helpers, which conncalc did not read')
    expect(unreadImports(await read({'worker.py': 'import importlib\nimportlib.import_module("x")'}), project)).toBe('worker.py:2 imports a module by a name computed at run time (importlib.import_module)')
    expect(unreadImports(await read({'worker.py': 'from celery import Celery\napp = Celery()\napp.config_from_object("celeryconfig")'}), project)).toBe('worker.py:3 configures Celery from celeryconfig, which is not in the app')
  })
})
