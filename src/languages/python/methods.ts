import type {EvalValue, PyValue} from './values.js'
/**
 * The methods of built-in values that settings modules call on the way to a
 * number or a URL: `os.environ.get("DATABASE_URL", "").replace("postgres://",
 * "postgresql://")`, `os.getenv("HOSTS", "*").split(",")`, `.strip().lower()`,
 * `DATABASES.get("default")`. Pure: values in, a value out, or undefined when
 * the method is not one of these (the caller then says it cannot read it).
 */
type Result = {item: EvalValue} | {value: PyValue} | undefined

const str = (v: EvalValue | undefined): string | undefined => (v?.kind === 'known' && typeof v.value === 'string' ? v.value : undefined)
const int = (v: EvalValue | undefined): number | undefined => (v?.kind === 'known' && typeof v.value === 'number' ? v.value : undefined)

function stripChars(s: string, chars: string | undefined, side: 'both' | 'left' | 'right'): string {
  const set = chars ?? ' \t\n\r\f\v'
  let a = 0
  let b = s.length
  if (side !== 'right') while (a < b && set.includes(s[a])) a++
  if (side !== 'left') while (b > a && set.includes(s[b - 1])) b--
  return s.slice(a, b)
}

function split(s: string, sep: string | undefined, max: number | undefined): string[] {
  if (sep === undefined) return s.split(/\s+/).filter(Boolean)
  const parts = s.split(sep)
  if (max === undefined || max < 0 || parts.length <= max + 1) return parts
  return [...parts.slice(0, max), parts.slice(max).join(sep)]
}

const listOf = (items: string[], from: EvalValue): PyValue => ({items: items.map((value) => ({...(from as EvalValue & {kind: 'known'}), value})), kind: 'list'})

/** Python's str() of a plain value (what an f-string, `%s` and `.format` print); undefined for what conncalc does not print. */
export function pyStr(v: PyValue): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  return v === null ? 'None' : undefined
}

/** `"{} {0} {1}".format(a, b)`: positional fields without a format spec; undefined otherwise. */
function format(s: string, args: EvalValue[]): string | undefined {
  let next = 0
  let ok = true
  const out = s.replaceAll(/\{\{|\}\}|\{(\d*)\}|[{}]/g, (m, index: string | undefined) => {
    if (m === '{{') return '{'
    if (m === '}}') return '}'
    if (index === undefined) {
      ok = false
      return ''
    }

    const arg = args[index === '' ? next++ : Number(index)]
    const text = arg?.kind === 'known' ? pyStr(arg.value) : undefined
    if (text === undefined) ok = false
    return text ?? ''
  })
  return ok ? out : undefined
}

function stringMethod(s: string, name: string, args: EvalValue[], receiver: EvalValue): Result {
  const [a, b, c] = args
  switch (name) {
    case 'format': {
      const text = format(s, args)
      return text === undefined ? undefined : {value: text}
    }

    case 'lower': {
      return {value: s.toLowerCase()}
    }

    case 'upper': {
      return {value: s.toUpperCase()}
    }

    case 'capitalize': {
      return {value: s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase()}
    }

    case 'strip':
    case 'lstrip':
    case 'rstrip': {
      return {value: stripChars(s, str(a), name === 'strip' ? 'both' : name === 'lstrip' ? 'left' : 'right')}
    }

    case 'replace': {
      const from = str(a)
      const to = str(b)
      if (from === undefined || to === undefined) return undefined
      const count = int(c)
      if (count === undefined || count < 0) return {value: s.split(from).join(to)}
      let out = s
      let at = 0
      for (let i = 0; i < count; i++) {
        const j = out.indexOf(from, at)
        if (j === -1) break
        out = out.slice(0, j) + to + out.slice(j + from.length)
        at = j + to.length
      }

      return {value: out}
    }

    case 'split': {
      return {value: listOf(split(s, str(a), int(b)), receiver)}
    }

    case 'startswith':
    case 'endswith': {
      const x = str(a)
      if (x === undefined) return undefined
      return {value: name === 'startswith' ? s.startsWith(x) : s.endsWith(x)}
    }

    case 'removeprefix':
    case 'removesuffix': {
      const x = str(a)
      if (x === undefined) return undefined
      if (name === 'removeprefix') return {value: x && s.startsWith(x) ? s.slice(x.length) : s}
      return {value: x && s.endsWith(x) ? s.slice(0, -x.length) : s}
    }

    // `",".join(queues)` of a list (or tuple) of known strings.
    case 'join': {
      const items = a?.kind === 'known' && typeof a.value === 'object' && a.value !== null && a.value.kind === 'list' && args.length === 1 ? a.value.items.map((i) => str(i)) : undefined
      if (!items || items.some((i) => i === undefined)) return undefined
      return {value: items.join(s)}
    }

    case 'isdigit': {
      return {value: /^\d+$/.test(s)}
    }

    default: {
      return undefined
    }
  }
}

/** `receiver.name(*args)` for a known receiver; undefined when conncalc does not model it. */
export function callMethod(receiver: EvalValue, name: string, args: EvalValue[]): Result {
  if (receiver.kind !== 'known') return undefined
  const v = receiver.value
  if (typeof v === 'string') return stringMethod(v, name, args, receiver)
  // `databases["default"].copy()`: a shallow copy, so later writes to the original do not show through.
  if (typeof v === 'object' && v !== null && (v.kind === 'dict' || v.kind === 'list') && name === 'copy' && args.length === 0) {
    return {value: v.kind === 'dict' ? {...v, entries: new Map(v.entries)} : {...v, items: [...v.items]}}
  }

  // `cfg.items()` / `.keys()` / `.values()` of a dict whose keys are all known: a list (of [key, value] pairs).
  if (typeof v === 'object' && v !== null && v.kind === 'dict' && !v.partial && args.length === 0 && (name === 'items' || name === 'keys' || name === 'values')) {
    const key = (k: string): EvalValue => ({...(receiver as EvalValue & {kind: 'known'}), value: k})
    const items = [...v.entries].map(([k, x]): EvalValue => (name === 'keys' ? key(k) : name === 'values' ? x : {...(receiver as EvalValue & {kind: 'known'}), value: {items: [key(k), x], kind: 'list'}}))
    return {value: {items, kind: 'list'}}
  }

  if (typeof v === 'object' && v !== null && v.kind === 'dict' && name === 'get') {
    const key = args[0]?.kind === 'known' ? args[0].value : undefined
    if (typeof key !== 'string' && typeof key !== 'number') return undefined
    const hit = v.entries.get(String(key))
    if (hit) return {item: hit}
    if (v.partial) return undefined
    return args[1] ? {item: args[1]} : {value: null}
  }

  return undefined
}
