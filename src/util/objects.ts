/** A plain object read from JSON, YAML or TOML (not null, not an array): its keys can be looked at. */
export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
