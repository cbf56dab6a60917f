import { NestFactory } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig, createRootLogger, PinoNestLogger } from '@yg/core';
import { ReferralFactFolder } from '@yg/referrals/referral-fact-folder.service';
import { DemoActivityModule, StoryClock } from './activity.module';
import { StoryWorld } from './story-world';
import { StoryWorker } from './story-worker';
import { StoryPlayer } from './story-player';

export interface ActivitySummary {
  patients: number;
  referrals: number;
  consultations: number;
  /** Story referrals and consultations found from an earlier run and left alone. */
  existing: number;
}

/**
 * Puts the demo consortium's recent weeks in motion (activity.story.ts): patients registered,
 * referrals in every state, expert schedules, consultations booked, held and reported, and the
 * demo users' inboxes. Needs the base seed (seedQianjiang) first.
 *
 * Every step is the service call a GraphQL mutation makes, as the demo user who would make it,
 * with inputs checked by the api's validation pipe and the clock set to the step's moment:
 * rules, numbers, timelines, audit events and outbox rows are the real ones, dated in the past.
 * Deadlines, reminders and no-shows that fell due between steps run through the worker's own
 * checks at their moment, and the events through its notification fan-out (no demo user has an
 * outside channel: nothing goes to an SMS gateway or webhook).
 *
 * Idempotent: a referral is known by its idempotency key, a consultation by its requesting
 * institution and purpose, a patient by the ID number, a schedule by existing at all; what
 * exists is left as it is (a run stopped half-way leaves the stories it started as they are).
 */
export async function seedActivity(config: AppConfig, opts: { now?: Date } = {}): Promise<ActivitySummary> {
  const clock = new StoryClock();
  const quiet = { ...config, logLevel: config.logLevel === 'silent' ? 'silent' : 'warn' } as AppConfig;
  const app = await NestFactory.createApplicationContext(DemoActivityModule.forRoot(quiet, clock), {
    logger: new PinoNestLogger(createRootLogger(quiet.logLevel, 'seed')),
  });
  try {
    await app.init();
    const ds = app.get<DataSource>(getDataSourceToken());
    const world = await new StoryWorld(ds).load();
    const worker = new StoryWorker(app, ds, clock, world);
    const existing = await new StoryPlayer(app, ds, clock, world, worker).play(opts.now ?? new Date());
    // As the worker does every few seconds: the demo starts with its referral facts folded.
    await new ReferralFactFolder(ds).fold();
    return {
      patients: world.created.patients.size,
      referrals: world.created.referrals.size,
      consultations: world.created.consultations.size,
      existing,
    };
  } finally {
    await app.close();
  }
}
