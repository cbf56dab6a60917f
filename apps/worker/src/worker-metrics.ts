import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import type { Job, Worker } from 'bullmq';
import { Counter, Histogram } from 'prom-client';
import { JOBS, METRICS_REGISTRY, MetricsRegistry } from '@yg/core';

const JOB_NAMES = new Set<string>(Object.values(JOBS));
/** Event jobs carry the domain event's name (referral.submitted, …): bounded by the code, but not listed. */
const EVENT_NAME = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){1,3}$/;
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function nameOf(job: Job): string {
  return JOB_NAMES.has(job.name) || EVENT_NAME.test(job.name) ? job.name.slice(0, 64) : 'other';
}

/**
 * The worker's instruments, attached to every processor's BullMQ worker once they exist:
 * processing time by queue, job name and outcome, and failures (each failed attempt, and
 * whether it was the last).
 */
@Injectable()
export class WorkerMetrics implements OnApplicationBootstrap {
  private readonly duration: Histogram<'queue' | 'name' | 'outcome'>;
  private readonly failures: Counter<'queue' | 'name' | 'final'>;

  constructor(
    @Inject(METRICS_REGISTRY) registry: MetricsRegistry,
    private readonly discovery: DiscoveryService,
  ) {
    this.duration = new Histogram({
      name: 'yg_job_duration_seconds',
      help: 'Time a worker spent on a job attempt, by queue, job name and outcome',
      labelNames: ['queue', 'name', 'outcome'],
      buckets: DURATION_BUCKETS,
      registers: [registry],
    });
    this.failures = new Counter({
      name: 'yg_job_failures_total',
      help: 'Failed job attempts by queue and job name; final="true" when no retry is left',
      labelNames: ['queue', 'name', 'final'],
      registers: [registry],
    });
  }

  onApplicationBootstrap() {
    for (const wrapper of this.discovery.getProviders()) {
      const host = wrapper.instance as unknown;
      if (!(host instanceof WorkerHost)) continue;
      const worker: Worker = host.worker;
      const queue = worker.name;
      const observe = (job: Job, outcome: 'completed' | 'failed') => {
        if (!job.processedOn) return;
        const ms = (job.finishedOn ?? Date.now()) - job.processedOn;
        this.duration.observe({ queue, name: nameOf(job), outcome }, Math.max(0, ms) / 1000);
      };
      worker.on('completed', (job) => observe(job, 'completed'));
      worker.on('failed', (job) => {
        if (!job) return;
        observe(job, 'failed');
        // BullMQ stamps finishedOn only when the job leaves for good (last attempt, or unrecoverable).
        this.failures.inc({ queue, name: nameOf(job), final: String(!!job.finishedOn) });
      });
    }
  }
}
