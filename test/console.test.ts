import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { seedActivity, seedQianjiang } from '@yg/seed';
import { DEMO_PASSWORD } from '@yg/seed/demo-users';
import { createApiApp } from '../apps/api/src/bootstrap';
import { createTestDb, TestDb } from './utils/test-db';
import { eventually, startWorker } from './utils/worker';
import { upReferralInput } from './utils/referrals';

/**
 * The console in a real browser (Debian's Chromium driven by playwright-core) against one api and
 * one worker on the demo data that `db:seed` writes. Every figure on screen is compared with the
 * GraphQL answer for the same user; any request to another host fails the suite.
 */

const ROOT = resolve(__dirname, '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const WAIT_MS = 30_000;

/** The menu each demo user must see (the spec of the role rules, not the data). */
const MENUS: Record<string, string[]> = {
  admin: ['network', 'referrals', 'consultations', 'drugs', 'audit'],
  auditor: ['network', 'audit'],
  coordinator: ['network', 'referrals'],
  doctor: ['network', 'referrals', 'consultations'],
  villagedoc: ['network', 'referrals', 'consultations'],
  towndoc: ['network', 'referrals', 'consultations'],
  instadmin: ['network', 'consultations', 'drugs'],
  pharmacist: ['network', 'drugs'],
  expert: ['network', 'consultations'],
};

let db: TestDb;
let worker: INestApplicationContext;
let app: INestApplication;
let base: string;
let browser: Browser;
let consoleBuild: string;
const offsite: string[] = [];
const tokens = new Map<string, string>();

async function gql<T = any>(username: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  if (!tokens.has(username)) {
    const { login } = await gqlWith<{ login: { token: string } }>(
      undefined,
      `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
      { u: username, p: DEMO_PASSWORD },
    );
    tokens.set(username, login.token);
  }
  return gqlWith<T>(tokens.get(username), query, variables);
}

async function gqlWith<T>(token: string | undefined, query: string, variables: Record<string, unknown>): Promise<T> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost';
}

/** A browser context whose every request to another host is refused and recorded. */
async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (isLocal(url)) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  context.on('page', watchSockets);
  return context;
}

const pageErrors: string[] = [];

function watchSockets(page: Page): void {
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('websocket', (ws) => {
    if (!isLocal(ws.url().replace(/^ws/, 'http'))) offsite.push(ws.url());
  });
}

async function signIn(context: BrowserContext, username: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${base}/console/`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录' }).click();
  const outcome = await Promise.race([
    page.getByTestId('menu').waitFor().then(() => null),
    page.getByRole('alert').waitFor().then(() => page.getByRole('alert').innerText()),
  ]);
  if (outcome !== null) throw new Error(`${username} could not sign in: ${outcome}; page errors: ${pageErrors.join('; ')}`);
  return page;
}

async function openView(page: Page, view: string): Promise<void> {
  await page.locator(`[data-view="${view}"]`).click();
  await page.getByTestId(`view-${view}`).waitFor();
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

async function texts(page: Page, selector: string): Promise<string[]> {
  return page.locator(selector).allInnerTexts();
}

/**
 * Clicks a review decision until its row leaves the queue: the worker may still be re-checking
 * mappings after the seed or the previous decision, and a user told of a conflict tries again.
 */
async function decide(row: Locator, action: 'confirm' | 'reject'): Promise<void> {
  await eventually(async () => {
    if (!(await row.count())) return true;
    await row.locator(`[data-action=${action}]`).click();
    await row.waitFor({ state: 'detached', timeout: 3_000 });
    return true;
  }, WAIT_MS);
}

beforeAll(async () => {
  if (!CHROMIUM) throw new Error('Chromium is missing: apt-get install -y chromium (.ci/run does it)');
  mkdirSync(ARTIFACTS, { recursive: true });
  // The console as its sources are now, built where only this suite reads it.
  consoleBuild = mkdtempSync(join(tmpdir(), 'yg-console-'));
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules/vite/bin/vite.js'), 'build', '--config', 'apps/console/vite.config.mts', '--outDir', consoleBuild, '--emptyOutDir', '--logLevel', 'error'],
    { cwd: ROOT, stdio: 'pipe' },
  );
  db = await createTestDb({ CONSOLE_DIR: consoleBuild });
  await seedQianjiang(db.ds, db.config);
  await seedActivity(db.config);
  worker = await startWorker(db.config);
  app = await createApiApp(db.config);
  await app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await worker?.close();
  await db?.drop();
  if (consoleBuild) rmSync(consoleBuild, { recursive: true, force: true });
});

describe('the console', () => {
  it('shows each demo role its own menu', async () => {
    const context = await newContext();
    try {
      for (const [username, menu] of Object.entries(MENUS)) {
        const page = await signIn(context, username);
        const views = await page.locator('[data-view]').evaluateAll((els) => els.map((e) => e.getAttribute('data-view')));
        expect({ username, views }).toEqual({ username, views: menu });
        // The first entry opens: a role never lands on a view it may not use.
        await page.getByTestId(`view-${menu[0]}`).waitFor();
        await page.evaluate(() => (globalThis as any).sessionStorage.clear());
        await page.close();
      }
    } finally {
      await context.close();
    }
  });

  it('is used from the keyboard alone, in Chinese with English on request', async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${base}/console/`);
      // Sign in without the mouse: the name field has focus, Tab to the password, Enter submits.
      await page.waitForFunction(() => (globalThis as any).document.activeElement?.getAttribute('name') === 'username');
      await page.keyboard.type('admin');
      await page.keyboard.press('Tab');
      await page.keyboard.type(DEMO_PASSWORD);
      await page.keyboard.press('Enter');
      await page.getByTestId('menu').waitFor();
      // The first Tab reaches the skip link, which moves focus to the content.
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (globalThis as any).document.activeElement?.className)).toBe('skip');
      // Menu entries are links: focus one and press Enter.
      await page.locator('[data-view="audit"]').focus();
      await page.keyboard.press('Enter');
      await page.getByTestId('view-audit').waitFor();
      expect(await page.locator('[data-view="network"]').getAttribute('title')).toBeNull();
      expect(await page.locator('[data-view="network"] span[title]').first().getAttribute('title')).toBe('Network');
      await page.getByRole('button', { name: 'English' }).press('Enter');
      expect(await page.locator('[data-view="network"]').innerText()).toContain('Network');
    } finally {
      await context.close();
    }
  });

  it('is served from /console with every asset from the api, and GraphiQL too', async () => {
    const index = await fetch(`${base}/console/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const a of assets) expect(a.startsWith('/console/assets/')).toBe(true);
    // A deep link answers the app too; a missing asset is a 404, not the page.
    expect((await fetch(`${base}/console/referrals`)).status).toBe(200);
    expect((await fetch(`${base}/console/assets/nope.js`)).status).toBe(404);

    const context = await newContext();
    try {
      const page = await context.newPage();
      const loaded: string[] = [];
      page.on('requestfinished', (r) => loaded.push(r.url()));
      await page.goto(`${base}/graphql`);
      await page.locator('.graphiql-container').waitFor({ timeout: WAIT_MS });
      await screenshot(page, 'graphiql');
      expect(loaded.some((u) => u.endsWith('/graphiql-assets/graphiql.js'))).toBe(true);
    } finally {
      await context.close();
    }
  });

  it('network: the framework check, the institutions with kind, tier and staff counts', async () => {
    const { consortium, institutions } = await gql(
      'admin',
      `{ consortium { structure { holds counts { kind actual } } }
         institutions(first: 100) { nodes { id name } } }`,
    );
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      await openView(page, 'network');
      await page.getByTestId('institutions').locator('tbody tr').first().waitFor();
      await screenshot(page, 'network');
      expect(await page.getByTestId('institution-count').innerText()).toBe(String(institutions.nodes.length));
      expect(await page.getByTestId('framework-holds').innerText()).toContain(consortium.structure.holds ? '符合' : '不符合');
      for (const k of consortium.structure.counts) {
        const shown = await page.locator(`[data-testid=kind-counts] tr[data-kind="${k.kind}"] [data-testid=actual]`).innerText();
        expect({ kind: k.kind, shown }).toEqual({ kind: k.kind, shown: String(k.actual) });
      }
      // Staff per institution, against every practitioner the api lists.
      const all: { institutionId: string }[] = [];
      for (let after: string | null = null, more = true; more; ) {
        const page2: any = await gql('admin', `query($a: String) { practitioners(first: 100, after: $a) { nodes { institutionId } pageInfo { endCursor hasNextPage } } }`, { a: after });
        all.push(...page2.practitioners.nodes);
        more = page2.practitioners.pageInfo.hasNextPage;
        after = page2.practitioners.pageInfo.endCursor;
      }
      const staff = new Map<string, number>();
      for (const p of all) staff.set(p.institutionId, (staff.get(p.institutionId) ?? 0) + 1);
      for (const inst of institutions.nodes.slice(0, 12)) {
        const shown = await page.locator(`[data-testid=institutions] tr[data-id="${inst.id}"] [data-testid=staff]`).innerText();
        expect({ name: inst.name, shown }).toEqual({ name: inst.name, shown: String(staff.get(inst.id) ?? 0) });
      }
    } finally {
      await context.close();
    }
  });

  it("referrals: the coordinator's boxes and open worklist match the api, and a new referral arrives live", async () => {
    const OPEN = ['SUBMITTED', 'ACCEPTED', 'ARRIVED'];
    const { referralCounts, referrals } = await gql(
      'coordinator',
      `query($s: [ReferralState!]) { referralCounts(box: INCOMING) { total overdue escalated byState { state count } }
         referrals(box: INCOMING, states: $s, first: 50) { nodes { number escalationLevel } } }`,
      { s: OPEN },
    );
    expect(referralCounts.overdue).toBeGreaterThan(0);
    const context = await newContext();
    const other = await newContext();
    try {
      const page = await signIn(context, 'coordinator');
      await openView(page, 'referrals');
      const counts = page.getByTestId('referral-counts');
      await counts.waitFor();
      await page.getByTestId('worklist').locator('tbody tr').first().waitFor();
      await screenshot(page, 'referrals');
      const card = (key: string) => counts.locator(`[data-count="${key}"] .n`).innerText();
      expect(await card('total')).toBe(String(referralCounts.total));
      expect(await card('overdue')).toBe(String(referralCounts.overdue));
      expect(await card('escalated')).toBe(String(referralCounts.escalated));
      for (const s of referralCounts.byState) expect({ s: s.state, n: await card(s.state) }).toEqual({ s: s.state, n: String(s.count) });
      const shown = await page.getByTestId('worklist').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
      expect(shown).toEqual(referrals.nodes.map((n: { number: string }) => n.number));
      // Escalated rows are marked as such.
      const escalated = referrals.nodes.filter((n: { escalationLevel: number }) => n.escalationLevel > 0).length;
      expect(await page.locator('[data-testid=worklist] tr.escalated').count()).toBe(escalated);

      // A referral the village doctor submits in another browser arrives without a reload.
      await page.evaluate(() => ((globalThis as any).marker = 42));
      const village = await signIn(other, 'villagedoc');
      const { patients } = await gql('villagedoc', `{ patients(first: 1) { nodes { id } } }`);
      const { institutions } = await gql('villagedoc', `{ institutions(search: "黔江中心医院", first: 1) { nodes { id } } }`);
      const created = await village.evaluate(
        async ({ input }) => {
          const res = await fetch('/graphql', {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${(globalThis as any).sessionStorage.getItem('yg.console.token')}` },
            body: JSON.stringify({ query: 'mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state } }', variables: { i: input } }),
          });
          return (await res.json()) as { data?: { createReferral: { id: string; number: string; state: string } }; errors?: unknown };
        },
        { input: upReferralInput(patients.nodes[0].id, institutions.nodes[0].id, { idempotencyKey: `console-${Date.now()}` }) },
      );
      expect(created.errors).toBeUndefined();
      const number = created.data!.createReferral.number;
      await page.locator(`[data-testid=worklist] tr[data-number="${number}"]`).waitFor({ timeout: WAIT_MS });
      expect(await card('SUBMITTED')).toBe(String(referralCounts.byState.find((s: { state: string }) => s.state === 'SUBMITTED').count + 1));
      expect(await page.evaluate(() => (globalThis as any).marker)).toBe(42);

      // The coordinator accepts it from its form; the database has it accepted.
      await page.locator(`[data-testid=worklist] tr[data-number="${number}"] button`).click();
      const detail = page.getByTestId('referral-detail');
      await detail.getByTestId('timeline').waitFor();
      await screenshot(page, 'referral-detail');
      await detail.locator('input[type=datetime-local]').fill('2026-12-30T09:30');
      await detail.getByLabel('就诊地点 Place').fill('门诊楼 3 楼心内科');
      await detail.getByRole('button', { name: '接收' }).click();
      expect(await detail.locator('input[type=datetime-local]').inputValue()).toBe('2026-12-30T09:30');
      await eventually(async () => {
        if (await detail.getByRole('alert').count()) throw new Error(await detail.getByRole('alert').innerText());
        const [row] = await db.ds.query(`SELECT state FROM referral WHERE id = $1`, [created.data!.createReferral.id]);
        return row.state === 'ACCEPTED';
      }, WAIT_MS);
      // Then arrival and completion, each from its button.
      const stateIs = (state: string) =>
        eventually(async () => {
          if (await detail.getByRole('alert').count()) throw new Error(await detail.getByRole('alert').innerText());
          const [row] = await db.ds.query(`SELECT state FROM referral WHERE id = $1`, [created.data!.createReferral.id]);
          return row.state === state;
        }, WAIT_MS);
      await detail.getByRole('button', { name: '登记到诊' }).click();
      await stateIs('ARRIVED');
      await detail.getByRole('button', { name: '结案' }).click();
      await stateIs('COMPLETED');
      await detail.locator('.badge', { hasText: '已结案' }).waitFor();
    } finally {
      await other.close();
      await context.close();
    }
  });

  it("consultations: the expert's bookings and states match the api", async () => {
    const { consultations } = await gql('expert', `{ consultations(first: 100) { nodes { number state scheduledStart } } }`);
    const context = await newContext();
    try {
      const page = await signIn(context, 'expert');
      await openView(page, 'consultations');
      await page.getByTestId('consultations').locator('tbody tr').first().waitFor();
      await screenshot(page, 'consultations');
      const shown = await page.getByTestId('consultations').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
      expect(shown).toEqual(consultations.nodes.map((c: { number: string }) => c.number));
      const byState = new Map<string, number>();
      for (const c of consultations.nodes) byState.set(c.state, (byState.get(c.state) ?? 0) + 1);
      for (const [state, n] of byState) {
        expect({ state, n: await page.locator(`[data-testid=consultation-counts] [data-count="${state}"] .n`).innerText() }).toEqual({ state, n: String(n) });
      }
      // Every booking of this week is on the calendar.
      const days = await page.locator('[data-testid=calendar] [data-day]').evaluateAll((els) => els.map((e) => e.getAttribute('data-day')!));
      const dayOf = (iso: string) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
      const thisWeek = consultations.nodes.filter((c: { scheduledStart: string | null }) => c.scheduledStart && days.includes(dayOf(c.scheduledStart)));
      const booked = await texts(page, '[data-testid=calendar] [data-booking]');
      expect(booked.length).toBe(thisWeek.length);
    } finally {
      await context.close();
    }
  });

  it("drug alignment: coverage and the review queue match the api; a mapping confirmed in the console is confirmed in the database", async () => {
    const { catalogueCoverage, catalogueMappings } = await gql(
      'pharmacist',
      `{ catalogueCoverage { institutions { institutionId mapped pending } }
         catalogueMappings(first: 100) { nodes { id version formularyItemId proposals { formularyItemId } } } }`,
    );
    expect(catalogueMappings.nodes.length).toBeGreaterThan(0);
    const context = await newContext();
    try {
      const page = await signIn(context, 'pharmacist');
      await openView(page, 'drugs');
      await page.getByTestId('review-queue').locator('tbody tr').first().waitFor();
      await screenshot(page, 'drugs');
      for (const r of catalogueCoverage.institutions) {
        const row = page.locator(`[data-testid=coverage] tr[data-institution="${r.institutionId}"]`);
        expect({ mapped: await row.getByTestId('mapped').innerText(), pending: await row.getByTestId('pending').innerText() }).toEqual({
          mapped: String(r.mapped),
          pending: String(r.pending),
        });
      }
      expect(await page.getByTestId('queue-count').innerText()).toBe(String(catalogueMappings.nodes.length));
      // The match reason is on screen for each proposal.
      expect((await page.locator('[data-testid=review-queue] [data-testid=reasons]').first().innerText()).length).toBeGreaterThan(0);

      type M = { id: string; formularyItemId: string | null; proposals: { formularyItemId: string }[] };
      const nodes: M[] = catalogueMappings.nodes;
      // One to remap (two candidates at least), one to confirm as proposed, one to reject.
      const remap = nodes.find((m) => m.proposals.length > 1)!;
      expect(remap).toBeDefined();
      const target = nodes.find((m) => m.id !== remap.id && m.formularyItemId) ?? nodes.find((m) => m.id !== remap.id)!;
      await decide(page.locator(`[data-mapping="${target.id}"]`), 'confirm');
      const [row] = await db.ds.query(`SELECT status, decided_by FROM drug_mapping WHERE catalogue_item_id = $1`, [target.id]);
      expect(row.status).toBe('CONFIRMED');
      expect(row.decided_by).not.toBeNull();
      expect(await page.getByTestId('queue-count').innerText()).toBe(String(catalogueMappings.nodes.length - 1));

      // A rejection needs its reason, and is the database's too.
      const other = nodes.find((m) => m.id !== target.id && m.id !== remap.id)!;
      const row2 = page.locator(`[data-mapping="${other.id}"]`);
      expect(await row2.locator('[data-action=reject]').isDisabled()).toBe(true);
      await row2.getByLabel('驳回原因 Reason').fill('规格不符,待院内核对');
      await decide(row2, 'reject');
      const [rejected] = await db.ds.query(`SELECT status FROM drug_mapping WHERE catalogue_item_id = $1`, [other.id]);
      expect(rejected.status).toBe('REJECTED');

      // Remapped to the second candidate: confirmed, to that item.
      const choice = remap.proposals[1].formularyItemId;
      const row3 = page.locator(`[data-mapping="${remap.id}"]`);
      await row3.getByLabel('改对照到 Remap to').selectOption(choice);
      await eventually(async () => {
        if (!(await row3.count())) return true;
        await row3.locator('[data-action=remap]').click();
        await row3.waitFor({ state: 'detached', timeout: 3_000 });
        return true;
      }, WAIT_MS);
      const [remapped] = await db.ds.query(
        `SELECT status, formulary_item_id AS "formularyItemId" FROM drug_mapping WHERE catalogue_item_id = $1`,
        [remap.id],
      );
      expect(remapped).toEqual({ status: 'CONFIRMED', formularyItemId: choice });
    } finally {
      await context.close();
    }
  });

  it("audit: the auditor's trail and the chain check match the api", async () => {
    const { auditEvents, verifyAuditChain } = await gql(
      'auditor',
      `{ auditEvents(first: 50) { nodes { id } } verifyAuditChain { ok } }`,
    );
    const context = await newContext();
    try {
      const page = await signIn(context, 'auditor');
      await openView(page, 'audit');
      await page.getByTestId('chain').waitFor();
      await page.getByTestId('audit-events').locator('tbody tr').first().waitFor();
      await screenshot(page, 'audit');
      expect(await page.getByTestId('chain').locator('[data-ok]').getAttribute('data-ok')).toBe(String(verifyAuditChain.ok));
      // The newest events; the console's own sign-ins may have been added since, so compare what both hold.
      const shown = await page.getByTestId('audit-events').locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
      const older = auditEvents.nodes.map((n: { id: string }) => n.id);
      expect(shown.filter((id) => older.includes(id!)).length).toBeGreaterThan(40);

      // A filter narrows the trail to what the api answers for it.
      const { auditEvents: logins } = await gql('auditor', `{ auditEvents(first: 50, filter: { action: "login" }) { nodes { action } } }`);
      await page.locator('input[name=action]').fill('login');
      await page.getByRole('button', { name: '筛选' }).click();
      await eventually(async () => {
        const actions = await texts(page, '[data-testid=audit-events] tbody tr td:nth-child(2)');
        return actions.length >= Math.min(logins.nodes.length, 1) && actions.every((a) => a.startsWith('login'));
      }, WAIT_MS);
    } finally {
      await context.close();
    }
  });

  it('sent no request off this machine', () => {
    expect(offsite).toEqual([]);
  });
});
