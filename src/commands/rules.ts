import {BaseCommand} from './base-command.js'
import {rules} from '../rules/index.js'
import {columns} from '../render/text.js'

export default class Rules extends BaseCommand {
  static override description = 'List every diagnostic code conncalc can report, with its severity and what it means.'

  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']

  async run(): Promise<{code: string; severity: string; summary: string}[]> {
    await this.parse(Rules)
    const list = rules.map((r) => ({code: r.code, severity: r.severity, summary: r.summary}))
    const c = await this.colors()
    const lines = columns([['code', 'severity', 'summary'], ...list.map((r) => [r.code, r.severity, r.summary])], () => false)
    this.print(`${c.dim(lines[0])}\n${lines.slice(1).join('\n')}\n`)
    return list
  }
}
