/**
 * Environment variables a Ruby process sets for itself before it loads the app: `ENV["PROC_MODE"] = "puma"` at the
 * top level of the file the server reads first — Puma's config file (`-C`, else config/puma.rb: Puma reads it before
 * it loads the app, preload_app! or not), the files `sidekiq -r` requires (Sidekiq requires them before it boots the
 * app), the script `ruby x.rb` runs. Code the app runs afterwards (a config module's `ENV["PROC_MODE"] == "sidekiq"`)
 * reads those values in that process only. Only a string literal written outside any condition, block or method is
 * taken; nothing is run.
 */
import type {AnalyzerContext} from '../common/types.js'
import {type EnvEntry, type EnvLayer, layer} from '../../model/env.js'
import {fromEnv} from '../../model/source.js'
import {appPath, findFlag, programName} from '../common/setting.js'
import {parseRuby} from './prism.js'
import {rubyScript} from './ruby-script-command.js'

/** The files the process's program reads before the app: Puma's config, sidekiq's `-r` files, a Ruby script. */
function entryFiles(ctx: AnalyzerContext): string[] {
  const argv = ctx.command.argv
  const args = programName(argv[0]) === 'bundle' && argv[1] === 'exec' ? argv.slice(2) : argv
  const program = programName(args[0] ?? '')
  if (program === 'puma' || program === 'pumactl') {
    const flag = findFlag(args, program === 'puma' ? ['-C', '--config'] : ['-F', '--config-file'], ctx.command)?.value
    return flag && flag !== '-' ? [appPath(flag)] : ['config/puma.rb']
  }

  if (program === 'sidekiq') {
    const out: string[] = []
    for (let i = 1; i < args.length; i++) {
      const a = args[i]
      const v = a === '-r' || a === '--require' ? args[i + 1] : a.startsWith('--require=') ? a.slice(10) : undefined
      if (v && /\.rb$/.test(v)) out.push(appPath(v))
    }

    return out
  }

  const script = rubyScript(argv, ctx.files)
  return script ? [script] : []
}

/** The entry files' top-level `ENV["X"] = "literal"` writes, as a layer over the type's env; undefined when there are none. */
export async function entryEnvLayer(ctx: AnalyzerContext): Promise<EnvLayer | undefined> {
  const entries: EnvEntry[] = []
  for (const path of entryFiles(ctx)) {
    const text = ctx.files.read(path)?.text
    if (!text || !/^\s*ENV\[/m.test(text)) continue
    const parsed = await parseRuby(path, text)
    if (parsed.errors.length > 0) continue
    const P = parsed.prism
    for (const s of parsed.program.statements.body) {
      if (!(s instanceof P.CallNode) || s.name !== '[]=' || !(s.receiver instanceof P.ConstantReadNode) || s.receiver.name !== 'ENV') continue
      const [k, v] = s.arguments_?.arguments_ ?? []
      if (!(k instanceof P.StringNode) || !(v instanceof P.StringNode) || s.arguments_!.arguments_.length !== 2) continue
      const name = k.unescaped.value
      entries.push({name, source: fromEnv(name, `${path}:${parsed.lineOf(s.location.startOffset)}`), value: v.unescaped.value})
    }
  }

  return entries.length > 0 ? layer(`set by the process itself (${[...new Set(entries.map((e) => e.source.kind === 'env' ? e.source.from.replace(/:\d+$/, '') : ''))].join(', ')})`, entries) : undefined
}
