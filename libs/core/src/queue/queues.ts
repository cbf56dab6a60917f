import type { JobsOptions, WorkerOptions } from 'bullmq';

/** Every queue the system uses. Payload types live beside their processors. */
export const QUEUES = {
  /** Audit-chain sealing and checkpoints. */
  AUDIT: 'audit',
  /** Domain events from the outbox, fanned out to every handler. */
  EVENTS: 'events',
  /** Referral deadlines, reminders and no-show checks; delayed jobs that re-check state when they run. */
  TIMERS: 'timers',
  /** Consultation reminders, no-shows and report deadlines, likewise. */
  CONSULTATION_TIMERS: 'consultation-timers',
  /** Outside channels (SMS, webhook) with their own retry budget. */
  DELIVERIES: 'deliveries',
  /** Drug-list file imports (the national dictionary, institution catalogues): long, one at a time. */
  DRUG_IMPORTS: 'drug-imports',
  /** Supply-request deadlines and reminders (delayed jobs that re-check state), continuity re-checks. */
  DRUG_TASKS: 'drug-tasks',
  /** Visit-data file imports (encounters, out-of-county settlements): long COPY and merge, one at a time. */
  INTAKE_IMPORTS: 'intake-imports',
  /** Key-matter reminders and overdue notices of the task ledger (delayed jobs that re-check state). */
  ASSESSMENT_TASKS: 'assessment-tasks',
  /** Clinical documents: clearing uploads never attached. */
  DOCUMENTS: 'documents',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** Job names, by queue. */
export const JOBS = {
  AUDIT_SEAL_TENANT: 'audit.seal-tenant',
  AUDIT_SEAL_ALL: 'audit.seal-all',
  AUDIT_CHECKPOINT: 'audit.checkpoint',
  NOTIFICATION_DELIVER: 'notification.deliver',
  REFERRAL_RESPONSE_DUE: 'referral.response-due',
  REFERRAL_APPOINTMENT_REMINDER: 'referral.appointment-reminder',
  REFERRAL_NO_SHOW_CHECK: 'referral.no-show-check',
  REFERRAL_SWEEP: 'referral.sweep',
  REFERRAL_FACT_FOLD: 'referral.fact-fold',
  CONSULTATION_REMINDER: 'consultation.reminder',
  CONSULTATION_NO_SHOW_CHECK: 'consultation.no-show-check',
  CONSULTATION_REPORT_DUE: 'consultation.report-due',
  CONSULTATION_SWEEP: 'consultation.sweep',
  DRUG_DICTIONARY_IMPORT: 'drug.dictionary-import',
  CONTINUITY_RECHECK: 'drug.continuity-recheck',
  SUPPLY_REMINDER: 'supply.reminder',
  SUPPLY_DECISION_DUE: 'supply.decision-due',
  SUPPLY_DELIVERY_DUE: 'supply.delivery-due',
  SUPPLY_SWEEP: 'supply.sweep',
  DRUG_CATALOGUE_IMPORT: 'drug.catalogue-import',
  DRUG_CATALOGUE_REMATCH: 'drug.catalogue-rematch',
  INTAKE_FILE_IMPORT: 'intake.file-import',
  KEY_MATTER_REMINDER: 'key-matter.reminder',
  KEY_MATTER_OVERDUE: 'key-matter.overdue',
  KEY_MATTER_SWEEP: 'key-matter.sweep',
  DOCUMENT_SWEEP: 'document.sweep',
} as const;

/** Defaults for every job: retried with backoff, completed ones trimmed, failures kept. */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * How soon the work of a worker that died (SIGKILL, OOM, a lost host) is done again: every
 * processor spreads this into its `@Processor` options (checked at start-up).
 *
 * A live worker renews its jobs' locks every lockDuration / 2, so a job may run far longer than
 * the lock (a webhook waits up to 10 s); only a dead worker, or an event loop blocked for more
 * than ~4 s, lets a lock lapse. The stalled check then moves the job back to waiting at its next
 * run: a killed worker's jobs are redone within lockDuration + stalledInterval (10 s) instead of
 * BullMQ's default ~60 s. A lapse while the worker lives (Redis stalled for seconds) means the
 * job runs twice, which idempotent processors absorb; maxStalledCount 2 lets it lapse twice
 * before the job is failed, so one hiccup fails nothing while a job that kills every worker it
 * lands on still stops.
 */
export const WORKER_TIMING = {
  lockDuration: 8_000,
  stalledInterval: 2_000,
  maxStalledCount: 2,
} as const satisfies Partial<WorkerOptions>;
