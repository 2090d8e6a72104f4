import {Chalk} from 'chalk'
import {describe, expect, it} from 'vitest'

import type {Diagnostic} from '../../src/model/diagnostic.js'
import {renderReport} from '../../src/render/format.js'
import {append} from '../../src/util/arrays.js'
import {planFixture} from '../plan/helpers.js'

// Views with more lines than a spread can pass as arguments (V8 throws a RangeError from about
// 120,000): every human view of a report with 200,000 diagnostics renders without overflowing,
// shows the first 20 of each code and one line for the rest; --json keeps every one.
describe('views with input-sized line counts', () => {
  it('append adds 300,000 items without a spread', () => {
    const out = append([0], Array.from({length: 300_000}, (_, i) => i + 1))
    expect(out).toHaveLength(300_001)
    expect(out.at(-1)).toBe(300_000)
  })

  it.each(['table', 'markdown'] as const)('--format %s with 200,000 diagnostics', async (format) => {
    const {report} = await planFixture('rails-7-2', {plan: 'standard-0'})
    const many: Diagnostic[] = Array.from({length: 200_000}, (_, i) => ({code: 'unknown-command', file: 'Procfile', line: i + 2, message: `t${i}: not read`, severity: 'warning'}))
    const text = renderReport({...report, diagnostics: many}, format, {chalk: new Chalk({level: 0}), explain: true, title: 'Procfile'})
    expect(text).toContain('t19: not read')
    expect(text).not.toContain('t20: not read')
    expect(text).not.toContain('t199999: not read')
    // 200,000 − 20 shown = 199,980 left out, said once.
    expect(text.match(/199,980 more like the 20 above, not shown \(--json lists every one\)/g)).toHaveLength(1)
  }, 60_000)

  it('--format json with 200,000 diagnostics keeps every one', async () => {
    const {report} = await planFixture('rails-7-2', {plan: 'standard-0'})
    const many: Diagnostic[] = Array.from({length: 200_000}, (_, i) => ({code: 'unknown-command', file: 'Procfile', line: i + 2, message: `t${i}: not read`, severity: 'warning'}))
    const json = JSON.parse(renderReport({...report, diagnostics: many}, 'json', {chalk: new Chalk({level: 0}), explain: true, title: 'Procfile'})) as {diagnostics: {message: string}[]}
    expect(json.diagnostics).toHaveLength(200_000)
    expect(json.diagnostics.at(-1)?.message).toBe('t199999: not read')
  }, 60_000)
})
