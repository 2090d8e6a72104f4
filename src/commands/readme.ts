import * as Flags from '@oclif/core/flags'

import {BaseCommand} from './base-command.js'
import {defaultRemote, inputFlags, localPath} from './flags.js'
import {checkMessage, type ReadmeResult, runReadme, writeMessage} from '../app/readme.js'

export default class Readme extends BaseCommand {
  static override description = `Write the connection budget into a README, between <!-- conncalc:start --> and <!-- conncalc:end -->.

The section is added at the end when missing and the file created when needed; nothing outside the markers changes. With --check, nothing is written: exit 1 when the section is missing or no longer matches what the current config gives (a CI step that keeps the documented budget true). The output is deterministic: no dates, stable order.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --file docs/capacity.md --plan standard-0',
    '<%= config.bin %> <%= command.id %> --check',
  ]

  static override flags = {
    ...inputFlags,
    check: Flags.boolean({default: false, description: 'write nothing; exit 1 if the section is missing or out of date'}),
    file: Flags.string({default: 'README.md', description: 'the markdown file to write', parse: localPath('file')}),
  }

  async run(): Promise<ReadmeResult> {
    const {flags} = await this.parse(Readme, defaultRemote(this.argv))
    const result = await runReadme(flags, {check: flags.check, file: flags.file})
    const c = await this.colors()
    if (result.check) {
      process.exitCode = result.check.ok ? 0 : 1
      this.print(`${result.check.ok ? c.green('ok') : c.red('out of date')}: ${checkMessage(result.file, result.check)}\n`)
    } else {
      this.print(`${writeMessage(result)}\n`)
    }

    return result
  }
}
