/**
 * OpenFGA (`openfga run`), an authorization server in Go, as apps run it beside their own:
 * its datastore is a pgx pool of `datastore.maxOpenConns` connections when the engine is
 * postgres. Flags win over OPENFGA_* env vars, which win over config.yaml (OpenFGA docs,
 * "Configuration Options"); a config.yaml in the app is said, not read.
 * Defaults (internal/server/config/config.go at v1.5.0, pkg/server/config/config.go now):
 * engine "memory" (no database), MaxOpenConns 30; pkg/storage/postgres sets the pool's
 * MaxConns to it.
 */
import type {AnalyzerContext, ServerAnalysis, ServerAnalyzer} from '../common/types.js'
import type {Diagnostic} from '../../model/diagnostic.js'

import {assumed, derivedFrom, fromDefault, fromFlag, sourced} from '../../model/source.js'
import {envCandidate, firstOf, flagCandidate, numericFlag} from '../common/setting.js'
import {isOpenFga} from '../common/matchers.js'
import {readFlag} from '../common/argv.js'

const CONFIG = 'https://github.com/openfga/openfga/blob/v1.5.0/internal/server/config/config.go'
const DOCS = 'https://openfga.dev/docs/getting-started/setup-openfga/configuration'

export const openFga: ServerAnalyzer = {
  analyze(ctx: AnalyzerContext): ServerAnalysis {
    const argv = ctx.command.argv
    const diagnostics: Diagnostic[] = []
    const engineFlag = readFlag(argv, ['--datastore-engine'])
    const engineEnv = ctx.env.get('OPENFGA_DATASTORE_ENGINE')
    const engine = engineFlag
      ? sourced(engineFlag.value, fromFlag(`--datastore-engine ${engineFlag.value}`))
      : engineEnv
        ? sourced(engineEnv.value, engineEnv.source, engineEnv.via)
        : undefined
    const configFile = ['config.yaml', '.openfga/config.yaml'].find((f) => ctx.files.exists(f))
    if (configFile && !engineFlag) {
      diagnostics.push({code: 'unknown-config-value', file: configFile, fix: `pass the datastore settings as flags or OPENFGA_* env vars (--env), or --assume ${ctx.processType}=1:CONNECTIONS`, message: `${ctx.processType}: OpenFGA reads ${configFile} below its flags and OPENFGA_* env vars; conncalc does not read it, so a datastore engine or max-open-conns set only there is not seen`, processType: ctx.processType, severity: 'warning'})
    }

    const base = {language: 'go', processesPerDyno: sourced(1, fromDefault('openfga run is one Go process', DOCS)), server: 'openfga'}
    if (engine && engine.value !== 'postgres') {
      const what = engine.value === 'memory' ? 'the memory engine keeps its data in the process' : `the ${engine.value} engine is not PostgreSQL`
      // language 'none': it holds no PostgreSQL connection by this finding (app/analyze-app.ts keeps its 0).
      return {...base, diagnostics, language: 'none', pools: [], threadsPerProcess: sourced(0, fromDefault(`OpenFGA datastore engine ${engine.value}: ${what}`, DOCS), [engine.source])}
    }

    const max = firstOf(
      [flagCandidate(numericFlag(argv, ['--datastore-max-open-conns'], ctx.command), 'OpenFGA --datastore-max-open-conns'), envCandidate(ctx.env, ['OPENFGA_DATASTORE_MAX_OPEN_CONNS'], 'OpenFGA datastore max open conns')],
      sourced(30, fromDefault('OpenFGA default datastore.maxOpenConns (the pgx pool\'s MaxConns)', CONFIG)),
    )
    const pool = engine
      ? max.value
      : // No engine anywhere here: OpenFGA's default is memory, but a deployed one with a migrate step runs on PostgreSQL.
        sourced(max.value.value, assumed('OPENFGA_DATASTORE_ENGINE is not set here (its default is memory, no database); PostgreSQL assumed, as a deployed OpenFGA is run (say --env OPENFGA_DATASTORE_ENGINE=memory if not)'), [max.value.source])
    return {
      ...base,
      diagnostics: [...diagnostics, ...max.diagnostics],
      pools: [{database: 'openfga', pool, server: ctx.env.get('OPENFGA_DATASTORE_URI') ? 'OPENFGA_DATASTORE_URI' : 'DATABASE_URL'}],
      threadsPerProcess: sourced(pool.value, fromDefault('OpenFGA serves requests on goroutines that can use every pooled connection at once', DOCS), derivedFrom([pool])),
    }
  },
  id: 'openfga',
  matches: isOpenFga,
}
