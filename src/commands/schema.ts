import {BaseCommand} from './base-command.js'
import {configJsonSchema} from '../model/config.js'
import {jsonText} from '../render/format.js'

export default class Schema extends BaseCommand {
  static override description = `Print the JSON Schema of the config file (conncalc.yml, .conncalc.yml, or "conncalc" in package.json).

Editors use it for completion and checks, e.g. with this first line in conncalc.yml:

# yaml-language-server: $schema=./node_modules/conncalc/plans/conncalc.schema.json`

  static override examples = ['<%= config.bin %> <%= command.id %> > conncalc.schema.json']

  // --json prints the same schema (it is JSON already): a script that passes --json to every command gets JSON, not an unknown flag.
  async run(): Promise<object> {
    await this.parse(Schema)
    const schema = await configJsonSchema()
    this.print(jsonText(schema))
    return schema
  }
}
