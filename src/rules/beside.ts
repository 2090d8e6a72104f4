import type {Budget, ProcessBudget} from '../model/budget.js'
import type {Diagnostic} from '../model/diagnostic.js'
import type {Rule, RuleInput} from './types.js'

import {budgetProcess} from '../budget/budget.js'

/**
 * Processes that run beside a type's own in each of its dynos (`web: foreman start -f Procfile.production`
 * running puma, a Resque worker and a scheduler; a script starting puma and sidekiq; a `spawn` in a Puma hook)
 * are counted as the type's per-dyno extras (app/analyze-app.ts besideExtra), each with a model of its own.
 * A rule that checks one process at a time (fork safety, pool sizing) checks those too: a Resque worker on
 * ActiveRecord 5.1 forks the same whether the Procfile or a launcher in the web dyno starts it.
 */
export function besideRows(budget: Budget): {row: ProcessBudget; type: string}[] {
  const out: {row: ProcessBudget; type: string}[] = []
  for (const p of budget.processTypes) {
    for (const x of p.model.extrasPerDyno) {
      if (!x.process) continue
      const label = `${p.name}'s \`${x.process.command.length > 60 ? `${x.process.command.slice(0, 60)}…` : x.process.command}\``
      const row = budgetProcess({...x.process, dynos: {...p.model.dynos}, role: p.role})
      out.push({row: {...row, maxDynos: null, name: label}, type: p.name})
    }
  }

  return out
}

/**
 * Run a per-process rule over the beside rows: what it finds is said of the type whose dynos run them. The same
 * finding about several of them (a cron type's rake tasks, each with the app's pool) is said once, naming them all;
 * one the type's own process already gets, word for word (`own`: more workers of the same pool beside the first), is not said again.
 */
export function checkBeside(rule: Rule, input: RuleInput, own: readonly Diagnostic[] = []): Diagnostic[] {
  if (!rule.check) return []
  // A process that holds no connection (a scheduler pushing jobs to Redis) has no pool to size.
  const rows = besideRows(input.budget).filter((r) => r.row.connectionsPerProcess > 0)
  if (rows.length === 0) return []
  const byName = new Map(rows.map((r) => [r.row.name, r]))
  const found = rule.check({...input, budget: {...input.budget, processTypes: rows.map((r) => r.row)}})
  const groups = new Map<string, {d: Diagnostic; labels: string[]; type: string}>()
  for (const d of found) {
    const r = d.processType === undefined ? undefined : byName.get(d.processType)
    if (!r) {
      groups.set(JSON.stringify([groups.size, d.message]), {d, labels: [], type: ''})
      continue
    }

    const asType = d.message.replaceAll(r.row.name, r.type)
    if (own.some((o) => o.code === d.code && o.file === d.file && o.line === d.line && o.message === asType)) continue
    const key = JSON.stringify([d.code, d.severity, d.file, d.line, r.type, d.message.replaceAll(r.row.name, '\0')])
    const group = groups.get(key)
    if (group) group.labels.push(r.row.name)
    else groups.set(key, {d, labels: [r.row.name], type: r.type})
  }

  return [...groups.values()].map(({d, labels, type}) => {
    if (labels.length === 0) return d
    if (labels.length === 1) return {...d, processType: type}
    const many = `${labels[0]} and ${labels.length - 1} other process${labels.length === 2 ? '' : 'es'} beside it`
    return {...d, ...(d.fix ? {fix: d.fix.replaceAll(labels[0], many)} : {}), message: d.message.replaceAll(labels[0], many), processType: type}
  })
}
