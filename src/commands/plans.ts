import type {PlanTable} from '../model/plan.js'
import * as Flags from '@oclif/core/flags'

import {localPath} from './flags.js'

import {BaseCommand} from './base-command.js'
import {loadBuiltinPlans, loadPlansFile} from '../io/plans.js'
import {columns} from '../render/text.js'

export default class Plans extends BaseCommand {
  static override description = 'List the plan table: each plan, its connection limit and the source of that number.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json', '<%= config.bin %> <%= command.id %> --plans-file my-plans.yml']

  static override flags = {
    'plans-file': Flags.string({description: 'list this plan table (JSON or YAML) instead of the built-in one', parse: localPath('plans-file')}),
  }

  async run(): Promise<PlanTable> {
    const {flags} = await this.parse(Plans)
    const table = flags['plans-file'] ? await loadPlansFile(flags['plans-file']) : loadBuiltinPlans()
    const rows = [['plan', 'tier', 'limit', 'confidence', 'source'], ...table.plans.map((p) => [p.name, p.tier, String(p.limit), p.confidence, p.source])]
    const c = await this.colors()
    const lines = columns(rows, (i) => i === 2)
    this.print(`${c.bold(table.name)} (${table.path})\n${c.dim(lines[0])}\n${lines.slice(1).join('\n')}\n`)
    return table
  }
}
