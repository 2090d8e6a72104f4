#!/usr/bin/env node
// npm run corpus: `conncalc plan --json --plan standard-0` on every real app of
// test/corpus/apps.json that is present in .corpus/ (git-ignored; fetched apps are never
// committed), in a standard formation: every Procfile type 1 standard-1x dyno. Writes
// test/corpus/summary.md and summary.json: per app the exit code, exit 3 / stack traces, hangs,
// files reported unparsable, unknown commands, assumed numbers and why, unknown-config-value
// diagnostics and wall time, totals per language, and how the totals compare with the apps counted
// by hand (hand.json). See test/corpus/README.md.
//
//   npm run corpus                       every app in apps.json
//   npm run corpus -- --only owner/name  those apps only; prints their details, writes nothing
//   CONNCALC_CORPUS_DIR=/path npm run corpus
import {spawn, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, readdirSync, statSync, writeFileSync} from 'node:fs'
import {cpus} from 'node:os'
import {join, sep} from 'node:path'
import {fileURLToPath} from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))
const here = join(root, 'test', 'corpus')
const corpusDir = process.env.CONNCALC_CORPUS_DIR ?? join(root, '.corpus')
// 120 s: on this shared 2-core machine at load 20 the largest apps take up to a minute of wall
// time (a few seconds of CPU); a real hang still ends here.
const timeoutMs = Number(process.env.CONNCALC_CORPUS_TIMEOUT ?? 120) * 1000
const jobs = Math.max(1, Number(process.env.CONNCALC_CORPUS_JOBS ?? cpus().length))

const args = process.argv.slice(2)
const only = []
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--only' && args[i + 1]) only.push(args[++i])
  else if (args[i].startsWith('--only=')) only.push(args[i].slice('--only='.length))
  else {
    console.error(`corpus: unknown argument ${args[i]} (usage: npm run corpus [-- --only owner/name ...])`)
    process.exit(2)
  }
}

const apps = JSON.parse(readFileSync(join(here, 'apps.json'), 'utf8'))
// Totals worked out by hand from the apps' files and the frameworks' source, in the corpus's formation (each type on one
// standard-1x dyno), by the audits that brought the apps in: a total that moves away from one is a regression or a hand
// count to re-derive, never silent.
const hand = new Map(JSON.parse(readFileSync(join(here, 'hand.json'), 'utf8')).map((h) => [`${h.repo}@${h.root ?? '.'}`, h]))
const selected = only.length > 0 ? apps.filter((a) => only.includes(a.repo)) : apps
if (only.length > 0 && selected.length < only.length) {
  const missing = only.filter((o) => !apps.some((a) => a.repo === o))
  console.error(`corpus: not in apps.json: ${missing.join(', ')}`)
  process.exit(2)
}

buildIfStale()

const started = process.hrtime.bigint()
const results = await runAll(selected)
const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9

for (const r of results) {
  const h = hand.get(`${r.repo}@${r.root}`)
  if (h && r.present) r.hand = {agrees: r.total === h.total, by: h.by, total: h.total}
}

if (only.length > 0) {
  console.log(JSON.stringify(results, null, 2))
} else {
  const summary = summarize(results, wallSeconds)
  writeFileSync(join(here, 'summary.json'), JSON.stringify(summary, null, 2) + '\n')
  writeFileSync(join(here, 'summary.md'), renderMarkdown(summary))
  const t = summary.totals.all
  console.log(
    `corpus: ${t.present}/${t.apps} apps present, ${wallSeconds.toFixed(1)} s with ${jobs} jobs; ` +
      `exit 0/1/2/3: ${t.exit0}/${t.exit1}/${t.exit2}/${t.exit3}, hangs ${t.hangs}, stack traces ${t.stackTraces}, ` +
      `unparsable files ${t.unparsableFiles}, unknown commands ${t.unknownCommands} (+ ${t.unknownNotServers} clocks and helpers), ` +
      `unknown-config-value ${t.unknownConfigValues}, assumed values ${t.assumptions}; ` +
      `counted by hand ${t.hand}: the same total ${t.handAgree}. ` +
      `Wrote test/corpus/summary.md and summary.json`,
  )
}

