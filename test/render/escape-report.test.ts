import {describe, expect, it} from 'vitest'

import type {Report} from '../../src/model/report.js'
import {escapeReport} from '../../src/render/format.js'

// The human views read the report through escapeReport: a model reached from both app.processes
// and its budget row is checked once, and one only in app.processes is still checked.
const reportOf = (budgeted: Record<string, unknown>, extra?: Record<string, unknown>): Report =>
  ({
    app: {diagnostics: [], processes: extra ? [budgeted, extra] : [budgeted], root: '.'},
    budget: {processTypes: [{model: budgeted, name: budgeted.name}]},
    diagnostics: [],
    plan: null,
    smallestFittingPlan: null,
  }) as unknown as Report

describe('escapeReport', () => {
  it('returns a report with nothing to escape as it is', () => {
    const report = reportOf({command: 'puma -C config/puma.rb', name: 'web'}, {command: 'sidekiq', name: 'worker'})
    expect(escapeReport(report)).toBe(report)
  })

  it('escapes a budgeted model once, shared by app.processes and its row', () => {
    const out = escapeReport(reportOf({command: 'puma \u001B]0;PWNED\u0007', name: 'web'}))
    const model = out.app.processes[0] as unknown as {command: string}
    expect(model.command).toBe('puma \\e]0;PWNED\\x07')
    expect(out.budget.processTypes[0].model).toBe(model)
  })

  it('escapes a model that only app.processes holds', () => {
    const out = escapeReport(reportOf({command: 'puma', name: 'web'}, {command: 'x\n::error::y', name: 'worker'}))
    expect((out.app.processes[1] as unknown as {command: string}).command).toBe('x\\n::error::y')
  })
})
