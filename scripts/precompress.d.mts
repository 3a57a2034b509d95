export const COMPRESSIBLE: RegExp;
export const MIN_BYTES: number;
/** Writes `file.br` and `file.gz` beside every compressible file of `dir` but its index.html; returns how many. */
export function precompressDirectory(dir: string): number;