/** dist/ is what bin/run.js runs: rebuild it when any source is newer. */
function buildIfStale() {
  const dist = join(root, 'dist', 'main.js')
  const built = existsSync(dist) ? statSync(dist).mtimeMs : 0
  const newest = Math.max(newestMtime(join(root, 'src')), statSync(join(root, 'package.json')).mtimeMs)
  if (newest <= built) return
  console.error('corpus: dist/ is older than src/, running npm run build')
  const r = spawnSync('npm', ['run', 'build'], {cwd: root, stdio: 'inherit'})
  if (r.status !== 0) process.exit(r.status ?? 1)
}

function newestMtime(dir) {
  let newest = 0
  for (const e of readdirSync(dir, {withFileTypes: true})) {
    const p = join(dir, e.name)
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs)
  }

  return newest
}

async function runAll(list) {
  const out = new Array(list.length)
  let next = 0
  async function worker() {
    while (next < list.length) {
      const i = next++
      out[i] = await runApp(list[i])
    }
  }

  await Promise.all(Array.from({length: Math.min(jobs, list.length)}, () => worker()))
  return out
}

/** The Procfile's process types, as `heroku ps:scale` names them (release is not scaled). */
function procfileTypes(text) {
  const types = []
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Za-z0-9_-]+):\s*\S/.exec(line)
    if (m && m[1] !== 'release' && !types.includes(m[1])) types.push(m[1])
  }

  return types
}

async function runApp(app) {
  const base = {language: app.language, repo: app.repo, root: app.root}
  const dir = join(corpusDir, app.repo.replace('/', '+'))
  if (!existsSync(dir)) return {...base, present: false}
  const appRoot = join(dir, app.root)
  // `procfile`: a Procfile kept elsewhere in the repository that the deploy copies to the root (passed with --root).
  const procfile = join(appRoot, app.procfile ?? 'Procfile')
  const rootFlag = app.procfile ? ['--root', appRoot] : []
  // Config vars the app's deploy docs set (PROCFILE for the multi-procfile buildpack), passed as --env.
  const env = Object.entries(app.env ?? {}).flatMap(([k, v]) => ['--env', `${k}=${v}`])
  let types = []
  try {
    types = procfileTypes(readFileSync(join(appRoot, app.env?.PROCFILE ?? app.procfile ?? 'Procfile'), 'utf8'))
  } catch {
    // no Procfile (app.json-only apps): conncalc is run anyway and its answer recorded
  }

  const plan = ['plan', '--json', '--plan', 'standard-0', '--procfile', procfile, ...rootFlag, ...env]
  const scale = types.length > 0 ? ['--scale', ...types.map((t) => `${t}=1:standard-1x`)] : []
  let run = await conncalc(appRoot, [...plan, ...scale])
  // conncalc reads another Procfile than the root's (the monorepo buildpack's APP_BASE, PROCFILE_PATH from app.json):
  // run it unscaled, then scale the long-running types it found, as a Procfile's are.
  if (scale.length > 0 && run.json?.error?.message?.startsWith('--scale names')) {
    run = await conncalc(appRoot, plan)
    const read = (run.json?.processTypes ?? []).filter((p) => p.role !== 'release').map((p) => p.name)
    if (read.length > 0) run = await conncalc(appRoot, [...plan, '--scale', ...read.map((t) => `${t}=1:standard-1x`)])
  }
  // No Procfile: heroku.yml, render.yaml, fly.toml or a lone Dockerfile says what runs (conncalc reads them). Its
  // long-running types, as conncalc found them, are scaled like a Procfile's (an image only others run in included).
  const container = types.length === 0 && ['heroku.yml', 'render.yaml', 'fly.toml', 'Dockerfile'].some((f) => existsSync(join(appRoot, f)))
  const found = container ? (run.json?.processTypes ?? []).filter((p) => p.role !== 'release').map((p) => p.name) : []
  // render.yaml's services keep their instance type (plan) and fly.toml's groups their Machine size ([[vm]], else
  // Fly's default shared-cpu-1x): scaled without a dyno size. heroku.yml (read before them) and a Dockerfile run on dynos.
  const manifest = container && !existsSync(join(appRoot, 'heroku.yml')) && ['render.yaml', 'fly.toml'].some((f) => existsSync(join(appRoot, f)))
  if (found.length > 0) run = await conncalc(appRoot, [...plan, '--scale', ...found.map((t) => (manifest ? `${t}=1` : `${t}=1:standard-1x`))])
  return {...base, present: true, ...describe(run, dir)}
}

