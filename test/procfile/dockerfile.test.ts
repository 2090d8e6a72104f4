/**
 * The Dockerfile reader: what an image runs and its ENV, as the Dockerfile reference
 * (https://docs.docker.com/reference/dockerfile/) defines them.
 */
import {describe, expect, it} from 'vitest'

import {finalStage, imageCommand, parseDockerfile, repoFolder, withEntrypoint} from '../../src/procfile/dockerfile.js'
import {fromEnv} from '../../src/model/source.js'

const image = (text: string, target?: string, args: Record<string, string> = {}) => {
  const parsed = parseDockerfile(text, 'Dockerfile', new Map(Object.entries(args).map(([name, value]) => [name, {name, source: fromEnv(name, 'heroku.yml:9'), value}])))
  const stage = finalStage(parsed, target)!
  return {command: imageCommand(stage), env: Object.fromEntries(stage.env.map((e) => [e.name, e.value])), folder: repoFolder(stage), parsed, stage}
}

describe('parseDockerfile: ENTRYPOINT and CMD', () => {
  it('exec ENTRYPOINT takes CMD as arguments; exec CMD words are joined into the line Heroku runs through a shell', () => {
    expect(image('FROM x\nENTRYPOINT ["docker-entrypoint.sh"]\nCMD ["./listmonk", "--config", "my config.toml"]\n').command).toEqual({command: "docker-entrypoint.sh ./listmonk --config 'my config.toml'", line: 2})
    expect(image('FROM x\nCMD ["gunicorn", "-b", "0.0.0.0:$PORT", "app:app"]\n').command).toEqual({command: 'gunicorn -b 0.0.0.0:$PORT app:app', line: 2})
  })

  it('a shell-form ENTRYPOINT ignores CMD; an exec ENTRYPOINT with a shell-form CMD runs /bin/sh -c', () => {
    expect(image('FROM x\nENTRYPOINT exec node server.js\nCMD ["ignored"]\n').command).toEqual({command: 'exec node server.js', line: 2})
    expect(image('FROM x\nENTRYPOINT ["tini", "--"]\nCMD node a.js && node b.js\n').command).toEqual({command: "tini -- /bin/sh -c 'node a.js && node b.js'", line: 2})
  })

  it('ENTRYPOINT in a later stage resets the CMD it inherits; a stage with neither has no command (the base image decides)', () => {
    expect(image('FROM x AS base\nCMD ["node", "a.js"]\nFROM base\nENTRYPOINT ["/init.sh"]\n').command).toEqual({command: '/init.sh', line: 4})
    expect(image('FROM x AS base\nCMD ["node", "a.js"]\nFROM base\nENV A=1\n').command).toEqual({command: 'node a.js', line: 2})
    expect(image('FROM node:20\nWORKDIR /app\n').command).toBeUndefined()
    expect(image('FROM baserow/baserow:1.24\nENTRYPOINT []\nCMD []\n').command).toBeUndefined()
  })

  it("continuations, comments inside them, heredocs and HEALTHCHECK's CMD are not read as CMD", () => {
    const text = [
      'FROM x',
      'RUN apt-get update \\',
      '  # a comment inside the continuation',
      '  && apt-get install -y curl',
      'RUN <<EOF',
      'CMD ["from", "the", "heredoc"]',
      'EOF',
      'HEALTHCHECK --interval=30s \\',
      '  CMD curl -f http://localhost/ || exit 1',
      '  CMD ["node", "server.js"]',
    ].join('\n')
    expect(image(text).command).toEqual({command: 'node server.js', line: 10})
  })

  it('the escape directive: a backtick continues lines', () => {
    expect(image('# escape=`\nFROM x\nCMD node `\n  server.js\n').command).toEqual({command: 'node   server.js', line: 3})
  })

  it('target picks a stage by name; without it the last stage', () => {
    const text = 'FROM x AS app\nCMD ["node", "server.js"]\nFROM app AS dev\nCMD ["nodemon", "server.js"]\n'
    expect(image(text, 'app').command?.command).toBe('node server.js')
    expect(image(text).command?.command).toBe('nodemon server.js')
  })
})

