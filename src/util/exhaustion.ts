/**
 * A file nested deeper than a parser or evaluator can follow (thousands of
 * brackets) exhausts the JS stack or Prism's WebAssembly memory. That is a
 * property of the input, not a bug: callers turn it into an `unparsable-config`
 * diagnostic and use the defaults.
 */
export function isExhaustion(error: unknown): boolean {
  // WebAssembly is a Node global; the ES lib types used here do not describe it.
  const wasmTrap = (globalThis as {WebAssembly?: {RuntimeError: new () => Error}}).WebAssembly?.RuntimeError
  return error instanceof RangeError || (wasmTrap !== undefined && error instanceof wasmTrap)
}

export const TOO_DEEP = 'nested too deeply for conncalc to read'
