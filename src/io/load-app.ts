import {dirname, relative, resolve} from 'node:path'

import type {AnalyzeInput} from '../analyzers/app.js'
import type {Diagnostic} from '../model/diagnostic.js'
import type {EnvLayer} from '../model/env.js'
import type {Formation} from '../model/formation.js'

import {UsageError} from '../errors.js'
import {layer} from '../model/env.js'
import {fromEnv} from '../model/source.js'
import {loadDynoSizes} from './dyno-sizes.js'
import {readEnvFile} from './read-env-file.js'
import {createFileReader, readProcfile} from './files.js'
import {parseAppJsonFormation, parseScale} from './scale.js'

export interface LoadOptions {
  appEnv?: string
  env: string[]
  envFiles: string[]
  procfile: string
  scale: string[]
}

/** Everything analyzeApp needs, read from disk; the only place `plan` touches files. */
export function loadAppInput(
  options: LoadOptions,
): AnalyzeInput & {problems: () => Diagnostic[]; root: string; scaledTypes: string[]} {
  const procfilePath = resolve(options.procfile)
  const root = dirname(procfilePath)
  const procfile = readProcfile(procfilePath)
  const files = createFileReader(root)
  const extra: Diagnostic[] = []

  const envLayers: EnvLayer[] = []
  if (options.env.length > 0) envLayers.push(parseEnvFlags(options.env))
  // Later --env-file flags win over earlier ones, as with docker --env-file.
  for (const path of [...options.envFiles].reverse()) {
    const {diagnostics, entries} = readEnvFile(path)
    extra.push(...diagnostics)
    envLayers.push(layer(path, entries))
  }

  // --scale wins over app.json formation, type by type.
  const formation: Formation = new Map()
  const appJson = files.read('app.json')
  if (appJson) {
    const parsed = parseAppJsonFormation(appJson.text, 'app.json')
    extra.push(...parsed.diagnostics)
    for (const [k, v] of parsed.formation) formation.set(k, v)
  }

  const scaled = parseScale(options.scale)
  for (const [k, v] of scaled) formation.set(k, {...v, size: v.size ?? formation.get(k)?.size})

  return {
    appEnv: options.appEnv,
    dynoSizes: loadDynoSizes(),
    envLayers,
    files,
    formation,
    problems: () => [...extra, ...files.problems],
    procfile: {path: relative(root, procfilePath) || 'Procfile', text: procfile.text},
    root,
    scaledTypes: [...scaled.keys()],
  }
}

/** `--env KEY=VALUE` (repeatable): the layer just under the Procfile line. */
export function parseEnvFlags(pairs: string[]): EnvLayer {
  return layer(
    '--env',
    pairs.map((pair) => {
      const eq = pair.indexOf('=')
      const name = eq === -1 ? pair : pair.slice(0, eq)
      if (eq === -1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
        throw new UsageError(`--env expects KEY=VALUE, got "${name.length > 40 ? name.slice(0, 40) + '…' : name}"`, 'e.g. --env RAILS_MAX_THREADS=10 (repeat the flag for more)')
      }

      return {name, source: fromEnv(name, '--env'), value: pair.slice(eq + 1)}
    }),
  )
}
