/**
 * Errors mean conncalc cannot do its job. They are thrown once and mapped to an
 * exit code at the edge (commands/): 2 for usage or input, 3 for a bug.
 * Findings about the user's setup are Diagnostics instead, never thrown.
 */
export class UsageError extends Error {
  readonly exitCode = 2
  /**
   * `details`: lines printed under the message (each problem of an invalid file), kept apart
   * so that a newline inside a quoted value is shown escaped and never starts a line.
   * `message` is the whole text (the headline and the details); `headline` the first line.
   */
  readonly headline: string
  constructor(
    headline: string,
    readonly hint?: string,
    readonly details?: string[],
  ) {
    super(details && details.length > 0 ? [headline, ...details].join('\n') : headline)
    this.headline = headline
    this.name = 'UsageError'
  }
}

/** A file or table the user gave us is invalid (still exit 2). */
export class InputError extends UsageError {
  constructor(message: string, hint?: string, details?: string[]) {
    super(message, hint, details)
    this.name = 'InputError'
  }
}

export const BUG_NOTE = 'This is a bug in conncalc; please report it with the command you ran.'

export class InternalError extends Error {
  readonly exitCode = 3
  constructor(message: string) {
    super(`${message}\n${BUG_NOTE}`)
    this.name = 'InternalError'
  }
}
