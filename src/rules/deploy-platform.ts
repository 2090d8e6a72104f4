import type {Rule} from './types.js'

export const rule: Rule = {
  code: 'deploy-platform',
  emittedBy: 'conncalc plan, when the app has files of both Dokku and Heroku and neither --platform nor the config file says which deploys it (platform/deploy-platform.ts)',
  severity: 'info',
  summary:
    "The app carries Dokku's files (an app.json key only Dokku reads, CHECKS, DOKKU_SCALE) and Heroku's (heroku.yml, app.json `addons`, `stack` or `environments`): the deploy peak is counted as Dokku deploys it (old and new containers of every type, its app.json tasks), starred; --platform heroku counts Heroku's deploy instead.",
}
