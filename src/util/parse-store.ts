/**
 * Parses kept between runs (io/parse-cache.ts): bytes stored under a key that is the exact text
 * parsed (and what it was parsed with). `get` answers only for a key byte for byte the same as the
 * one `set` stored, so a changed file is a new parse, never an old answer. Used for Prism's
 * serialized parses (languages/ruby/prism.ts) and YAML's values and key lines (util/yaml.ts).
 */
export interface ParseStore {
  get(key: Uint8Array): Uint8Array | undefined
  set(key: Uint8Array, value: Uint8Array): void
}
