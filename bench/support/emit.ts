import os from "node:os";

/** One benchmark figure, printed as one JSON line on stdout (bench/README.md). */
export interface Figure {
  metric: string;
  value: number;
  unit: string;
  /** "sqlite", "postgres", or null when the figure does not depend on the database. */
  database: string | null;
  /** Anything that qualifies the value: runs, connections, seconds measured, min and max. */
  [detail: string]: unknown;
}

/**
 * Prints the figure with the host's 1-minute load average and CPU count: a figure taken on a
 * busy machine says so.
 */
export function emit(figure: Figure): void {
  const host = { load_1m: round(os.loadavg()[0] ?? 0, 2), cpus: os.availableParallelism() };
  process.stdout.write(`${JSON.stringify({ ...figure, ...host })}\n`);
}

/** Progress for the person running the bench; stderr keeps stdout pure JSON lines. */
export function note(message: string): void {
  process.stderr.write(`# ${message}\n`);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** A positive integer from the environment (bench knobs), else the default. */
export function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new Error(`${name} must be a positive integer (got "${raw}")`);
  }
  return value;
}