function conncalc(cwd, argv) {
  return new Promise((done) => {
    const t0 = process.hrtime.bigint()
    // A clean environment: nothing from this machine (DATABASE_URL, WEB_CONCURRENCY...) leaks in.
    const env = {HOME: process.env.HOME, NO_COLOR: '1', PATH: process.env.PATH}
    const child = spawn(process.execPath, [join(root, 'bin', 'run.js'), ...argv], {cwd, env})
    let stdout = ''
    let stderr = ''
    let hung = false
    child.stdout.on('data', (c) => (stdout += c))
    child.stderr.on('data', (c) => (stderr += c))
    const timer = setTimeout(() => {
      hung = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      let json
      try {
        json = JSON.parse(stdout)
      } catch {
        json = undefined
      }

      done({code, hung, json, ms: Number(process.hrtime.bigint() - t0) / 1e6, stderr, stdout})
    })
  })
}

function describe(run, dir) {
  const rel = (s) => (s ?? '').split(dir + sep).join('').split(dir).join('.')
  const r = {
    exit: run.hung ? null : run.code,
    hung: run.hung,
    ms: Math.round(run.ms),
    stackTrace: /^\s+at .+:\d+:\d+\)?$/m.test(run.stderr + run.stdout),
  }
  if (run.json?.error) r.error = rel(run.json.error.message)
  else if (!run.json && !run.hung) r.error = rel((run.stderr || run.stdout).trim().split('\n').slice(0, 3).join(' ')).slice(0, 300)
  const report = run.json && !run.json.error ? run.json : undefined
  if (!report) return r
  const diags = report.diagnostics ?? []
  const byType = new Map((report.processTypes ?? []).map((p) => [p.name, p]))
  r.total = report.total
  r.types = (report.processTypes ?? []).map((p) => `${p.name}:${p.server ?? '?'}`)
  r.diagnostics = countBy(diags.map((d) => d.code))
  r.unparsable = diags
    .filter((d) => d.code === 'unparsable-config')
    .map((d) => ({file: rel(d.file), line: d.line, message: rel(d.message)}))
  r.unknownCommands = diags
    .filter((d) => d.code === 'unknown-command')
    .map((d) => {
      const command = redact(byType.get(d.processType)?.command ?? '')
      const type = d.processType ?? '?'
      const kind = notServer(type, command)
      return kind ? {command, notServer: kind, type} : {command, type}
    })
  r.unknownConfigValues = diags
    .filter((d) => d.code === 'unknown-config-value')
    .map((d) => ({file: rel(d.file), line: d.line, message: rel(d.message)}))
  r.assumptions = assumptionsIn(report).map((a) => ({...a, why: rel(a.why)}))
  return r
}

/**
 * An unknown command that is not a server or a worker: a clock (cron runner, scheduler) or a
 * development helper left in the Procfile (log tail, asset watcher, a Redis server). Listed
 * apart so "unknown commands" counts only real misses.
 */
function notServer(type, command) {
  if (/\b(clockwork|supercronic|crond?|scheduler?|schedule:\w+|start_scheduler|clock(\.sh)?)\b/.test(command) || /^(clock|cron|scheduler?|beat)$/.test(type)) return 'clock'
  if (/(^|\s|\/)(tail\s+-f|redis-server|webpack(-dev-server)?|\S+:watch)(\s|$)|\s--watch\b/.test(command)) return 'dev helper'
  return undefined
}

/** Every sourced value whose source, or something it came via, is an assumption. */
function assumptionsIn(report) {
  const found = []
  const walk = (v, path) => {
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, `${path}[${x && typeof x === 'object' && 'name' in x ? x.name : i}]`))
      return
    }

    if (!v || typeof v !== 'object') return
    const sourced = 'value' in v && v.source && typeof v.source === 'object' && 'kind' in v.source
    if (sourced) {
      const chain = [v.source, ...(v.via ?? [])]
      const a = chain.find((s) => s.kind === 'assumed')
      if (a) found.push({path, value: v.value, why: a.why})
    }

    // A Sourced value's own source and via are read above; anything else's `source` (an extra's sourced count) is walked.
    for (const [k, x] of Object.entries(v)) if (!(sourced && (k === 'source' || k === 'via'))) walk(x, path ? `${path}.${k}` : k)
  }

  walk(report, '')
  return found
}

