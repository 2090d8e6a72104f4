/**
 * The direction of flow in DESIGN.md ("One direction of flow"), checked on every `npm run lint`.
 * dependency-cruiser (not eslint-plugin-import-x/no-cycle or eslint-plugin-boundaries) because it
 * sees type-only imports, reports a whole cycle path in one line, and states folder rules as data;
 * v17 is the last line that runs on Node 20.
 */
const layer = (name) => `^src/${name}/`
const forbid = (name, from, to, comment) => ({name, severity: 'error', comment, from: {path: from}, to: {path: to}})
const upper = ['commands', 'app']
module.exports = {
  forbidden: [
    {name: 'no-circular', severity: 'error', comment: 'No import circle, type-only imports included.', from: {}, to: {circular: true}},
    forbid('model-is-a-leaf', layer('model'), '^src/(?!model/|util/)', 'model/ holds the shared types: it imports only model/ and util/.'),
    forbid('util-is-a-leaf', layer('util'), '^src/(?!util/|model/)', 'util/ imports only util/ and model/ types.'),
    forbid('commands-only-from-main', '^src/(?!main\\.ts|commands/)', layer('commands'), 'Only main.ts loads the commands.'),
    forbid('app-is-a-use-case', '^src/(?!main\\.ts|commands/|app/)', layer('app'), 'Use cases are called by commands only.'),
    forbid('languages-are-pure', layer('languages'), `^src/(${[...upper, 'io', 'live', 'procfile', 'budget', 'rules', 'suggest', 'render'].join('|')})/`, 'languages/ read no files and know nothing of the budget, rules or views.'),
    forbid('procfile-is-pure', layer('procfile'), `^src/(${[...upper, 'io', 'live', 'budget', 'rules', 'suggest', 'render'].join('|')})/`, 'procfile/ turns commands into process models; it reads no files.'),
    forbid('platform-is-pure', layer('platform'), `^src/(${[...upper, 'io', 'live', 'procfile', 'languages', 'budget', 'rules', 'suggest', 'render'].join('|')})/`, 'platform/ is facts about dynos, buildpacks and poolers.'),
    forbid('budget-is-arithmetic', layer('budget'), `^src/(${[...upper, 'io', 'live', 'procfile', 'languages', 'rules', 'suggest', 'render'].join('|')})/`, 'budget/ is pure arithmetic over the model.'),
    forbid('rules-judge-the-model', layer('rules'), `^src/(${[...upper, 'io', 'procfile', 'languages', 'suggest', 'render'].join('|')})/`, 'rules/ look at the budget and the model.'),
    forbid('suggest-rebudgets', layer('suggest'), `^src/(${[...upper, 'io', 'live', 'procfile', 'languages', 'render'].join('|')})/`, 'suggest/ works on the budget, not on files.'),
    forbid('render-does-not-decide', layer('render'), `^src/(${[...upper, 'io', 'procfile', 'languages', 'rules', 'suggest'].join('|')})/`, 'render/ turns a report into strings (it may use budget/ helpers to label what counts).'),
    forbid('io-reads', layer('io'), `^src/(${[...upper, 'live', 'budget', 'rules', 'suggest', 'render'].join('|')})/`, 'io/ reads and hands sources on.'),
    forbid('only-io-and-live-touch-the-outside', '^src/(?!io/|live/|commands/|main\\.ts)', '^(node:)?(fs|net|tls|child_process|http|https)$', 'Only io/ and live/ touch files and the network.'),
  ],
  options: {
    doNotFollow: {path: 'node_modules'},
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    tsConfig: {fileName: 'tsconfig.json'},
    enhancedResolveOptions: {extensions: ['.ts', '.js']},
  },
}
