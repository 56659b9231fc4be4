/** A small closed-loop load generator for benchmarks on 127.0.0.1: bounded in time and in requests. */
import http from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function load(url: string, options: { connections: number; seconds: number; headers?: Record<string, string>; status?: number }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + options.seconds * 1000;
  const maxRequests = 200_000;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = process.hrtime.bigint();
      const req = http.get(url, { agent, headers: options.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === (options.status ?? 200)) latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
          else errors += 1;
          resolve();
        });
      });
      req.on('error', () => {
        errors += 1;
        resolve();
      });
    });
  const began = Date.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (Date.now() < deadline && latencies.length + errors < maxRequests) await one();
    }),
  );
  const elapsed = (Date.now() - began) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, rps: latencies.length / elapsed, p50: percentile(latencies, 50), p95: percentile(latencies, 95) };
}

export function row(name: string, r: LoadResult, ratio?: number): string {
  const f = (n: number, d = 1) => n.toFixed(d).padStart(8);
  return `${name.padEnd(28)} ${f(r.rps, 0)} req/s  p50 ${f(r.p50)} ms  p95 ${f(r.p95)} ms  errors ${r.errors}${ratio === undefined ? '' : `  ratio ${ratio.toFixed(2)}`}`;
}
