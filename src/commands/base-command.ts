import type {Report} from '../model/report.js'
import {Command} from '@oclif/core/command'

import type {Format} from '../render/format.js'
import {type Colours, colours} from '../render/colours.js'

import {describeFailure, type FailureContext, writeFailure} from './failure.js'
import {writeTextFile} from '../io/write.js'
import {useHostCliAuth} from '../io/heroku-api.js'
import {parseCache, parseCacheDir} from '../io/parse-cache.js'
import {useParseStore} from '../languages/ruby/prism.js'
import {useYamlStore} from '../util/yaml.js'
import {workflowCommands} from '../render/github.js'
import {redactSecrets} from '../util/redact.js'
import {safeOutput} from '../util/control-characters.js'
import {layoutWidth} from '../render/wrap.js'

/**
 * Shared edge behaviour: errors become one actionable line and an exit code
 * (2 usage/input, 3 internal), never a stack trace; nothing printed carries a
 * password.
 */
export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true

  /**
   * The colours of the view (render/colours.ts): chalk's, loaded only when colours are on. A view written to
   * --output FILE has none, whatever FORCE_COLOR says (a CI job that sets it for its log posts the file).
   */
  protected colors(output?: string): Promise<Colours> {
    return colours(output ? 0 : this.colourLevel())
  }

  /** 1 when the view is coloured, else 0. */
  private colourLevel(): number {
    const env = process.env
    // no-color.org: NO_COLOR counts when set to a non-empty value.
    const off = Boolean(env.NO_COLOR) || env.TERM === 'dumb' || (!process.stdout.isTTY && !env.FORCE_COLOR) || env.FORCE_COLOR === '0'
    return off ? 0 : 1
  }

  /**
   * The width to fit the terminal view to: the terminal's (at least MIN_WIDTH),
   * none when standard output is not a terminal — a pipe or CI log gets the full,
   * byte-stable layout whatever COLUMNS says — or when the view goes to --output.
   * OCLIF_COLUMNS forces a width, as it does for oclif's own help (oclif's screen.js).
   */
  protected width(output?: string): number | undefined {
    if (output) return undefined
    const forced = Number.parseInt(process.env.OCLIF_COLUMNS ?? '', 10)
    if (forced > 0) return layoutWidth(forced)
    const columns = process.stdout.isTTY ? process.stdout.columns : 0
    return columns > 0 ? layoutWidth(columns) : undefined
  }

  override async init(): Promise<void> {
    await super.init()
    // Run by another oclif CLI (the Heroku CLI, conncalc as its plugin), this.config is that
    // CLI's: its own API client holds the Heroku token, asked when an app is read.
    if (this.config.name !== 'conncalc') useHostCliAuth(this.config)
    // Ruby parses kept between runs (io/parse-cache.ts), in a folder named for conncalc's version
    // (its plugin's, when another CLI runs it).
    const dir = parseCacheDir(process.env, this.ctor.plugin?.version ?? this.config.version)
    const store = dir ? parseCache(dir) : undefined
    useParseStore(store)
    useYamlStore(store)
  }

  override async catch(err: Error): Promise<unknown> {
    const failure = describeFailure(err, this.failureContext())
    if (failure.exitCode === 0) return undefined
    writeFailure(failure, this.jsonEnabled())
    if (failure.exitCode === 3 && process.env.DEBUG) process.stderr.write(`${err.stack}\n`)
    return undefined
  }

  /** `conncalc plan` and the flags it takes, for the hint of a command-line error. */
  private failureContext(): FailureContext {
    const separator = this.config.topicSeparator ?? ' '
    const command = [this.config.bin, ...(this.id ? [this.id.replaceAll(':', separator)] : [])].join(' ')
    const flags = Object.entries({...this.ctor.flags, ...this.ctor.baseFlags}).flatMap(([name, flag]) => [name, ...((flag as {aliases?: string[]}).aliases ?? [])])
    return {command, flags: [...flags, ...(this.ctor.enableJsonFlag ? ['json'] : []), 'help']}
  }

  /** JSON output goes through the same redaction as text. */
  override logJson(json: unknown): void {
    process.stdout.write(`${redactSecrets(JSON.stringify(json, null, 2), true)}\n`)
  }

  /**
   * Print a human view (only when --json is off): secrets redacted, control
   * characters escaped but for conncalc's own colours, no line from input that
   * GitHub Actions would run as a workflow command (util/control-characters.ts).
   */
  protected print(text: string, format?: Format): void {
    if (!this.jsonEnabled()) process.stdout.write(this.safe(text, format))
  }

  /** A rendered view to --output FILE, else to standard output (nothing under --json). */
  protected emit(text: string, output?: string, format?: Format): void {
    if (this.jsonEnabled()) return
    if (output) writeTextFile(output, this.safe(text, format, false))
    else this.print(text, format)
  }

  private safe(text: string, format?: Format, coloured = this.colourLevel() > 0): string {
    return safeOutput(redactSecrets(text), {keepColour: coloured, workflowCommands: format === 'github'})
  }

  /**
   * In GitHub Actions, diagnostics also go out as workflow commands so they show
   * on the pull request; on standard error, which the runner reads too, so the
   * chosen view on standard output stays clean (`--format github` prints them there).
   */
  protected annotate(report: Report, format: Format): void {
    if (process.env.GITHUB_ACTIONS !== 'true' || format === 'github') return
    const lines = workflowCommands(report)
    if (lines.length > 0) process.stderr.write(safeOutput(lines.join('\n') + '\n', {keepColour: false, workflowCommands: true}))
  }
}
