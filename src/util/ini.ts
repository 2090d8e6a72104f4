/** One `[section]` of an ini file: its line, name, and values by lower-cased key (configparser), each with its line. */
export interface IniSection {
  line: number
  name: string
  values: Map<string, {line: number; value: string}>
}

/**
 * An ini file read as Python's configparser does: `[section]`, `key = value` or `key: value`, `;`/`#` comment lines,
 * indented continuation lines joined to the value above with a newline. `inlineComments`: ` ;` ends a value, as
 * supervisord's parser sets (configparser's default, which PasteDeploy keeps, has none).
 */
export function parseIni(text: string, {inlineComments = false} = {}): IniSection[] {
  const sections: IniSection[] = []
  let current: IniSection | undefined
  let last: {line: number; value: string} | undefined
  for (const [i, raw] of text.split(/\r?\n/).entries()) {
    if (/^\s*[#;]/.test(raw) || raw.trim() === '') {
      last = raw.trim() === '' ? undefined : last
      continue
    }

    if (/^\s/.test(raw) && last) {
      last.value += `\n${raw.trim()}`
      continue
    }

    const section = /^\[([^\]]+)\]/.exec(raw)
    if (section) {
      current = {line: i + 1, name: section[1].trim(), values: new Map()}
      sections.push(current)
      last = undefined
      continue
    }

    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw)
    if (kv && current) {
      last = {line: i + 1, value: (inlineComments ? kv[2].replace(/\s+;.*$/, '') : kv[2]).trim()}
      current.values.set(kv[1].trim().toLowerCase(), last)
    }
  }

  return sections
}