/** Procfile commands can carry tokens; keep the shape, drop anything secret-looking. */
function redact(command) {
  return command
    .replaceAll(/([a-z][a-z0-9+.-]*:\/\/)[^\s/@]+@/gi, '$1***@')
    .replaceAll(/\b([A-Z0-9_]*(?:SECRET|TOKEN|PASSWORD|PASS|KEY|CREDENTIALS?)[A-Z0-9_]*)=\S+/gi, '$1=***')
    .replaceAll(/\b[A-Za-z0-9_-]{32,}\b/g, '***')
    .slice(0, 160)
}

function countBy(items) {
  const m = {}
  for (const x of items) m[x] = (m[x] ?? 0) + 1
  return m
}

function summarize(results, wall) {
  const group = (rs) => {
    const ran = rs.filter((r) => r.present)
    return {
      apps: rs.length,
      assumptions: sum(ran, (r) => r.assumptions?.length ?? 0),
      exit0: ran.filter((r) => r.exit === 0).length,
      hand: ran.filter((r) => r.hand).length,
      handAgree: ran.filter((r) => r.hand?.agrees).length,
      exit1: ran.filter((r) => r.exit === 1).length,
      exit2: ran.filter((r) => r.exit === 2).length,
      exit3: ran.filter((r) => r.exit === 3).length,
      hangs: ran.filter((r) => r.hung).length,
      present: ran.length,
      seconds: Number((sum(ran, (r) => r.ms) / 1000).toFixed(1)),
      stackTraces: ran.filter((r) => r.stackTrace).length,
      unknownCommands: sum(ran, (r) => (r.unknownCommands ?? []).filter((u) => !u.notServer).length),
      unknownNotServers: sum(ran, (r) => (r.unknownCommands ?? []).filter((u) => u.notServer).length),
      unknownConfigValues: sum(ran, (r) => r.unknownConfigValues?.length ?? 0),
      unparsableFiles: sum(ran, (r) => new Set((r.unparsable ?? []).map((u) => u.file)).size),
    }
  }

  const languages = [...new Set(results.map((r) => r.language))].sort()
  const totals = {all: group(results)}
  for (const l of languages) totals[l] = group(results.filter((r) => r.language === l))
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], {cwd: root, encoding: 'utf8'}).stdout.trim()
  return {
    apps: results,
    conncalc: commit,
    cpus: cpus().length,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    jobs,
    totals,
    wallSeconds: Number(wall.toFixed(1)),
  }
}

function sum(xs, f) {
  return xs.reduce((n, x) => n + f(x), 0)
}