describe('parseDockerfile: ENV, ARG and the repository folder', () => {
  it('ENV in both forms, with $X, ${X:-d} and ARG values; build args fill declared ARGs only', () => {
    const r = image('ARG RUBY=3.3\nFROM ruby:$RUBY\nARG RAILS_ENV=development\nARG UNDECLARED_USED\nENV RAILS_ENV=${RAILS_ENV} POOL="${DB_POOL:-5}"\nENV LEGACY value with spaces\n', undefined, {RAILS_ENV: 'production', SECRET: 'x'})
    expect(r.env).toEqual({LEGACY: 'value with spaces', POOL: '5', RAILS_ENV: 'production'})
    expect(r.stage.base).toBe('ruby:3.3')
    expect(r.stage.env.find((e) => e.name === 'RAILS_ENV')?.via).toEqual([fromEnv('RAILS_ENV', 'heroku.yml:9')])
  })

  it('only ENV reaches the running process: an ARG is the build\'s, and `RUN export` ends with its RUN', () => {
    const r = image('FROM python:3.12\nARG WEB_CONCURRENCY=6\nRUN export WEB_CONCURRENCY=9 && pip install -r requirements.txt\nRUN export DB_POOL=12\nENV DB_POOL=3\nCMD gunicorn app:app\n')
    expect(r.env).toEqual({DB_POOL: '3'})
    expect(r.stage.env.find((e) => e.name === 'DB_POOL')?.source).toEqual(fromEnv('DB_POOL', 'Dockerfile:5'))
  })

  it('a global ARG is seen in a stage only once redeclared', () => {
    expect(image('ARG POOL=7\nFROM x\nENV A=$POOL\n').env).toEqual({A: ''})
    expect(image('ARG POOL=7\nFROM x\nARG POOL\nENV A=$POOL\n').env).toEqual({A: '7'})
  })

  it('WORKDIR mapped through COPY . DEST (also copied on from an earlier stage)', () => {
    expect(image('FROM x\nWORKDIR /app\nCOPY . .\nWORKDIR /app/backend\n').folder).toBe('backend')
    expect(image('FROM x AS build\nWORKDIR /rails\nCOPY . .\nFROM x\nCOPY --from=build /rails /srv\nWORKDIR /srv\n').folder).toBe('')
    expect(image('FROM x\nWORKDIR /app\nCOPY package.json .\n').folder).toBeUndefined()
  })

  it('a COPY source written absolute is a path in the build context (`COPY /deploy /app` copies deploy/); `COPY / /srv` the whole repository', () => {
    const r = image('FROM x\nCOPY /deploy /app\nWORKDIR /app\nCOPY /backend/ /app\nCOPY ./requirements.txt /app/requirements.txt\n')
    expect(r.stage.copies).toEqual([
      {from: 'deploy', into: false, line: 2, to: '/app'},
      // `/backend/` is written as a folder: its contents land in /app, not /app/backend.
      {from: 'backend', into: false, line: 4, to: '/app'},
      {from: 'requirements.txt', into: false, line: 5, to: '/app/requirements.txt'},
    ])
    expect(r.folder).toBeUndefined()
    expect(image('FROM x\nCOPY / /srv\nWORKDIR /srv/api\n').folder).toBe('api')
    // Into the WORKDIR (which exists): `COPY app.js .` puts app.js inside it; `.` says nothing of whether the source is a
    // folder. A DEST written out as the WORKDIR's path (`COPY run /app`) is read as the folder filling it (toWorkdir).
    expect(image('FROM x\nWORKDIR /app\nCOPY run/app.js .\nCOPY run/lib ./lib\nCOPY run /app\n').stage.copies).toEqual([
      {from: 'run/app.js', into: true, line: 3, to: '/app'},
      {from: 'run/lib', into: false, line: 4, to: '/app/lib'},
      {from: 'run', into: true, line: 5, to: '/app', toWorkdir: true},
    ])
  })

  it('COPY --from of what the earlier stage copied piece by piece (no `COPY . .`): each path maps back to its repository path', () => {
    const r = image(
      [
        'FROM node:20 AS builder',
        'WORKDIR /app',
        'COPY package.json pnpm-lock.yaml ./',
        'COPY services/api/package.json ./services/api/',
        'RUN pnpm install',
        'COPY services/api/src ./services/api/src',
        'RUN pnpm --filter api build',
        'FROM node:20-slim',
        'WORKDIR /app',
        'COPY --from=builder /app/node_modules ./node_modules',
        'COPY --from=builder /app/services/api/src ./services/api/src',
        'COPY --from=builder /app/services/api/package.json ./services/api/',
        'COPY --from=builder --chown=node:node /app/services/api/src/jobs/run.js /usr/local/bin/run-jobs',
        'WORKDIR /app/services/api',
      ].join('\n'),
    )
    // node_modules was made by the builder (pnpm install), not copied from the repository: nothing to map.
    // Each is marked as coming from another stage (a build output may be among them: procfile/container.ts).
    expect(r.stage.copies).toEqual([
      {from: 'services/api/src', fromStage: true, into: false, line: 11, to: '/app/services/api/src'},
      {from: 'services/api/package.json', fromStage: true, into: true, line: 12, to: '/app/services/api'},
      {from: 'services/api/src/jobs/run.js', fromStage: true, into: false, line: 13, to: '/usr/local/bin/run-jobs'},
    ])
  })

  it('COPY --from of a folder the earlier stage filled piece by piece (`COPY --from=build /app /app`): each piece lands below DEST', () => {
    // bluesky-social/atproto services/*/Dockerfile: the build stage copies the workspace root's files and each package by
    // its own path into /app, and the final stage copies /app whole (Docker copies a folder's contents).
    const r = image(
      [
        'FROM node:24-alpine AS build',
        'WORKDIR /app',
        'COPY ./package.json ./',
        'COPY ./pnpm-workspace.yaml ./',
        'COPY ./packages/api ./packages/api',
        'COPY ./services/api ./services/api',
        'RUN pnpm install && pnpm build',
        'FROM node:24-alpine',
        'COPY --from=build /app /srv',
        'COPY --from=build /app/packages /opt/pkgs',
        'WORKDIR /srv/services/api',
        'CMD ["node", "api.js"]',
      ].join('\n'),
    )
    expect(r.stage.copies).toEqual([
      // Copied into /app (`COPY ./package.json ./`): into /srv, as a file or a folder the repository says which.
      {from: 'package.json', fromStage: true, into: true, line: 9, to: '/srv'},
      {from: 'pnpm-workspace.yaml', fromStage: true, into: true, line: 9, to: '/srv'},
      {from: 'packages/api', fromStage: true, into: false, line: 9, to: '/srv/packages/api'},
      {from: 'services/api', fromStage: true, into: false, line: 9, to: '/srv/services/api'},
      {from: 'packages/api', fromStage: true, into: false, line: 10, to: '/opt/pkgs/api'},
    ])
    // A folder the earlier stage made itself (a build's output, node_modules) holds none of the repository's pieces.
    expect(image('FROM node AS b\nWORKDIR /app\nCOPY ./src ./src\nRUN npm run build\nFROM node\nCOPY --from=b /app/dist /srv\n').stage.copies).toEqual([])
  })

  it('COPY --from of a folder an earlier stage filled with `COPY ./frontend .` (a folder into its WORKDIR): its contents are DEST, not DEST/frontend', () => {
    // HiEventsDev/Hi.Events Dockerfile.all-in-one: the node stage copies ./frontend into WORKDIR /app/frontend, the final
    // stage copies /app/frontend on, and supervisord runs `yarn start` with directory=/app/frontend. Docker copies a
    // folder's contents (never the folder itself) whatever DEST is; before, the carried copy said /app/frontend/frontend.
    const r = image(['FROM node:22-alpine AS web', 'WORKDIR /app/frontend', 'COPY ./frontend/package.json ./', 'COPY ./frontend .', 'RUN yarn build', 'FROM php:8.3-fpm', 'COPY --from=web /app/frontend /app/frontend', 'COPY ./backend /app/backend'].join('\n'))
    expect(r.stage.copies).toEqual([
      {from: 'frontend/package.json', fromStage: true, into: true, line: 7, to: '/app/frontend'},
      {from: 'frontend', fromStage: true, into: true, line: 7, to: '/app/frontend'},
      {from: 'backend', into: false, line: 8, to: '/app/backend'},
    ])
  })

  it('a source written as a folder (`COPY server/ .`) copies its contents to DEST: a later stage\'s paths under DEST are that folder\'s', () => {
    // rybbit-io/rybbit server/Dockerfile: the entrypoint script is copied on from the builder's /app/server.
    const r = image(
      [
        'FROM node:20-alpine AS builder',
        'WORKDIR /app/server',
        'COPY server/package*.json ./',
        'COPY server/ .',
        'COPY docs/ ./docs/',
        'RUN npm run build',
        'FROM node:20-alpine',
        'WORKDIR /app',
        'COPY --from=builder /app/server/dist ./dist',
        'COPY --from=builder /app/server/docker-entrypoint.sh /docker-entrypoint.sh',
        'COPY --from=builder /app/server/docs/index.md ./index.md',
      ].join('\n'),
    )
    expect(r.stage.copies).toEqual([
      {from: 'server/dist', fromStage: true, into: false, line: 9, to: '/app/dist'},
      {from: 'server/docker-entrypoint.sh', fromStage: true, into: false, line: 10, to: '/docker-entrypoint.sh'},
      {from: 'docs/index.md', fromStage: true, into: false, line: 11, to: '/app/index.md'},
    ])
  })

  it('COPY --parents keeps each source\'s path below DEST (from a `/./` in it, else all of it); copied on with --from, a path below the earlier WORKDIR stays that repository path', () => {
    // Dockerfile 1.7 (https://docs.docker.com/reference/dockerfile/#copy---parents): `COPY --parents lib/ tools/run.sh .` in
    // /srv/web puts lib's files at /srv/web/lib and run.sh at /srv/web/tools/run.sh, not at /srv/web itself.
    const r = image(
      [
        'FROM node:22 AS deps',
        'WORKDIR /srv/web',
        'COPY --parents lib/ tools/run.sh package.json .',
        'RUN npm ci',
        'FROM python:3.12',
        'WORKDIR /srv/web',
        'COPY . /srv/web',
        'COPY --from=deps --parents /srv/web/./node_modules/ .',
      ].join('\n'),
    )
    expect(r.parsed.stages[0].copies).toEqual([
      {from: 'lib', into: false, line: 3, to: '/srv/web/lib'},
      {from: 'tools/run.sh', into: false, line: 3, to: '/srv/web/tools/run.sh'},
      {from: 'package.json', into: false, line: 3, to: '/srv/web/package.json'},
    ])
    // node_modules was built by a RUN, not copied from the repository: nothing of it maps back, and the WORKDIR is still the
    // repository's root (read as lib/node_modules before, when --parents was taken for a plain copy of lib's contents to /srv/web).
    expect(r.stage.copies).toEqual([])
    expect(r.folder).toBe('')
    // A wildcard keeps its folders too; one in a folder name is not followed.
    expect(image('FROM x\nWORKDIR /app\nCOPY --parents conf/*.ini ./\n').stage.copies).toEqual([{from: 'conf/*.ini', glob: true, into: true, line: 3, to: '/app/conf'}])
    expect(image('FROM x\nWORKDIR /app\nCOPY --parents */conf.ini ./\n').stage.copies).toEqual([])
  })

  it('`RUN turbo prune PKG --docker` writes out/json and out/full in the repository\'s layout: copied on, they are the repository', () => {
    const text = (prune: string) =>
      [
        'FROM oven/bun:1 AS builder',
        'WORKDIR /app',
        'COPY . .',
        `RUN ${prune}`,
        'FROM oven/bun:1 AS installer',
        'WORKDIR /app',
        'COPY --from=builder /app/out/json/ .',
        'RUN bun install',
        'COPY --from=builder /app/out/full/ .',
        'FROM installer AS runner',
        'WORKDIR /app/apps/api',
        'CMD ["bun", "run", "src/index.ts"]',
      ].join('\n')
    expect(image(text('bunx turbo prune @acme/api --docker')).folder).toBe('apps/api')
    expect(image(text('npx turbo@2 prune @acme/api --docker --out-dir=pruned')).folder).toBeUndefined()
    expect(image(text('npx turbo@2 prune @acme/api --docker --out-dir=pruned').replaceAll('/app/out/', '/app/pruned/')).folder).toBe('apps/api')
    // Without --docker the pruned tree is out/ itself.
    expect(image(text('turbo prune @acme/api').replace('/app/out/full/', '/app/out/')).folder).toBe('apps/api')
    // No prune: out/full is not the repository.
    expect(image(text('echo nothing')).folder).toBeUndefined()
    // The workspace root's package.json and turbo.json copied piece by piece, not `COPY . .` (usesend/useSend): turbo
    // runs at the root all the same, and what it writes keeps the repository's paths.
    const pieces = text('pnpm turbo prune @acme/api --docker').replace('COPY . .', 'COPY package.json pnpm-lock.yaml turbo.json ./\nCOPY ./apps/api ./apps/api')
    expect(image(pieces).folder).toBe('apps/api')
    // Only the app's own folder copied: turbo finds no workspace root there, and nothing is taken for the repository.
    expect(image(text('pnpm turbo prune @acme/api --docker').replace('COPY . .', 'COPY ./apps/api ./apps/api')).folder).toBeUndefined()
  })

  it('a dotfile source keeps its dot (`COPY .gitignore .gitignore`, `COPY .npmrc ./`)', () => {
    expect(image('FROM x\nWORKDIR /app\nCOPY .gitignore .gitignore\nCOPY .npmrc ./\nCOPY ./.env.production .env\n').stage.copies).toEqual([
      {from: '.gitignore', into: false, line: 3, to: '/app/.gitignore'},
      {from: '.npmrc', into: true, line: 4, to: '/app'},
      {from: '.env.production', into: false, line: 5, to: '/app/.env'},
    ])
  })

  it('a command given in place of CMD (a Dokku Procfile line): the exec ENTRYPOINT\'s arguments; a shell-form ENTRYPOINT runs alone', () => {
    expect(withEntrypoint(image('FROM x\nENTRYPOINT ["/app/entry.sh", "--wait"]\nCMD ["ignored"]\n').stage, 'celery -A proj worker')).toEqual({command: '/app/entry.sh --wait celery -A proj worker', line: 2})
    expect(withEntrypoint(image('FROM x\nENTRYPOINT exec node server.js\n').stage, 'celery -A proj worker')).toEqual({command: 'exec node server.js', ignored: true, line: 2})
    expect(withEntrypoint(image('FROM x\nENTRYPOINT []\nCMD ["node"]\n').stage, 'node worker.js')).toEqual({command: 'node worker.js'})
    expect(withEntrypoint(image('FROM x\nCMD ["node", "server.js"]\n').stage, 'node worker.js')).toEqual({command: 'node worker.js'})
  })

  it('no FROM: a warning, no stage', () => {
    const r = parseDockerfile('CMD ["node"]\n', 'Dockerfile')
    expect(r.stages).toEqual([])
    expect(r.diagnostics).toEqual([expect.objectContaining({code: 'unparsable-config', file: 'Dockerfile', line: 1})])
  })
})

