/** `--name N` from a benchmark's command line as a positive number (an integer when asked), else the fallback. */
export function positiveArg(argv: readonly string[], name: string, fallback: number, { integer = false } = {}): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const n = Number(argv[i + 1]);
  if (!(integer ? Number.isInteger(n) : Number.isFinite(n)) || n <= 0) {
    throw new Error(`--${name} needs a positive ${integer ? 'integer' : 'number'}`);
  }
  return n;
}
