import {describe, expect, it} from 'vitest'

import {migrationTool} from '../../src/procfile/release.js'

// The migration tools' names are read with string tests rather than a regular
// expression (V8 compiles each expression a run executes, twice once it runs again: ~0.15 M instructions of a
// start-up each). These check them against the expressions they replaced, on words built from their parts.
const words = (parts: readonly string[], length: number): string[] => {
  let out = ['']
  for (let i = 0; i < length; i++) out = [...out, ...out.flatMap((w) => parts.map((p) => w + p))]
  return [...new Set(out)]
}

describe('migrationTool: a package runner names the tool as a package, with or without a version', () => {
  // Each tool's old expression, a word it names, and the arguments that make the command a migration.
  const tools: [RegExp, string, string[]][] = [
    [/^prisma(@[\w.^~-]+)?$/, 'prisma', ['migrate']],
    [/^drizzle-kit(@[\w.^~-]+)?$/, 'drizzle-kit', ['migrate']],
    [/^sequelize(-cli)?(@[\w.^~-]+)?$/, 'sequelize', ['db:migrate']],
    [/^node-pg-migrate(@[\w.^~-]+)?$/, 'node-pg-migrate', ['up']],
    [/^db-migrate(@[\w.^~-]+)?$/, 'db-migrate', ['up']],
    [/^typeorm(-ts-node-(commonjs|esm))?(@[\w.^~-]+)?$/, 'typeorm', ['migration:run']],
    [/^graphile-migrate(@[\w.^~-]+)?$/, 'graphile-migrate', ['migrate']],
    [/^mikro-orm(-esm)?(@[\w.^~-]+)?$/, 'mikro-orm', ['migration:up']],
    [/(^|\/)diesel$/, 'diesel', ['migration', 'run']],
    [/(^|\/)(cargo-)?sqlx$/, 'sqlx', ['migrate', 'run']],
  ]
  const names = ['prisma', 'drizzle-kit', 'sequelize', 'node-pg-migrate', 'db-migrate', 'typeorm', 'graphile-migrate', 'mikro-orm', 'diesel', 'sqlx']
  const parts = [...names, '-cli', '-ts-node-commonjs', '-ts-node-esm', '-esm', 'cargo-', '@', '1.2', '^', '~', '_', 'x', '/', 'bin/', '-', ' ']

  it.each(tools)('%s', (pattern, name, args) => {
    const ref = migrationTool([name, ...args])?.ref
    expect(ref).toBeDefined()
    for (const word of words(parts, 3)) expect([word, migrationTool([word, ...args])?.ref === ref]).toEqual([word, pattern.test(word)])
  })

  it('npx prisma@5.1 migrate deploy and target/release/diesel migration run are migration tools; prisma@ and xdiesel are not', () => {
    expect(migrationTool(['npx', 'prisma@5.1', 'migrate', 'deploy'])?.why).toMatch(/^prisma migrate/)
    expect(migrationTool(['target/release/diesel', 'migration', 'run'])?.why).toMatch(/^diesel migration run/)
    expect(migrationTool(['npx', 'prisma@', 'migrate', 'deploy'])).toBeUndefined()
    expect(migrationTool(['xdiesel', 'migration', 'run'])).toBeUndefined()
  })
})
