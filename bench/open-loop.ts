/**
 * An open-loop load at a fixed rate: request i is due at start + i / rate, is sent then whatever
 * the earlier ones are doing, and its latency counts from when it was due, not from when it went
 * out. That is what "p99 at 200 req/s offered" means.
 *
 * autocannon's `overallRate` measures something else: every connection sends its whole share of
 * a second back to back when the second starts (a burst of `rate` requests each second, then
 * silence), and its coordinated-omission correction assumes one request per millisecond, adding
 * a synthetic sample for every millisecond of a slow answer. Both inflate the tail.
 */
import { Agent, request } from 'node:http';
import { latencies } from './common';

export interface OpenLoopResult {
  /** Answers per second over the run. */
  rps: number;
  sent: number;
  ok: number;
  non2xx: number;
  errors: number;
  /** From the request's due time to its last byte, ms. */
  p50: number;
  p99: number;
  max: number;
  /** How late the generator itself sent requests (p99, ms): if high, the load was not offered as stated. */
  sendLagP99: number;
}

export async function openLoop(opts: {
  port: number;
  body: string;
  headers?: Record<string, string>;
  rate: number;
  durationS: number;
  path?: string;
}): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
  const total = Math.round(opts.rate * opts.durationS);
  const interval = 1000 / opts.rate;
  const body = Buffer.from(opts.body);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(body.length),
    ...opts.headers,
  };
  const lat: number[] = [];
  const lag: number[] = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let done = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((r) => (allDone = r));
  const settle = () => {
    if (++done === total) allDone();
  };

  const send = (due: number) => {
    lag.push(performance.now() - due);
    const req = request(
      { host: '127.0.0.1', port: opts.port, path: opts.path ?? '/graphql', method: 'POST', agent, headers },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => {
          lat.push(performance.now() - due);
          if (res.statusCode && res.statusCode >= 200 && res.statusCode < 300) ok++;
          else non2xx++;
          settle();
        });
      },
    );
    req.on('error', () => {
      errors++;
      settle();
    });
    req.end(body);
  };

  const start = performance.now();
  let next = 0;
  // Sends everything that is due, then sleeps until the next one is: timers fire late by up to
  // a millisecond or so, which `sendLagP99` reports.
  while (next < total) {
    const now = performance.now();
    while (next < total && start + next * interval <= now) send(start + next++ * interval);
    if (next < total) await new Promise((r) => setTimeout(r, Math.max(0, start + next * interval - now)));
  }
  await finished;
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  const { p50, p99, max } = latencies(lat, [50, 99] as const);
  return {
    rps: (ok + non2xx) / elapsed,
    sent: total,
    ok,
    non2xx,
    errors,
    p50: Math.round(p50 * 10) / 10,
    p99: Math.round(p99 * 10) / 10,
    max: Math.round(max * 10) / 10,
    sendLagP99: Math.round(latencies(lag, [99] as const).p99 * 10) / 10,
  };
}
