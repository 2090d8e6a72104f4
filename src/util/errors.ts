/**
 * Errors mean conncalc cannot do its job. They are thrown once and mapped to an
 * exit code at the edge (commands/): 2 for usage or input, 3 for a bug.
 * Findings about the user's setup are Diagnostics instead, never thrown.
 */
export class UsageError extends Error {
  readonly exitCode = 2
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

/** A file or table the user gave us is invalid (still exit 2). */
export class InputError extends UsageError {
  constructor(message: string, hint?: string) {
    super(message, hint)
    this.name = 'InputError'
  }
}

export class InternalError extends Error {
  readonly exitCode = 3
  constructor(message: string) {
    super(`${message}\nThis is a bug in conncalc; please report it with the command you ran.`)
    this.name = 'InternalError'
  }
}