function renderMarkdown(s) {
  const lines = []
  const esc = (t) => String(t ?? '').replaceAll('|', '\\|').replaceAll('\n', ' ')
  lines.push(
    '# conncalc on the corpus',
    '',
    `Generated by \`npm run corpus\` (test/corpus/corpus.js) on ${s.date}, conncalc ${s.conncalc}: ` +
      '`conncalc plan --json --plan standard-0 --scale TYPE=1:standard-1x` for every Procfile type of every app in ' +
      `apps.json present in .corpus/. ${s.totals.all.present} apps in ${s.wallSeconds} s wall time ` +
      `(${s.jobs} jobs on ${s.cpus} CPUs). Numbers and paths relative to each app only.`,
    '',
    '## Totals per language',
    '',
    '| language | apps | present | exit 0 | exit 1 | exit 2 | exit 3 | hangs | stack traces | unparsable files | unknown commands | unknown clocks and helpers | unknown-config-value | assumed values | counted by hand | same total as by hand | seconds (sum) |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
  )
  for (const [l, t] of Object.entries(s.totals)) {
    lines.push(
      `| ${l} | ${t.apps} | ${t.present} | ${t.exit0} | ${t.exit1} | ${t.exit2} | ${t.exit3} | ${t.hangs} | ${t.stackTraces} | ${t.unparsableFiles} | ${t.unknownCommands} | ${t.unknownNotServers} | ${t.unknownConfigValues} | ${t.assumptions} | ${t.hand} | ${t.handAgree} | ${t.seconds} |`,
    )
  }

  lines.push(
    '',
    '## Per app',
    '',
    '| app | language | exit | ms | total | types (server) | unparsable | unknown commands | unknown-config-value | assumed |',
    '|---|---|---|---|---|---|---|---|---|---|',
  )
  for (const r of s.apps) {
    if (!r.present) {
      lines.push(`| ${r.repo} | ${r.language} | not present | | | | | | | |`)
      continue
    }

    const exit = r.hung ? 'hang' : `${r.exit}${r.stackTrace ? ' (stack trace)' : ''}`
    lines.push(
      `| ${r.repo}${r.root === '.' ? '' : ` (${r.root})`} | ${r.language} | ${exit} | ${r.ms} | ${r.total ?? ''} | ${esc((r.types ?? []).join(', '))} | ${r.unparsable?.length ?? ''} | ${r.unknownCommands ? r.unknownCommands.filter((u) => !u.notServer).length : ''} | ${r.unknownConfigValues?.length ?? ''} | ${r.assumptions?.length ?? ''} |`,
    )
  }

  lines.push('', '## Totals that differ from the count by hand (hand.json)', '')
  const differ = s.apps.filter((r) => r.hand && !r.hand.agrees)
  if (differ.length === 0) lines.push('None.')
  for (const r of differ) {
    const starred = r.assumptions?.length > 0 ? ', assumptions in it' : ''
    lines.push(`- ${r.repo}${r.root === '.' ? '' : ` (${r.root})`}: ${r.total ?? `exit ${r.exit}`}${starred}; by hand ${r.hand.total} (${r.hand.by})`)
  }

  const problems = s.apps.filter((r) => r.present && (r.exit !== 0 && r.exit !== 1))
  lines.push('', '## Exits other than 0 and 1', '')
  if (problems.length === 0) lines.push('None.')
  for (const r of problems) lines.push(`- ${r.repo}: ${r.hung ? 'hang (killed)' : `exit ${r.exit}`}${r.error ? ` — ${esc(r.error)}` : ''}`)

  lines.push('', '## Files reported unparsable', '')
  const unparsable = s.apps.flatMap((r) => (r.unparsable ?? []).map((u) => ({...u, repo: r.repo})))
  if (unparsable.length === 0) lines.push('None.')
  for (const u of unparsable) lines.push(`- ${u.repo}: ${u.file ?? '?'}${u.line ? `:${u.line}` : ''} — ${esc(u.message)}`)

  const unknown = s.apps.flatMap((r) => (r.unknownCommands ?? []).map((u) => ({...u, repo: r.repo})))
  lines.push('', '## Unknown commands: servers and workers (redacted, first 160 characters)', '')
  const servers = unknown.filter((u) => !u.notServer)
  if (servers.length === 0) lines.push('None.')
  for (const u of servers) lines.push(`- ${u.repo} \`${u.type}\`: \`${u.command.replaceAll('`', "'")}\``)
  lines.push('', '## Unknown commands that are not servers: clocks and development helpers', '')
  const others = unknown.filter((u) => u.notServer)
  if (others.length === 0) lines.push('None.')
  for (const u of others) lines.push(`- ${u.repo} \`${u.type}\` (${u.notServer}): \`${u.command.replaceAll('`', "'")}\``)

  lines.push('', '## unknown-config-value', '')
  const ucv = s.apps.flatMap((r) => (r.unknownConfigValues ?? []).map((u) => ({...u, repo: r.repo})))
  if (ucv.length === 0) lines.push('None.')
  for (const u of ucv) lines.push(`- ${u.repo}: ${u.file ?? '?'}${u.line ? `:${u.line}` : ''} — ${esc(u.message)}`)

  lines.push('', '## Assumed values, by reason', '')
  const byWhy = new Map()
  for (const r of s.apps) {
    for (const a of r.assumptions ?? []) {
      const e = byWhy.get(a.why) ?? {apps: new Set(), count: 0}
      e.count++
      e.apps.add(r.repo)
      byWhy.set(a.why, e)
    }
  }

  if (byWhy.size === 0) lines.push('None.')
  for (const [why, e] of [...byWhy].sort((a, b) => b[1].count - a[1].count)) {
    const names = [...e.apps]
    lines.push(`- ${e.count}× in ${names.length} apps (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}): ${esc(why)}`)
  }

  return lines.join('\n') + '\n'
}
