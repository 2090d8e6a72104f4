/** A flag's value in an argv and the index of the token that named the flag. */
export interface FlagValue {
  index: number
  value: string
}

/**
 * Read a flag that takes a value, the way most CLIs (optparse, argparse, oclif)
 * accept it: `-w 3`, `-w3`, `-w=3`, `--workers 3`, `--workers=3`. When the flag is
 * given more than once the last one wins, as in those parsers. Scanning stops at
 * `--`. A flag at the very end with no value is ignored.
 */
export function readFlag(argv: readonly string[], names: readonly string[]): FlagValue | undefined {
  let found: FlagValue | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--') break
    for (const name of names) {
      if (arg === name) {
        if (i + 1 < argv.length) found = {index: i, value: argv[i + 1]}
      } else if (arg.startsWith(`${name}=`)) {
        found = {index: i, value: arg.slice(name.length + 1)}
      } else if (isShort(name) && arg.startsWith(name) && arg.length > name.length) {
        found = {index: i, value: arg.slice(name.length)}
      }
    }
  }

  return found
}

/** Is a boolean flag present (`--preload`, `-d`)? Scanning stops at `--`. */
export function hasFlag(argv: readonly string[], names: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false
    if (names.includes(arg)) return true
  }

  return false
}

/** `-w` (one dash, one letter) can take its value attached: `-w3`. */
const isShort = (name: string): boolean => name.length === 2 && name[0] === '-' && name[1] !== '-'
