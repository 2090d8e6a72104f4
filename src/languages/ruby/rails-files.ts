import type {FileReader} from '../../model/files.js'

/** The app's config/initializers/*.rb, as paths, in the order Rails runs them (FileReader.list's order). */
export const initializerFiles = (files: FileReader): string[] =>
  files
    .list('config/initializers')
    .filter((n) => n.endsWith('.rb'))
    .map((n) => `config/initializers/${n}`)
