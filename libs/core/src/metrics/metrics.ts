import { Inject } from '@nestjs/common';
import { Registry } from 'prom-client';

/** The process's own metric registry (one per application, so tests can run several). */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const InjectMetrics = () => Inject(METRICS_REGISTRY);
export type MetricsRegistry = Registry;

/** A label value: names of the form of an identifier pass, anything else is "other". */
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/**
 * Label values taken from what clients send (GraphQL operation names), kept to a bounded set:
 * unnamed → "anonymous", not identifier-like → "other", and once `max` distinct names have been
 * seen, every new one → "other". A client can never grow the series without bound.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  of(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!LABEL_NAME.test(name)) return 'other';
    if (this.seen.has(name)) return name;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(name);
    return name;
  }
}

/** Resolves with `p`, or with `fallback` once `ms` have passed (the scrape must not hang on it). */
export function within<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.catch(() => fallback),
    new Promise<T>((resolve) => {
      timer = setTimeout(() => resolve(fallback), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
