/**
 * Commands whose output inside a dyno follows from the dyno's size, so conncalc knows it without
 * running anything: `nproc` (and `getconf _NPROCESSORS_ONLN`, `grep -c processor /proc/cpuinfo`)
 * print the CPUs the dyno reports (plans/dyno-sizes.json nproc: 8 on every Standard dyno, which
 * share a host), `ulimit -u` its process/thread limit (256 on Standard-1X, 512 on Standard-2X, …).
 * The value carries the size's sources: an assumed size (none in --scale or app.json) makes it an
 * assumption, as the user sees it starred.
 */
import type {DynoFacts} from '../platform/dyno-sizes.js'
import type {EnvEntry} from '../model/env.js'
import type {ParsedCommand} from '../languages/common/types.js'
import type {Sourced} from '../model/source.js'

import {arithmetic} from '../languages/shell/shell.js'

const NPROC = [/^nproc(?:\s+--all)?$/, /^getconf\s+_?NPROCESSORS_(?:ONLN|CONF)$/, /^grep\s+-c\s+(["']?)\^?processor\1\s+\/proc\/cpuinfo$/]
const PROCESS_LIMIT = /^ulimit\s+-u$/

/** What `command` prints inside `dyno`, when it is one of those commands and the size gives it; else undefined. */
export function dynoCommandValue(command: string, dyno: DynoFacts | undefined): Sourced<number> | undefined {
  if (!dyno) return undefined
  const c = command.trim().replaceAll(/\s+/g, ' ')
  if (NPROC.some((re) => re.test(c))) return dyno.nproc
  if (PROCESS_LIMIT.test(c)) return dyno.processLimit
  return undefined
}

/** `$(cmd)` or `` `cmd` `` around one of those commands, anywhere in a word (`-w$(nproc)`, `"$(ulimit -u)"`). */
const SUBSTITUTION = /\$\(\s*([^()`$]+?)\s*\)|`\s*([^`$]+?)\s*`/g

/**
 * The text with each substitution of a dyno command replaced by its value, and the values used;
 * other substitutions are left as written.
 */
export function substituteDynoCommands(text: string, dyno: DynoFacts | undefined): {text: string; used: Sourced<number>[]} {
  const used: Sourced<number>[] = []
  if (!dyno || !/\$\(|`/.test(text)) return {text, used}
  const out = text.replaceAll(SUBSTITUTION, (m, a: string | undefined, b: string | undefined) => {
    const v = dynoCommandValue(a ?? b ?? '', dyno)
    if (!v) return m
    used.push(v)
    return String(v.value)
  })
  // `$(( $(nproc) * 2 ))`: once the numbers are in, integer arithmetic on literals is the shell's own.
  const arithmetic = used.length === 0 ? out : out.replaceAll(/\$\(\(([\d\s+*/()-]+)\)\)/g, (m, expr: string) => String(integerArithmetic(expr) ?? m))
  return {text: arithmetic, used}
}

/**
 * `$(( … ))` on integer literals with + - * / and parentheses, as bash computes it (division
 * truncates toward zero): the shell reader's arithmetic with no variables; undefined for anything
 * else (division by zero, a stray token, a result past 2^53).
 */
export function integerArithmetic(expr: string): number | undefined {
  const v = arithmetic(expr, () => undefined)
  return v !== undefined && Number.isSafeInteger(v) ? v : undefined
}

/**
 * The command with each dyno command in its words replaced by its value (`puma -w $(nproc)` → `-w 8` on
 * a Standard dyno); the values join `expanded`, so a flag read from them carries the size's sources.
 */
export function argvWithDynoCommands(command: ParsedCommand, dyno: DynoFacts | undefined): ParsedCommand {
  if (!dyno || !command.argv.some((w) => /\$\(|`/.test(w))) return command
  const expanded: EnvEntry[] = [...(command.expanded ?? [])]
  const argv = command.argv.map((w) => {
    const s = substituteDynoCommands(w, dyno)
    for (const v of s.used) expanded.push({name: w, source: v.source, value: String(v.value), ...(v.via ? {via: v.via} : {})})
    return s.text
  })
  return expanded.length === (command.expanded ?? []).length ? command : {...command, argv, expanded}
}
