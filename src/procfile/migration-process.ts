/**
 * A migration tool (release.ts MIGRATION_TOOLS: `flask db upgrade`, `alembic upgrade head`, `knex migrate:latest`, …)
 * run as a process type of its own rather than in the release phase: it holds the one connection the tool opens while
 * it migrates, then exits, and Heroku restarts a process that exits ("a dyno crash … includes the process exiting with
 * an exit code of 0", the dyno crash restart policy), so it migrates again and again. Counted as that one connection
 * (its peak), and said: such a command belongs in `release:`. The tool connects with its language's driver: none on the
 * plan when that language's dependency files show the app's database is another one (Alembic beside cymysql, no psycopg).
 */
import type {ServerAnalyzer} from '../languages/common/types.js'

import {fromDefault, sourced} from '../model/source.js'
import {deployHookOf, migrationTool} from './release.js'

const CRASH_RESTART_REF = 'https://devcenter.heroku.com/articles/dynos#dyno-crash-restart-policy'

export const migrationProcess: ServerAnalyzer = {
  analyze(ctx) {
    const tool = migrationTool(ctx.command.argv)!
    const shown = ctx.command.argv.join(' ')
    return {
      diagnostics: [
        {
          code: 'missing-config',
          file: ctx.origin?.file,
          fix: `run it once per deploy in the release phase (\`release: ${shown}\`) and remove the ${ctx.processType} type`,
          line: ctx.origin?.line,
          message: `${ctx.processType}: \`${shown}\` applies the migrations and exits; as a process type the platform restarts it each time it exits (${CRASH_RESTART_REF}), so it migrates again and again, holding its one connection while it runs`,
          processType: ctx.processType,
          severity: 'warning',
        },
      ],
      // The tool's language: analyze-app's another-database and no-driver checks read that language's dependency files.
      language: tool.language,
      processesPerDyno: sourced(1, fromDefault(`\`${shown}\` runs in one process`, tool.ref)),
      server: 'migration',
      threadsPerProcess: sourced(1, fromDefault(tool.why, tool.ref)),
    }
  },
  id: 'migration-process',
  matches: (cmd, ctx) => deployHookOf(ctx.processType) === undefined && migrationTool(cmd.argv) !== undefined,
}