/**
 * A Mix release copied from its builder stage (`mix phx.gen.release --docker`): `mix release` writes
 * _build/ENV/rel/NAME, and copies the project's rel/overlays into the release's root
 * (elixir v1.17.3 lib/mix/lib/mix/tasks/release.ex, ":overlays"). The builder copied rel/ from the
 * repository, so /app/bin/server in the final image is the repository's rel/overlays/bin/server.
 */
describe('parseDockerfile: a Mix release copied from the builder stage', () => {
  const text = [
    'FROM hexpm/elixir:1.17.3-erlang-27.1.2-debian-bookworm-20241111-slim AS builder',
    'WORKDIR /app',
    'ENV MIX_ENV="prod"',
    'COPY mix.exs mix.lock ./',
    'COPY lib lib',
    'COPY rel rel',
    'RUN mix release',
    'FROM debian:bookworm-20241111-slim',
    'WORKDIR "/app"',
    'ENV MIX_ENV="prod"',
    'COPY --from=builder --chown=nobody:root /app/_build/${MIX_ENV}/rel/hello ./',
    'CMD ["/app/bin/server"]',
    '',
  ].join('\n')

  it("the release's root is its overlays folder, for the files that are there (whenPresent)", () => {
    // `COPY rel rel` puts rel/ at /app/rel; `COPY mix.exs mix.lock ./` may have been folders' contents too, so it is a
    // candidate the image reader drops when mix.exs/rel/overlays/… is not in the repository.
    expect(image(text).stage.copies).toEqual([
      {from: 'rel/overlays', into: false, to: '/app', whenPresent: true},
      {from: 'mix.lock/rel/overlays', into: false, to: '/app', whenPresent: true},
      {from: 'mix.exs/rel/overlays', into: false, to: '/app', whenPresent: true},
    ])
  })

  it('without rel/ copied from the repository, or a path that is not a release: nothing is mapped', () => {
    expect(image(text.replace('COPY rel rel\n', '').replace('COPY mix.exs mix.lock ./\n', '')).stage.copies).toEqual([])
    expect(image(text.replace('/_build/${MIX_ENV}/rel/hello', '/_build/${MIX_ENV}/lib')).stage.copies).toEqual([])
  })
})
