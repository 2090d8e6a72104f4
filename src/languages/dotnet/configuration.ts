/**
 * ASP.NET Core configuration, for the connection strings: the providers
 * `WebApplication.CreateBuilder` / `Host.CreateDefaultBuilder` add, lowest
 * first — `appsettings.json`, `appsettings.{Environment}.json` (both in the
 * content root, the project folder whose publish output the process runs in),
 * environment variables (`ConnectionStrings__Default` is
 * `ConnectionStrings:Default`), command-line arguments
 * (`--ConnectionStrings:Default=…`). Keys are case-insensitive. The
 * environment is ASPNETCORE_ENVIRONMENT, else DOTNET_ENVIRONMENT, else
 * Production. User secrets only load in Development and are not in the repo.
 */
import type {Diagnostic} from '../../model/diagnostic.js'
import type {AnalyzerContext} from '../common/types.js'

import {fromDefault, fromFile, fromFlag, type Source} from '../../model/source.js'
import {type JsoncValue, parseJsonc} from '../../util/jsonc.js'

const CONFIG_REF = 'https://learn.microsoft.com/aspnet/core/fundamentals/configuration/#default-application-configuration-sources'
const ENV_REF = 'https://learn.microsoft.com/aspnet/core/fundamentals/environments'

export interface ConfigValue {
  /** The key as written ("ConnectionStrings:DefaultConnection"). */
  key: string
  source: Source
  value: string
  via?: Source[]
}

function flatten(v: JsoncValue, prefix: string, out: Map<string, {line: number; value: string; key: string}>): void {
  if (v.kind === 'object') {
    for (const e of v.entries) {
      const key = prefix ? `${prefix}:${e.key}` : e.key
      if (e.value.kind === 'scalar') out.set(key.toLowerCase(), {key, line: e.keyLine, value: e.value.value === null ? '' : String(e.value.value)})
      else flatten(e.value, key, out)
    }
  } else if (v.kind === 'array') {
    for (const [i, item] of v.items.entries()) {
      const key = `${prefix}:${i}`
      if (item.kind === 'scalar') out.set(key.toLowerCase(), {key, line: item.line, value: item.value === null ? '' : String(item.value)})
      else flatten(item, key, out)
    }
  }
}

export class DotnetConfiguration {
  readonly diagnostics: Diagnostic[] = []
  readonly environment: {source: Source; value: string}
  /** Lowercased key → value, highest provider last written. */
  private readonly values = new Map<string, ConfigValue>()

  constructor(ctx: AnalyzerContext, contentRoot: string, args: readonly string[]) {
    const argEnv = args.findIndex((a) => /^--environment(=|$)/i.test(a))
    const fromArg = argEnv === -1 ? undefined : args[argEnv].includes('=') ? args[argEnv].split('=')[1] : args[argEnv + 1]
    const envVar = ctx.env.get('ASPNETCORE_ENVIRONMENT') ?? ctx.env.get('DOTNET_ENVIRONMENT')
    this.environment =
      fromArg !== undefined
        ? {source: fromFlag(`--environment ${fromArg}`), value: fromArg}
        : envVar
          ? {source: envVar.source, value: envVar.value}
          : {source: fromDefault('the ASP.NET Core environment is Production when ASPNETCORE_ENVIRONMENT and DOTNET_ENVIRONMENT are unset', ENV_REF), value: 'Production'}

    const dir = contentRoot ? `${contentRoot}/` : ''
    for (const name of ['appsettings.json', `appsettings.${this.environment.value}.json`]) {
      const path = `${dir}${name}`
      // File names are case-sensitive on the Linux dynos: appsettings.Production.json, not .production.
      const file = ctx.files.read(path)
      if (!file) continue
      const parsed = parseJsonc(file.text)
      if ('error' in parsed) {
        this.diagnostics.push({code: 'unparsable-config', file: path, line: parsed.error.line, message: `${path}:${parsed.error.line} is not valid JSON (${parsed.error.message}); .NET would not start with it, and conncalc ignores it`, severity: 'warning'})
        continue
      }

      const flat = new Map<string, {line: number; value: string; key: string}>()
      flatten(parsed.value, '', flat)
      for (const [k, v] of flat) this.values.set(k, {key: v.key, source: fromFile(path, v.line), value: v.value})
    }

    // Environment variables: `__` is the section separator.
    for (const name of ctx.env.names()) {
      const e = ctx.env.get(name)!
      const key = name.replaceAll('__', ':')
      this.values.set(key.toLowerCase(), {key, source: e.source, value: e.value, via: e.via})
    }

    // Command-line arguments: --Key=value, /Key=value, --Key value.
    for (let i = 0; i < args.length; i++) {
      const m = /^(?:--|\/)([A-Za-z][\w:.-]*)(?:=(.*))?$/.exec(args[i])
      if (!m || !m[1].includes(':')) continue
      const value = m[2] ?? args[i + 1]
      if (value === undefined) continue
      this.values.set(m[1].toLowerCase(), {key: m[1], source: fromFlag(m[2] === undefined ? `${args[i]} ${value}` : args[i]), value})
    }
  }

  get(key: string): ConfigValue | undefined {
    return this.values.get(key.toLowerCase())
  }

  /** Every `ConnectionStrings:NAME`, by name as written. */
  connectionStrings(): Map<string, ConfigValue> {
    const out = new Map<string, ConfigValue>()
    for (const [k, v] of this.values) {
      if (k.startsWith('connectionstrings:') && !k.slice(18).includes(':')) out.set(v.key.slice(18), v)
    }

    return out
  }
}

export {CONFIG_REF}
