import {BaseCommand} from './base-command.js'
import {defaultRemote, inputFlags, outputFlags} from './flags.js'
import type {Format} from '../render/format.js'
import {renderScale, scaleJson} from '../render/scale.js'
import {exitCodeFor} from '../app/report.js'
import {runScale} from '../app/scale.js'

export default class Scale extends BaseCommand {
  static override description = `What if you ran \`heroku ps:scale\`? The budget before and after, and the change per type.

Takes the same arguments as heroku ps:scale (TYPE=QUANTITY[:SIZE]; types not named keep their dynos), plus every plan flag. Exit code 0 when the new formation fits, 1 when it does not (or an error-severity diagnostic; warnings too with --fail-on warning), 2 bad input.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> web=10 worker=3 --plan standard-0',
    '<%= config.bin %> <%= command.id %> web=2:standard-2x --plan essential-2 --preboot',
    '<%= config.bin %> <%= command.id %> web=8 --plan standard-0 && heroku ps:scale web=8',
  ]

  static override flags = {...inputFlags, ...outputFlags}
  static override strict = false
  static override usage = '<%= command.id %> TYPE=QUANTITY[:SIZE]... [FLAGS]'

  async run(): Promise<ReturnType<typeof scaleJson>> {
    const {argv, flags} = await this.parse(Scale, defaultRemote(this.argv))
    const result = await runScale(flags, argv as string[])
    const format = (flags.format ?? 'table') as Format
    this.emit(renderScale(result, format, {chalk: await this.colors(flags.output), explain: flags.explain, width: this.width(flags.output)}), flags.output, format)
    this.annotate(result.after.report, format)
    process.exitCode = exitCodeFor(result.after.report, result.after.request.failOn)
    return scaleJson(result)
  }
}
