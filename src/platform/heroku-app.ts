/**
 * What the Heroku Platform API says about an app, as conncalc's inputs: the
 * formation (dynos, sizes and the commands that run), the config vars as an env
 * layer, preboot, the buildpacks and the Postgres plan behind DATABASE_URL.
 * Pure: io/heroku-api.ts reads, this maps. Every value's source names the app
 * and what was read; config var values are carried, never described.
 */
import type {Diagnostic} from '../model/diagnostic.js'
import type {Formation} from '../model/formation.js'
import type {HerokuAddon, HerokuAppData, HerokuInputs} from '../model/heroku.js'

import {layer} from '../model/env.js'
import {assumed, fromEnv, fromHeroku, type Source, sourced} from '../model/source.js'
import {normalizeDynoSize} from './formation.js'

/** The Heroku Postgres add-on service (https://elements.heroku.com/addons/heroku-postgresql). */
const POSTGRES_SERVICE = 'heroku-postgresql'

export function herokuInputs(data: HerokuAppData): HerokuInputs {
  const {app} = data
  const formation: Formation = new Map()
  const commands = new Map<string, string>()
  for (const f of [...data.formation].sort((a, b) => a.type.localeCompare(b.type))) {
    const size = normalizeDynoSize(f.size) ?? f.size.trim().toLowerCase()
    const source = fromHeroku(app, `formation ${f.type}=${f.quantity}:${f.size}`)
    formation.set(f.type, {quantity: sourced(f.quantity, source), size: sourced(size, source)})
    commands.set(f.type, f.command)
  }

  const from = `heroku config -a ${app}`
  const env = layer(
    from,
    [...data.configVars].map(([name, value]) => ({name, source: fromEnv(name, from), value})),
  )

  const buildpacks = [...data.buildpacks].sort((a, b) => a.ordinal - b.ordinal)
  const databases = postgresDatabases(data)
  return {
    app,
    buildpacks: {
      source: fromHeroku(app, `buildpacks ${buildpacks.map((b) => b.name ?? b.url).join(', ') || '(none)'}`),
      urls: buildpacks.flatMap((b) => [b.url, ...(b.name && b.name !== b.url ? [b.name] : [])]),
    },
    commands,
    diagnostics: databases.diagnostics,
    env,
    formation,
    label: `formation of ${app}`,
    plan: databases.primary ? {name: databases.primary.addon.plan, source: databases.primary.source} : undefined,
    preboot: sourced(data.preboot, fromHeroku(app, `preboot ${data.preboot ? 'enabled' : 'disabled'} (features/preboot)`)),
  }
}

interface Database {
  addon: HerokuAddon
  /** The app's config vars that hold this database's URL. */
  vars: string[]
}

/**
 * Which Postgres add-on DATABASE_URL is, and which config vars every database sets.
 *
 * An add-on the app owns lists the config vars it sets (`config_vars`); the same
 * database attached again under another name (HEROKU_POSTGRESQL_ROSE_URL and
 * DATABASE_URL) holds the same URL, so vars are grouped by value too. An add-on
 * attached from another app lists that app's var names, not ours: it is matched
 * only when it is the one Postgres add-on left, and then as an assumption.
 */
function postgresDatabases(data: HerokuAppData): {diagnostics: Diagnostic[]; primary?: {addon: HerokuAddon; source: Source}} {
  const {app} = data
  const pg = data.addons.filter((a) => a.service === POSTGRES_SERVICE)
  const values = data.configVars
  const sameValue = (name: string): string[] => {
    const v = values.get(name)
    return v === undefined || v === '' ? [] : [...values].filter(([, w]) => w === v).map(([k]) => k)
  }

  const owned = pg.filter((a) => a.app === undefined || a.app === app)
  const databases: Database[] = owned.map((addon) => ({
    addon,
    vars: [...new Set(addon.configVars.filter((v) => values.has(v)).flatMap((v) => [v, ...sameValue(v)]))].sort(),
  }))
  const claimed = new Set(databases.flatMap((d) => d.vars))
  const attached = pg.filter((a) => !owned.includes(a))
  // Postgres URLs no owned add-on claims: attachments from other apps, grouped by URL.
  const loose = new Map<string, string[]>()
  for (const [name, value] of values) {
    if (claimed.has(name) || !/^postgres(ql)?:\/\//i.test(value)) continue
    loose.set(value, [...(loose.get(value) ?? []), name])
  }

  if (attached.length === 1 && loose.size === 1) databases.push({addon: attached[0], vars: [...loose.values()][0].sort()})
  const diagnostics: Diagnostic[] = []
  let primary: undefined | {addon: HerokuAddon; source: Source}
  const main = databases.find((d) => d.vars.includes('DATABASE_URL'))
  if (main) {
    const guessed = !owned.includes(main.addon)
    primary = {
      addon: main.addon,
      source: guessed
        ? assumed(
            `DATABASE_URL of ${app} taken to be ${main.addon.name} (${main.addon.plan}), attached from ${main.addon.app}: the one Postgres add-on whose config vars ${app} does not own`,
          )
        : fromHeroku(app, `add-on ${main.addon.name} (${main.addon.plan}) sets DATABASE_URL`),
    }
  } else if (values.has('DATABASE_URL') || pg.length > 0) {
    diagnostics.push({
      code: 'database-plan-unknown',
      fix: 'pass --plan PLAN or --limit N',
      message:
        pg.length === 0
          ? `${app} has no Heroku Postgres add-on, so its DATABASE_URL is another provider's: conncalc knows no connection limit for it`
          : `conncalc cannot tell which of ${app}'s Postgres add-ons (${pg.map((a) => a.name).join(', ')}) DATABASE_URL is`,
      severity: 'warning',
    })
  }

  if (pg.length > 1) {
    const describe = (d: Database): string => `${d.addon.name} (${d.addon.plan}${owned.includes(d.addon) ? '' : `, attached from ${d.addon.app}`}) sets ${d.vars.join(', ') || 'no config var of this app'}`
    const others = [...databases.filter((d) => d !== main).map((d) => describe(d)), ...attached.filter((a) => !databases.some((d) => d.addon === a)).map((a) => `${a.name} (${a.plan}, attached from ${a.app})`)]
    if (others.length > 0) {
      diagnostics.push({
        code: 'other-databases',
        fix: 'connections to the other databases count against their own plans, not this budget; pass --env DATABASE_URL=… to budget another one',
        message: `${app} has ${pg.length} Postgres databases; this budget is for DATABASE_URL${main ? ` (${describe(main)})` : ''}. Also: ${others.join('; ')}`,
        severity: 'info',
      })
    }
  }

  return {diagnostics, primary}
}
