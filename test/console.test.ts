/// <reference lib="dom" />
// The callbacks given to page.evaluate run in the browser, with the DOM's types.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import ExcelJS from 'exceljs';
import { DateTime } from 'luxon';
import { seedActivity, seedAssessment, seedQianjiang } from '@yg/seed';
import { DEMO_PASSWORD } from '@yg/seed/demo-users';
import { createApiApp } from '../apps/api/src/bootstrap';
import { createTestDb, TestDb } from './utils/test-db';
import { eventually, startWorker } from './utils/worker';
import { randomResidentId, upReferralInput } from './utils/referrals';
import { fixtureHash } from './utils/fixtures';
import { currentMonth, figure, lastMonth } from '../apps/console/src/months';

/**
 * The console in a real browser (Debian's Chromium driven by playwright-core) against one api and
 * one worker on the demo data that `db:seed` writes. Every figure on screen is compared with the
 * GraphQL answer for the same user; any request to another host fails the suite.
 */

const ROOT = resolve(__dirname, '..');
const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');
const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
const WAIT_MS = 30_000;
/** Indicators, scorecards and completion are computed on request from every source: slower views. */
const VIEW_TIMEOUT = 240_000;

/** The menu each demo user must see (the spec of the role rules, not the data). */
const MENUS: Record<string, string[]> = {
  admin: [
    'network',
    'users',
    'referrals',
    'consultations',
    'drugs',
    'indicators',
    'unification',
    'assessment',
    'audit',
  ],
  auditor: ['network', 'indicators', 'unification', 'assessment', 'audit'],
  coordinator: ['network', 'patients', 'referrals', 'consultations', 'drugs'],
  doctor: ['network', 'patients', 'referrals', 'consultations', 'drugs'],
  villagedoc: ['network', 'patients', 'referrals', 'consultations', 'drugs'],
  towndoc: ['network', 'patients', 'referrals', 'consultations', 'drugs'],
  instadmin: ['network', 'users', 'consultations', 'drugs', 'indicators', 'unification', 'assessment'],
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

async function gql<T = any>(
  username: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  if (!tokens.has(username)) tokens.set(username, await logIn(username, DEMO_PASSWORD));
  return gqlWith<T>(tokens.get(username), query, variables);
}

async function gqlWith<T>(
  token: string | undefined,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const res = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors?.length || !body.data) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/** A token for the user, or the api's refusal thrown. */
async function logIn(username: string, password: string): Promise<string> {
  const { login } = await gqlWith<{ login: { token: string } }>(
    undefined,
    `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`,
    { u: username, p: password },
  );
  return login.token;
}

/**
 * A user an admin creates, who has since chosen DEMO_PASSWORD as their own (the password an
 * admin gives opens nothing but the change).
 */
async function createSettledUser(input: Record<string, unknown>): Promise<{ id: string }> {
  const given = 'Given-by-admin-2026';
  const { createUser } = await gql(
    'admin',
    `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
    {
      i: { ...input, password: given },
    },
  );
  await gqlWith(
    await logIn(input.username as string, given),
    `mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { token } }`,
    { c: given, n: DEMO_PASSWORD },
  );
  return createUser;
}

function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return hostname === '127.0.0.1' || hostname === 'localhost';
}

/** A browser context whose every request to another host is refused and recorded. */
async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
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
    page
      .getByTestId('menu')
      .waitFor()
      .then(() => null),
    page
      .getByRole('alert')
      .waitFor()
      .then(() => page.getByRole('alert').innerText()),
  ]);
  if (outcome !== null)
    throw new Error(`${username} could not sign in: ${outcome}; page errors: ${pageErrors.join('; ')}`);
  return page;
}

async function openView(page: Page, view: string): Promise<void> {
  await page.locator(`[data-view="${view}"]`).click();
  await page.getByTestId(`view-${view}`).waitFor();
}

/** Signed in, the assessment view open at last month with its year's key-task ledger read. */
async function openLedger(
  context: BrowserContext,
  username: string,
): Promise<{ page: Page; ledger: Locator }> {
  const page = await signIn(context, username);
  await openView(page, 'assessment');
  const ledger = page.getByTestId('key-tasks');
  await ledger.locator('tr[data-task]').first().waitFor({ timeout: VIEW_TIMEOUT });
  return { page, ledger };
}

async function screenshot(page: Page, name: string, fullPage = false): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage });
}

/** Finds a patient by name in a form's patient picker and picks it. */
async function pickPatient(form: Locator, patient: { id: string; name: string }): Promise<void> {
  await form.getByLabel('患者').fill(patient.name);
  await form.locator('[data-action=find-patient]').click();
  await form.locator(`[data-testid=found-patients] [data-patient="${patient.id}"]`).click();
}

/** The expert's free times over the next two weeks, as `start-end` in epoch milliseconds (any user may ask). */
async function freeSlots(expertId: string, minutes: number): Promise<string[]> {
  const now = DateTime.now();
  const { availableSlots } = await gql(
    'doctor',
    `query($e: ID!, $f: DateTime!, $t: DateTime!, $d: Int!) { availableSlots(expertId: $e, from: $f, to: $t, durationMinutes: $d) { slots { start end } } }`,
    { e: expertId, f: now.toUTC().toISO(), t: now.plus({ days: 14 }).toUTC().toISO(), d: minutes },
  );
  return (availableSlots[0]?.slots ?? []).map(
    (x: { start: string; end: string }) => `${Date.parse(x.start)}-${Date.parse(x.end)}`,
  );
}

/** Books a requested consultation, as the requesting doctor, into the expert's first free half hour. */
async function bookFirstFreeSlot(consultationId: string, expertId: string): Promise<void> {
  const [start, end] = (await freeSlots(expertId, 30))[0]
    .split('-')
    .map((ms) => new Date(Number(ms)).toISOString());
  await gql('doctor', `mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { state } }`, {
    i: { id: consultationId, start, end },
  });
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
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'apps/console/vite.config.mts',
      '--outDir',
      consoleBuild,
      '--emptyOutDir',
      '--logLevel',
      'error',
    ],
    // As `npm run build` makes it: jest's NODE_ENV=test would give React's development build.
    { cwd: ROOT, stdio: 'pipe', env: { ...process.env, NODE_ENV: 'production' } },
  );
  db = await createTestDb({ CONSOLE_DIR: consoleBuild });
  await seedQianjiang(db.ds, db.config, { passwordHash: await fixtureHash(DEMO_PASSWORD) });
  await seedActivity(db.config);
  await seedAssessment(db.config);
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
  it(
    'shows each demo role its own menu',
    async () => {
      const context = await newContext();
      try {
        for (const [username, menu] of Object.entries(MENUS)) {
          const page = await signIn(context, username);
          const views = await page
            .locator('[data-view]')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-view')));
          expect({ username, views }).toEqual({ username, views: menu });
          // The first entry opens: a role never lands on a view it may not use.
          await page.getByTestId(`view-${menu[0]}`).waitFor();
          await page.evaluate(() => (globalThis as any).sessionStorage.clear());
          await page.close();
        }
      } finally {
        await context.close();
      }
    },
    VIEW_TIMEOUT,
  );

  it('is used from the keyboard alone, in Chinese with English on request', async () => {
    const context = await newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${base}/console/`);
      // Sign in without the mouse: the name field has focus, Tab to the password, Enter submits.
      await page.waitForFunction(
        () => (globalThis as any).document.activeElement?.getAttribute('name') === 'username',
      );
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
      expect(await page.locator('[data-view="network"] span[title]').first().getAttribute('title')).toBe(
        'Network',
      );
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
      expect(await page.getByTestId('framework-holds').innerText()).toContain(
        consortium.structure.holds ? '符合' : '不符合',
      );
      for (const k of consortium.structure.counts) {
        const shown = await page
          .locator(`[data-testid=kind-counts] tr[data-kind="${k.kind}"] [data-testid=actual]`)
          .innerText();
        expect({ kind: k.kind, shown }).toEqual({ kind: k.kind, shown: String(k.actual) });
      }
      // Staff per institution, against every practitioner the api lists.
      const all: { institutionId: string }[] = [];
      for (let after: string | null = null, more = true; more;) {
        const page2: any = await gql(
          'admin',
          `query($a: String) { practitioners(first: 100, after: $a) { nodes { institutionId } pageInfo { endCursor hasNextPage } } }`,
          { a: after },
        );
        all.push(...page2.practitioners.nodes);
        more = page2.practitioners.pageInfo.hasNextPage;
        after = page2.practitioners.pageInfo.endCursor;
      }
      const staff = new Map<string, number>();
      for (const p of all) staff.set(p.institutionId, (staff.get(p.institutionId) ?? 0) + 1);
      for (const inst of institutions.nodes.slice(0, 12)) {
        const shown = await page
          .locator(`[data-testid=institutions] tr[data-id="${inst.id}"] [data-testid=staff]`)
          .innerText();
        expect({ name: inst.name, shown }).toEqual({
          name: inst.name,
          shown: String(staff.get(inst.id) ?? 0),
        });
      }
    } finally {
      await context.close();
    }
  });

  it('users: an admin finds, creates, edits the roles of, deactivates (its sessions end) and reactivates a user; an institution admin keeps its own, offered the roles it may grant', async () => {
    const ROW = `id username displayName roles active passwordChangeRequired phoneMasked institution { id }`;
    const { users: active } = await gql('admin', `{ users(active: true, first: 50) { nodes { id } } }`);
    const { me: town } = await gql('towndoc', `{ me { institution { id name } } }`);
    const find = async (username: string) =>
      (await gql('admin', `query($s: String!) { users(search: $s) { nodes { ${ROW} } } }`, { s: username }))
        .users.nodes[0];
    const username = `console-${Date.now().toString(36)}`;
    const password = 'Console2026pass';
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      await openView(page, 'users');
      const table = page.getByTestId('users');
      const ids = () =>
        table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
      await table.locator('tbody tr').first().waitFor({ timeout: WAIT_MS });
      expect(await ids()).toEqual(active.nodes.map((n: { id: string }) => n.id));

      // A new clinician of a township centre: a short password is not offered to the api.
      await page.locator('[data-action=new-user]').click();
      const form = page.getByTestId('user-form');
      await form.locator('#u-username').fill(username);
      await form.locator('#u-name').fill('测试医生');
      await form
        .locator(`select[name=institutionId] option[value="${town.institution.id}"]`)
        .waitFor({ state: 'attached' });
      await form.locator('select[name=institutionId]').selectOption(town.institution.id);
      await form.locator('[data-role=CLINICIAN]').check();
      await form.locator('#u-password').fill('short1');
      expect(await form.locator('[data-action=save-user]').isDisabled()).toBe(true);
      await form.locator('#u-password').fill(password);
      await form.locator('[data-action=save-user]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      const created = await find(username);
      expect(created).toMatchObject({
        username,
        displayName: '测试医生',
        roles: ['CLINICIAN'],
        active: true,
        institution: { id: town.institution.id },
      });
      const token = await logIn(username, password);
      expect((await gqlWith<any>(token, `{ me { username } }`, {})).me.username).toBe(username);
      expect(created.passwordChangeRequired).toBe(true);

      // Found by name, a role added.
      await page.locator('input[name=search]').fill(username);
      await page.getByRole('button', { name: '筛选' }).click();
      await eventually(async () => JSON.stringify(await ids()) === JSON.stringify([created.id]), WAIT_MS);
      const row = table.locator(`tr[data-id="${created.id}"]`);
      await row.locator('[data-action=edit-user]').click();
      await form.locator('[data-role=REFERRAL_COORDINATOR]').check();
      await form.locator('#u-phone').fill('13912340001');
      await form.locator('[data-action=save-user]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      expect((await find(username)).roles.sort()).toEqual(['CLINICIAN', 'REFERRAL_COORDINATOR']);
      expect((await find(username)).phoneMasked).toBe('139****0001');
      // The number on record is shown masked; the admin may remove it.
      await row.locator('[data-action=edit-user]').click();
      await eventually(
        async () =>
          ((await form.locator('#u-phone').getAttribute('placeholder')) ?? '').includes('139****0001'),
        WAIT_MS,
      );
      await form.locator('input[name=clearPhone]').check();
      await form.locator('[data-action=save-user]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      expect((await find(username)).phoneMasked).toBeNull();
      await eventually(
        async () =>
          (await row.locator('td[data-roles]').getAttribute('data-roles'))!.includes('REFERRAL_COORDINATOR'),
        WAIT_MS,
      );

      await screenshot(page, 'users');
      // Deactivated with a reason: it leaves the list of active users, and its token stops working.
      await row.getByLabel('停用原因 Reason').fill('调离本院');
      await row.locator('[data-action=deactivate]').click();
      await row.waitFor({ state: 'detached', timeout: WAIT_MS });
      expect((await find(username)).active).toBe(false);
      await expect(gqlWith(token, `{ me { username } }`, {})).rejects.toThrow(/UNAUTHENTICATED/);

      // Among the deactivated, reactivated: it may log in again.
      await page.locator('select[name=active]').selectOption('false');
      await page.getByRole('button', { name: '筛选' }).click();
      await row.locator('[data-action=reactivate]').click();
      await row.waitFor({ state: 'detached', timeout: WAIT_MS });
      expect((await find(username)).active).toBe(true);
      expect(await page.getByTestId('no-users').count()).toBe(1);

      // A forgotten password set anew by the admin: the old one stops working, the new one works.
      await page.locator('select[name=active]').selectOption('true');
      await page.getByRole('button', { name: '筛选' }).click();
      await row.locator('[data-action=edit-user]').click();
      await form.locator('input[name=newPassword]').fill('Reset2026pass9');
      await form.locator('[data-action=reset-password]').click();
      await form.getByTestId('password-reset').waitFor({ timeout: WAIT_MS });
      await expect(logIn(username, password)).rejects.toThrow(/UNAUTHENTICATED/);
      expect(await logIn(username, 'Reset2026pass9')).toBeTruthy();
    } finally {
      await context.close();
    }

    // An institution admin: its own institution's users only, and only the roles it may grant.
    const { me: inst } = await gql('instadmin', `{ me { institution { id } } }`);
    const { users: own } = await gql(
      'instadmin',
      `{ users(active: true, first: 50) { nodes { id institution { id } } } }`,
    );
    expect(
      own.nodes.every((n: { institution: { id: string } }) => n.institution.id === inst.institution.id),
    ).toBe(true);
    const instContext = await newContext();
    try {
      const page = await signIn(instContext, 'instadmin');
      await openView(page, 'users');
      const table = page.getByTestId('users');
      await table.locator('tbody tr').first().waitFor({ timeout: WAIT_MS });
      expect(
        await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id'))),
      ).toEqual(own.nodes.map((n: { id: string }) => n.id));
      expect(await page.locator('select[name=institution]').count()).toBe(0);
      await page.locator('[data-action=new-user]').click();
      const offered = await page
        .getByTestId('user-form')
        .locator('[data-role]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-role')));
      expect(offered.sort()).toEqual([
        'CLINICIAN',
        'EXPERT',
        'INSTITUTION_ADMIN',
        'PHARMACIST',
        'REFERRAL_COORDINATOR',
      ]);
    } finally {
      await instContext.close();
    }
  });

  it('changing my password: the console goes on with the new session, the old password stops working, a wrong current one is said and changes nothing', async () => {
    const username = `pwuser-${Date.now().toString(36)}`;
    const { me: admin } = await gql('admin', `{ me { institution { id } } }`);
    await createSettledUser({
      username,
      displayName: '改密用户',
      institutionId: admin.institution.id,
      roles: ['REFERRAL_COORDINATOR'],
    });
    const context = await newContext();
    try {
      const page = await signIn(context, username);
      await page.locator('[data-action=open-change-password]').click();
      const form = page.getByTestId('change-password');
      await form.locator('#pw-current').fill('Wrong-pass-2026');
      await form.locator('#pw-new').fill('Changed-2026-pass');
      await form.locator('#pw-again').fill('Changed-2026-pasz');
      expect(await form.locator('[data-action=change-password]').isDisabled()).toBe(true);
      await form.locator('#pw-again').fill('Changed-2026-pass');
      await form.locator('[data-action=change-password]').click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('当前密码不正确');
      await form.locator('#pw-current').fill(DEMO_PASSWORD);
      await form.locator('[data-action=change-password]').click();
      await form.getByTestId('password-changed').waitFor({ timeout: WAIT_MS });
      // Still signed in, on the new session: another view reads its data, and pushes still arrive
      // (the socket, dropped with the old session, connected again with the new token).
      await openView(page, 'referrals');
      await page.locator('[data-testid=worklist]').waitFor({ timeout: WAIT_MS });
      const unread = page.getByTestId('unread');
      await unread.and(page.locator('[data-count]:not([data-count=""])')).waitFor({ timeout: WAIT_MS });
      const before = Number(await unread.getAttribute('data-count'));
      const { patients } = await gql('villagedoc', `{ patients(first: 1) { nodes { id } } }`);
      await gql('villagedoc', `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }`, {
        i: upReferralInput(patients.nodes[0].id, admin.institution.id, {
          idempotencyKey: `console-pw-${Date.now()}`,
        }),
      });
      await eventually(async () => Number(await unread.getAttribute('data-count')) > before, WAIT_MS);
      expect(await page.getByLabel('用户名').count()).toBe(0);
      await expect(logIn(username, DEMO_PASSWORD)).rejects.toThrow(/UNAUTHENTICATED/);
      expect(await logIn(username, 'Changed-2026-pass')).toBeTruthy();
    } finally {
      await context.close();
    }
  });

  it('first sign-in with a password an admin chose: only the change is offered, then the console opens on the new session; after a reset and a reload the current password is asked for', async () => {
    const username = `firstpw-${Date.now().toString(36)}`;
    const given = 'Given-by-admin-2026';
    const { me: admin } = await gql('admin', `{ me { institution { id } } }`);
    const { createUser } = await gql(
      'admin',
      `mutation($i: CreateUserInput!) { createUser(input: $i) { id } }`,
      {
        i: {
          username,
          displayName: '首次登录用户',
          institutionId: admin.institution.id,
          roles: ['CLINICIAN'],
          password: given,
        },
      },
    );
    const pending = async () =>
      (
        await gql('admin', `query($s: String!) { users(search: $s) { nodes { passwordChangeRequired } } }`, {
          s: username,
        })
      ).users.nodes[0].passwordChangeRequired;
    expect(await pending()).toBe(true);
    const context = await newContext();
    try {
      // The admin's list says who has not yet chosen their own.
      const adminPage = await signIn(context, 'admin');
      await openView(adminPage, 'users');
      await adminPage.locator('input[name=search]').fill(username);
      await adminPage.getByRole('button', { name: '筛选' }).click();
      await adminPage
        .locator(`tr[data-id="${createUser.id}"] [data-testid=awaiting-own-password]`)
        .waitFor({ timeout: WAIT_MS });
      await adminPage.close();

      const page = await context.newPage();
      await page.goto(`${base}/console/`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(given);
      await page.getByRole('button', { name: '登录' }).click();
      const form = page.getByTestId('first-password');
      await form.waitFor({ timeout: WAIT_MS });
      // Nothing else: no menu, no inbox, and the password just typed is not asked again.
      expect(await page.getByTestId('menu').count()).toBe(0);
      expect(await page.getByTestId('inbox-button').count()).toBe(0);
      expect(await form.locator('#first-current').count()).toBe(0);
      await screenshot(page, 'first-password');
      const save = form.locator('[data-action=set-first-password]');
      await form.locator('#first-new').fill('short1');
      await form.locator('#first-again').fill('short1');
      expect(await save.isDisabled()).toBe(true);
      await form.locator('#first-new').fill('Own-choice-2026');
      await form.locator('#first-again').fill('Own-choice-2027');
      expect(await save.isDisabled()).toBe(true);
      // The api's own refusal, said on the form: the same password again.
      await form.locator('#first-new').fill(given);
      await form.locator('#first-again').fill(given);
      await save.click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('新密码须与当前密码不同');
      expect(await pending()).toBe(true);
      await form.locator('#first-new').fill('Own-choice-2026');
      await form.locator('#first-again').fill('Own-choice-2026');
      await save.click();
      await page.getByTestId('menu').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('who').innerText()).toContain('首次登录用户');
      await openView(page, 'referrals');
      await page.locator('[data-testid=worklist]').waitFor({ timeout: WAIT_MS });
      expect(await pending()).toBe(false);
      await expect(logIn(username, given)).rejects.toThrow(/UNAUTHENTICATED/);

      // A reset: the admin knows the password again, so the user is asked once more. After a
      // reload the password typed at sign-in is gone: the current one is asked for.
      await gql(
        'admin',
        `mutation($id: ID!, $n: String!) { resetUserPassword(id: $id, newPassword: $n) { id } }`,
        {
          id: createUser.id,
          n: 'Reset-by-admin-2026',
        },
      );
      await page.getByLabel('用户名').waitFor({ timeout: WAIT_MS });
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill('Reset-by-admin-2026');
      await page.getByRole('button', { name: '登录' }).click();
      await form.waitFor({ timeout: WAIT_MS });
      await page.reload();
      await form.locator('#first-current').waitFor({ timeout: WAIT_MS });
      await form.locator('#first-current').fill('Wrong-guess-2026');
      await form.locator('#first-new').fill('Own-again-2026');
      await form.locator('#first-again').fill('Own-again-2026');
      await save.click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('当前密码不正确');
      await form.locator('#first-current').fill('Reset-by-admin-2026');
      await save.click();
      await page.getByTestId('menu').waitFor({ timeout: WAIT_MS });
      await screenshot(page, 'first-password-done');
      expect(await logIn(username, 'Own-again-2026')).toBeTruthy();
    } finally {
      await context.close();
    }
  });

  it('patients: a village clinician finds its patients (masked in the list), opens one (unmasked, audited), registers one with conditions and a family doctor; a number registered here opens its patient, one registered elsewhere is refused without naming it', async () => {
    const LIST = `{ patients(first: 20) { nodes { id idNumber } } }`;
    const { patients } = await gql('villagedoc', LIST);
    const { me } = await gql('villagedoc', `{ me { id practitionerId institution { id } } }`);
    const idNumber = randomResidentId();
    const elsewhere = randomResidentId();
    await gql('doctor', `mutation($i: RegisterPatientInput!) { registerPatient(input: $i) { id } }`, {
      i: { name: '县医院患者', idNumber: elsewhere, residenceDivisionCode: '500114101' },
    });
    const unmaskedReads = async () =>
      Number(
        (
          await db.ds.query(
            `SELECT count(*)::int AS n FROM audit_event WHERE actor_user_id = $1 AND action = 'patient.read.unmasked'`,
            [me.id],
          )
        )[0].n,
      );
    const context = await newContext();
    try {
      const page = await signIn(context, 'villagedoc');
      await openView(page, 'patients');
      const table = page.getByTestId('patients');
      await table.locator('tbody tr').first().waitFor({ timeout: WAIT_MS });
      expect(
        await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id'))),
      ).toEqual(patients.nodes.map((p: { id: string }) => p.id));
      expect(await table.locator('tbody tr td:nth-child(4)').allInnerTexts()).toEqual(
        patients.nodes.map((p: { idNumber: string }) => p.idNumber),
      );
      expect(patients.nodes.every((p: { idNumber: string }) => p.idNumber.includes('*'))).toBe(true);

      // Opened: the full number, as the api gives it to this clinician, and one audited read.
      const first = patients.nodes[0];
      const { patient } = await gql(
        'villagedoc',
        `query($id: ID!) { patient(id: $id) { idNumber masked } }`,
        {
          id: first.id,
        },
      );
      const reads = await unmaskedReads();
      await table.locator(`tr[data-id="${first.id}"] [data-action=open-patient]`).click();
      const card = page.locator(`[data-testid=patient][data-id="${first.id}"]`);
      await card.getByTestId('id-number').waitFor({ timeout: WAIT_MS });
      expect(patient.masked).toBe(false);
      expect(await card.getAttribute('data-masked')).toBe('false');
      expect((await card.getByTestId('id-number').innerText()).trim()).toBe(patient.idNumber);
      expect(await unmaskedReads()).toBe(reads + 1);

      // Registered with two conditions and this clinic's doctor as family doctor.
      await page.locator('[data-action=register-patient]').click();
      const form = page.getByTestId('register-patient');
      await form.locator('#rp-name').fill('新登记患者');
      await form.locator('#rp-id').fill(idNumber.slice(0, 17));
      expect(await form.locator('[data-action=register]').isDisabled()).toBe(true);
      await form.locator('#rp-id').fill(idNumber);
      await form.locator('#rp-phone').fill('13912345678');
      await form.locator('#rp-division').fill('500114101');
      await form.locator('[data-condition=HYPERTENSION]').check();
      await form.locator('[data-condition=DIABETES_T2]').check();
      await form
        .locator(`select[name=doctor] option[value="${me.practitionerId}"]`)
        .waitFor({ state: 'attached' });
      await form.locator('select[name=doctor]').selectOption(me.practitionerId);
      await form.locator('[data-action=register]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      const opened = page.locator('[data-testid=patient][data-masked=false]');
      await opened.getByTestId('id-number').waitFor({ timeout: WAIT_MS });
      const newId = await opened.getAttribute('data-id');
      const { patient: registered } = await gql(
        'villagedoc',
        `query($id: ID!) { patient(id: $id) { name idNumber phone chronicConditions familyDoctorContract { practitionerId institutionId } } }`,
        { id: newId },
      );
      expect(registered).toEqual({
        name: '新登记患者',
        idNumber,
        phone: '13912345678',
        chronicConditions: ['HYPERTENSION', 'DIABETES_T2'],
        familyDoctorContract: { practitionerId: me.practitionerId, institutionId: me.institution.id },
      });
      expect(await opened.getByTestId('conditions').innerText()).toBe('高血压、2型糖尿病');

      // The same number again: the patient registered is opened, nothing new is written.
      await page.locator('[data-testid=patient] button:has-text("关闭")').click();
      await page.locator('[data-action=register-patient]').click();
      await form.locator('#rp-name').fill('重复登记');
      await form.locator('#rp-id').fill(idNumber);
      await form.locator('#rp-division').fill('500114101');
      await form.locator('[data-action=register]').click();
      await page.locator(`[data-testid=patient][data-id="${newId}"]`).waitFor({ timeout: WAIT_MS });
      expect(await form.count()).toBe(0);
      expect((await db.ds.query(`SELECT 1 FROM patient WHERE name = '重复登记'`)).length).toBe(0);

      // Registered by the county hospital: refused, and the refusal names no patient.
      await page.locator('[data-testid=patient] button:has-text("关闭")').click();
      await page.locator('[data-action=register-patient]').click();
      await form.locator('#rp-name').fill('他院患者');
      await form.locator('#rp-id').fill(elsewhere);
      await form.locator('#rp-division').fill('500114101');
      await form.locator('[data-action=register]').click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('已由本医共体其他机构登记');
      expect(await page.locator('[data-testid=patient]').count()).toBe(0);
      const [{ n }] = await db.ds.query(`SELECT count(*)::int AS n FROM patient WHERE name = '他院患者'`);
      expect(n).toBe(0);
      await screenshot(page, 'patients-register');
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
      for (const s of referralCounts.byState)
        expect({ s: s.state, n: await card(s.state) }).toEqual({ s: s.state, n: String(s.count) });
      const shown = await page
        .getByTestId('worklist')
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
      expect(shown).toEqual(referrals.nodes.map((n: { number: string }) => n.number));
      // Escalated rows are marked as such.
      const escalated = referrals.nodes.filter(
        (n: { escalationLevel: number }) => n.escalationLevel > 0,
      ).length;
      expect(await page.locator('[data-testid=worklist] tr.escalated').count()).toBe(escalated);
      const numbers = () =>
        page
          .getByTestId('worklist')
          .locator('tbody tr')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
      // The overdue and escalated cards list what they count, as the api filters them.
      for (const flag of ['overdue', 'escalated'] as const) {
        const { referrals: flagged } = await gql(
          'coordinator',
          `{ referrals(box: INCOMING, ${flag}: true, first: 50) { nodes { number } } }`,
        );
        expect(flagged.nodes.length).toBe(referralCounts[flag]);
        await counts.locator(`[data-count="${flag}"]`).click();
        await page.locator(`[data-count="${flag}"][aria-pressed=true]`).waitFor();
        const want = JSON.stringify(flagged.nodes.map((n: { number: string }) => n.number));
        await eventually(async () => JSON.stringify(await numbers()) === want, WAIT_MS);
      }
      // A closed state lists the latest closed first, as the api's RECENT order does.
      const { referrals: completed } = await gql(
        'coordinator',
        `{ referrals(box: INCOMING, states: [COMPLETED], order: RECENT, first: 50) { nodes { number } } }`,
      );
      expect(completed.nodes.length).toBeGreaterThan(1);
      await counts.locator('[data-count="COMPLETED"]').click();
      const latestFirst = JSON.stringify(completed.nodes.map((n: { number: string }) => n.number));
      await eventually(async () => JSON.stringify(await numbers()) === latestFirst, WAIT_MS);
      await counts.locator('[data-count="open"]').click();
      await eventually(async () => JSON.stringify(await numbers()) === JSON.stringify(shown), WAIT_MS);

      // A referral the village doctor submits in another browser arrives without a reload.
      await page.evaluate(() => ((globalThis as any).marker = 42));
      const village = await signIn(other, 'villagedoc');
      const { patients } = await gql('villagedoc', `{ patients(first: 1) { nodes { id } } }`);
      const { institutions } = await gql(
        'villagedoc',
        `{ institutions(search: "黔江中心医院", first: 1) { nodes { id } } }`,
      );
      const created = await village.evaluate(
        async ({ input }) => {
          const res = await fetch('/graphql', {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${(globalThis as any).sessionStorage.getItem('yg.console.token')}`,
            },
            body: JSON.stringify({
              query: 'mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number state } }',
              variables: { i: input },
            }),
          });
          return (await res.json()) as {
            data?: { createReferral: { id: string; number: string; state: string } };
            errors?: unknown;
          };
        },
        {
          input: upReferralInput(patients.nodes[0].id, institutions.nodes[0].id, {
            idempotencyKey: `console-${Date.now()}`,
          }),
        },
      );
      expect(created.errors).toBeUndefined();
      const number = created.data!.createReferral.number;
      await page.locator(`[data-testid=worklist] tr[data-number="${number}"]`).waitFor({ timeout: WAIT_MS });
      expect(await card('SUBMITTED')).toBe(
        String(referralCounts.byState.find((s: { state: string }) => s.state === 'SUBMITTED').count + 1),
      );
      expect(await page.evaluate(() => (globalThis as any).marker)).toBe(42);

      // The coordinator accepts it from its form; the database has it accepted.
      await page.locator(`[data-testid=worklist] tr[data-number="${number}"] button`).click();
      const detail = page.getByTestId('referral-detail');
      await detail.getByTestId('timeline').waitFor();
      // Each step by its name, not the api's action code.
      const steps = await detail.locator('[data-testid=timeline] li').allInnerTexts();
      expect(steps.length).toBeGreaterThanOrEqual(2);
      expect(steps.join('\n')).toMatch(/创建[\s\S]*提交/);
      expect(steps.join('\n')).not.toMatch(/\b(create|submit)\b/);
      await screenshot(page, 'referral-detail');
      await detail.locator('input[type=datetime-local]').fill('2026-12-30T09:30');
      await detail.getByLabel('就诊地点 Place').fill('门诊楼 3 楼心内科');
      await detail.getByRole('button', { name: '接收' }).click();
      expect(await detail.locator('input[type=datetime-local]').inputValue()).toBe('2026-12-30T09:30');
      await eventually(async () => {
        if (await detail.getByRole('alert').count())
          throw new Error(await detail.getByRole('alert').innerText());
        const [row] = await db.ds.query(`SELECT state FROM referral WHERE id = $1`, [
          created.data!.createReferral.id,
        ]);
        return row.state === 'ACCEPTED';
      }, WAIT_MS);
      // Then arrival and completion, each from its button.
      const stateIs = (state: string) =>
        eventually(async () => {
          if (await detail.getByRole('alert').count())
            throw new Error(await detail.getByRole('alert').innerText());
          const [row] = await db.ds.query(`SELECT state FROM referral WHERE id = $1`, [
            created.data!.createReferral.id,
          ]);
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

  it('notifications: the unread count and inbox match the api; a new one is counted live and opens its referral; read in the console is read in the database', async () => {
    const INBOX = `{ notifications(first: 20) { unreadCount nodes { id title readAt link } } }`;
    const before = (await gql('coordinator', INBOX)).notifications;
    expect(before.unreadCount).toBeGreaterThan(0); // the demo leaves some unread
    const { me } = await gql('coordinator', `{ me { id institution { id } } }`);
    const context = await newContext();
    try {
      const page = await signIn(context, 'coordinator');
      const unread = page.getByTestId('unread');
      await page
        .locator(`[data-testid=unread][data-count="${before.unreadCount}"]`)
        .waitFor({ timeout: WAIT_MS });
      await page.getByTestId('inbox-button').click();
      const inbox = page.getByTestId('inbox');
      await inbox.locator('li').first().waitFor();
      expect(
        await inbox
          .locator('li')
          .evaluateAll((lis) =>
            lis.map((li) => [li.getAttribute('data-notification'), li.getAttribute('data-read')]),
          ),
      ).toEqual(before.nodes.map((n: { id: string; readAt: string | null }) => [n.id, String(!!n.readAt)]));
      await screenshot(page, 'notifications');
      await page.getByTestId('inbox-button').click();

      // A referral sent to the coordinator's hospital by the village doctor: counted without a reload.
      const { patients } = await gql('villagedoc', `{ patients(first: 1) { nodes { id } } }`);
      const { createReferral } = await gql(
        'villagedoc',
        `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id number } }`,
        {
          i: upReferralInput(patients.nodes[0].id, me.institution.id, {
            idempotencyKey: `console-inbox-${Date.now()}`,
          }),
        },
      );
      let after: { unreadCount: number; nodes: { id: string; link: string | null }[] } = before;
      await eventually(async () => {
        after = (await gql('coordinator', INBOX)).notifications;
        return after.nodes.some((n) => n.link === `/referrals/${createReferral.id}`);
      }, WAIT_MS);
      await page
        .locator(`[data-testid=unread][data-count="${after.unreadCount}"]`)
        .waitFor({ timeout: WAIT_MS });
      expect(after.unreadCount).toBeGreaterThan(before.unreadCount);

      // Opened from the inbox: the referral's form, and the notification read in the database.
      const note = after.nodes.find((n) => n.link === `/referrals/${createReferral.id}`)!;
      await page.getByTestId('inbox-button').click();
      await inbox.locator(`li[data-notification="${note.id}"] a`).click();
      await page
        .locator(`[data-testid=referral-detail][data-referral="${createReferral.id}"]`)
        .waitFor({ timeout: WAIT_MS });
      expect(new URL(page.url()).hash).toBe(`#/referrals/${createReferral.id}`);
      await eventually(async () => {
        const [row] = await db.ds.query(`SELECT read_at FROM notification WHERE id = $1`, [note.id]);
        return row.read_at !== null;
      }, WAIT_MS);
      await page
        .locator(`[data-testid=unread][data-count="${after.unreadCount - 1}"]`)
        .waitFor({ timeout: WAIT_MS });

      // Everything read from the console: none unread in the database.
      await page.getByTestId('inbox-button').click();
      await inbox.locator('[data-action=read-all]').click();
      await page.locator('[data-testid=unread][data-count="0"]').waitFor({ timeout: WAIT_MS });
      const [left] = await db.ds.query(
        `SELECT count(*)::int AS n FROM notification WHERE recipient_user_id = $1 AND read_at IS NULL`,
        [me.id],
      );
      expect(left.n).toBe(0);
      expect(await unread.innerText()).toBe('0');
    } finally {
      await context.close();
    }
  });

  it("referrals: a down-referral's form opened by its address shows its plan, medication continuity and timeline as the api answers", async () => {
    const C = `itemsTotal available substitute outOfStock notListed unknown`;
    const { referrals } = await gql(
      'coordinator',
      `{ referrals(box: ALL, first: 100) { nodes { id medicationContinuity { itemsTotal } } } }`,
    );
    const withPlan = referrals.nodes.find((n: { medicationContinuity: unknown }) => n.medicationContinuity);
    expect(withPlan).toBeDefined(); // the demo's down-referral shows every continuity outcome
    const { referral } = await gql(
      'coordinator',
      `query($id: ID!) { referral(id: $id) { number medicationPlan { drug } medicationContinuity { ${C} } timeline { id } } }`,
      { id: withPlan.id },
    );
    const context = await newContext();
    try {
      const page = await signIn(context, 'coordinator');
      await page.goto(`${base}/console/#/referrals/${withPlan.id}`);
      const detail = page.locator(`[data-testid=referral-detail][data-referral="${withPlan.id}"]`);
      await detail.waitFor({ timeout: WAIT_MS });
      const c = referral.medicationContinuity;
      expect({
        title: (await detail.locator('#referral-title').innerText()).split(/\s/)[0],
        plan: await detail.locator('[data-testid=plan] li').count(),
        continuity: await detail.getByTestId('continuity').getAttribute('data-counts'),
        timeline: await detail.locator('[data-testid=timeline] li').count(),
      }).toEqual({
        title: referral.number,
        plan: referral.medicationPlan.length,
        continuity: [c.itemsTotal, c.available, c.substitute, c.outOfStock, c.notListed, c.unknown].join('/'),
        timeline: referral.timeline.length,
      });
      await screenshot(page, 'referral-continuity');
    } finally {
      await context.close();
    }
  });

  it('referrals: the paper slip (双向转诊单) shows the referral as the api has it, prints alone, and carries the full ID number only for a role whose patient read is unmasked (that read audited)', async () => {
    const { referrals } = await gql(
      'coordinator',
      `{ referrals(box: ALL, first: 100) { nodes { id state medicationContinuity { itemsTotal } } } }`,
    );
    const down = referrals.nodes.find((n: { medicationContinuity: unknown }) => n.medicationContinuity);
    const { referral: r } = await gql(
      'coordinator',
      `query($id: ID!) { referral(id: $id) { number patientId patient { name } diagnosisCode diagnosisName purpose
        clinicalSummary contactPhone toInstitution { name } toDepartment { name } fromPractitioner { name } medicationPlan { drug }
        attachments { name } } }`,
      { id: down.id },
    );
    const { patient } = await gql('coordinator', `query($id: ID!) { patient(id: $id) { idNumber masked } }`, {
      id: r.patientId,
    });
    const reads = async () =>
      Number(
        (
          await db.ds.query(
            `SELECT count(*) FROM audit_event WHERE action = 'patient.read.unmasked' AND entity_id = $1`,
            [r.patientId],
          )
        )[0].count,
      );
    const slipOf = async (username: string) => {
      const context = await newContext();
      const page = await signIn(context, username);
      await page.goto(`${base}/console/#/referrals/${down.id}`);
      const detail = page.locator(`[data-testid=referral-detail][data-referral="${down.id}"]`);
      await detail.waitFor({ timeout: WAIT_MS });
      await detail.locator('[data-action=open-slip]').click();
      const slip = page.getByTestId('referral-slip');
      await slip.locator('[data-field=number]').waitFor({ timeout: WAIT_MS });
      const field = (name: string) => slip.locator(`[data-field=${name}]`).innerText();
      return { context, page, slip, field };
    };

    const before = await reads();
    const { context, page, slip, field } = await slipOf('coordinator');
    try {
      const shown = !patient.masked ? patient.idNumber : '';
      await eventually(async () => (await field('idNumber')) === shown, WAIT_MS);
      expect({
        number: await field('number'),
        patient: await field('patient'),
        diagnosis: await field('diagnosis'),
        to: await field('to'),
        purpose: await field('purpose'),
        summary: await field('summary'),
        phone: await field('contactPhone'),
        doctor: await field('doctor'),
        medication: await slip.locator('[data-field=medication] li').count(),
        attachments: await field('attachments'),
      }).toEqual({
        number: r.number,
        patient: r.patient.name,
        diagnosis: `${r.diagnosisName} (${r.diagnosisCode})`,
        to: `${r.toInstitution.name}${r.toDepartment ? ` ${r.toDepartment.name}` : ''}`,
        purpose: r.purpose,
        summary: r.clinicalSummary,
        phone: r.contactPhone,
        doctor: r.fromPractitioner?.name ?? '',
        medication: r.medicationPlan.length,
        attachments: r.attachments.map((a: { name: string }) => a.name).join('、'),
      });
      if (!patient.masked) expect(await reads()).toBeGreaterThan(before);
      // On paper: the slip alone, the console around it not printed.
      await page.emulateMedia({ media: 'print' });
      expect(await slip.locator('.slip').isVisible()).toBe(true);
      expect(await page.getByTestId('menu').isVisible()).toBe(false);
      expect(await page.locator('[data-action=print-slip]').isVisible()).toBe(false);
      await page.pdf({ path: join(ARTIFACTS, 'referral-slip.pdf'), format: 'A4' });
      await screenshot(page, 'referral-slip-print', true);
      await page.emulateMedia({ media: 'screen' });
      await screenshot(page, 'referral-slip', true);
      await page.locator('[data-action=close-slip]').click();
      await slip.waitFor({ state: 'detached', timeout: WAIT_MS });
    } finally {
      await context.close();
    }

    // A consortium admin's patient reads are masked: the slip leaves the ID line for the pen, and
    // no unmasked read is made for it.
    const afterCoordinator = await reads();
    const admin = await slipOf('admin');
    try {
      expect(await admin.field('number')).toBe(r.number);
      expect(await admin.field('idNumber')).toBe('');
      expect(await reads()).toBe(afterCoordinator);
    } finally {
      await admin.context.close();
    }
  });

  it("referrals: a village clinic's clinician answers a down-referral sent to it, and submits and cancels its own", async () => {
    const { me, incoming, drafts } = await gql(
      'villagedoc',
      `{ me { institution { id } }
         incoming: referrals(box: INCOMING, states: [SUBMITTED], first: 50) { nodes { id toInstitutionId } }
         drafts: referrals(box: OUTGOING, states: [DRAFT], first: 50) { nodes { id fromInstitutionId } } }`,
    );
    // The demo leaves a down-referral waiting at the village clinic, which has no coordinator, and a draft.
    const down = incoming.nodes.find(
      (n: { toInstitutionId: string }) => n.toInstitutionId === me.institution.id,
    );
    const draft = drafts.nodes.find(
      (n: { fromInstitutionId: string }) => n.fromInstitutionId === me.institution.id,
    );
    expect(down).toBeDefined();
    expect(draft).toBeDefined();
    const context = await newContext();
    try {
      const page = await signIn(context, 'villagedoc');
      const stateIs = (detail: Locator, id: string, state: string) =>
        eventually(async () => {
          if (await detail.getByRole('alert').count())
            throw new Error(await detail.getByRole('alert').innerText());
          const [row] = await db.ds.query(`SELECT state FROM referral WHERE id = $1`, [id]);
          return row.state === state;
        }, WAIT_MS);

      // The receiver's steps; a refusal by the api (an appointment in the past) shows as an error.
      await page.goto(`${base}/console/#/referrals/${down.id}`);
      const detail = page.locator(`[data-testid=referral-detail][data-referral="${down.id}"]`);
      await detail.waitFor({ timeout: WAIT_MS });
      await detail.locator('input[type=datetime-local]').fill('2020-01-06T09:30');
      await detail.getByLabel('就诊地点 Place').fill('村卫生室');
      await detail.getByRole('button', { name: '接收' }).click();
      await detail
        .getByRole('alert')
        .filter({ hasText: '预约时间不能早于现在' })
        .waitFor({ timeout: WAIT_MS });
      const soon = DateTime.now().setZone('Asia/Shanghai').plus({ days: 2 }).toFormat("yyyy-MM-dd'T'09:30");
      await detail.locator('input[type=datetime-local]').fill(soon);
      await detail.getByRole('button', { name: '接收' }).click();
      await stateIs(detail, down.id, 'ACCEPTED');
      await detail.getByRole('button', { name: '登记到诊' }).click();
      await stateIs(detail, down.id, 'ARRIVED');
      await detail.getByRole('button', { name: '结案' }).click();
      await stateIs(detail, down.id, 'COMPLETED');
      // A sender's actions are not offered on a referral the clinic received.
      expect(await detail.getByRole('button', { name: '撤销' }).count()).toBe(0);
      await screenshot(page, 'referral-village-received');

      // The sender's: its draft submitted, then cancelled with a reason.
      await page.goto(`${base}/console/#/referrals/${draft.id}`);
      const own = page.locator(`[data-testid=referral-detail][data-referral="${draft.id}"]`);
      await own.waitFor({ timeout: WAIT_MS });
      expect(await own.getByRole('button', { name: '接收' }).count()).toBe(0);
      await own.getByRole('button', { name: '提交' }).click();
      await stateIs(own, draft.id, 'SUBMITTED');
      await own.getByLabel('撤销原因 Cancel reason').fill('患者改至他院就诊');
      await own.getByRole('button', { name: '撤销' }).click();
      await stateIs(own, draft.id, 'CANCELLED');
      await own.locator('.badge', { hasText: '已撤销' }).waitFor();
    } finally {
      await context.close();
    }
  });

  it("referrals: the outgoing box names each referral's destination, the all box both sides", async () => {
    const Q = `query($b: ReferralBox!, $s: [ReferralState!]) { referrals(box: $b, states: $s, first: 50) {
      nodes { number fromInstitution { name } toInstitution { name } } } }`;
    const OPEN = ['SUBMITTED', 'ACCEPTED', 'ARRIVED'];
    type N = { number: string; fromInstitution: { name: string }; toInstitution: { name: string } };
    const outgoing: N[] = (await gql('towndoc', Q, { b: 'OUTGOING', s: OPEN })).referrals.nodes;
    const all: N[] = (await gql('towndoc', Q, { b: 'ALL', s: OPEN })).referrals.nodes;
    expect(outgoing.length).toBeGreaterThan(0);
    const context = await newContext();
    try {
      const page = await signIn(context, 'towndoc');
      await openView(page, 'referrals');
      const worklist = page.getByTestId('worklist');
      const rows = () =>
        worklist
          .locator('tbody tr')
          .evaluateAll((trs) =>
            trs.map((tr) => [
              tr.getAttribute('data-number'),
              (tr.querySelector('[data-testid=institution]') as any).innerText,
            ]),
          );
      // A clinician starts on the outgoing box.
      await page.getByRole('button', { name: '转出', pressed: true }).waitFor();
      const want = outgoing.map((n) => [n.number, n.toInstitution.name]);
      await eventually(async () => JSON.stringify(await rows()) === JSON.stringify(want), WAIT_MS);
      expect(await worklist.locator('thead th').nth(2).innerText()).toContain('转入机构');
      await page.getByRole('button', { name: '全部' }).click();
      const both = all.map((n) => [n.number, `${n.fromInstitution.name} → ${n.toInstitution.name}`]);
      await eventually(async () => JSON.stringify(await rows()) === JSON.stringify(both), WAIT_MS);
      await screenshot(page, 'referrals-outgoing');
    } finally {
      await context.close();
    }
  });

  it('referrals: a village doctor writes a new up-referral in the console; a wrong diagnosis code is refused and changes nothing; a county doctor sends one down with its plan', async () => {
    const MINE = `{ referrals(box: OUTGOING, first: 100, states: [DRAFT, SUBMITTED]) { nodes { id } } }`;
    const { patients } = await gql('villagedoc', `{ patients(first: 1) { nodes { id name } } }`);
    const patient = patients.nodes[0];
    const [general] = await db.ds.query(`SELECT id FROM institution WHERE name = '黔江中心医院'`);
    const before = (await gql('villagedoc', MINE)).referrals.nodes.length;
    const context = await newContext();
    try {
      const page = await signIn(context, 'villagedoc');
      await openView(page, 'referrals');
      await page.locator('[data-action=new-referral]').click();
      const form = page.getByTestId('new-referral');
      await pickPatient(form, patient);
      await form.getByTestId('picked-patient').waitFor();
      // Everything the referral needs, or no button: none is pressed half-filled.
      expect(await form.locator('[data-action=create-submit]').isDisabled()).toBe(true);
      await form.getByLabel('接收机构').selectOption(general.id);
      await form.getByLabel('紧急程度').selectOption('URGENT');
      await form.getByLabel('ICD-10 编码 Code').fill('高血压');
      await form.getByLabel('诊断名称 Diagnosis name').fill('原发性高血压 3 级');
      await form.getByLabel('转诊目的').fill('血压控制不佳,需上级医院调整方案');
      await form.getByLabel('病情摘要').fill('反复头晕 2 周,三联用药下血压 180/110 mmHg');
      await form.getByLabel('联系电话').fill('13800000000');
      await screenshot(page, 'referrals-new-form');
      await form.locator('[data-action=create-submit]').click();
      await expect(form.getByRole('alert').innerText()).resolves.toMatch(/ICD-10/);
      expect((await gql('villagedoc', MINE)).referrals.nodes).toHaveLength(before);

      await form.getByLabel('ICD-10 编码 Code').fill('I10');
      await form.locator('[data-action=create-submit]').click();
      const detail = page.getByTestId('referral-detail');
      await detail.waitFor({ timeout: WAIT_MS });
      await form.waitFor({ state: 'detached' });
      const id = await detail.getAttribute('data-referral');
      const { referral } = await gql(
        'villagedoc',
        `query($id: ID!) { referral(id: $id) { number direction state urgency diagnosisCode diagnosisName purpose toInstitutionId patientId contactPhone } }`,
        { id },
      );
      expect(referral).toMatchObject({
        direction: 'UP',
        state: 'SUBMITTED',
        urgency: 'URGENT',
        diagnosisCode: 'I10',
        diagnosisName: '原发性高血压 3 级',
        toInstitutionId: general.id,
        patientId: patient.id,
        contactPhone: '13800000000',
      });
      expect(await detail.innerText()).toContain(referral.number);
      expect((await gql('villagedoc', MINE)).referrals.nodes).toHaveLength(before + 1);
      await screenshot(page, 'referrals-new');

      // Down: the discharge summary, follow-up plan and a medication plan come with it, saved as a draft.
      const county = await signIn(context, 'doctor');
      const { patients: theirs } = await gql('doctor', `{ patients(first: 1) { nodes { id name } } }`);
      const [township] = await db.ds.query(
        `SELECT id FROM institution WHERE name = '黔江区邻鄂镇中心卫生院'`,
      );
      await openView(county, 'referrals');
      await county.locator('[data-action=new-referral]').click();
      const down = county.getByTestId('new-referral');
      await pickPatient(down, theirs.nodes[0]);
      await down.getByLabel('下转').check();
      await down.getByLabel('接收机构').selectOption(township.id);
      await down.getByLabel('ICD-10 编码 Code').fill('I63.9');
      await down.getByLabel('诊断名称 Diagnosis name').fill('脑梗死恢复期');
      await down.getByLabel('转诊目的').fill('病情稳定,转回基层康复');
      await down.getByLabel('病情摘要').fill('住院 14 天,肢体肌力 4 级');
      await down.getByLabel('联系电话').fill('023-79223456');
      await down.getByLabel('出院小结').fill('脑梗死恢复期,出院时生命体征平稳');
      await down.getByLabel('康复/随访计划').fill('每周康复训练 3 次,一月后复诊');
      expect(await down.locator('[data-action=create-draft]').isDisabled()).toBe(true);
      const firstDrug = down.locator('[data-medication="0"]');
      await firstDrug.getByLabel('药品 Drug').fill('阿司匹林肠溶片 100mg');
      await firstDrug.getByLabel('剂量 Dose').fill('100mg');
      await firstDrug.getByLabel('途径 Route').fill('口服');
      await firstDrug.getByLabel('频次 Frequency').fill('每日一次');
      await firstDrug.getByLabel('疗程 Duration').fill('长期');
      await down.locator('[data-action=create-draft]').click();
      const downDetail = county.getByTestId('referral-detail');
      await downDetail.waitFor({ timeout: WAIT_MS });
      const { referral: sent } = await gql(
        'doctor',
        `query($id: ID!) { referral(id: $id) { direction state toInstitutionId dischargeSummary rehabPlan medicationPlan { drug dose route frequency duration } } }`,
        { id: await downDetail.getAttribute('data-referral') },
      );
      expect(sent).toEqual({
        direction: 'DOWN',
        state: 'DRAFT',
        toInstitutionId: township.id,
        dischargeSummary: '脑梗死恢复期,出院时生命体征平稳',
        rehabPlan: '每周康复训练 3 次,一月后复诊',
        medicationPlan: [
          {
            drug: '阿司匹林肠溶片 100mg',
            dose: '100mg',
            route: '口服',
            frequency: '每日一次',
            duration: '长期',
          },
        ],
      });
    } finally {
      await context.close();
    }
  });

  it('referrals: a village doctor attaches an uploaded scan to a new referral and downloads it from the details; a file of another kind is refused beside its name, the others go on', async () => {
    const { patients } = await gql('villagedoc', `{ patients(first: 1) { nodes { id name } } }`);
    const [general] = await db.ds.query(`SELECT id FROM institution WHERE name = '黔江中心医院'`);
    const scan = Buffer.from(`%PDF-1.7\n1 0 obj << /Title (心电图 ${Date.now()}) >> endobj\n%%EOF\n`, 'utf8');
    const context = await newContext();
    try {
      const page = await signIn(context, 'villagedoc');
      await openView(page, 'referrals');
      await page.locator('[data-action=new-referral]').click();
      const form = page.getByTestId('new-referral');
      await pickPatient(form, patients.nodes[0]);
      await form.getByTestId('picked-patient').waitFor();
      await form.getByLabel('接收机构').selectOption(general.id);
      await form.getByLabel('ICD-10 编码 Code').fill('I10');
      await form.getByLabel('诊断名称 Diagnosis name').fill('原发性高血压');
      await form.getByLabel('转诊目的').fill('心电图异常,请上级医院判读');
      await form.getByLabel('病情摘要').fill('胸闷 3 天,心电图见 ST 段压低');
      await form.getByLabel('联系电话').fill('13800000001');
      // Two files chosen together: a text file named .pdf is refused by its bytes, the scan is kept.
      await form.locator('input[type=file]').setInputFiles([
        {
          name: '化验单.pdf',
          mimeType: 'application/pdf',
          buffer: Buffer.from('这不是 PDF,只是文字\n', 'utf8'),
        },
        { name: '心电图.pdf', mimeType: 'application/pdf', buffer: scan },
      ]);
      const uploads = form.getByTestId('attachment-uploads');
      const refused = uploads.locator('li[data-attachment="化验单.pdf"]');
      const kept = uploads.locator('li[data-attachment="心电图.pdf"]');
      await uploads
        .locator('li[data-attachment="心电图.pdf"][data-state=ready]')
        .waitFor({ timeout: WAIT_MS });
      await uploads
        .locator('li[data-attachment="化验单.pdf"][data-state=refused]')
        .waitFor({ timeout: WAIT_MS });
      await expect(refused.getByRole('alert').innerText()).resolves.toMatch(/仅接受 PDF.*only PDF/);
      expect(await kept.innerText()).toContain('PDF');
      expect(await kept.innerText()).toContain('KB');
      expect(await kept.getByRole('alert').count()).toBe(0);
      await screenshot(page, 'referrals-new-attachments');
      // Removing drops it from the form alone.
      await refused.locator('[data-action=remove-attachment]').click();
      await refused.waitFor({ state: 'detached' });

      await form.locator('[data-action=create-submit]').click();
      const detail = page.getByTestId('referral-detail');
      await detail.waitFor({ timeout: WAIT_MS });
      const { referral } = await gql(
        'villagedoc',
        `query($id: ID!) { referral(id: $id) { attachments { name type uri documentId sizeBytes sha256 } } }`,
        { id: await detail.getAttribute('data-referral') },
      );
      expect(referral.attachments).toEqual([
        {
          name: '心电图.pdf',
          type: 'application/pdf',
          uri: expect.stringMatching(/^\/documents\//),
          documentId: expect.any(String),
          sizeBytes: scan.length,
          sha256: createHash('sha256').update(scan).digest('hex'),
        },
      ]);
      const [doc] = referral.attachments;
      expect(doc.uri).toBe(`/documents/${doc.documentId}`);

      // From the details: the same bytes, saved under the attachment's name.
      const item = detail.locator(`[data-testid=attachments] li[data-document="${doc.documentId}"]`);
      expect(await item.innerText()).toContain('心电图.pdf');
      const [saved] = await Promise.all([
        page.waitForEvent('download', { timeout: WAIT_MS }),
        item.locator('[data-action=download]').click(),
      ]);
      expect(saved.suggestedFilename()).toBe('心电图.pdf');
      expect(Buffer.compare(readFileSync(await saved.path()), scan)).toBe(0);
      expect(await item.getByRole('alert').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it('referrals: the village doctor adds the lab result to a sent referral from its details; the receiving coordinator sees it live and downloads it', async () => {
    const { patients } = await gql('villagedoc', `{ patients(first: 1) { nodes { id } } }`);
    const [general] = await db.ds.query(`SELECT id FROM institution WHERE name = '黔江中心医院'`);
    const { createReferral: sent } = await gql(
      'villagedoc',
      `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }`,
      { i: upReferralInput(patients.nodes[0].id, general.id) },
    );
    const lab = Buffer.from(`%PDF-1.7\n1 0 obj << /Title (血常规 ${Date.now()}) >> endobj\n%%EOF\n`, 'utf8');
    const sender = await newContext();
    const receiver = await newContext();
    try {
      // The coordinator has the referral open: the addition arrives by the live push.
      const hospital = await signIn(receiver, 'coordinator');
      await hospital.goto(`${base}/console/#/referrals/${sent.id}`);
      const theirs = hospital.locator(`[data-testid=referral-detail][data-referral="${sent.id}"]`);
      await theirs.waitFor({ timeout: WAIT_MS });
      // Not the receiver's to add before it has accepted.
      expect(await theirs.locator('[data-action=add-attachments]').count()).toBe(0);

      const page = await signIn(sender, 'villagedoc');
      await page.goto(`${base}/console/#/referrals/${sent.id}`);
      const detail = page.locator(`[data-testid=referral-detail][data-referral="${sent.id}"]`);
      await detail.waitFor({ timeout: WAIT_MS });
      await detail.locator('[data-action=add-attachments]').click();
      const form = detail.getByTestId('add-attachments');
      await form
        .locator('input[type=file]')
        .setInputFiles([{ name: '血常规.pdf', mimeType: 'application/pdf', buffer: lab }]);
      await form
        .locator('[data-testid=attachment-uploads] li[data-attachment="血常规.pdf"][data-state=ready]')
        .waitFor({ timeout: WAIT_MS });
      await form.getByLabel('说明').fill('化验结果已出');
      await form.locator('[data-action=send-attachments]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });

      const { referral } = await gql(
        'villagedoc',
        `query($id: ID!) { referral(id: $id) { attachments { name documentId } timeline { action note } } }`,
        { id: sent.id },
      );
      expect(referral.attachments).toEqual([{ name: '血常规.pdf', documentId: expect.any(String) }]);
      expect(referral.timeline.at(-1)).toEqual({ action: 'add-attachments', note: '化验结果已出' });
      const [doc] = referral.attachments;
      await detail
        .locator(`[data-testid=attachments] li[data-document="${doc.documentId}"]`)
        .waitFor({ timeout: WAIT_MS });
      expect(await detail.getByTestId('timeline').innerText()).toContain('补充附件');
      await screenshot(page, 'referral-add-attachments');

      const item = theirs.locator(`[data-testid=attachments] li[data-document="${doc.documentId}"]`);
      await item.waitFor({ timeout: WAIT_MS });
      const [saved] = await Promise.all([
        hospital.waitForEvent('download', { timeout: WAIT_MS }),
        item.locator('[data-action=download]').click(),
      ]);
      expect(saved.suggestedFilename()).toBe('血常规.pdf');
      expect(Buffer.compare(readFileSync(await saved.path()), lab)).toBe(0);
    } finally {
      await sender.close();
      await receiver.close();
    }
  });

  it('consultations: the requesting doctor adds the CT to a requested imaging read from its panel', async () => {
    const { patients } = await gql('doctor', `{ patients(first: 1) { nodes { id } } }`);
    const { me } = await gql('expert', `{ me { practitionerId } }`);
    const { requestConsultation: c } = await gql(
      'doctor',
      `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id } }`,
      {
        i: {
          kind: 'IMAGING_READ',
          patientId: patients.nodes[0].id,
          purpose: '影像会诊',
          caseSummary: '肺部结节,随访 CT',
          question: '良恶性判断?',
          urgency: 'ROUTINE',
          expertIds: [me.practitionerId],
        },
      },
    );
    const ct = Buffer.from(`%PDF-1.7\n1 0 obj << /Title (CT ${Date.now()}) >> endobj\n%%EOF\n`, 'utf8');
    const context = await newContext();
    try {
      const page = await signIn(context, 'doctor');
      await page.goto(`${base}/console/#/consultations/${c.id}`);
      const panel = page.locator(`[data-testid=consultation-detail][data-consultation="${c.id}"]`);
      await panel.waitFor({ timeout: WAIT_MS });
      await panel.locator('[data-action=add-attachments]').click();
      const form = panel.getByTestId('add-attachments');
      await form
        .locator('input[type=file]')
        .setInputFiles([{ name: '胸部CT.pdf', mimeType: 'application/pdf', buffer: ct }]);
      await form
        .locator('[data-testid=attachment-uploads] li[data-attachment="胸部CT.pdf"][data-state=ready]')
        .waitFor({ timeout: WAIT_MS });
      await form.locator('[data-action=send-attachments]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      const { consultation } = await gql(
        'expert',
        `query($id: ID!) { consultation(id: $id) { attachments { name documentId } timeline { action } } }`,
        { id: c.id },
      );
      expect(consultation.attachments).toEqual([{ name: '胸部CT.pdf', documentId: expect.any(String) }]);
      expect(consultation.timeline.at(-1)).toEqual({ action: 'add-attachments' });
      await panel
        .locator(`[data-testid=attachments] li[data-document="${consultation.attachments[0].documentId}"]`)
        .waitFor({ timeout: WAIT_MS });
      expect(await panel.getByTestId('consultation-timeline').innerText()).toContain('补充附件');
    } finally {
      await context.close();
    }
  });

  it("consultations: the expert's calendar (offered windows, days off, bookings), requests and each session match the api", async () => {
    // This week gets a day off (Monday) and an extra evening window (Sunday) beside the demo's weekly hours, published as the expert would.
    const { me } = await gql('expert', `{ me { practitionerId } }`);
    const expertId = me.practitionerId;
    const { expertAvailability: before } = await gql(
      'expert',
      `query($e: ID!) { expertAvailability(expertId: $e) { rules { weekday start end sessionMinutes mode validFrom validTo } } }`,
      { e: expertId },
    );
    const monday = DateTime.now().setZone('Asia/Shanghai').startOf('week');
    await gql(
      'expert',
      `mutation($i: PublishAvailabilityInput!) { publishAvailability(input: $i) { expertId } }`,
      {
        i: {
          rules: before.rules,
          exceptions: [
            { date: monday.toISODate(), kind: 'DAY_OFF' },
            {
              date: monday.plus({ days: 6 }).toISODate(),
              kind: 'EXTRA_WINDOW',
              start: '19:00',
              end: '21:00',
              sessionMinutes: 30,
              mode: 'REMOTE',
            },
          ],
        },
      },
    );
    const SESSION = `number state scheduledStart startedAt endedAt reportDueAt`;
    const { consultations, requested } = await gql(
      'expert',
      `{ consultations(first: 100) { nodes { ${SESSION} } } requested: consultations(first: 100, states: [REQUESTED]) { nodes { number } } }`,
    );
    expect(requested.nodes.length).toBeGreaterThan(0);
    const context = await newContext();
    try {
      const page = await signIn(context, 'expert');
      await openView(page, 'consultations');
      await page.getByTestId('consultations').locator('tbody tr').first().waitFor();
      const calendar = page.locator('[data-testid=calendar][data-loaded=true]');
      await calendar.waitFor({ timeout: WAIT_MS });
      await screenshot(page, 'consultations', true);
      const shown = await page
        .getByTestId('consultations')
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
      expect(shown).toEqual(consultations.nodes.map((c: { number: string }) => c.number));
      const byState = new Map<string, number>();
      for (const c of consultations.nodes) byState.set(c.state, (byState.get(c.state) ?? 0) + 1);
      for (const [state, n] of byState) {
        expect({
          state,
          n: await page.locator(`[data-testid=consultation-counts] [data-count="${state}"] .n`).innerText(),
        }).toEqual({ state, n: String(n) });
      }

      // The week's offered windows and days off, as the api answers for the same week.
      const from = (await calendar.getAttribute('data-from'))!;
      expect(from).toBe(monday.toUTC().toISO());
      const to = DateTime.fromISO(from).setZone('Asia/Shanghai').plus({ weeks: 1 }).toUTC().toISO();
      const { expertAvailability } = await gql(
        'expert',
        `query($e: ID!, $f: DateTime!, $t: DateTime!) { expertAvailability(expertId: $e) { exceptions { date kind } windows(from: $f, to: $t) { start end mode extra } } }`,
        { e: expertId, f: from, t: to },
      );
      const windows = await calendar.locator('[data-window]').evaluateAll((els) =>
        els.map((e) => ({
          start: e.getAttribute('data-window'),
          end: e.getAttribute('data-end'),
          mode: e.getAttribute('data-mode'),
          extra: e.getAttribute('data-extra') === 'true',
        })),
      );
      expect(windows).toEqual(expertAvailability.windows);
      expect(windows.filter((w) => w.extra)).toHaveLength(1);
      expect(windows.length).toBeGreaterThan(1);
      const days = await calendar
        .locator('[data-day]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-day')!));
      const daysOff = await calendar
        .locator('[data-dayoff]')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-dayoff')));
      expect(daysOff).toEqual(
        expertAvailability.exceptions
          .filter((e: { kind: string; date: string }) => e.kind === 'DAY_OFF' && days.includes(e.date))
          .map((e: { date: string }) => e.date),
      );
      expect(daysOff).toEqual([monday.toISODate()]);

      // Every booking of this week is on the calendar, on its day.
      const dayOf = (iso: string) => new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
      const thisWeek = consultations.nodes.filter(
        (c: { scheduledStart: string | null }) => c.scheduledStart && days.includes(dayOf(c.scheduledStart)),
      );
      const booked = await calendar
        .locator('[data-booking]')
        .evaluateAll((els) =>
          els.map((e) => [e.closest('[data-day]')!.getAttribute('data-day'), e.getAttribute('data-booking')]),
        );
      expect(booked.sort()).toEqual(
        thisWeek
          .map((c: { number: string; scheduledStart: string }) => [dayOf(c.scheduledStart), c.number])
          .sort(),
      );

      // The requests awaiting booking, and where each session stands.
      const requests = await page
        .locator('[data-testid=requests] tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
      expect(requests).toEqual(requested.nodes.map((c: { number: string }) => c.number));
      expect(await page.getByTestId('request-count').innerText()).toBe(String(requested.nodes.length));
      const sessions = await page.locator('[data-testid=consultations] tbody tr').evaluateAll((rows) =>
        rows.map((r) => {
          const td = r.querySelector('[data-testid=session]')!;
          const v = (a: string) => td.getAttribute(a) || null;
          return {
            number: r.getAttribute('data-number'),
            state: r.getAttribute('data-state'),
            startedAt: v('data-started'),
            endedAt: v('data-ended'),
            reportDueAt: v('data-report-due'),
          };
        }),
      );
      expect(sessions).toEqual(
        consultations.nodes.map((c: any) => ({
          number: c.number,
          state: c.state,
          startedAt: c.startedAt,
          endedAt: c.endedAt,
          reportDueAt: c.reportDueAt,
        })),
      );
      // The demo holds a session that ended and awaits its report: it says so.
      expect(consultations.nodes.some((c: any) => c.state === 'IN_PROGRESS' && c.endedAt)).toBe(true);
      expect(
        await page
          .locator('[data-testid=consultations] tr[data-state=IN_PROGRESS] [data-testid=session]', {
            hasText: '报告',
          })
          .count(),
      ).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  });

  it("consultations: the requesting doctor opens one by its address (as its notification links it) and reads the expert's signed report as the api has it, earlier versions included; the report prints alone", async () => {
    const R = `reports { version opinion recommendations signedAt contentHash suggestedDiagnoses { name } } experts { expert { name } }`;
    const { consultations } = await gql(
      'doctor',
      `{ consultations(first: 100) { nodes { id number state ${R} } } }`,
    );
    const reported = consultations.nodes.find((n: { reports: unknown[] }) => n.reports.length > 0);
    expect(reported).toBeDefined(); // the demo has reported consultations
    const { consultation: c } = await gql(
      'doctor',
      `query($id: ID!) { consultation(id: $id) { number purpose question caseSummary patient { name } timeline { id } ${R} } }`,
      { id: reported.id },
    );
    const report = c.reports.reduce((a: any, r: any) => (r.version > a.version ? r : a));
    const context = await newContext();
    try {
      const page = await signIn(context, 'doctor');
      await page.goto(`${base}/console/#/consultations/${reported.id}`);
      const detail = page.locator(`[data-testid=consultation-detail][data-consultation="${reported.id}"]`);
      await detail.waitFor({ timeout: WAIT_MS });
      const field = (name: string, within = detail) =>
        within.locator(`[data-field=${name}]`).first().innerText();
      expect({
        title: (await detail.locator('#consultation-title').innerText()).split(/\s/)[0],
        patient: (await field('patient')).split(' · ')[0],
        purpose: await field('purpose'),
        question: await field('question'),
        summary: await field('caseSummary'),
        version: await detail.getByTestId('consultation-report').getAttribute('data-version'),
        opinion: await field('opinion'),
        recommendations: await field('recommendations'),
        earlier: await detail.locator('[data-testid=earlier-reports] li').count(),
        timeline: await detail.locator('[data-testid=consultation-timeline] li').count(),
      }).toEqual({
        title: c.number,
        patient: c.patient.name,
        purpose: c.purpose,
        question: c.question,
        summary: c.caseSummary,
        version: String(report.version),
        opinion: report.opinion,
        recommendations: report.recommendations,
        earlier: c.reports.length - 1,
        timeline: c.timeline.length,
      });
      await screenshot(page, 'consultation-detail', true);

      await detail.locator('[data-action=open-report-print]').click();
      const sheet = page.getByTestId('report-sheet');
      await sheet.waitFor({ timeout: WAIT_MS });
      expect(await field('opinion', sheet)).toBe(report.opinion);
      expect(await field('hash', sheet)).toBe(report.contentHash);
      await page.emulateMedia({ media: 'print' });
      expect(await sheet.locator('.slip').isVisible()).toBe(true);
      expect(await page.getByTestId('consultations').isVisible()).toBe(false);
      await screenshot(page, 'consultation-report-print', true);
      await page.emulateMedia({ media: 'screen' });

      // Another consultation from the table: the address and the panel follow.
      const other = consultations.nodes.find((n: { id: string }) => n.id !== reported.id);
      if (other) {
        await page
          .locator(`[data-testid=consultations] tr[data-number="${other.number}"] [data-link=consultation]`)
          .click();
        await page
          .locator(`[data-testid=consultation-detail][data-consultation="${other.id}"]`)
          .waitFor({ timeout: WAIT_MS });
        expect(page.url()).toContain(`#/consultations/${other.id}`);
      }
    } finally {
      await context.close();
    }
  });

  it("consultations: the referral centre follows its institution's, as the api lists them", async () => {
    const { consultations } = await gql('coordinator', `{ consultations(first: 100) { nodes { number } } }`);
    expect(consultations.nodes.length).toBeGreaterThan(0);
    const context = await newContext();
    try {
      const page = await signIn(context, 'coordinator');
      await openView(page, 'consultations');
      await page.getByTestId('consultations').locator('tbody tr').first().waitFor();
      const shown = await page
        .locator('[data-testid=consultations] tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-number')));
      expect(shown.sort()).toEqual(consultations.nodes.map((c: { number: string }) => c.number).sort());
    } finally {
      await context.close();
    }
  });

  it('consultations: a village clinic with none is told what would show there; the expert with some is not', async () => {
    const { consultations } = await gql('villagedoc', `{ consultations(first: 1) { nodes { id } } }`);
    expect(consultations.nodes).toEqual([]);
    const context = await newContext();
    try {
      const page = await signIn(context, 'villagedoc');
      await openView(page, 'consultations');
      await expect(page.getByTestId('no-consultations').innerText()).resolves.toMatch(
        /暂无与本机构有关的远程会诊/,
      );
      const expert = await signIn(await newContext(), 'expert');
      await openView(expert, 'consultations');
      await expert.getByTestId('consultations').locator('tbody tr').first().waitFor();
      expect(await expert.getByTestId('no-consultations').count()).toBe(0);
      await expert.context().close();
    } finally {
      await context.close();
    }
  });

  it("consultations: one requested, then booked, by a clinician elsewhere reaches the expert's open view live", async () => {
    const context = await newContext();
    try {
      const page = await signIn(context, 'expert');
      await openView(page, 'consultations');
      await page.getByTestId('consultations').locator('tbody tr').first().waitFor();
      await page.evaluate(() => ((globalThis as any).marker = 42));
      const { me } = await gql('expert', `{ me { practitionerId } }`);
      const { patients } = await gql('doctor', `{ patients(first: 1) { nodes { id name } } }`);
      const patient = patients.nodes[0];
      const { requestConsultation: c } = await gql(
        'doctor',
        `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id number } }`,
        {
          i: {
            kind: 'VIDEO',
            patientId: patient.id,
            purpose: '控制不佳的高血压,请专家调整用药',
            caseSummary: '三联降压药物治疗下血压仍 160/100 mmHg',
            question: '是否需要排查继发性高血压?',
            urgency: 'ROUTINE',
            expertIds: [me.practitionerId],
            consent: {
              signedBy: patient.name,
              relationship: '本人',
              signedAt: new Date(Date.now() - 60_000).toISOString(),
              documentUri: 's3://consent/console-live.pdf',
            },
          },
        },
      );
      await page
        .locator(`[data-testid=requests] tr[data-number="${c.number}"]`)
        .waitFor({ timeout: WAIT_MS });
      await page
        .locator(`[data-testid=consultations] tr[data-number="${c.number}"][data-state=REQUESTED]`)
        .waitFor();
      const { requested } = await gql(
        'expert',
        `{ requested: consultations(first: 100, states: [REQUESTED]) { nodes { number } } }`,
      );
      expect(await page.getByTestId('request-count').innerText()).toBe(String(requested.nodes.length));

      // Booked into the expert's first free slot: no longer a request, scheduled, the session to come.
      await bookFirstFreeSlot(c.id, me.practitionerId);
      await page
        .locator(`[data-testid=consultations] tr[data-number="${c.number}"][data-state=SCHEDULED]`)
        .waitFor({ timeout: WAIT_MS });
      await page
        .locator(`[data-testid=requests] tr[data-number="${c.number}"]`)
        .waitFor({ state: 'detached' });
      await screenshot(page, 'consultations-live');
      expect(await page.evaluate(() => (globalThis as any).marker)).toBe(42);
    } finally {
      await context.close();
    }
  });

  it("consultations: a county doctor requests one in the console, naming a partner hospital's expert, with the consent; it waits for booking", async () => {
    const { me } = await gql('expert', `{ me { practitionerId institution { id } } }`);
    const { patients } = await gql('doctor', `{ patients(first: 1) { nodes { id name } } }`);
    const patient = patients.nodes[0];
    const context = await newContext();
    try {
      const page = await signIn(context, 'doctor');
      await openView(page, 'consultations');
      await page.locator('[data-action=new-consultation]').click();
      const form = page.getByTestId('new-consultation');
      await pickPatient(form, patient);
      await form.getByLabel('会诊目的').fill('急性心梗 PCI 术后,请专家指导二级预防');
      await form.getByLabel('病历摘要').fill('PCI 术后 3 月,LDL-C 2.8 mmol/L');
      await form.getByLabel('需解答的问题').fill('是否加用 PCSK9 抑制剂?');
      await form.getByLabel('指定专家').selectOption(me.institution.id);
      await form.locator(`[data-expert="${me.practitionerId}"]`).check();
      // Consent whole or not at all: a signer alone holds the button back.
      await form.getByTestId('nc-consent').getByLabel('签署人').fill(patient.name);
      expect(await form.locator('[data-action=request]').isDisabled()).toBe(true);
      const signedAt = DateTime.now().setZone('Asia/Shanghai').minus({ minutes: 5 }).startOf('minute');
      await form
        .getByTestId('nc-consent')
        .getByLabel('签署时间')
        .fill(signedAt.toFormat("yyyy-MM-dd'T'HH:mm"));
      await form.getByTestId('nc-consent').getByLabel('扫描件').fill('s3://consent/console-request.pdf');
      await screenshot(page, 'consultations-request', true);
      await form.locator('[data-action=request]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      const { consultations } = await gql(
        'doctor',
        `{ consultations(first: 1) { nodes { id number state kind purpose question patientId
            experts { practitionerId named } consent { signedBy relationship signedAt documentUri } } } }`,
      );
      const c = consultations.nodes[0];
      expect(c).toMatchObject({
        state: 'REQUESTED',
        kind: 'VIDEO',
        purpose: '急性心梗 PCI 术后,请专家指导二级预防',
        question: '是否加用 PCSK9 抑制剂?',
        patientId: patient.id,
        experts: [{ practitionerId: me.practitionerId, named: true }],
        consent: {
          signedBy: patient.name,
          relationship: '本人',
          documentUri: 's3://consent/console-request.pdf',
        },
      });
      expect(Date.parse(c.consent.signedAt)).toBe(signedAt.toMillis());
      // It waits for booking, which the doctor's side may do from here.
      await page
        .locator(`[data-testid=requests] tr[data-number="${c.number}"] [data-action=book]`)
        .waitFor({ timeout: WAIT_MS });
    } finally {
      await context.close();
    }
  });

  it('consultations: the signed consent form is uploaded with the request and downloaded from the consultation’s panel', async () => {
    const { me } = await gql('expert', `{ me { practitionerId institution { id } } }`);
    const { patients } = await gql('doctor', `{ patients(first: 1) { nodes { id name } } }`);
    const patient = patients.nodes[0];
    const scan = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`consent ${Date.now()}`)]);
    const context = await newContext();
    try {
      const page = await signIn(context, 'doctor');
      await openView(page, 'consultations');
      await page.locator('[data-action=new-consultation]').click();
      const form = page.getByTestId('new-consultation');
      await pickPatient(form, patient);
      await form.getByLabel('会诊目的').fill('糖尿病足,请专家评估截肢指征');
      await form.getByLabel('病历摘要').fill('右足溃疡 2 月,足背动脉搏动减弱');
      await form.getByLabel('需解答的问题').fill('是否需要血管介入?');
      await form.getByLabel('指定专家').selectOption(me.institution.id);
      await form.locator(`[data-expert="${me.practitionerId}"]`).check();
      const signedAt = DateTime.now().setZone('Asia/Shanghai').minus({ minutes: 5 }).startOf('minute');
      await form.getByTestId('nc-consent').getByLabel('签署人').fill(patient.name);
      await form
        .getByTestId('nc-consent')
        .getByLabel('签署时间')
        .fill(signedAt.toFormat("yyyy-MM-dd'T'HH:mm"));
      // Signer and time without the scan hold the button back; the uploaded scan completes it.
      expect(await form.locator('[data-action=request]').isDisabled()).toBe(true);
      await form
        .locator('#nc-consent-scan')
        .setInputFiles({ name: '知情同意书.jpg', mimeType: 'image/jpeg', buffer: scan });
      await form
        .locator('[data-testid=nc-consent-scan-upload] li[data-state=ready]')
        .waitFor({ timeout: WAIT_MS });
      await form.locator('[data-action=request]:not([disabled])').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      const { consultations } = await gql(
        'doctor',
        `{ consultations(first: 1) { nodes { id number purpose consent { signedBy documentUri documentId } } } }`,
      );
      const c = consultations.nodes[0];
      expect(c.purpose).toBe('糖尿病足,请专家评估截肢指征');
      expect(c.consent).toEqual({
        signedBy: patient.name,
        documentUri: `/documents/${c.consent.documentId}`,
        documentId: expect.any(String),
      });

      await page.goto(`${base}/console/#/consultations/${c.id}`);
      const detail = page.locator(`[data-testid=consultation-detail][data-consultation="${c.id}"]`);
      await detail.waitFor({ timeout: WAIT_MS });
      const consent = detail.locator('[data-field=consent]');
      const [saved] = await Promise.all([
        page.waitForEvent('download', { timeout: WAIT_MS }),
        consent.locator('[data-action=download]').click(),
      ]);
      expect(saved.suggestedFilename()).toBe(`知情同意书-${c.number}.jpg`);
      expect(Buffer.compare(readFileSync(await saved.path()), scan)).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("consultations: the referral centre books its institution's requests into the experts' free times (an MDT where all are free), as the api offers them", async () => {
    const { me } = await gql('expert', `{ me { practitionerId } }`);
    const [li] = await db.ds.query(`SELECT id FROM practitioner WHERE name = '李志远'`);
    const { patients } = await gql('doctor', `{ patients(first: 1) { nodes { id name } } }`);
    const patient = patients.nodes[0];
    const request = async (kind: string, expertIds: string[]) =>
      (
        await gql(
          'doctor',
          `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id number } }`,
          {
            i: {
              kind,
              patientId: patient.id,
              purpose: '冠心病介入术后胸痛复发,请专家会诊',
              caseSummary: 'PCI 术后 6 月,活动后胸痛',
              question: '是否需要再次造影?',
              urgency: 'ROUTINE',
              expertIds,
              consent: {
                signedBy: patient.name,
                relationship: '本人',
                signedAt: new Date(Date.now() - 60_000).toISOString(),
                documentUri: 's3://consent/console-booking.pdf',
              },
            },
          },
        )
      ).requestConsultation as { id: string; number: string };
    const video = await request('VIDEO', [me.practitionerId]);
    const mdt = await request('MDT', [me.practitionerId, li.id]);
    const context = await newContext();
    try {
      const page = await signIn(context, 'coordinator');
      await openView(page, 'consultations');
      const requestRow = (c: { number: string }) =>
        page.locator(`[data-testid=requests] tr[data-number="${c.number}"]`);
      const shownSlots = () =>
        page
          .locator('[data-testid=slots] button')
          .evaluateAll((bs) =>
            bs.map(
              (b) => `${Date.parse(b.getAttribute('data-slot')!)}-${Date.parse(b.getAttribute('data-end')!)}`,
            ),
          );

      // One expert: the expert's own free times, the first one booked.
      await requestRow(video).locator('[data-action=book]').click();
      await page
        .locator('[data-testid=booking] [data-testid=slots] button')
        .first()
        .waitFor({ timeout: WAIT_MS });
      const own = await freeSlots(me.practitionerId, 30);
      expect(await shownSlots()).toEqual(own.slice(0, 40));
      const first = page.locator('[data-testid=slots] button').first();
      const start = await first.getAttribute('data-slot');
      await first.click();
      await page
        .locator(`[data-testid=consultations] tr[data-number="${video.number}"][data-state=SCHEDULED]`)
        .waitFor({ timeout: WAIT_MS });
      await requestRow(video).waitFor({ state: 'detached' });
      const { consultation: booked } = await gql(
        'coordinator',
        `query($id: ID!) { consultation(id: $id) { state scheduledStart experts { practitionerId assigned } } }`,
        { id: video.id },
      );
      expect(booked.state).toBe('SCHEDULED');
      expect(Date.parse(booked.scheduledStart)).toBe(Date.parse(start!));

      // An MDT: only the hours both experts are free, an hour long; both booked together.
      await requestRow(mdt).locator('[data-action=book]').click();
      await page
        .locator('[data-testid=booking] [data-testid=slots] button')
        .first()
        .waitFor({ timeout: WAIT_MS });
      const [a, b] = [await freeSlots(me.practitionerId, 60), await freeSlots(li.id, 60)];
      const both = a.filter((x: string) => b.includes(x));
      expect(both.length).toBeGreaterThan(0);
      expect(await shownSlots()).toEqual(both.slice(0, 40));
      await page.locator('[data-testid=slots] button').first().click();
      await page
        .locator(`[data-testid=consultations] tr[data-number="${mdt.number}"][data-state=SCHEDULED]`)
        .waitFor({ timeout: WAIT_MS });
      const { consultation: team } = await gql(
        'coordinator',
        `query($id: ID!) { consultation(id: $id) { experts { practitionerId assigned } } }`,
        { id: mdt.id },
      );
      expect(
        team.experts
          .filter((e: { assigned: boolean }) => e.assigned)
          .map((e: { practitionerId: string }) => e.practitionerId)
          .sort(),
      ).toEqual([me.practitionerId, li.id].sort());
      await screenshot(page, 'consultations-booked');
    } finally {
      await context.close();
    }
    // The expert's side is not offered booking.
    const expertContext = await newContext();
    try {
      const expert = await signIn(expertContext, 'expert');
      await openView(expert, 'consultations');
      await expert.getByTestId('requests').waitFor();
      expect(await expert.locator('[data-testid=requests] [data-action=book]').count()).toBe(0);
    } finally {
      await expertContext.close();
    }
  });

  it("consultations: the requesting doctor moves a booked one to another of the expert's free times, with a reason kept in its timeline", async () => {
    const { me } = await gql('expert', `{ me { practitionerId } }`);
    const { patients } = await gql('doctor', `{ patients(first: 1) { nodes { id name } } }`);
    const patient = patients.nodes[0];
    const { requestConsultation: c } = await gql(
      'doctor',
      `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id number } }`,
      {
        i: {
          kind: 'VIDEO',
          patientId: patient.id,
          purpose: '高血压控制不佳,请专家会诊',
          caseSummary: '三联降压药物治疗下血压 170/100 mmHg',
          question: '是否需要排查继发性高血压?',
          urgency: 'ROUTINE',
          expertIds: [me.practitionerId],
          consent: {
            signedBy: patient.name,
            relationship: '本人',
            signedAt: new Date(Date.now() - 60_000).toISOString(),
            documentUri: 's3://consent/console-reschedule.pdf',
          },
        },
      },
    );
    // An hour long, so that the panel's length is the booking's, not a default.
    const [hour] = await freeSlots(me.practitionerId, 60);
    const [hourStart, hourEnd] = hour.split('-').map((ms) => new Date(Number(ms)).toISOString());
    await gql('doctor', `mutation($i: BookConsultationInput!) { bookConsultation(input: $i) { state } }`, {
      i: { id: c.id, start: hourStart, end: hourEnd },
    });
    const ONE = `query($id: ID!) { consultation(id: $id) { state scheduledStart scheduledEnd
      timeline { action note } } }`;
    const { consultation: before } = await gql('doctor', ONE, { id: c.id });
    const context = await newContext();
    try {
      const page = await signIn(context, 'doctor');
      await openView(page, 'consultations');
      const row = page.locator(
        `[data-testid=consultations] tr[data-number="${c.number}"][data-state=SCHEDULED]`,
      );
      await row.locator('[data-action=reschedule]').click();
      const panel = page.getByTestId('booking');
      await panel.locator('[data-testid=slots] button').first().waitFor({ timeout: WAIT_MS });
      // The same length as booked, among the expert's free times as the api offers them now.
      expect(await panel.locator('select[name=duration]').inputValue()).toBe('60');
      const offered = await panel
        .locator('[data-testid=slots] button')
        .evaluateAll((bs) =>
          bs.map(
            (b) => `${Date.parse(b.getAttribute('data-slot')!)}-${Date.parse(b.getAttribute('data-end')!)}`,
          ),
        );
      expect(offered).toEqual((await freeSlots(me.practitionerId, 60)).slice(0, 40));
      expect(offered).not.toContain(
        `${Date.parse(before.scheduledStart)}-${Date.parse(before.scheduledEnd)}`,
      );
      // No reason, no move.
      const target = panel.locator('[data-testid=slots] button').nth(2);
      expect(await target.isDisabled()).toBe(true);
      await panel.locator('input[name=reason]').fill('患者家属当日无法陪同');
      const start = await target.getAttribute('data-slot');
      await target.click();
      await panel.waitFor({ state: 'detached', timeout: WAIT_MS });
      const { consultation: after } = await gql('doctor', ONE, { id: c.id });
      expect(after.state).toBe('SCHEDULED');
      expect(Date.parse(after.scheduledStart)).toBe(Date.parse(start!));
      expect(Date.parse(after.scheduledEnd) - Date.parse(after.scheduledStart)).toBe(60 * 60_000);
      expect(after.timeline.at(-1)).toEqual({ action: 'reschedule', note: '患者家属当日无法陪同' });
      // The row shows the new time, as the console writes times (the consortium's zone).
      const shown = new Date(start!).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
      await eventually(async () => (await row.locator('td').nth(4).innerText()) === shown, WAIT_MS);
      await screenshot(page, 'consultations-rescheduled');
    } finally {
      await context.close();
    }
  });

  it('consultations: the expert starts and ends a booked session, signs its report and amends it, and declines another; the requesting side, offered none of these, completes the reported one and cancels one still requested', async () => {
    const { me } = await gql('expert', `{ me { practitionerId } }`);
    const { patients } = await gql('doctor', `{ patients(first: 1) { nodes { id name } } }`);
    const patient = patients.nodes[0];
    const requested = async (purpose: string) => {
      const { requestConsultation: c } = await gql(
        'doctor',
        `mutation($i: RequestConsultationInput!) { requestConsultation(input: $i) { id number } }`,
        {
          i: {
            kind: 'VIDEO',
            patientId: patient.id,
            purpose,
            caseSummary: '胸闷反复发作 1 月,心电图 ST 段压低',
            question: '是否需要冠脉造影?',
            urgency: 'ROUTINE',
            expertIds: [me.practitionerId],
            consent: {
              signedBy: patient.name,
              relationship: '本人',
              signedAt: new Date(Date.now() - 60_000).toISOString(),
              documentUri: 's3://consent/console-expert.pdf',
            },
          },
        },
      );
      return c as { id: string; number: string };
    };
    const booked = async (purpose: string) => {
      const c = await requested(purpose);
      await bookFirstFreeSlot(c.id, me.practitionerId);
      return c;
    };
    const held = await booked('冠心病待排,请专家会诊');
    const declined = await booked('胸痛待查,请专家会诊');
    const named = await requested('心悸待查,请专家会诊');
    const ONE = `query($id: ID!) { consultation(id: $id) { state startedAt endedAt reportDueAt declineReason
      reports { version opinion recommendations amendmentReason suggestedDiagnoses { name } } } }`;

    const context = await newContext();
    try {
      const page = await signIn(context, 'expert');
      await openView(page, 'consultations');
      const row = (c: { number: string }, state?: string) =>
        page.locator(
          `[data-testid=consultations] tr[data-number="${c.number}"]${state ? `[data-state="${state}"]` : ''}`,
        );
      await row(held, 'SCHEDULED').waitFor({ timeout: WAIT_MS });
      // Named in a request not yet booked: it may be declined, nothing more.
      await row(named, 'REQUESTED').locator('[data-action=decline]').waitFor();
      expect(await row(named).locator('[data-action=start], [data-action=report]').count()).toBe(0);
      // Not held yet: nothing to report.
      expect(await row(held).locator('[data-action=report]').count()).toBe(0);
      await row(held).locator('[data-action=start]').click();
      await row(held, 'IN_PROGRESS').locator('[data-action=end]').waitFor({ timeout: WAIT_MS });
      await row(held).locator('[data-action=end]').click();
      await row(held).locator('[data-action=report]').waitFor({ timeout: WAIT_MS });
      expect(await row(held).getByTestId('session').getAttribute('data-ended')).not.toBe('');

      await row(held).locator('[data-action=report]').click();
      const form = page.getByTestId('report-form');
      await form.waitFor();
      // Signed only with an opinion and recommendations.
      expect(await form.locator('[data-action=sign]').isDisabled()).toBe(true);
      await form.getByLabel('会诊意见').fill('考虑稳定型心绞痛,冠脉病变可能性大');
      await form.getByLabel('建议诊断').fill('稳定型心绞痛');
      await form.getByLabel('诊疗建议').fill('完善冠脉 CTA,加用他汀及抗血小板治疗');
      await form.locator('[data-action=sign]').click();
      await row(held, 'REPORTED').waitFor({ timeout: WAIT_MS });
      await form.waitFor({ state: 'detached' });

      // A signed report is amended, with a reason, as a new version.
      await row(held).locator('[data-action=report]').click();
      await form.getByLabel('会诊意见').fill('考虑稳定型心绞痛,冠脉病变可能性大;建议心内科随访');
      await form.getByLabel('诊疗建议').fill('完善冠脉 CTA,加用他汀及抗血小板治疗,两周后复诊');
      expect(await form.locator('[data-action=sign]').isDisabled()).toBe(true);
      await form.getByLabel('修订原因').fill('补充随访安排');
      await form.locator('[data-action=sign]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });

      // Declined with a reason: the button waits for one.
      expect(await row(declined).locator('[data-action=decline]').isDisabled()).toBe(true);
      await row(declined).getByLabel('谢绝原因 Reason').fill('该时段另有手术');
      await row(declined).locator('[data-action=decline]').click();
      await row(declined, 'DECLINED').waitFor({ timeout: WAIT_MS });
      await screenshot(page, 'consultations-expert');

      // The requesting doctor follows the same consultations, with no expert's actions on them.
      const doctor = await signIn(context, 'doctor');
      await openView(doctor, 'consultations');
      await doctor
        .locator(`[data-testid=consultations] tr[data-number="${held.number}"][data-state=REPORTED]`)
        .waitFor();
      expect(
        await doctor
          .locator(
            '[data-testid=consultations] :is([data-action=start], [data-action=end], [data-action=report], [data-action=decline])',
          )
          .count(),
      ).toBe(0);
      // The requesting side confirms the reported one complete, and cancels the one still requested (with a reason).
      const doctorRow = (c: { number: string }, state?: string) =>
        doctor.locator(
          `[data-testid=consultations] tr[data-number="${c.number}"]${state ? `[data-state="${state}"]` : ''}`,
        );
      expect(await doctorRow(declined).locator('[data-action]').count()).toBe(0);
      await doctorRow(held).locator('[data-action=complete]').click();
      await doctorRow(held, 'COMPLETED').waitFor({ timeout: WAIT_MS });
      expect(await doctorRow(named).locator('[data-action=cancel]').isDisabled()).toBe(true);
      await doctorRow(named).getByLabel('取消原因 Reason').fill('患者已转上级医院');
      await doctorRow(named).locator('[data-action=cancel]').click();
      await doctorRow(named, 'CANCELLED').waitFor({ timeout: WAIT_MS });
    } finally {
      await context.close();
    }
    expect(
      (
        await gql('doctor', `query($id: ID!) { consultation(id: $id) { state cancelReason } }`, {
          id: named.id,
        })
      ).consultation,
    ).toEqual({
      state: 'CANCELLED',
      cancelReason: '患者已转上级医院',
    });
    const { consultation: h } = await gql('doctor', ONE, { id: held.id });
    expect(h).toMatchObject({
      state: 'COMPLETED',
      startedAt: expect.any(String),
      endedAt: expect.any(String),
    });
    expect(h.reports).toEqual([
      expect.objectContaining({
        version: 1,
        opinion: '考虑稳定型心绞痛,冠脉病变可能性大',
        recommendations: '完善冠脉 CTA,加用他汀及抗血小板治疗',
        amendmentReason: null,
        suggestedDiagnoses: [{ name: '稳定型心绞痛' }],
      }),
      expect.objectContaining({ version: 2, amendmentReason: '补充随访安排', suggestedDiagnoses: [] }),
    ]);
    expect((await gql('doctor', ONE, { id: declined.id })).consultation).toMatchObject({
      state: 'DECLINED',
      declineReason: '该时段另有手术',
    });
  });

  it('consultations: the expert publishes their schedule: an extra evening window and a day off next week, shown in the calendar and offered for booking; the weekly hours kept', async () => {
    const { me } = await gql('expert', `{ me { practitionerId } }`);
    const SCHEDULE = `query($e: ID!) { expertAvailability(expertId: $e) {
      rules { weekday start end sessionMinutes mode validFrom validTo } exceptions { date kind start end sessionMinutes mode } } }`;
    const { expertAvailability: before } = await gql('expert', SCHEDULE, { e: me.practitionerId });
    const zone = 'Asia/Shanghai';
    const extraDay = DateTime.now().setZone(zone).plus({ days: 7 }).toISODate()!;
    const offDay = DateTime.now().setZone(zone).plus({ days: 8 }).toISODate()!;
    const context = await newContext();
    try {
      const page = await signIn(context, 'expert');
      await openView(page, 'consultations');
      await page.locator('[data-action=edit-availability]').click();
      const form = page.getByTestId('availability');
      await form.waitFor({ timeout: WAIT_MS });
      expect(await form.locator('[data-testid=rules] tr').count()).toBe(before.rules.length);
      const kept = await form.locator('[data-testid=exceptions] tr').count();
      expect(kept).toBe(before.exceptions.length);
      await form.locator('[data-action=add-exception]').click();
      const extra = form.locator(`[data-testid=exceptions] tr[data-exception="${kept}"]`);
      await extra.locator('input[name=date]').fill(extraDay);
      await extra.locator('select[name=kind]').selectOption('EXTRA_WINDOW');
      await extra.locator('input[name=start]').fill('19:00');
      await extra.locator('input[name=end]').fill('21:00');
      await extra.locator('input[name=sessionMinutes]').fill('30');
      await form.locator('[data-action=add-exception]').click();
      await form
        .locator(`[data-testid=exceptions] tr[data-exception="${kept + 1}"] input[name=date]`)
        .fill(offDay);
      await form.locator('[data-action=publish-availability]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });

      const { expertAvailability: after } = await gql('expert', SCHEDULE, { e: me.practitionerId });
      expect(after.rules).toEqual(before.rules);
      expect(after.exceptions).toEqual(
        expect.arrayContaining([
          {
            date: extraDay,
            kind: 'EXTRA_WINDOW',
            start: '19:00',
            end: '21:00',
            sessionMinutes: 30,
            mode: 'REMOTE',
          },
          { date: offDay, kind: 'DAY_OFF', start: null, end: null, sessionMinutes: null, mode: null },
        ]),
      );
      expect(after.exceptions).toHaveLength(before.exceptions.length + 2);
      // Offered for booking: the evening's four half hours.
      const from = DateTime.fromISO(`${extraDay}T19:00`, { zone });
      const { availableSlots } = await gql(
        'doctor',
        `query($e: ID!, $f: DateTime!, $t: DateTime!) { availableSlots(expertId: $e, from: $f, to: $t, durationMinutes: 30) { slots { start } } }`,
        { e: me.practitionerId, f: from.toUTC().toISO(), t: from.plus({ hours: 2 }).toUTC().toISO() },
      );
      expect(availableSlots[0].slots).toHaveLength(4);
      // And in the calendar, a week on.
      await page.locator('[data-action=next-week]').click();
      const calendar = page.getByTestId('calendar');
      await calendar
        .locator(`[data-dayoff="${offDay}"], [data-extra=true]`)
        .first()
        .waitFor({ timeout: WAIT_MS });
      if (
        DateTime.fromISO(offDay).weekNumber === DateTime.now().setZone(zone).plus({ weeks: 1 }).weekNumber
      ) {
        expect(await calendar.locator(`[data-dayoff="${offDay}"]`).count()).toBe(1);
      }
      expect(
        await calendar.locator('[data-extra=true]').evaluateAll((ws) => ws.map((w) => w.textContent)),
      ).toContain('19:00–21:00 远程 加诊');
      await screenshot(page, 'availability-published');
    } finally {
      await context.close();
    }
  });

  it('drug alignment: coverage and the review queue match the api; a mapping confirmed in the console is confirmed in the database', async () => {
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
        expect({
          mapped: await row.getByTestId('mapped').innerText(),
          pending: await row.getByTestId('pending').innerText(),
        }).toEqual({
          mapped: String(r.mapped),
          pending: String(r.pending),
        });
      }
      expect(await page.getByTestId('queue-count').innerText()).toBe(String(catalogueMappings.nodes.length));
      // The match reason is on screen for each proposal.
      expect(
        (await page.locator('[data-testid=review-queue] [data-testid=reasons]').first().innerText()).length,
      ).toBeGreaterThan(0);

      type M = { id: string; formularyItemId: string | null; proposals: { formularyItemId: string }[] };
      const nodes: M[] = catalogueMappings.nodes;
      // One to remap (two candidates at least), one to confirm as proposed, one to reject.
      const remap = nodes.find((m) => m.proposals.length > 1)!;
      expect(remap).toBeDefined();
      const target =
        nodes.find((m) => m.id !== remap.id && m.formularyItemId) ?? nodes.find((m) => m.id !== remap.id)!;
      await decide(page.locator(`[data-mapping="${target.id}"]`), 'confirm');
      const [row] = await db.ds.query(
        `SELECT status, decided_by FROM drug_mapping WHERE catalogue_item_id = $1`,
        [target.id],
      );
      expect(row.status).toBe('CONFIRMED');
      expect(row.decided_by).not.toBeNull();
      expect(await page.getByTestId('queue-count').innerText()).toBe(
        String(catalogueMappings.nodes.length - 1),
      );

      // A rejection needs its reason, and is the database's too.
      const other = nodes.find((m) => m.id !== target.id && m.id !== remap.id)!;
      const row2 = page.locator(`[data-mapping="${other.id}"]`);
      expect(await row2.locator('[data-action=reject]').isDisabled()).toBe(true);
      await row2.getByLabel('驳回原因 Reason').fill('规格不符,待院内核对');
      await decide(row2, 'reject');
      const [rejected] = await db.ds.query(`SELECT status FROM drug_mapping WHERE catalogue_item_id = $1`, [
        other.id,
      ]);
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

  it('drug alignment: the supply requests match the api; a supply request raised and a mapping decided elsewhere arrive live', async () => {
    const SUPPLY = `{ supplyRequests(first: 100) { nodes { number state formularyItemId } } }`;
    const { supplyRequests } = await gql('pharmacist', SUPPLY);
    expect(supplyRequests.nodes.length).toBeGreaterThan(0);
    const context = await newContext();
    try {
      const page = await signIn(context, 'pharmacist');
      await openView(page, 'drugs');
      const supply = page.getByTestId('supply');
      await supply.locator('tbody tr').first().waitFor();
      await page.getByTestId('review-queue').locator('tbody tr').first().waitFor();
      const rows = () =>
        supply
          .locator('tbody tr')
          .evaluateAll((trs) =>
            trs.map((r) => ({ number: r.getAttribute('data-number'), state: r.getAttribute('data-state') })),
          );
      expect(await rows()).toEqual(
        supplyRequests.nodes.map((n: { number: string; state: string }) => ({
          number: n.number,
          state: n.state,
        })),
      );
      expect(await page.getByTestId('supply-count').innerText()).toBe(String(supplyRequests.nodes.length));
      await page.evaluate(() => ((globalThis as any).marker = 42));

      // The township clinician registers a shortage: it reaches the central pharmacy's open view.
      const { createSupplyRequest } = await gql(
        'towndoc',
        `mutation($i: CreateSupplyRequestInput!) { createSupplyRequest(input: $i) { number state } }`,
        {
          i: {
            formularyItemId: supplyRequests.nodes[0].formularyItemId,
            quantity: 20,
            reason: '慢病患者长期用药,本院缺货',
            idempotencyKey: `console-supply-${Date.now()}`,
          },
        },
      );
      await supply
        .locator(`tr[data-number="${createSupplyRequest.number}"][data-state="${createSupplyRequest.state}"]`)
        .waitFor({ timeout: WAIT_MS });
      expect(await rows()).toEqual(
        (await gql('pharmacist', SUPPLY)).supplyRequests.nodes.map(
          (n: { number: string; state: string }) => ({ number: n.number, state: n.state }),
        ),
      );

      // The consortium admin confirms a member's proposed mapping elsewhere: it leaves the lead pharmacist's queue.
      const { me } = await gql('pharmacist', `{ me { institution { id } } }`);
      const { catalogueMappings } = await gql(
        'pharmacist',
        `{ catalogueMappings(status: PROPOSED, first: 100) { nodes { id version institutionId formularyItemId } } }`,
      );
      const member = catalogueMappings.nodes.find(
        (m: { institutionId: string; formularyItemId: string | null }) =>
          m.institutionId !== me.institution.id && m.formularyItemId,
      );
      expect(member).toBeDefined();
      await page.locator(`[data-mapping="${member.id}"]`).waitFor();
      await eventually(async () => {
        // The worker may still be re-matching after a decision: read the version again on a conflict.
        const { catalogueItem } = await gql(
          'admin',
          `query($id: ID!) { catalogueItem(id: $id) { mapping { version status } } }`,
          { id: member.id },
        );
        if (catalogueItem.mapping.status !== 'PROPOSED') return true;
        await gql(
          'admin',
          `mutation($id: ID!, $v: Int!) { confirmMapping(id: $id, expectedVersion: $v) { status } }`,
          { id: member.id, v: catalogueItem.mapping.version },
        ).catch(() => null);
        return false;
      }, WAIT_MS);
      await page.locator(`[data-mapping="${member.id}"]`).waitFor({ state: 'detached', timeout: WAIT_MS });
      const { catalogueMappings: after } = await gql(
        'pharmacist',
        `{ catalogueMappings(status: PROPOSED, first: 100) { nodes { id } } }`,
      );
      await eventually(
        async () => (await page.getByTestId('queue-count').innerText()) === String(after.nodes.length),
        WAIT_MS,
      );
      await screenshot(page, 'drugs-live');
      expect(await page.evaluate(() => (globalThis as any).marker)).toBe(42);
    } finally {
      await context.close();
    }
  });

  it('drug alignment: a township clinician raises a supply request in the console, found in the unified list', async () => {
    const { formulary } = await gql('towndoc', `{ formulary(first: 1) { nodes { id genericName } } }`);
    const drug = formulary.nodes[0];
    const MINE = `{ supplyRequests(box: OUTGOING, first: 100) { nodes { id number state formularyItemId quantity urgency reason } } }`;
    const before = (await gql('towndoc', MINE)).supplyRequests.nodes.length;
    const context = await newContext();
    try {
      const page = await signIn(context, 'towndoc');
      await openView(page, 'drugs');
      await page.locator('[data-action=new-supply]').click();
      const form = page.getByTestId('new-supply');
      await form.getByLabel('药品').fill(drug.genericName);
      await form.locator('[data-action=find-item]').click();
      await form.locator(`[data-testid=ns-found] [data-item="${drug.id}"]`).click();
      await form.getByLabel('数量').fill('12');
      await form.getByLabel('紧急程度').selectOption('URGENT');
      // A reason of at least two characters, or no button.
      await form.getByLabel('原因').fill('缺');
      expect(await form.locator('[data-action=raise]').isDisabled()).toBe(true);
      await form.getByLabel('原因').fill('下转患者需长期服用,本院缺货');
      await form.locator('[data-action=raise]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      const after = (await gql('towndoc', MINE)).supplyRequests.nodes;
      expect(after).toHaveLength(before + 1);
      const raised = after[0];
      expect(raised).toMatchObject({
        state: 'REQUESTED',
        formularyItemId: drug.id,
        quantity: 12,
        urgency: 'URGENT',
        reason: '下转患者需长期服用,本院缺货',
      });
      await page
        .locator(`[data-testid=supply] tr[data-number="${raised.number}"][data-state=REQUESTED]`)
        .waitFor({ timeout: WAIT_MS });
    } finally {
      await context.close();
    }
  });

  it('drug alignment: the central pharmacist approves, rejects and dispatches supply requests; the clinician who raised one is told and receives it; a request decided meanwhile is refused and shown as it is', async () => {
    const { supplyRequests } = await gql(
      'pharmacist',
      `{ supplyRequests(first: 1) { nodes { formularyItemId } } }`,
    );
    const raise = async (reason: string) =>
      (
        await gql(
          'towndoc',
          `mutation($i: CreateSupplyRequestInput!) { createSupplyRequest(input: $i) { id number state } }`,
          {
            i: {
              formularyItemId: supplyRequests.nodes[0].formularyItemId,
              quantity: 20,
              reason,
              idempotencyKey: `console-decide-${reason.length}-${Date.now()}`,
            },
          },
        )
      ).createSupplyRequest as { id: string; number: string; state: string };
    const approved = await raise('本院缺货,慢病患者续药');
    const rejected = await raise('本院缺货,季节性用量增加');
    const stale = await raise('本院缺货,下转患者带药不足');
    const ONE = `query($id: ID!) { supplyRequest(id: $id) { state version quantityDispatched quantityReceived rejectReason } }`;
    const context = await newContext();
    // No live pushes on this page: it must not learn of the decision made elsewhere below before
    // its user acts on what it shows.
    await context.routeWebSocket(/\/socket\.io\//, () => undefined);
    const townContext = await newContext();
    try {
      const page = await signIn(context, 'pharmacist');
      await openView(page, 'drugs');
      const row = (n: { number: string }, state?: string) =>
        page.locator(
          `[data-testid=supply] tr[data-number="${n.number}"]${state ? `[data-state="${state}"]` : ''}`,
        );
      await row(approved, 'REQUESTED').waitFor();
      // The central pharmacy decides; nothing on its rows offers receipt, which is the requester's.
      expect(await page.locator('[data-testid=supply] [data-action=receive]').count()).toBe(0);

      await row(approved).locator('[data-action=approve]').click();
      await row(approved, 'APPROVED').waitFor({ timeout: WAIT_MS });
      await row(approved).getByLabel('配送数量 Quantity sent').fill('15');
      await row(approved).locator('[data-action=dispatch]').click();
      await row(approved, 'DISPATCHED').waitFor({ timeout: WAIT_MS });
      expect(await row(approved).locator('button').count()).toBe(0);

      // A rejection needs a reason: the button waits for one.
      expect(await row(rejected).locator('[data-action=reject]').isDisabled()).toBe(true);
      await row(rejected).getByLabel('驳回原因 Reason').fill('库存充足,请向片区分院调剂');
      await row(rejected).locator('[data-action=reject]').click();
      await row(rejected, 'REJECTED').waitFor({ timeout: WAIT_MS });
      expect(await row(rejected).innerText()).toContain('库存充足,请向片区分院调剂');

      // Decided elsewhere while this page still shows it as requested: refused, then shown as it is.
      const { supplyRequest: before } = await gql('admin', ONE, { id: stale.id });
      await gql(
        'admin',
        `mutation($i: ApproveSupplyRequestInput!) { approveSupplyRequest(input: $i) { state } }`,
        {
          i: { id: stale.id, expectedVersion: before.version },
        },
      );
      await row(stale, 'REQUESTED').locator('[data-action=approve]').click();
      await row(stale, 'APPROVED').waitFor({ timeout: WAIT_MS });
      expect(await page.getByTestId('supply-error').innerText()).toMatch(/版本|version/i);
      expect((await gql('admin', ONE, { id: stale.id })).supplyRequest).toMatchObject({
        state: 'APPROVED',
        version: before.version + 1,
      });

      // The township clinician who raised it is told, and confirms receipt of what was sent: the
      // notice opens the supply requests, which is all of the view a clinician works on.
      const township = await signIn(townContext, 'towndoc');
      await township.getByTestId('inbox-button').click();
      const notice = township.locator(`[data-testid=inbox] li a[href="#/drugs"]`).first();
      await notice.waitFor({ timeout: WAIT_MS });
      await notice.click();
      await township.getByTestId('view-drugs').waitFor();
      expect(await township.getByTestId('coverage').count()).toBe(0);
      expect(await township.getByTestId('review-queue').count()).toBe(0);
      const received = township.locator(`[data-testid=supply] tr[data-number="${approved.number}"]`);
      await received.locator('[data-action=receive]').waitFor({ timeout: WAIT_MS });
      expect(await township.locator('[data-testid=supply] [data-action=approve]').count()).toBe(0);
      expect(await received.getByLabel('实收数量 Quantity received').inputValue()).toBe('15');
      await received.locator('[data-action=receive]').click();
      await township
        .locator(`[data-testid=supply] tr[data-number="${approved.number}"][data-state="RECEIVED"]`)
        .waitFor({ timeout: WAIT_MS });
      await screenshot(township, 'drugs-supply-received');
    } finally {
      await context.close();
      await townContext.close();
    }
    expect((await gql('pharmacist', ONE, { id: approved.id })).supplyRequest).toMatchObject({
      state: 'RECEIVED',
      quantityDispatched: 15,
      quantityReceived: 15,
    });
    expect((await gql('pharmacist', ONE, { id: rejected.id })).supplyRequest).toMatchObject({
      state: 'REJECTED',
      rejectReason: '库存充足,请向片区分院调剂',
    });
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
      expect(await page.getByTestId('chain').locator('[data-ok]').getAttribute('data-ok')).toBe(
        String(verifyAuditChain.ok),
      );
      // The newest events; the console's own sign-ins may have been added since, so compare what both hold.
      const shown = await page
        .getByTestId('audit-events')
        .locator('tbody tr')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));
      const older = auditEvents.nodes.map((n: { id: string }) => n.id);
      expect(shown.filter((id) => older.includes(id!)).length).toBeGreaterThan(40);
      // Outcomes by name: 成功 for a SUCCESS, not the code.
      const success = page.locator('[data-testid=audit-events] [data-outcome=SUCCESS]').first();
      expect((await success.innerText()).trim()).toMatch(/^成功/);

      // A filter narrows the trail to what the api answers for it.
      const { auditEvents: logins } = await gql(
        'auditor',
        `{ auditEvents(first: 50, filter: { action: "login" }) { nodes { action } } }`,
      );
      await page.locator('input[name=action]').fill('login');
      await page.getByRole('button', { name: '筛选' }).click();
      const codes = () =>
        page
          .locator('[data-testid=audit-events] tbody tr td[data-action-code]')
          .evaluateAll((tds) => tds.map((td) => td.getAttribute('data-action-code')!));
      await eventually(async () => {
        const actions = await codes();
        return (
          actions.length >= Math.min(logins.nodes.length, 1) && actions.every((a) => a.startsWith('login'))
        );
      }, WAIT_MS);
      // Actions by name, the code beside: a submitted referral reads 转诊 · 提交.
      await page.locator('input[name=action]').fill('referral.submit');
      await page.getByRole('button', { name: '筛选' }).click();
      const submitted = page
        .locator('[data-testid=audit-events] td[data-action-code="referral.submit"]')
        .first();
      await submitted.waitFor({ timeout: WAIT_MS });
      expect((await submitted.innerText()).trim()).toMatch(/^转诊 · 提交\s+referral\.submit$/);
    } finally {
      await context.close();
    }
  });

  it("audit: the trail pages on past 50, an actor's whole id filters by a click or by the shown prefix, the entity type is chosen from the api's", async () => {
    const Q = `query($f: AuditEventFilter, $a: String) { auditEvents(first: 50, filter: $f, after: $a) {
      nodes { id actorUserId actorName actorInstitutionName entityType } pageInfo { endCursor hasNextPage } } }`;
    const { auditEvents: firstPage } = await gql('auditor', Q, {});
    expect(firstPage.pageInfo.hasNextPage).toBe(true);
    const { auditEvents: secondPage } = await gql('auditor', Q, { a: firstPage.pageInfo.endCursor });
    const { auditEvents: referrals } = await gql('auditor', Q, { f: { entityType: 'Referral' } });
    expect(referrals.nodes.length).toBeGreaterThan(0);
    const context = await newContext();
    try {
      const page = await signIn(context, 'auditor');
      await openView(page, 'audit');
      const table = page.getByTestId('audit-events');
      const ids = () =>
        table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')!));
      await table.locator('tbody tr').first().waitFor();
      expect(await table.locator('tbody tr').count()).toBe(50);
      // The next page follows on (the console's own sign-in may have pushed one event over the edge).
      await page.locator('[data-action=more]').click();
      await eventually(async () => (await ids()).length > 50, WAIT_MS);
      const shown = await ids();
      expect(new Set(shown).size).toBe(shown.length);
      expect(secondPage.nodes.filter((n: { id: string }) => shown.includes(n.id)).length).toBeGreaterThan(45);
      await screenshot(page, 'audit-more');

      // The entity type from a list: exactly the api's answer for `Referral`.
      await page.locator('select[name=entityType]').selectOption('Referral');
      await page.getByRole('button', { name: '筛选' }).click();
      const want = referrals.nodes.map((n: { id: string }) => n.id);
      await eventually(async () => JSON.stringify(await ids()) === JSON.stringify(want), WAIT_MS);
      expect(await page.locator('[data-action=more]').count()).toBe(referrals.pageInfo.hasNextPage ? 1 : 0);

      // An actor is shown by name and institution, as the api names them.
      const acted = referrals.nodes.find((n: { actorUserId: string | null }) => n.actorUserId);
      expect(acted.actorName).toMatch(/[\u4e00-\u9fff]/);
      const cell = await table.locator(`tr[data-id="${acted.id}"] td:nth-child(4)`).innerText();
      expect(cell).toContain(acted.actorName);
      expect(cell).toContain(acted.actorInstitutionName);
      // An actor clicked fills the whole id in and narrows the trail to that actor.
      const actor = acted.actorUserId;
      await table.locator(`tr[data-actor="${actor}"] td:nth-child(4) button`).first().click();
      expect(await page.locator('input[name=actorUserId]').inputValue()).toBe(actor);
      const { auditEvents: byActor } = await gql('auditor', Q, {
        f: { entityType: 'Referral', actorUserId: actor },
      });
      const actorIds = byActor.nodes.map((n: { id: string }) => n.id);
      await eventually(async () => JSON.stringify(await ids()) === JSON.stringify(actorIds), WAIT_MS);

      // The 8 characters the table shows, typed in: the same actor, no refusal.
      await page.locator('select[name=entityType]').selectOption('');
      await page.getByRole('button', { name: '筛选' }).click();
      await eventually(async () => (await ids()).length > actorIds.length, WAIT_MS);
      await page.locator('input[name=actorUserId]').fill(actor.slice(0, 8));
      await page.getByRole('button', { name: '筛选' }).click();
      await eventually(
        async () =>
          (await page.locator('input[name=actorUserId]').inputValue()) === actor &&
          (await table
            .locator('tbody tr')
            .evaluateAll(
              (rows, a) => rows.length > 0 && rows.every((r) => r.getAttribute('data-actor') === a),
              actor,
            )),
        WAIT_MS,
      );
      expect(await page.getByRole('alert').count()).toBe(0);
    } finally {
      await context.close();
    }
  });

  it(
    'indicators: cards, trend, comparison and drill-down match the api; the export is the month as a workbook; a quarter for one tier too',
    async () => {
      const month = lastMonth();
      const period = { kind: 'MONTH', month };
      const RESULT = `code value met reason definition { formula { numerator { terms { key } } denominator { terms { key } } } }`;
      const { indicatorReport } = await gql(
        'admin',
        `query($p: IndicatorPeriodInput!) { indicatorReport(scope: { kind: CONSORTIUM }, period: $p) { results { ${RESULT} } } }`,
        { p: period },
      );
      type R = {
        code: string;
        value: number | null;
        met: boolean | null;
        reason: string | null;
        definition: any;
      };
      const results: R[] = indicatorReport.results;
      expect(results.length).toBeGreaterThan(0);
      const context = await newContext();
      try {
        const page = await signIn(context, 'admin');
        await openView(page, 'indicators');
        const cards = page.getByTestId('indicator-cards');
        await cards.locator('[data-code]').first().waitFor();
        // Every card: the value (a dash and the reason when there is none), target met or not.
        expect(
          await cards
            .locator('[data-code]')
            .evaluateAll((els) => els.map((e) => e.getAttribute('data-code'))),
        ).toEqual(results.map((r) => r.code));
        for (const r of results) {
          const card = cards.locator(`[data-code="${r.code}"]`);
          const shown = {
            code: r.code,
            value: await card.getAttribute('data-value'),
            text: (await card.getByTestId('value').innerText()).split(/\s/)[0],
            met: await card.locator('[data-met]').getAttribute('data-met'),
            reason: r.value === null ? await card.getByTestId('reason').innerText() : null,
          };
          expect(shown).toEqual({
            code: r.code,
            value: String(r.value),
            text: figure(r.value),
            met: String(r.met),
            reason: r.value === null ? r.reason : null,
          });
        }

        // The trend of an indicator over referrals (the demo has them): 24 months as the api answers.
        const chosen =
          results.find((r) =>
            r.definition.formula.numerator.terms.some((t: { key: string }) => t.key.startsWith('ref.')),
          ) ?? results[0];
        await cards.locator(`[data-code="${chosen.code}"]`).click();
        await page
          .locator(`[data-testid=trend][data-code="${chosen.code}"][data-loaded=true]`)
          .waitFor({ timeout: WAIT_MS });
        const { indicator } = await gql(
          'admin',
          `query($c: String!, $p: IndicatorPeriodInput!) { indicator(code: $c, scope: { kind: CONSORTIUM }, period: $p, trendMonths: 24) { trend { month value } } }`,
          { c: chosen.code, p: period },
        );
        expect(indicator.trend).toHaveLength(24);
        const trend = await page
          .locator('[data-testid=trend-table] tr')
          .evaluateAll((rows) =>
            rows.map((r) => ({ month: r.getAttribute('data-month'), value: r.getAttribute('data-value') })),
          );
        expect(trend).toEqual(
          indicator.trend.map((p: { month: string; value: number | null }) => ({
            month: p.month,
            value: String(p.value),
          })),
        );

        // Institutions compared on it: each one's own report.
        const comparison = page.locator(
          `[data-testid=comparison][data-code="${chosen.code}"][data-loaded=true]`,
        );
        await Promise.race([
          comparison.waitFor({ timeout: 120_000 }),
          page
            .getByRole('alert')
            .waitFor({ timeout: 120_000 })
            .then(async () => {
              throw new Error(await page.getByRole('alert').innerText());
            }),
        ]);
        const compared = await comparison
          .locator('tr[data-institution]')
          .evaluateAll((rows) =>
            rows.map((r) => [r.getAttribute('data-institution')!, r.getAttribute('data-value')!]),
          );
        expect(compared.length).toBeGreaterThan(10);
        for (const [institutionId, value] of compared.slice(0, 4)) {
          const { indicator: own } = await gql(
            'admin',
            `query($c: String!, $s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) { indicator(code: $c, scope: $s, period: $p) { result { value } } }`,
            { c: chosen.code, s: { kind: 'INSTITUTION', institutionId }, p: period },
          );
          expect({ institutionId, value }).toEqual({ institutionId, value: String(own.result.value) });
        }
        await screenshot(page, 'indicators', true);

        // Drill-down: the records behind the first measure, the api's count and first page.
        const measure = chosen.definition.formula.numerator.terms[0].key;
        const button = page.locator(`[data-testid=measures] [data-measure="${measure}"]`);
        // Named in Chinese, the key in its tooltip.
        expect(await button.getAttribute('title')).toBe(measure);
        expect(await button.innerText()).toMatch(/[\u4e00-\u9fff]/);
        expect(await button.innerText()).not.toContain(measure);
        await button.click();
        const drill = page.locator(`[data-testid=contributors][data-measure="${measure}"][data-loaded=true]`);
        await drill.waitFor({ timeout: WAIT_MS });
        const { indicatorContributors } = await gql(
          'admin',
          `query($c: String!, $p: IndicatorPeriodInput!, $m: String!) { indicatorContributors(code: $c, scope: { kind: CONSORTIUM }, period: $p, measure: $m, offset: 0, limit: 50) { total rows { id } } }`,
          { c: chosen.code, p: period, m: measure },
        );
        expect(await drill.getByTestId('contributors-total').innerText()).toBe(
          String(indicatorContributors.total),
        );
        expect(
          await drill.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id'))),
        ).toEqual(indicatorContributors.rows.map((r: { id: string }) => r.id));
        await screenshot(page, 'indicators-drill-down', true);

        // The export: a workbook exceljs opens, one row per indicator of the month.
        const [download] = await Promise.all([
          page.waitForEvent('download'),
          page.locator('[data-action=export]').click(),
        ]);
        expect(download.suggestedFilename()).toBe(`indicators-${month}.xlsx`);
        const file = join(ARTIFACTS, `indicators-${month}.xlsx`);
        await download.saveAs(file);
        const book = new ExcelJS.Workbook();
        await book.xlsx.readFile(file);
        const sheet = book.worksheets[0];
        expect(sheet.getRow(1).getCell(2).value).toBe('代码');
        const codes: unknown[] = [];
        sheet.eachRow((row, n) => n > 1 && codes.push(row.getCell(2).value));
        expect(codes).toEqual(results.map((r) => r.code));
        const first = results.find((r) => r.value !== null);
        if (first) expect(sheet.getRow(2 + results.indexOf(first)).getCell(6).value).toBe(first.value);

        // The quarter, for the township tier: cards, the comparison of that tier's members and the
        // export are the api's answers for that period and scope.
        const quarter = { kind: 'QUARTER', month };
        const township = { kind: 'TIER', tier: 'TOWNSHIP' };
        const { indicatorReport: q } = await gql(
          'admin',
          `query($s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) { indicatorReport(scope: $s, period: $p) { period { from to } results { code value } } }`,
          { s: township, p: quarter },
        );
        await page.locator('select[name=periodKind]').selectOption('QUARTER');
        await page.locator('select[name=scope]').selectOption('TIER:TOWNSHIP');
        await page
          .locator(`[data-testid=published][data-from="${q.period.from}"][data-to="${q.period.to}"]`)
          .waitFor({ timeout: WAIT_MS });
        await eventually(async () => {
          const shown = await cards
            .locator('[data-code]')
            .evaluateAll((els) =>
              els.map((e) => [e.getAttribute('data-code'), e.getAttribute('data-value')]),
            );
          return (
            JSON.stringify(shown) ===
            JSON.stringify(
              q.results.map((r: { code: string; value: number | null }) => [r.code, String(r.value)]),
            )
          );
        }, WAIT_MS);
        expect(q.results.some((r: { value: number | null }) => r.value !== null)).toBe(true);
        const { institutions } = await gql(
          'admin',
          `{ institutions(first: 100) { nodes { id tier kind } } }`,
        );
        const townships = institutions.nodes
          .filter(
            (i: { tier: string; kind: string }) => i.tier === 'TOWNSHIP' && i.kind !== 'PARTNER_HOSPITAL',
          )
          .map((i: { id: string }) => i.id);
        const tierComparison = page.locator(
          `[data-testid=comparison][data-code="${chosen.code}"][data-loaded=true]`,
        );
        await tierComparison.waitFor({ timeout: 120_000 });
        const tierRows = await tierComparison
          .locator('tr[data-institution]')
          .evaluateAll((rows) =>
            rows.map((r) => [r.getAttribute('data-institution')!, r.getAttribute('data-value')!]),
          );
        expect(tierRows.map(([id]) => id).sort()).toEqual([...townships].sort());
        const [firstTown, firstValue] = tierRows[0];
        const { indicator: town } = await gql(
          'admin',
          `query($c: String!, $s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) { indicator(code: $c, scope: $s, period: $p) { result { value } } }`,
          {
            c: chosen.code,
            s: { kind: 'INSTITUTION', institutionId: firstTown },
            p: quarter,
          },
        );
        expect(firstValue).toBe(String(town.result.value));
        await screenshot(page, 'indicators-quarter-township', true);
        const [qDownload] = await Promise.all([
          page.waitForEvent('download'),
          page.locator('[data-action=export]').click(),
        ]);
        expect(qDownload.suggestedFilename()).toBe(
          `indicators-${q.period.from}_${q.period.to}-tier-TOWNSHIP.xlsx`,
        );
        const qFile = join(ARTIFACTS, qDownload.suggestedFilename());
        await qDownload.saveAs(qFile);
        const qBook = new ExcelJS.Workbook();
        await qBook.xlsx.readFile(qFile);
        const qRows: unknown[][] = [];
        qBook.worksheets[0].eachRow(
          (row, n) => n > 1 && qRows.push([row.getCell(2).value, row.getCell(6).value]),
        );
        expect(qRows).toEqual(
          q.results.map((r: { code: string; value: number | null }) => [r.code, r.value]),
        );
      } finally {
        await context.close();
      }
    },
    VIEW_TIMEOUT,
  );

  it("indicators: a consortium admin edits an indicator's names, working definition and targets as a new version, which the month shown takes unless it is published; a version saved meanwhile is refused and shown; an auditor is not offered the edit", async () => {
    const period = { kind: 'MONTH', month: lastMonth() };
    const REPORT = `query($p: IndicatorPeriodInput!) { indicatorReport(scope: { kind: CONSORTIUM }, period: $p) {
      published results { code definition { version workingDefinition targets { source value note } } } } }`;
    const DEFS = `{ indicatorDefinitions { code version own nameEn workingDefinition changeNote targets { source value note } } }`;
    const reported = async () => (await gql('admin', REPORT, { p: period })).indicatorReport.results;
    const { published } = (await gql('admin', REPORT, { p: period })).indicatorReport;
    const [first] = await reported();
    const code: string = first.code;
    const defOf = async () =>
      (await gql('admin', DEFS)).indicatorDefinitions.find((d: { code: string }) => d.code === code);
    const before = await defOf();
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      await openView(page, 'indicators');
      const detail = page.locator(`[data-testid=indicator-detail][data-code="${code}"]`);
      await detail.waitFor({ timeout: WAIT_MS });
      // What the month was computed with, as the report gives it.
      expect(await detail.getByTestId('working-definition').innerText()).toBe(
        first.definition.workingDefinition,
      );
      expect((await detail.getByTestId('definition-version').innerText()).split(' ')[0]).toBe(
        String(first.definition.version),
      );

      await detail.locator('[data-action=edit-definition]').click();
      const form = page.getByTestId('edit-definition');
      await form.waitFor({ timeout: WAIT_MS });
      // The form starts from the current version, which a published month may no longer use.
      expect(await form.locator('#def-text').inputValue()).toBe(before.workingDefinition);
      expect(await form.locator('#def-name-en').inputValue()).toBe(before.nameEn);
      const text = `${before.workingDefinition}(本医共体口径:含家庭医生签约随访)`;
      const fill = async () => {
        await form.locator('#def-text').fill(text);
        await form.locator('input[name=target-CONSORTIUM]').fill('93.5');
        await form.locator('input[name=target-note-CONSORTIUM]').fill('区卫健委 2027 年度目标');
      };
      await fill();
      // Why it changed is required: no note, no save.
      expect(await form.locator('[data-action=save-definition]').isDisabled()).toBe(true);
      await form.locator('input[name=changeNote]').fill('按区卫健委新年度目标调整');
      // Meanwhile another admin renames it: the form's version is no longer the current one.
      const renamed = `${before.nameEn} (consortium wording)`;
      await gql(
        'admin',
        `mutation($i: UpdateIndicatorDefinitionInput!) { updateIndicatorDefinition(input: $i) { version } }`,
        {
          i: { code, version: before.version, nameEn: renamed, changeNote: '英文名称调整' },
        },
      );
      await form.locator('[data-action=save-definition]').click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('指标定义已被修改');
      // Shown as it is now, nothing of this form saved.
      await eventually(async () => (await form.locator('#def-name-en').inputValue()) === renamed, WAIT_MS);
      expect(await form.locator('#def-text').inputValue()).toBe(before.workingDefinition);
      expect((await defOf()).version).toBe(before.version + 1);
      // Again, on the version now read, the English name put back.
      await fill();
      await form.locator('#def-name-en').fill(before.nameEn);
      await form.locator('[data-action=save-definition]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });

      const after = await defOf();
      expect(after).toMatchObject({
        version: before.version + 2,
        own: true,
        nameEn: before.nameEn,
        workingDefinition: text,
        changeNote: '按区卫健委新年度目标调整',
      });
      expect(after.targets).toEqual(
        expect.arrayContaining([{ source: 'CONSORTIUM', value: 93.5, note: '区卫健委 2027 年度目标' }]),
      );
      expect(after.targets.filter((t: { source: string }) => t.source === 'CONSORTIUM')).toHaveLength(1);
      // The targets kept from other sources are the ones it had.
      expect(after.targets.filter((t: { source: string }) => t.source !== 'CONSORTIUM')).toEqual(
        before.targets.filter((t: { source: string }) => t.source !== 'CONSORTIUM'),
      );
      // The month on screen shows the version the api computes it with now (kept if published).
      const now = (await reported()).find((r: { code: string }) => r.code === code).definition;
      // A published month keeps the version it was computed with; an open one takes the new one.
      expect(now.version).toBe(published ? first.definition.version : before.version + 2);
      await eventually(
        async () =>
          (await detail.getByTestId('definition-version').innerText()).split(' ')[0] === String(now.version),
        WAIT_MS,
      );
      expect(await detail.getByTestId('working-definition').innerText()).toBe(now.workingDefinition);
      await screenshot(page, 'indicator-definition');
    } finally {
      await context.close();
    }
    const auditorContext = await newContext();
    try {
      const page = await signIn(auditorContext, 'auditor');
      await openView(page, 'indicators');
      await page.locator('[data-testid=indicator-detail]').waitFor({ timeout: WAIT_MS });
      expect(await page.locator('[data-action=edit-definition]').count()).toBe(0);
    } finally {
      await auditorContext.close();
    }
  });

  it('indicators: another card never asks for the previous measure; a member without a target shows 无目标', async () => {
    const period = { kind: 'MONTH', month: lastMonth() };
    const { indicatorReport } = await gql(
      'admin',
      `query($p: IndicatorPeriodInput!) { indicatorReport(scope: { kind: CONSORTIUM }, period: $p) {
         results { code value target { value } definition { formula { numerator { terms { key } } denominator { terms { key } } } } } } }`,
      { p: period },
    );
    type R = { code: string; value: number | null; target: { value: number } | null; definition: any };
    const keys = (r: R) =>
      [...r.definition.formula.numerator.terms, ...(r.definition.formula.denominator?.terms ?? [])].map(
        (t: { key: string }) => t.key,
      );
    const results: R[] = indicatorReport.results;
    const first = results.find((r) => keys(r).length > 0)!;
    const measure = keys(first)[0];
    // Another indicator that does not use that measure and has no target.
    const other = results.find((r) => !keys(r).includes(measure) && !r.target && r.value !== null)!;
    expect(other).toBeDefined();
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      const asked: { code: string; measure: string }[] = [];
      page.on('request', (req) => {
        const body = req.postDataJSON?.() as { query?: string; variables?: any } | null;
        if (body?.query?.includes('query IndicatorContributors'))
          asked.push({ code: body.variables.code, measure: body.variables.measure });
      });
      await openView(page, 'indicators');
      const cards = page.getByTestId('indicator-cards');
      await cards.locator(`[data-code="${first.code}"]`).click();
      await page.locator(`[data-testid=measures] [data-measure="${measure}"]`).click();
      await page
        .locator(`[data-testid=contributors][data-measure="${measure}"][data-loaded=true]`)
        .waitFor({ timeout: WAIT_MS });
      await cards.locator(`[data-code="${other.code}"]`).click();
      await page.locator(`[data-testid=indicator-detail][data-code="${other.code}"]`).waitFor();
      const comparison = page.locator(
        `[data-testid=comparison][data-code="${other.code}"][data-loaded=true]`,
      );
      await comparison.waitFor({ timeout: 120_000 });
      expect(asked.filter((a) => a.code === other.code)).toEqual([]);
      expect(await page.getByTestId('contributors').count()).toBe(0);
      expect(await page.getByRole('alert').count()).toBe(0);

      // The members' figures: a value without a target is 无目标, as on the cards, not 无法判定.
      const { indicator } = await gql(
        'admin',
        `query($c: String!, $s: IndicatorScopeInput!, $p: IndicatorPeriodInput!) { indicator(code: $c, scope: $s, period: $p) { result { value target { value } } } }`,
        {
          c: other.code,
          s: {
            kind: 'INSTITUTION',
            institutionId: await comparison
              .locator('tr[data-institution]')
              .first()
              .getAttribute('data-institution'),
          },
          p: period,
        },
      );
      expect(indicator.result.target).toBeNull();
      const badges = await comparison
        .locator('tr[data-institution]:not([data-value="null"]) [data-met]')
        // Inside a closed <details>: the text, not what is rendered.
        .evaluateAll((els) => els.map((e) => e.textContent ?? ''));
      expect(badges.length).toBeGreaterThan(0);
      for (const b of badges) expect(b).toContain('无目标');
    } finally {
      await context.close();
    }
  });

  it(
    "seven unifications: the grid, roll-up, reasons and evidence match the api, by month and for a tier's year so far; an institution admin sees its own, and its assessment history",
    async () => {
      const period = { kind: 'MONTH', month: lastMonth() };
      const { sevenUnifications } = await gql(
        'admin',
        `query($p: IndicatorPeriodInput!) { sevenUnifications(scope: { kind: CONSORTIUM }, period: $p) {
         rollup { dimension outcome met partial notMet }
         institutions { institutionId dimensions { dimension outcome items { code outcome reason evidenceIds } } } } }`,
        { p: period },
      );
      type Card = {
        institutionId: string;
        dimensions: {
          dimension: string;
          outcome: string;
          items: { code: string; outcome: string; reason: string; evidenceIds: string[] }[];
        }[];
      };
      const cards: Card[] = sevenUnifications.institutions;
      expect(cards.length).toBeGreaterThan(0);
      const context = await newContext();
      try {
        const page = await signIn(context, 'admin');
        await openView(page, 'unification');
        const grid = page.getByTestId('unification-grid');
        await grid.locator('tbody tr').first().waitFor();
        await screenshot(page, 'unification');
        const shown = await grid.locator('tbody tr').evaluateAll((rows) =>
          rows.map((r) => ({
            institutionId: r.getAttribute('data-institution'),
            dimensions: [...r.querySelectorAll('td[data-dimension]')].map((td) => ({
              dimension: td.getAttribute('data-dimension'),
              outcome: td.getAttribute('data-outcome'),
            })),
          })),
        );
        expect(shown).toEqual(
          cards.map((c) => ({
            institutionId: c.institutionId,
            dimensions: c.dimensions.map((d) => ({ dimension: d.dimension, outcome: d.outcome })),
          })),
        );
        for (const r of sevenUnifications.rollup) {
          const cell = grid.locator(`[data-testid=rollup] td[data-dimension="${r.dimension}"]`);
          expect({
            d: r.dimension,
            outcome: await cell.getAttribute('data-outcome'),
            counts: await cell.getByTestId('rollup-counts').innerText(),
          }).toEqual({
            d: r.dimension,
            outcome: r.outcome,
            counts: `${r.met}/${r.partial}/${r.notMet}`,
          });
        }

        // A cell resting on documents (the demo's reviewed evidence): each item's reason and its documents.
        const card =
          cards.find((c) => c.dimensions.some((d) => d.items.some((i) => i.evidenceIds.length))) ?? cards[0];
        const dim =
          card.dimensions.find((d) => d.items.some((i) => i.evidenceIds.length)) ?? card.dimensions[0];
        await grid
          .locator(
            `tr[data-institution="${card.institutionId}"] td[data-dimension="${dim.dimension}"] button`,
          )
          .click();
        const detail = page.locator(
          `[data-testid=unification-detail][data-institution="${card.institutionId}"][data-dimension="${dim.dimension}"]`,
        );
        await detail.waitFor();
        const items = await detail.locator('tr[data-item]').evaluateAll((rows) =>
          rows.map((r) => ({
            code: r.getAttribute('data-item'),
            outcome: r.getAttribute('data-outcome'),
            reason: (r.querySelector('[data-testid=item-reason]') as any).innerText,
          })),
        );
        expect(items).toEqual(dim.items.map((i) => ({ code: i.code, outcome: i.outcome, reason: i.reason })));
        const { unificationEvidence } = await gql(
          'admin',
          `query($i: ID) { unificationEvidence(institutionId: $i) { id status } }`,
          { i: card.institutionId },
        );
        await eventually(
          async () =>
            (await detail.locator('[data-testid=evidence] li').count()) === unificationEvidence.length,
          WAIT_MS,
        );
        for (const e of unificationEvidence)
          expect(
            await detail
              .locator(`[data-testid=evidence] li[data-evidence="${e.id}"]`)
              .getAttribute('data-status'),
          ).toBe(e.status);
        await screenshot(page, 'unification-detail');

        // The year so far, county tier only: the grid is the api's answer for that period and scope.
        const ytd = { kind: 'YEAR_TO_DATE', month: lastMonth() };
        const { sevenUnifications: county } = await gql(
          'admin',
          `query($p: IndicatorPeriodInput!) { sevenUnifications(scope: { kind: TIER, tier: COUNTY }, period: $p) {
           period { label } institutions { institutionId tier dimensions { dimension outcome } } } }`,
          { p: ytd },
        );
        expect(county.institutions.length).toBeGreaterThan(0);
        expect(county.institutions.length).toBeLessThan(cards.length);
        // The consortium's year so far is answered late, after the county's that replaced it on
        // screen: the grid must stay the county's (a superseded answer never wins).
        let delayed = 0;
        await page.route('**/graphql', async (route) => {
          const body = route.request().postDataJSON() as {
            query?: string;
            variables?: { scope?: { kind?: string }; period?: { kind?: string } };
          } | null;
          if (
            body?.query?.includes('query SevenUnifications') &&
            body.variables?.scope?.kind === 'CONSORTIUM' &&
            body.variables.period?.kind === 'YEAR_TO_DATE'
          ) {
            delayed++;
            await new Promise((r) => setTimeout(r, 1500));
          }
          await route.fallback();
        });
        await page.locator('select[name=periodKind]').selectOption('YEAR_TO_DATE');
        await page.locator('select[name=scope]').selectOption('TIER:COUNTY');
        await page.getByTestId('rule').filter({ hasText: county.period.label }).waitFor({ timeout: WAIT_MS });
        // Past the late answer's arrival, so the comparison below sees whatever it left.
        await new Promise((r) => setTimeout(r, 2000));
        expect(delayed).toBeGreaterThan(0);
        const grid2 = () =>
          grid.locator('tbody tr').evaluateAll((rows) =>
            rows.map((r) => ({
              institutionId: r.getAttribute('data-institution'),
              dimensions: [...r.querySelectorAll('td[data-dimension]')].map((td) => ({
                dimension: td.getAttribute('data-dimension'),
                outcome: td.getAttribute('data-outcome'),
              })),
            })),
          );
        const want = county.institutions.map((c: Card) => ({
          institutionId: c.institutionId,
          dimensions: c.dimensions.map((d) => ({ dimension: d.dimension, outcome: d.outcome })),
        }));
        await eventually(async () => JSON.stringify(await grid2()) === JSON.stringify(want), WAIT_MS);
        await screenshot(page, 'unification-county-ytd');
      } finally {
        await context.close();
      }

      // The township admin: its own institution's row only, as the api answers it.
      const { me } = await gql('instadmin', `{ me { institution { id } } }`);
      const other = await newContext();
      try {
        const page = await signIn(other, 'instadmin');
        await openView(page, 'unification');
        await page.getByTestId('unification-grid').locator('tbody tr').first().waitFor();
        expect(
          await page
            .getByTestId('unification-grid')
            .locator('tbody tr')
            .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-institution'))),
        ).toEqual([me.institution.id]);
        // Its scope is its own institution: there is no other to choose.
        expect(await page.locator('select[name=scope]').count()).toBe(0);

        // Its own assessment history, shown without asking.
        const { assessmentHistory } = await gql(
          'instadmin',
          `query($i: ID!) { assessmentHistory(institutionId: $i) { months { month total } } }`,
          { i: me.institution.id },
        );
        await openView(page, 'assessment');
        const history = page.locator(
          `[data-testid=history][data-institution="${me.institution.id}"][data-loaded=true]`,
        );
        await history.waitFor({ timeout: WAIT_MS });
        expect(
          await history
            .locator('tbody tr')
            .evaluateAll((trs) =>
              trs.map((tr) => [tr.getAttribute('data-month'), tr.getAttribute('data-total')]),
            ),
        ).toEqual(
          assessmentHistory.months.map((m: { month: string; total: number }) => [m.month, String(m.total)]),
        );
        expect(await page.locator('[data-action=history]').count()).toBe(0);
      } finally {
        await other.close();
      }
    },
    VIEW_TIMEOUT,
  );

  it(
    "monthly assessment: ranking, 60/20/20 scores, top and bottom 3, the draw and a unit's history match the api; a month is opened (its raters picked), recomputed, drawn, rated, scored, given its good case and published from the console",
    async () => {
      const FIELDS = `state version scheme { completionWeight recognitionWeight analysisWeight }
      groups { code units { institutionId completion recognition analysis total rank top bottom } } draw { drawn }`;
      const { assessment } = await gql(
        'admin',
        `query($m: String!) { assessment(month: $m) { ${FIELDS} } }`,
        { m: lastMonth() },
      );
      type Unit = {
        institutionId: string;
        completion: number;
        recognition: number | null;
        analysis: number | null;
        total: number;
        top: boolean;
        bottom: boolean;
      };
      const groups: { code: string; units: Unit[] }[] = assessment.groups;
      const context = await newContext();
      const check = async (page: Page, a: any) => {
        expect(await page.getByTestId('assessment-state').getAttribute('data-state')).toBe(a.state);
        const w = a.scheme;
        expect(await page.getByTestId('weights').innerText()).toBe(
          `${w.completionWeight}/${w.recognitionWeight}/${w.analysisWeight}`,
        );
        for (const g of a.groups as { code: string; units: Unit[] }[]) {
          const section = page.locator(`section[data-group="${g.code}"]`);
          const rows = await section.locator('[data-testid=ranking] tbody tr').evaluateAll((trs) =>
            trs.map((tr) => ({
              institutionId: tr.getAttribute('data-institution'),
              completion: (tr.querySelector('[data-testid=completion]') as any).innerText.split('\n')[0],
              recognition: (tr.querySelector('[data-testid=recognition]') as any).innerText.split('\n')[0],
              analysis: (tr.querySelector('[data-testid=analysis]') as any).innerText.split('\n')[0],
              total: (tr.querySelector('[data-testid=total]') as any).innerText,
              noRating: !!tr.querySelector('[data-testid=recognition-reason]'),
            })),
          );
          expect(rows).toEqual(
            g.units.map((u) => ({
              institutionId: u.institutionId,
              completion: figure(u.completion),
              recognition: figure(u.recognition),
              analysis: figure(u.analysis),
              total: figure(u.total),
              noRating: u.recognition === null,
            })),
          );
          const ids = (testid: string) =>
            section
              .locator(`[data-testid=${testid}] li`)
              .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-institution')));
          expect(await ids('top3')).toEqual(g.units.filter((u) => u.top).map((u) => u.institutionId));
          expect(await ids('bottom3')).toEqual(g.units.filter((u) => u.bottom).map((u) => u.institutionId));
        }
        expect(await page.getByTestId('draw').getAttribute('data-drawn')).toBe(
          a.draw ? a.draw.drawn.join(',') : '',
        );
      };
      try {
        expect(groups.length).toBeGreaterThan(0);
        const page = await signIn(context, 'admin');
        await openView(page, 'assessment');
        await page.locator('[data-testid=ranking] tbody tr').first().waitFor();
        await screenshot(page, 'assessment');
        await check(page, assessment);

        // A unit's published months, as assessmentHistory answers them.
        const unit = groups[0].units[0];
        const { assessmentHistory } = await gql(
          'admin',
          `query($i: ID!) { assessmentHistory(institutionId: $i) { months { month rank total } distribution { month median } } }`,
          { i: unit.institutionId },
        );
        expect(assessmentHistory.months.length).toBeGreaterThan(0);
        await page
          .locator(
            `section[data-group="${groups[0].code}"] tr[data-institution="${unit.institutionId}"] [data-action=history]`,
          )
          .click();
        const history = page.locator(
          `[data-testid=history][data-institution="${unit.institutionId}"][data-loaded=true]`,
        );
        await history.waitFor({ timeout: WAIT_MS });
        const medians = new Map(
          assessmentHistory.distribution.map((d: { month: string; median: number }) => [d.month, d.median]),
        );
        expect(
          await history.locator('tbody tr').evaluateAll((trs) =>
            trs.map((tr) => ({
              month: tr.getAttribute('data-month'),
              rank: tr.getAttribute('data-rank'),
              total: tr.getAttribute('data-total'),
              median: (tr.querySelector('[data-testid=median]') as any).innerText.split(' ')[0],
            })),
          ),
        ).toEqual(
          assessmentHistory.months.map((m: { month: string; rank: number; total: number }) => ({
            month: m.month,
            rank: String(m.rank),
            total: String(m.total),
            median: figure(medians.get(m.month) as number),
          })),
        );
        await screenshot(page, 'assessment-history');

        // This month, opened with the admin as its rater: no ratings yet (a dash, and why), then the
        // draw and publishing from the console, each the api's too.
        const month = currentMonth();
        const { me } = await gql('admin', `{ me { id } }`);
        await page.locator('input[name=month]').fill(month);
        // Not opened yet: the admin opens it here, as its only rater (ticked by default).
        const opening = page.getByTestId('open-month');
        await opening.waitFor({ timeout: WAIT_MS });
        expect(await opening.locator(`[data-rater="${me.id}"]`).isChecked()).toBe(true);
        expect(await opening.locator('input[type=checkbox]:checked').count()).toBe(1);
        await opening.locator('[data-action=open-month]').click();
        await page
          .locator('[data-testid=assessment-state][data-state=OPEN]')
          .waitFor({ timeout: VIEW_TIMEOUT });
        const opened = (
          await gql('admin', `query($m: String!) { assessment(month: $m) { version raterIds } }`, {
            m: month,
          })
        ).assessment;
        expect(opened.raterIds).toEqual([me.id]);
        // Completion recomputed from today's data: a new version, which the draw and publishing below use.
        await page.locator('[data-action=recompute]').click();
        await eventually(
          async () =>
            (await gql('admin', `query($m: String!) { assessment(month: $m) { version } }`, { m: month }))
              .assessment.version > opened.version,
          VIEW_TIMEOUT,
        );
        await check(
          page,
          (await gql('admin', `query($m: String!) { assessment(month: $m) { ${FIELDS} } }`, { m: month }))
            .assessment,
        );
        await page.locator('input[name=seed]').fill('console-draw');
        await page.locator('[data-action=draw]').click();
        await page.locator('[data-testid=draw]:not([data-drawn=""])').waitFor({ timeout: WAIT_MS });
        const drawn = (
          await gql('admin', `query($m: String!) { assessment(month: $m) { draw { seed drawn } } }`, {
            m: month,
          })
        ).assessment.draw;
        expect(drawn.seed).toBe('console-draw');
        expect(drawn.drawn).toHaveLength(2);
        expect(await page.getByTestId('draw').getAttribute('data-drawn')).toBe(drawn.drawn.join(','));
        await screenshot(page, 'assessment-drawn');

        // The review, in the console: the admin, as this month's rater, rates a unit (once, 0–100);
        // scores a drawn unit's 剖析度 (0 to its weight); records the good case. Each as the api has it.
        const MONTH_Q = `query($m: String!) { assessment(month: $m) {
          scheme { recognitionWeight analysisWeight } missingRatings { raterId institutionId }
          goodCase { institutionId title summary }
          groups { units { institutionId recognition ratings analysis } } } }`;
        const read = async () => (await gql('admin', MONTH_Q, { m: month })).assessment;
        const unitOf = (a: any, id: string) =>
          a.groups.flatMap((g: { units: any[] }) => g.units).find((u: any) => u.institutionId === id);
        const before = await read();
        const units = before.groups.flatMap((g: { units: unknown[] }) => g.units).length;
        const ratings = page.getByTestId('my-ratings');
        expect(await ratings.getByTestId('rated').innerText()).toBe(`0/${units}`);
        const rated = drawn.drawn[1];
        const rateRow = ratings.locator(`tr[data-institution="${rated}"]`);
        await rateRow.locator('input').fill('150');
        expect(await rateRow.locator('[data-action=rate]').isDisabled()).toBe(true);
        await rateRow.locator('input').fill('88');
        await rateRow.locator('[data-action=rate]').click();
        await rateRow.waitFor({ state: 'detached', timeout: WAIT_MS });
        expect(await ratings.getByTestId('rated').innerText()).toBe(`1/${units}`);
        const afterRating = await read();
        // One rating of 88 on a weight of 20: 88 × 20 ÷ 100.
        expect(afterRating.scheme.recognitionWeight).toBe(20);
        expect(unitOf(afterRating, rated)).toMatchObject({ recognition: 17.6, ratings: 1 });
        expect(afterRating.missingRatings).toHaveLength(units - 1);
        expect(
          afterRating.missingRatings.some((r: { institutionId: string }) => r.institutionId === rated),
        ).toBe(false);

        const scored = drawn.drawn[0];
        const analysisCell = page.locator(`tr[data-institution="${scored}"] [data-testid=analysis]`);
        await analysisCell.locator('input').fill(String(afterRating.scheme.analysisWeight + 1));
        expect(await analysisCell.locator('[data-action=score-analysis]').isDisabled()).toBe(true);
        await analysisCell.locator('input').fill('15');
        await analysisCell.locator('[data-action=score-analysis]').click();
        await eventually(async () => (await analysisCell.innerText()).split('\n')[0] === figure(15), WAIT_MS);
        expect(unitOf(await read(), scored).analysis).toBe(15);

        const caseForm = page.getByTestId('record-case');
        await caseForm.locator('select[name=caseKind]').selectOption('GOOD');
        await caseForm.locator('select[name=caseUnit]').selectOption(scored);
        await caseForm.locator('input[name=caseTitle]').fill('家庭医生签约提质');
        await caseForm.locator('input[name=caseSummary]').fill('签约居民随访率由 62% 提升至 85%');
        await caseForm.locator('[data-action=record-case]').click();
        await page.getByTestId('cases').waitFor({ timeout: WAIT_MS });
        expect((await read()).goodCase).toEqual({
          institutionId: scored,
          title: '家庭医生签约提质',
          summary: '签约居民随访率由 62% 提升至 85%',
        });
        expect(await page.getByTestId('cases').innerText()).toContain('家庭医生签约提质');
        await screenshot(page, 'assessment-review');
        await page
          .locator(`tr[data-institution="${scored}"] [data-testid=analysis]`)
          .scrollIntoViewIfNeeded();
        await screenshot(page, 'assessment-review-ranking');

        await page.locator('[data-action=publish]').click();
        await page
          .locator('[data-testid=assessment-state][data-state=PUBLISHED]')
          .waitFor({ timeout: WAIT_MS });
        const [row] = await db.ds.query(`SELECT state FROM assessment_month WHERE month = $1`, [month]);
        expect(row.state).toBe('PUBLISHED');
        expect(await page.locator('[data-action=publish]').count()).toBe(0);
      } finally {
        await context.close();
      }
    },
    VIEW_TIMEOUT,
  );

  it('seven unifications: an institution admin records documents for its own row (the SHA-256 computed from the file in the browser); a consortium admin accepts one and sends one back with a reason; each as the api has it', async () => {
    const EVIDENCE = `query($i: ID) { unificationEvidence(institutionId: $i) { id title status reviewReason location sha256 evidenceKind } }`;
    const { me } = await gql('instadmin', `{ me { institution { id } } }`);
    const own = me.institution.id;
    const tag = Date.now().toString(36);
    const files = [0, 1].map((n) => ({
      name: `制度-${tag}-${n}.pdf`,
      mimeType: 'application/pdf',
      buffer: Buffer.from(`%PDF-1.4 consortium policy ${tag} ${n}`),
    }));
    const titles = [`人员统一管理制度 ${tag}`, `财务统一管理办法 ${tag}`];
    const openCell = async (page: Page) => {
      const grid = page.getByTestId('unification-grid');
      await grid
        .locator(`tr[data-institution="${own}"] td[data-dimension] button`)
        .first()
        .click({ timeout: VIEW_TIMEOUT });
      await page
        .locator(`[data-testid=unification-detail][data-institution="${own}"]`)
        .waitFor({ timeout: WAIT_MS });
    };
    const context = await newContext();
    try {
      const page = await signIn(context, 'instadmin');
      await openView(page, 'unification');
      await openCell(page);
      const form = page.getByTestId('record-evidence');
      for (const [n, file] of files.entries()) {
        await form.locator(`select[name=evidenceKind] option:nth-child(2)`).waitFor({ state: 'attached' });
        await form.locator('select[name=evidenceKind]').selectOption({ index: 1 });
        await form.locator('input[name=title]').fill(titles[n]);
        await form.locator('input[name=location]').fill(`\\\\fileserver\\七统一\\${file.name}`);
        expect(await form.locator('[data-action=record-evidence]').isDisabled()).toBe(true);
        await form.locator('input[name=file]').setInputFiles(file);
        const sha = createHash('sha256').update(file.buffer).digest('hex');
        await form
          .getByTestId('sha256')
          .filter({ hasText: sha.slice(0, 12) })
          .waitFor({ timeout: WAIT_MS });
        await form.locator('[data-action=record-evidence]').click();
        await page
          .locator(`[data-testid=evidence] li:has-text("${titles[n]}")`)
          .waitFor({ timeout: WAIT_MS });
      }
      // No review for the institution's own admin.
      expect(await page.locator('[data-action=accept-evidence]').count()).toBe(0);
    } finally {
      await context.close();
    }
    const recorded = (await gql('admin', EVIDENCE, { i: own })).unificationEvidence.filter(
      (e: { title: string }) => titles.includes(e.title),
    );
    expect(
      recorded
        .map((e: { title: string; status: string; sha256: string }) => [e.title, e.status, e.sha256])
        .sort(),
    ).toEqual(
      files.map((f, n) => [titles[n], 'PENDING', createHash('sha256').update(f.buffer).digest('hex')]).sort(),
    );
    const [first, second] = titles.map((t) => recorded.find((e: { title: string }) => e.title === t));

    const adminContext = await newContext();
    try {
      const page = await signIn(adminContext, 'admin');
      await openView(page, 'unification');
      await openCell(page);
      const item = (id: string) => page.locator(`[data-testid=evidence] li[data-evidence="${id}"]`);
      await item(first.id).locator('[data-action=accept-evidence]').click();
      await page
        .locator(`[data-testid=evidence] li[data-evidence="${first.id}"][data-status=ACCEPTED]`)
        .waitFor({ timeout: WAIT_MS });
      await item(second.id).getByLabel('退回原因 Reason').fill('文件未加盖公章');
      await item(second.id).locator('[data-action=reject-evidence]').click();
      await page
        .locator(`[data-testid=evidence] li[data-evidence="${second.id}"][data-status=REJECTED]`)
        .waitFor({ timeout: WAIT_MS });
      await screenshot(page, 'unification-evidence');
    } finally {
      await adminContext.close();
    }
    const reviewed = (await gql('admin', EVIDENCE, { i: own })).unificationEvidence;
    expect(reviewed.find((e: { id: string }) => e.id === first.id)).toMatchObject({
      status: 'ACCEPTED',
      reviewReason: null,
    });
    expect(reviewed.find((e: { id: string }) => e.id === second.id)).toMatchObject({
      status: 'REJECTED',
      reviewReason: '文件未加盖公章',
    });
  });

  it("drug alignment: an institution admin uploads its catalogue in the console; the import's progress, outcome and bad rows are the api's; a file of another kind is refused with the endpoint's reason", async () => {
    const tag = Date.now().toString(36).toUpperCase();
    const csv = [
      '流水号,商品名称,通用名,剂型,规格,生产企业,转换系数,单位,库存',
      `C${tag}1,无,阿莫西林胶囊,胶囊剂,0.25g,石药集团,24,粒,120`,
      `C${tag}2,无,二甲双胍片,片剂,0.5g,中美上海施贵宝制药有限公司,20,片,200`,
      `C${tag}3,无,,片剂,5mg,某药厂,10,片,5`,
    ].join('\n');
    const context = await newContext();
    try {
      const page = await signIn(context, 'instadmin');
      await openView(page, 'drugs');
      const panel = page.getByTestId('catalogue-upload');
      await panel.waitFor({ timeout: WAIT_MS });
      // Not a catalogue: refused by the endpoint, its reason shown.
      await panel
        .locator('input[name=file]')
        .setInputFiles({ name: 'scan.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4') });
      await panel.locator('[data-action=upload]').click();
      await panel.getByRole('alert').waitFor({ timeout: WAIT_MS });
      // The endpoint's own words, not a generic failure; and no import began.
      expect(await panel.getByRole('alert').innerText()).not.toContain('upload failed');
      expect(await panel.getByRole('alert').innerText()).toMatch(/[\u4e00-\u9fff].*\(.*[a-z]/);
      // A partial catalogue (the items it does not list stay as they are).
      await panel.locator('input[name=full]').uncheck();
      await panel
        .locator('input[name=file]')
        .setInputFiles({ name: `药品字典-${tag}.csv`, mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await panel.locator('[data-action=upload]').click();
      const progress = panel.getByTestId('import');
      await progress.waitFor({ timeout: WAIT_MS });
      await panel.locator('[data-testid=import][data-status=DONE]').waitFor({ timeout: 60_000 });
      const id = await progress.getAttribute('data-id');
      const { catalogueImport } = await gql(
        'instadmin',
        `query($id: ID!) { catalogueImport(id: $id) { status fullImport rowsTotal rowsOk rowsBad inserted errors { line reason } matchCounts { proposed } } }`,
        { id },
      );
      expect(catalogueImport).toMatchObject({
        status: 'DONE',
        fullImport: false,
        rowsTotal: 3,
        rowsOk: 2,
        rowsBad: 1,
        inserted: 2,
      });
      expect(catalogueImport.errors.map((e: { line: number }) => e.line)).toEqual([4]);
      expect(await panel.getByTestId('rows-bad').innerText()).toBe('1');
      expect(await panel.getByTestId('proposed').innerText()).toBe(
        String(catalogueImport.matchCounts.proposed),
      );
      expect(
        await panel
          .locator('[data-testid=import-errors] li')
          .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-line'))),
      ).toEqual(['4']);
      // The list beside it is read again once the import ends.
      await panel
        .locator(`[data-testid=recent-imports] li[data-id="${id}"][data-status=DONE]`)
        .waitFor({ timeout: WAIT_MS });
      await screenshot(page, 'catalogue-upload');
    } finally {
      await context.close();
    }
  });

  it("key tasks: the year's ledger as the api has it; an institution admin reports its progress for the month with evidence, read back; a consortium admin marks a key matter done, reads any unit's reports and adds a task (levels out of order refused) and a key matter; an auditor only reads", async () => {
    const month = lastMonth();
    const year = Number(month.slice(0, 4));
    const TASKS = `query($y: Int!) { keyTasks(year: $y) { id code kind institutionIds matters { id doneAt responsibleInstitutionId } } }`;
    const LATEST = `query($y: Int!, $i: ID!) { keyTaskProgress(year: $y, institutionId: $i) { taskId month value evidence } }`;
    const { keyTasks } = await gql('instadmin', TASKS, { y: year });
    /** The institution admin's unit chosen: the report it gave is shown. */
    const showsTheReport = async (ledger: Locator) => {
      await ledger.locator(`select[name=unit] option[value="${own}"]`).waitFor({ state: 'attached' });
      await ledger.locator('select[name=unit]').selectOption(own);
      await ledger
        .locator(`tr[data-task="${task.code}"] [data-latest="${month}:88.5"]`)
        .waitFor({ timeout: WAIT_MS });
    };
    const { me } = await gql('instadmin', `{ me { institution { id } } }`);
    const own = me.institution.id;
    const task = keyTasks.find(
      (t: { kind: string; institutionIds: string[] }) =>
        t.kind === 'REPORTED' && (!t.institutionIds.length || t.institutionIds.includes(own)),
    );
    expect(task).toBeTruthy();
    const context = await newContext();
    try {
      const { page, ledger } = await openLedger(context, 'instadmin');
      expect(
        await ledger
          .locator('tr[data-task]')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-task'))),
      ).toEqual(keyTasks.map((t: { code: string }) => t.code));
      // Only reported tasks take a figure; indicator-bound ones are computed.
      expect(await ledger.locator('tr[data-kind=INDICATOR] [data-action=report]').count()).toBe(0);
      const row = ledger.locator(`tr[data-task="${task.code}"]`);
      await row.locator('input[name=value]').fill('88.5');
      expect(await row.locator('[data-action=report]').isDisabled()).toBe(true);
      await row.locator('input[name=evidence]').fill('签约服务台账(十月)');
      await row.locator('[data-action=report]').click();
      await row.locator(`[data-latest="${month}:88.5"]`).waitFor({ timeout: WAIT_MS });
      const { keyTaskProgress } = await gql('instadmin', LATEST, { y: year, i: own });
      expect(keyTaskProgress.find((p: { taskId: string }) => p.taskId === task.id)).toEqual({
        taskId: task.id,
        month,
        value: 88.5,
        evidence: '签约服务台账(十月)',
      });
      await screenshot(page, 'key-tasks');
    } finally {
      await context.close();
    }

    const open = keyTasks
      .flatMap((t: { matters: { id: string; doneAt: string | null }[] }) => t.matters)
      .find((m: { doneAt: string | null }) => !m.doneAt);
    const adminContext = await newContext();
    try {
      const { ledger } = await openLedger(adminContext, 'admin');
      // Any unit's latest reports: the institution admin's, just given.
      await showsTheReport(ledger);
      if (open) {
        const matter = ledger.locator(`li[data-matter="${open.id}"]`);
        await matter.locator('[data-action=complete-matter]').click();
        await ledger.locator(`li[data-matter="${open.id}"][data-done=true]`).waitFor({ timeout: WAIT_MS });
        const after = (await gql('admin', TASKS, { y: year })).keyTasks
          .flatMap((t: { matters: { id: string; doneAt: string | null }[] }) => t.matters)
          .find((m: { id: string }) => m.id === open.id);
        expect(after.doneAt).not.toBeNull();
      }
    } finally {
      await adminContext.close();
    }
    expect(open).toBeTruthy();

    // The admin adds a task of the year (levels out of order refused first) and a key matter under it.
    const code = `CON-${Date.now().toString(36).toUpperCase()}`;
    const newTaskContext = await newContext();
    try {
      const { ledger } = await openLedger(newTaskContext, 'admin');
      const form = ledger.getByTestId('new-key-task');
      await form.locator('input[name=taskCode]').fill(code);
      await form.locator('input[name=taskTitle]').fill('家庭医生签约居民续约率');
      await form.locator('input[name=level-required]').fill('90');
      await form.locator('input[name=level-effort]').fill('80');
      await form.locator('input[name=level-challenge]').fill('95');
      await form.locator('input[name=points]').fill('5');
      await form.locator('[data-action=create-key-task]').click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('考核 < 努力 < 挑战');
      await form.locator('input[name=level-required]').fill('70');
      await form.locator('[data-action=create-key-task]').click();
      const row = ledger.locator(`tr[data-task="${code}"]`);
      await row.waitFor({ timeout: WAIT_MS });
      await row.getByTestId('add-matter').locator('summary').click();
      const matter = row.getByTestId('new-key-matter');
      await matter.locator('input[name=matterTitle]').fill('第四季度续约情况核查');
      await matter.locator('select[name=quarter]').selectOption('4');
      await matter.locator('input[name=due]').fill(`${year}-12-31`);
      await matter.locator(`select[name=responsible] option[value="${own}"]`).waitFor({ state: 'attached' });
      await matter.locator('select[name=responsible]').selectOption(own);
      await matter.locator('[data-action=create-key-matter]').click();
      await row.locator('li[data-matter]').first().waitFor({ timeout: WAIT_MS });
      const created = (
        await gql(
          'admin',
          `query($y: Int!) { keyTasks(year: $y) { code title kind direction requiredLevel effortLevel challengeLevel points matters { title quarter responsibleInstitutionId } } }`,
          { y: year },
        )
      ).keyTasks.filter((t: { code: string }) => t.code === code);
      expect(created).toEqual([
        {
          code,
          title: '家庭医生签约居民续约率',
          kind: 'REPORTED',
          direction: 'HIGHER_BETTER',
          requiredLevel: 70,
          effortLevel: 80,
          challengeLevel: 95,
          points: 5,
          matters: [{ title: '第四季度续约情况核查', quarter: 4, responsibleInstitutionId: own }],
        },
      ]);
    } finally {
      await newTaskContext.close();
    }

    const auditorContext = await newContext();
    try {
      const { ledger } = await openLedger(auditorContext, 'auditor');
      await showsTheReport(ledger);
      expect(
        await ledger
          .locator(
            '[data-action=report], [data-action=complete-matter], [data-testid=new-key-task], [data-testid=add-matter]',
          )
          .count(),
      ).toBe(0);
    } finally {
      await auditorContext.close();
    }
  });

  it("a month the api has no answer for shows the error alone, not the previous month's figures", async () => {
    const refused = async (query: string, variables: Record<string, unknown>) =>
      expect(gql('admin', query, variables)).rejects.toThrow();
    const noAssessment = '2020-01';
    await refused(`query($m: String!) { assessment(month: $m) { state } }`, { m: noAssessment });
    const future = DateTime.now().setZone('Asia/Shanghai').plus({ months: 3 }).toFormat('yyyy-MM');
    await refused(
      `query($p: IndicatorPeriodInput!) { sevenUnifications(scope: { kind: CONSORTIUM }, period: $p) { rule } }`,
      { p: { kind: 'MONTH', month: future } },
    );
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      await openView(page, 'assessment');
      await page.locator('[data-testid=ranking] tbody tr').first().waitFor({ timeout: WAIT_MS });
      await page.locator('input[name=month]').fill(noAssessment);
      await page.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect({
        state: await page.getByTestId('assessment-state').count(),
        rows: await page.locator('[data-testid=ranking] tbody tr').count(),
        draw: await page.getByTestId('draw').count(),
      }).toEqual({ state: 0, rows: 0, draw: 0 });
      // Beside the refusal, a consortium admin is offered to open that month.
      await page.getByTestId('open-month').waitFor();
      await screenshot(page, 'assessment-no-month');

      await openView(page, 'unification');
      const grid = page.getByTestId('unification-grid');
      await grid.locator('tbody tr').first().waitFor({ timeout: WAIT_MS });
      await page.locator('input[name=month]').fill(future);
      await page.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect({
        rule: await page.getByTestId('rule').count(),
        rows: await grid.locator('tbody tr').count(),
        rollup: await grid.locator('[data-testid=rollup] td').count(),
      }).toEqual({ rule: 0, rows: 0, rollup: 0 });
    } finally {
      await context.close();
    }
  });

  it('in English, the English on the blue and the header buttons is legible, and the consultations table is whole, its numbers unbroken', async () => {
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      await page.getByRole('button', { name: 'English' }).click();
      // WCAG contrast of an element's text against its button's background (AA: 4.5 for small text).
      const contrast = (el: Locator) =>
        el.evaluate((e) => {
          const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).slice(0, 3).map(Number);
          const lum = (c: string) => {
            const [r, g, b] = rgb(c).map((v) => {
              const x = v / 255;
              return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
            });
            return 0.2126 * r + 0.7152 * g + 0.0722 * b;
          };
          const fg = lum(getComputedStyle(e).color);
          const bg = lum(getComputedStyle(e.closest('button')!).backgroundColor);
          return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        });
      await openView(page, 'indicators');
      const exportEn = page.locator('[data-action=export] .en');
      await exportEn.waitFor();
      expect(await exportEn.innerText()).toContain('Export XLSX');
      expect(await contrast(exportEn)).toBeGreaterThanOrEqual(4.5);
      const signOutEn = page.locator('header.top button .en', { hasText: 'Sign out' });
      expect(await contrast(signOutEn)).toBeGreaterThanOrEqual(4.5);

      await openView(page, 'consultations');
      const table = page.getByTestId('consultations');
      await table.locator('tbody tr').first().waitFor();
      await screenshot(page, 'consultations-english', true);
      // Each number on one line, and every row inside what the page shows (no box clipping the last).
      const lines = await table.locator('tbody tr td:first-child').evaluateAll((tds) =>
        tds.map((td) => {
          const range = document.createRange();
          range.selectNodeContents(td);
          // Lines, not boxes: a number shown as a link has a box for the link and one for its text.
          return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        }),
      );
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.every((n) => n === 1)).toBe(true);
      const clipped = await table.evaluate((t) => {
        for (let e = t.parentElement; e; e = e.parentElement) {
          const o = getComputedStyle(e).overflowY;
          if ((o === 'auto' || o === 'scroll' || o === 'hidden') && e.scrollHeight > e.clientHeight + 1)
            return true;
        }
        return false;
      });
      expect(clipped).toBe(false);
    } finally {
      await context.close();
    }
  });

  // Last but one: it adds an institution, which every later figure would have to take in.
  it("network: an institution's departments and staff as the api has them; its admin adds to them (a licence number used is refused); a consortium admin adds an institution and edits it (a name in use refused, the change in the trail; a change made meanwhile refused and the institution shown as it is now); no forms elsewhere", async () => {
    const DETAIL = `query($id: ID!) { institution(id: $id) { departments { id code name specialty } }
      practitioners(institutionId: $id, first: 100) { nodes { id name title licenceNumber specialties department { name } } } }`;
    const { me } = await gql('instadmin', `{ me { institution { id name } } }`);
    const own = me.institution.id;
    const detail = async () => gql('instadmin', DETAIL, { id: own });
    const before = await detail();
    const tag = Date.now().toString(36).toUpperCase();
    const licence = `1105${String(Date.now()).slice(-11)}`;
    const context = await newContext();
    try {
      const page = await signIn(context, 'instadmin');
      await openView(page, 'network');
      await page
        .locator(`[data-testid=institutions] tr[data-id="${own}"] [data-action=open-institution]`)
        .click();
      const panel = page.locator(`[data-testid=institution][data-id="${own}"]`);
      await panel.getByTestId('departments').waitFor({ timeout: WAIT_MS });
      const codes = () =>
        panel
          .locator('[data-testid=departments] tr')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-code')));
      const staffIds = () =>
        panel
          .locator('[data-testid=practitioners] tr')
          .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
      expect(await codes()).toEqual(before.institution.departments.map((d: { code: string }) => d.code));
      expect(await staffIds()).toEqual(before.practitioners.nodes.map((p: { id: string }) => p.id));

      // A department, then a member of staff in it.
      const add = panel.getByTestId('add-department');
      await add.locator('input[name=deptCode]').fill(`GP${tag}`);
      await add.locator('input[name=deptName]').fill('全科医学科');
      await add.locator('input[name=deptSpecialty]').fill('GENERAL_PRACTICE');
      await add.locator('[data-action=add-department]').click();
      await eventually(async () => (await codes()).includes(`GP${tag}`), WAIT_MS);
      const staff = panel.getByTestId('add-practitioner');
      await staff
        .locator(`select[name=staffDepartment] option:has-text("全科医学科")`)
        .first()
        .waitFor({ state: 'attached' });
      await staff.locator('input[name=staffName]').fill('测试全科医生');
      await staff.locator('select[name=staffTitle]').selectOption('ATTENDING_PHYSICIAN');
      await staff.locator('select[name=staffDepartment]').selectOption({ label: '全科医学科' });
      await staff.locator('input[name=staffLicence]').fill(licence);
      await staff.locator('input[name=staffSpecialties]').fill('HYPERTENSION, DIABETES');
      await staff.locator('[data-action=add-practitioner]').click();
      await panel
        .locator(`[data-testid=practitioners] tr[data-licence="${licence}"]`)
        .waitFor({ timeout: WAIT_MS });
      const after = await detail();
      expect(after.institution.departments).toContainEqual(
        expect.objectContaining({ code: `GP${tag}`, name: '全科医学科', specialty: 'GENERAL_PRACTICE' }),
      );
      const added = after.practitioners.nodes.find(
        (p: { licenceNumber: string }) => p.licenceNumber === licence,
      );
      expect(added).toMatchObject({
        name: '测试全科医生',
        title: 'ATTENDING_PHYSICIAN',
        specialties: ['HYPERTENSION', 'DIABETES'],
        department: { name: '全科医学科' },
      });
      // The same licence number again: refused, shown, nothing added.
      await staff.locator('input[name=staffName]').fill('重复证号');
      await staff.locator('input[name=staffLicence]').fill(licence);
      await staff.locator('[data-action=add-practitioner]').click();
      await staff.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await staff.getByRole('alert').innerText()).toContain('执业证书编码已登记');
      expect((await detail()).practitioners.nodes).toHaveLength(after.practitioners.nodes.length);
      await screenshot(page, 'network-institution');

      // Another institution: read only.
      const other = (
        await gql('instadmin', `{ institutions(first: 5) { nodes { id } } }`)
      ).institutions.nodes.find((i: { id: string }) => i.id !== own);
      await page
        .locator(`[data-testid=institutions] tr[data-id="${other.id}"] [data-action=open-institution]`)
        .click();
      await page
        .locator(`[data-testid=institution][data-id="${other.id}"] [data-testid=departments]`)
        .waitFor();
      expect(await page.locator('[data-testid=add-department], [data-testid=add-practitioner]').count()).toBe(
        0,
      );
      expect(
        await page.locator('[data-action=new-institution], [data-action=edit-institution]').count(),
      ).toBe(0);
    } finally {
      await context.close();
    }

    // A consortium admin adds a village clinic under the institution above.
    const adminContext = await newContext();
    try {
      const page = await signIn(adminContext, 'admin');
      await openView(page, 'network');
      const count = Number(await page.getByTestId('institution-count').innerText());
      await page.locator('[data-action=new-institution]').click();
      const form = page.getByTestId('new-institution');
      await form.locator('#ni-name').fill(`测试村卫生室${tag}`);
      await form.locator('select[name=kind]').selectOption('VILLAGE_CLINIC');
      await form.locator('select[name=tier]').selectOption('VILLAGE');
      await form.locator('select[name=parentId]').selectOption(own);
      await form.locator('#ni-division').fill('500114100201');
      await form.locator('[data-action=create-institution]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      await eventually(
        async () => (await page.getByTestId('institution-count').innerText()) === String(count + 1),
        WAIT_MS,
      );
      const { institutions } = await gql(
        'admin',
        `{ institutions(first: 100, kind: VILLAGE_CLINIC) { nodes { name tier parentId } } }`,
      );
      expect(institutions.nodes).toContainEqual({
        name: `测试村卫生室${tag}`,
        tier: 'VILLAGE',
        parentId: own,
      });

      // Then edits it: a name another institution has is refused and changes nothing; its particulars are saved.
      const [created] = await db.ds.query(`SELECT id FROM institution WHERE name = $1`, [
        `测试村卫生室${tag}`,
      ]);
      await page
        .locator(`[data-testid=institutions] tr[data-id="${created.id}"] [data-action=open-institution]`)
        .click();
      const panel = page.locator(`[data-testid=institution][data-id="${created.id}"]`);
      await panel.locator('[data-action=edit-institution]').click();
      const edit = panel.getByTestId('edit-institution');
      expect(await edit.locator('#ei-name').inputValue()).toBe(`测试村卫生室${tag}`);
      expect(await edit.locator('select[name=parentId]').inputValue()).toBe(own);
      const READ = `query($id: ID!) { institution(id: $id) { name grade address phone parentId } }`;
      const was = (await gql('admin', READ, { id: created.id })).institution;
      await edit.locator('#ei-name').fill('黔江中心医院');
      await edit.locator('#ei-phone').fill('023-79000000');
      await edit.locator('[data-action=save-institution]').click();
      await edit.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await edit.getByRole('alert').innerText()).toContain('已存在');
      expect((await gql('admin', READ, { id: created.id })).institution).toEqual(was);
      await edit.locator('#ei-name').fill(`测试村卫生室${tag}`);
      await edit.locator('#ei-address').fill('邻鄂镇松林村二组');
      await edit.locator('[data-action=save-institution]').click();
      await edit.waitFor({ state: 'detached', timeout: WAIT_MS });
      await eventually(
        async () => (await panel.getByTestId('particulars').innerText()).includes('023-79000000'),
        WAIT_MS,
      );
      expect((await gql('admin', READ, { id: created.id })).institution).toEqual({
        ...was,
        address: '邻鄂镇松林村二组',
        phone: '023-79000000',
      });
      const [trail] = await db.ds.query(
        `SELECT details->'changed' AS changed FROM audit_event WHERE action = 'institution.update' AND entity_id = $1`,
        [created.id],
      );
      // The change is in the trail, naming the fields changed.
      expect(trail.changed.sort()).toEqual(['address', 'phone']);

      // Changed elsewhere while the form is open: refused in the api's words, the panel shows the
      // institution as it is now, and the other change stands.
      await panel.locator('[data-action=edit-institution]').click();
      expect(await edit.getAttribute('data-version')).toBe('2');
      await gql(
        'admin',
        `mutation($i: UpdateInstitutionInput!) { updateInstitution(input: $i) { version } }`,
        { i: { id: created.id, version: 2, grade: '一级' } },
      );
      await edit.locator('#ei-address').fill('邻鄂镇松林村三组');
      await edit.locator('[data-action=save-institution]').click();
      await edit.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await edit.getByRole('alert').innerText()).toContain('已被他人修改');
      await page
        .locator(`[data-testid=institution][data-id="${created.id}"][data-version="3"]`)
        .waitFor({ timeout: WAIT_MS });
      expect(await panel.getByTestId('particulars').innerText()).toContain('一级');
      expect((await gql('admin', READ, { id: created.id })).institution).toEqual({
        ...was,
        grade: '一级',
        address: '邻鄂镇松林村二组',
        phone: '023-79000000',
      });
      await edit.getByRole('button', { name: '取消' }).click();
    } finally {
      await adminContext.close();
    }
  });

  it("drug alignment: the lead hospital's pharmacist keeps the unified list in the console: adds a drug by product key and strength (a malformed code refused, nothing added), changes it (a change made meanwhile refused) and retires it, each a version as the api has it; an institution admin only reads", async () => {
    const LIST = `query($s: FormularyStatus) { formulary(first: 50, status: $s) { nodes { id } } }`;
    const ITEM = `query($id: ID!) { formularyItem(id: $id) { genericName note tiers status retireReason version versions { version action note } } }`;
    const { formulary } = await gql('pharmacist', LIST, { s: 'ACTIVE' });
    // The demo dictionary holds the listed codes only: a listed product in a strength it does not stock.
    const [drug] = await db.ds.query(
      `SELECT product_key AS "productKey", generic_name AS "genericName" FROM formulary_item
        WHERE status = 'ACTIVE' AND national_code IS NOT NULL ORDER BY product_key LIMIT 1`,
    );
    const SPEC = '12.5mg×14片';
    const count = async () => Number((await db.ds.query(`SELECT count(*) AS n FROM formulary_item`))[0].n);
    const before = await count();
    const context = await newContext();
    try {
      const page = await signIn(context, 'pharmacist');
      await openView(page, 'drugs');
      const section = page.getByTestId('formulary');
      const rows = section.locator('[data-testid=formulary-items] tbody tr');
      await rows.first().waitFor();
      expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).toEqual(
        formulary.nodes.map((n: { id: string }) => n.id),
      );

      // A malformed code: the api's reason, and nothing added.
      await section.locator('[data-action=new-formulary]').click();
      const form = page.getByTestId('formulary-form');
      await form.locator('input[name=nationalCode]').fill('X123');
      await form.locator('[data-action=save-formulary]').click();
      await form.getByText('医保药品代码格式错误').waitFor();
      expect(await count()).toBe(before);

      // The product and its strength, for county and township only; the name comes from the dictionary.
      await form.locator('input[name=nationalCode]').fill('');
      await form.locator('input[name=productKey]').fill(drug.productKey);
      await form.locator('input[name=spec]').fill(SPEC);
      await form.locator('[data-tier=VILLAGE]').uncheck();
      await form.locator('[data-action=save-formulary]').click();
      await form.waitFor({ state: 'detached' });
      const [added] = await db.ds.query(
        `SELECT id FROM formulary_item WHERE product_key = $1 AND spec = $2`,
        [drug.productKey, SPEC],
      );
      expect(added).toBeDefined();
      expect(await count()).toBe(before + 1);
      const row = section.locator(`tr[data-id="${added.id}"]`);
      await section.locator('input[name=formulary-search]').fill(drug.productKey);
      await section.getByRole('button', { name: '筛选' }).click();
      await row.waitFor();
      let item = (await gql('pharmacist', ITEM, { id: added.id })).formularyItem;
      expect(item).toMatchObject({
        genericName: drug.genericName,
        tiers: ['COUNTY', 'TOWNSHIP'],
        status: 'ACTIVE',
        version: 1,
      });
      expect(await row.locator('[data-tiers]').getAttribute('data-tiers')).toBe('COUNTY,TOWNSHIP');

      // A change, with its reason kept in the item's history.
      await row.locator('[data-action=edit-formulary]').click();
      await form.locator('input[name=note]').fill('限二级及以上医师处方');
      await form.locator('input[name=reason]').fill('药事委员会决议');
      await form.locator('[data-action=save-formulary]').click();
      await form.waitFor({ state: 'detached' });
      await section.locator(`tr[data-id="${added.id}"][data-version="2"]`).waitFor();
      item = (await gql('pharmacist', ITEM, { id: added.id })).formularyItem;
      expect(item.note).toBe('限二级及以上医师处方');
      expect(item.versions.map((v: { action: string; note: string | null }) => [v.action, v.note])).toEqual([
        ['CREATE', null],
        ['UPDATE', '药事委员会决议'],
      ]);

      // Changed elsewhere while the form is open: refused with the api's reason, the other change kept.
      await row.locator('[data-action=edit-formulary]').click();
      await form.locator('input[name=note]').fill('控制使用');
      await gql(
        'admin',
        `mutation($i: UpdateFormularyItemInput!) { updateFormularyItem(input: $i) { version } }`,
        {
          i: { id: added.id, expectedVersion: 2, tiers: ['COUNTY'] },
        },
      );
      await form.locator('[data-action=save-formulary]').click();
      await form.getByText('条目已被修改').waitFor();
      item = (await gql('pharmacist', ITEM, { id: added.id })).formularyItem;
      expect(item).toMatchObject({ note: '限二级及以上医师处方', tiers: ['COUNTY'], version: 3 });
      await form.getByRole('button', { name: '取消' }).click();

      // Retired with a reason: gone from the active list, shown under 已停用 with it.
      await section.locator(`tr[data-id="${added.id}"][data-version="3"]`).waitFor();
      const retire = row.locator('[data-action=retire-formulary]');
      expect(await retire.isDisabled()).toBe(true);
      await row.getByLabel('停用原因 Reason').fill('已有同效品种');
      await retire.click();
      await row.waitFor({ state: 'detached' });
      item = (await gql('pharmacist', ITEM, { id: added.id })).formularyItem;
      expect(item).toMatchObject({ status: 'RETIRED', retireReason: '已有同效品种', version: 4 });
      await section.locator('select[name=formulary-status]').selectOption('RETIRED');
      await section.getByRole('button', { name: '筛选' }).click();
      await section
        .locator(`tr[data-id="${added.id}"][data-status=RETIRED]`)
        .getByTestId('retired')
        .waitFor();
      await screenshot(page, 'drugs-formulary');

      // An institution admin reads the list, and is offered no change.
      const other = await signIn(context, 'instadmin');
      await openView(other, 'drugs');
      const theirs = other.getByTestId('formulary');
      await theirs.locator('[data-testid=formulary-items] tbody tr').first().waitFor();
      expect(await theirs.locator('[data-action=new-formulary]').count()).toBe(0);
      expect(
        await theirs.locator('[data-action=edit-formulary], [data-action=retire-formulary]').count(),
      ).toBe(0);
    } finally {
      await context.close();
    }
  });

  it("drug alignment: an institution's own catalogue as the api has it, with mappings and stock; its admin sets a quantity (one too large refused, nothing changed); the lead hospital's pharmacist reads any member's and maps an item onto another unified-list item with a reason (a decision made meanwhile refused)", async () => {
    const ITEMS = `query($i: ID) { catalogueItems(institutionId: $i, first: 50) { nodes { id } } }`;
    const ITEM = `query($id: ID!) { catalogueItem(id: $id) { stock { onHand source } mapping { status version note formularyItemId } } }`;
    const { me } = await gql('instadmin', `{ me { institution { id } } }`);
    const own = me.institution.id;
    const ids = (answer: { catalogueItems: { nodes: { id: string }[] } }) =>
      answer.catalogueItems.nodes.map((n) => n.id);
    const rowIds = (section: Locator) =>
      section
        .locator('[data-testid=catalogue-item-rows] tbody tr')
        .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
    const ownIds = ids(await gql('instadmin', ITEMS, { i: own }));
    const context = await newContext();
    try {
      // The institution admin: its own catalogue, its stock kept here, no mapping decisions.
      const page = await signIn(context, 'instadmin');
      await openView(page, 'drugs');
      const section = page.getByTestId('catalogue-items');
      await section.locator('[data-testid=catalogue-item-rows] tbody tr').first().waitFor();
      expect(await rowIds(section)).toEqual(ownIds);
      expect(await section.locator('select[name=catalogue-institution]').count()).toBe(0);
      expect(await section.locator('[data-action=remap-item]').count()).toBe(0);
      const first = ownIds[0];
      const row = section.locator(`tr[data-id="${first}"]`);
      const was = (await gql('instadmin', ITEM, { id: first })).catalogueItem.stock;
      await row.getByLabel('现有数量 On hand').fill('100000000000');
      await row.locator('[data-action=save-stock]').click();
      await section.getByRole('alert').waitFor();
      expect(await section.getByRole('alert').innerText()).toContain('不能大于');
      expect((await gql('instadmin', ITEM, { id: first })).catalogueItem.stock).toEqual(was);
      await row.getByLabel('现有数量 On hand').fill('37.5');
      await row.locator('[data-action=save-stock]').click();
      await eventually(
        async () => (await gql('instadmin', ITEM, { id: first })).catalogueItem.stock?.onHand === 37.5,
        WAIT_MS,
      );
      expect((await gql('instadmin', ITEM, { id: first })).catalogueItem.stock.source).toBe('MANUAL');
      await row.getByText('手工设置').waitFor();
    } finally {
      await context.close();
    }

    // The lead hospital's pharmacist: another member's catalogue, and a mapping corrected.
    const pharmacistContext = await newContext();
    try {
      const page = await signIn(pharmacistContext, 'pharmacist');
      await openView(page, 'drugs');
      const section = page.getByTestId('catalogue-items');
      await section.locator('[data-testid=catalogue-item-rows] tbody tr').first().waitFor();
      await section.locator('select[name=catalogue-institution]').selectOption(own);
      await section.getByRole('button', { name: '筛选' }).click();
      await section.locator(`tr[data-id="${ownIds[0]}"]`).waitFor();
      expect(await rowIds(section)).toEqual(ownIds);

      const [mapped] = await db.ds.query(
        `SELECT m.catalogue_item_id AS id, m.formulary_item_id AS "formularyItemId"
           FROM drug_mapping m JOIN drug_catalogue_item c ON c.id = m.catalogue_item_id
          WHERE c.institution_id = $1 AND c.active AND m.status IN ('CONFIRMED', 'AUTO_CONFIRMED') AND m.catalogue_item_id = ANY($2::uuid[])
          ORDER BY m.catalogue_item_id LIMIT 1`,
        [own, ownIds],
      );
      expect(mapped).toBeDefined();
      const [target] = await db.ds.query(
        `SELECT id, generic_name AS "genericName" FROM formulary_item WHERE status = 'ACTIVE' AND id <> $1 ORDER BY generic_name LIMIT 1`,
        [mapped.formularyItemId],
      );
      const before = (await gql('pharmacist', ITEM, { id: mapped.id })).catalogueItem.mapping;
      const row = section.locator(`tr[data-id="${mapped.id}"]`);
      const remap = async () => {
        await row.locator('[data-action=remap-item]').click();
        const form = page.getByTestId('remap-form');
        await form.locator('#remap-search').fill(target.genericName);
        await form.locator('[data-action=find-target]').click();
        await form.locator(`[data-testid=remap-found] [data-target="${target.id}"]`).click();
        await form.locator('input[name=remapReason]').fill('规格核对后更正');
        await form.locator('[data-action=save-remap]').click();
        return form;
      };
      // Decided elsewhere after the list was read: refused with the api's reason, the decision made there kept.
      await gql(
        'pharmacist',
        `mutation($id: ID!, $v: Int!, $r: String!) { rejectMapping(id: $id, expectedVersion: $v, reason: $r) { version } }`,
        { id: mapped.id, v: before.version, r: '另行核对' },
      );
      const form = await remap();
      await form.getByText('对照已被他人处理').waitFor();
      const meanwhile = (await gql('pharmacist', ITEM, { id: mapped.id })).catalogueItem.mapping;
      expect(meanwhile).toMatchObject({ status: 'REJECTED', version: before.version + 1 });
      await form.getByRole('button', { name: '取消' }).click();
      await section.locator(`tr[data-id="${mapped.id}"][data-mapping-status=REJECTED]`).waitFor();

      // Read again, then mapped onto the chosen item: confirmed, with the reason.
      await (await remap()).waitFor({ state: 'detached' });
      expect((await gql('pharmacist', ITEM, { id: mapped.id })).catalogueItem.mapping).toEqual({
        status: 'CONFIRMED',
        version: before.version + 2,
        note: '规格核对后更正',
        formularyItemId: target.id,
      });
      await section.locator(`tr[data-id="${mapped.id}"] [data-formulary="${target.id}"]`).waitFor();
      await screenshot(page, 'drugs-catalogue');
    } finally {
      await pharmacistContext.close();
    }
  });

  it('seven unifications: a consortium admin keeps the scorecard items — adds one judged by documents (a bad document kind refused, nothing added) and one judged by data, changes and switches one off as a new version with its reason (a change made meanwhile refused and the item shown as it is now); an auditor only reads', async () => {
    const ITEMS = `{ unificationItems { code version active nameZh tiers own data { numerator denominator multiplier comparator met partial } evidence { evidenceKind validMonths } } }`;
    const { unificationItems: before } = await gql('admin', ITEMS);
    const tag = Date.now().toString(36).toUpperCase();
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      await openView(page, 'unification');
      const section = page.getByTestId('unification-items');
      const rows = section.locator('[data-testid=unification-item-rows] tbody tr');
      await rows.first().waitFor({ timeout: VIEW_TIMEOUT });
      expect(
        await rows.evaluateAll((trs) =>
          trs.map((tr) => `${tr.getAttribute('data-code')}:${tr.getAttribute('data-version')}`),
        ),
      ).toEqual(before.map((i: { code: string; version: number }) => `${i.code}:${i.version}`));

      // A document item: a malformed kind is refused with the api's reason and adds nothing.
      await section.locator('[data-action=new-unification-item]').click();
      const form = page.getByTestId('unification-item-form');
      await form.locator('input[name=code]').fill(`ADM_MINUTES_${tag}`);
      await form.locator('select[name=dimension]').selectOption('ADMINISTRATION');
      await form.locator('input[name=nameZh]').fill('理事会会议纪要');
      await form.locator('input[name=nameEn]').fill('Board meeting minutes');
      await form.locator('[data-tier=VILLAGE]').uncheck();
      await form.locator('[data-tier=TOWNSHIP]').uncheck();
      await form.locator('input[name=evidenceKind]').fill('minutes');
      await form.locator('input[name=validMonths]').fill('12');
      await form.locator('input[name=changeNote]').fill('理事会要求按季留存纪要');
      await form.locator('[data-action=save-unification-item]').click();
      await form.getByText('材料类型不合法').waitFor();
      expect((await gql('admin', ITEMS)).unificationItems).toHaveLength(before.length);
      await form.locator('input[name=evidenceKind]').fill('BOARD_MINUTES');
      await form.locator('[data-action=save-unification-item]').click();
      await form.waitFor({ state: 'detached' });
      await section.locator(`tr[data-code="ADM_MINUTES_${tag}"]`).waitFor();
      const find = async (code: string) =>
        (await gql('admin', ITEMS)).unificationItems.find((i: { code: string }) => i.code === code);
      expect(await find(`ADM_MINUTES_${tag}`)).toMatchObject({
        version: 1,
        own: true,
        active: true,
        tiers: ['COUNTY'],
        evidence: { evidenceKind: 'BOARD_MINUTES', validMonths: 12 },
        data: null,
      });

      // A data item: down-referrals as a share of up-referrals, its measures chosen from the known ones.
      await section.locator('[data-action=new-unification-item]').click();
      await form.locator('input[name=code]').fill(`BUS_DOWN_${tag}`);
      await form.locator('select[name=dimension]').selectOption('BUSINESS');
      await form.locator('select[name=kind]').selectOption('DATA');
      await form.locator('input[name=nameZh]').fill('下转占上转比例');
      await form.locator('input[name=nameEn]').fill('Down-referrals per up-referral');
      await form.locator('select[name=numerator]').selectOption(['ref.down']);
      await form.locator('select[name=denominator]').selectOption(['ref.up']);
      await form.locator('input[name=met]').fill('10');
      await form.locator('input[name=partial]').fill('5');
      await form.locator('input[name=changeNote]').fill('推动双向转诊');
      await form.locator('[data-action=save-unification-item]').click();
      await form.waitFor({ state: 'detached' });
      expect(await find(`BUS_DOWN_${tag}`)).toMatchObject({
        version: 1,
        tiers: ['COUNTY', 'TOWNSHIP', 'VILLAGE'],
        data: {
          numerator: ['ref.down'],
          denominator: ['ref.up'],
          multiplier: 100,
          comparator: 'GTE',
          met: 10,
          partial: 5,
        },
      });

      // A partial threshold stricter than the met one: refused, the item as it was.
      const dataRow = section.locator(`tr[data-code="BUS_DOWN_${tag}"]`);
      await dataRow.locator('[data-action=edit-unification-item]').click();
      await form.locator('input[name=partial]').fill('20');
      await form.locator('input[name=changeNote]').fill('试调');
      await form.locator('[data-action=save-unification-item]').click();
      await form.getByText('部分达标值须比达标值宽松').waitFor();
      expect((await find(`BUS_DOWN_${tag}`)).version).toBe(1);
      await form.getByRole('button', { name: '取消' }).click();

      // Renamed and switched off: version 2, both versions listed with their reasons.
      const row = section.locator(`tr[data-code="ADM_MINUTES_${tag}"]`);
      await row.locator('[data-action=edit-unification-item]').click();
      await form.locator('input[name=nameZh]').fill('理事会及管委会会议纪要');
      await form.locator('input[name=active]').uncheck();
      await form.locator('input[name=changeNote]').fill('并入管委会纪要');
      await form.locator('[data-action=save-unification-item]').click();
      await form.waitFor({ state: 'detached' });
      await section
        .locator(`tr[data-code="ADM_MINUTES_${tag}"][data-version="2"][data-active=false]`)
        .waitFor();
      expect(await find(`ADM_MINUTES_${tag}`)).toMatchObject({
        version: 2,
        active: false,
        nameZh: '理事会及管委会会议纪要',
      });
      await row.locator('[data-action=item-versions]').click();
      const versions = row.getByTestId('item-versions');
      await versions.locator('li[data-version="1"]').waitFor();
      expect(
        await versions.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-version'))),
      ).toEqual(['2', '1']);
      expect(await versions.innerText()).toContain('并入管委会纪要');
      await screenshot(page, 'unification-items');

      // Changed elsewhere while the form is open: refused in the api's words, the row shows the
      // item as it is now, and the other change stands.
      await dataRow.locator('[data-action=edit-unification-item]').click();
      expect(await form.getAttribute('data-version')).toBe('1');
      await gql(
        'admin',
        `mutation($i: UpdateUnificationItemInput!) { updateUnificationItem(input: $i) { version } }`,
        { i: { code: `BUS_DOWN_${tag}`, version: 1, changeNote: '改名', nameZh: '下转与上转之比' } },
      );
      await form.locator('input[name=met]').fill('12');
      await form.locator('input[name=changeNote]').fill('提高达标值');
      await form.locator('[data-action=save-unification-item]').click();
      await form.getByText('已被他人修改').waitFor();
      await section.locator(`tr[data-code="BUS_DOWN_${tag}"][data-version="2"]`).waitFor();
      expect(await dataRow.innerText()).toContain('下转与上转之比');
      expect(await find(`BUS_DOWN_${tag}`)).toMatchObject({
        version: 2,
        nameZh: '下转与上转之比',
        data: { met: 10, partial: 5 },
      });
      await form.getByRole('button', { name: '取消' }).click();

      // The auditor reads the items and is offered no change.
      const auditor = await signIn(context, 'auditor');
      await openView(auditor, 'unification');
      const theirs = auditor.getByTestId('unification-items');
      await theirs.locator(`tr[data-code="ADM_MINUTES_${tag}"]`).waitFor({ timeout: VIEW_TIMEOUT });
      expect(
        await theirs
          .locator('[data-action=new-unification-item], [data-action=edit-unification-item]')
          .count(),
      ).toBe(0);
    } finally {
      await context.close();
    }
  });
  it(
    'indicators: a consortium admin publishes a finished month after confirming, its definitions pinned as the api answers; the current month is refused as the api words it, nothing published; auditors and institution admins are not offered it',
    async () => {
      const REPORT = `query($p: IndicatorPeriodInput!) { indicatorReport(scope: { kind: CONSORTIUM }, period: $p) {
      published results { code definition { version } } } }`;
      const PUBLISH = `mutation($m: String!) { publishIndicatorMonth(month: $m) { month } }`;
      const report = async (m: string) =>
        (await gql('admin', REPORT, { p: { kind: 'MONTH', month: m } })).indicatorReport;
      // The month before last: last month, which the other indicator tests show, stays as they find it.
      const month = DateTime.fromFormat(lastMonth(), 'yyyy-MM').minus({ months: 1 }).toFormat('yyyy-MM');
      const now = currentMonth();
      expect([(await report(month)).published, (await report(now)).published]).toEqual([false, false]);
      const definitions: { code: string; version: number }[] = (
        await gql('admin', `{ indicatorDefinitions { code version } }`)
      ).indicatorDefinitions;
      const context = await newContext();
      try {
        const page = await signIn(context, 'admin');
        await openView(page, 'indicators');
        const state = page.getByTestId('published');
        await state.waitFor({ timeout: WAIT_MS });
        const monthInput = page.locator('input[name=month]');

        // The month still running: offered (which months may be published is the api's to say), refused.
        await monthInput.fill(now);
        const running = page.locator(`[data-testid=publish-month][data-month="${now}"]`);
        await running.locator('[data-action=publish-month]').click({ timeout: WAIT_MS });
        await running.locator('[data-action=confirm-publish]').click();
        const alert = running.getByRole('alert');
        await alert.waitFor({ timeout: WAIT_MS });
        const refusal = await gql('admin', PUBLISH, { m: now }).then(
          () => 'published',
          (e: Error) => JSON.parse(e.message)[0].message as string,
        );
        expect(refusal).toMatch(/只能发布已结束的月份/);
        expect(await alert.innerText()).toBe(refusal);
        expect((await report(now)).published).toBe(false);
        expect(await state.innerText()).toContain('未发布');
        await running.locator('[data-action=publish-month]').waitFor();
        await screenshot(page, 'indicators-publish-refused');

        // A finished month: asked twice; the first answer cancelled publishes nothing.
        await monthInput.fill(month);
        const box = page.locator(`[data-testid=publish-month][data-month="${month}"]`);
        await box.locator('[data-action=publish-month]').click({ timeout: WAIT_MS });
        await box.locator('[data-action=cancel-publish]').click();
        expect(await box.getByRole('alert').count()).toBe(0);
        expect((await report(month)).published).toBe(false);
        await box.locator('[data-action=publish-month]').click();
        await screenshot(page, 'indicators-publish-confirm');
        await box.locator('[data-action=confirm-publish]').click();
        const done = box.getByTestId('publication');
        await done.waitFor({ timeout: WAIT_MS });
        expect(await done.getAttribute('data-definitions')).toBe(String(definitions.length));
        await eventually(async () => (await state.innerText()).includes('已发布'), WAIT_MS);
        expect(await box.locator('[data-action=publish-month]').count()).toBe(0);
        await screenshot(page, 'indicators-published');
        // The api's too: published, with the versions in force when it was.
        const after = await report(month);
        expect(after.published).toBe(true);
        const version = new Map(definitions.map((d) => [d.code, d.version]));
        for (const r of after.results as { code: string; definition: { version: number } }[])
          expect([r.code, r.definition.version]).toEqual([r.code, version.get(r.code)]);
        // Publishing it again is the api's conflict; the current month is still not published.
        await expect(gql('admin', PUBLISH, { m: month })).rejects.toThrow(/已发布/);
        expect((await report(now)).published).toBe(false);
      } finally {
        await context.close();
      }
      for (const user of ['auditor', 'instadmin']) {
        const readerContext = await newContext();
        try {
          const page = await signIn(readerContext, user);
          await openView(page, 'indicators');
          await page.getByTestId('published').waitFor({ timeout: WAIT_MS });
          await page
            .locator('[data-testid=indicator-cards] [data-code]')
            .first()
            .waitFor({ timeout: WAIT_MS });
          expect([user, await page.getByTestId('publish-month').count()]).toEqual([user, 0]);
        } finally {
          await readerContext.close();
        }
      }
    },
    VIEW_TIMEOUT,
  );

  it(
    "indicators: yearly statistics: a consortium admin submits the consortium's and a member's figures and a dispatched doctor for a year, each read back from the api; a value the api refuses is shown as it words it, nothing recorded; the institution admin replaces its own staff figure; an auditor is not offered the form",
    async () => {
      // A year no other test reads.
      const year = Number(currentMonth().slice(0, 4)) - 5;
      const SUBMIT = `mutation($i: SubmitStatisticsInput!) { submitStatistics(input: $i) { values } }`;
      const own: string = (await gql('instadmin', `{ me { institution { id } } }`)).me.institution.id;
      // What the api has recorded for the year, as its statistics(year) answers.
      const recorded = async () => {
        type V = { key: string; institutionId: string | null; value: number };
        const { statistics } = await gql<{ statistics: V[] }>(
          'admin',
          `query($y: Int!) { statistics(year: $y) { key institutionId value } }`,
          { y: year },
        );
        const pick = (key: string, institutionId: string | null) =>
          statistics
            .filter((v) => v.key === key && v.institutionId === institutionId)
            .map((v) => [v.institutionId, v.value]);
        return {
          population: pick('POPULATION', null),
          clinics: pick('VILLAGE_CLINICS', null),
          staff: pick('STAFF_COUNT', own),
          income: pick('STAFF_INCOME_TOTAL', own),
        };
      };
      expect(await recorded()).toEqual({ population: [], clinics: [], staff: [], income: [] });
      const valueOf = (form: Locator, key: string) =>
        form.locator(`[data-key=${key}] [data-testid=recorded]`).getAttribute('data-value');

      const context = await newContext();
      try {
        const page = await signIn(context, 'admin');
        await openView(page, 'indicators');
        await page.locator('[data-action=open-statistics]').click();
        const form = page.getByTestId('statistics-form');
        await form.locator('input[name=year]').fill(String(year));
        await form
          .locator('[data-key=POPULATION] [data-testid=recorded][data-value=null]')
          .waitFor({ timeout: WAIT_MS });
        // Not a whole number: the api's refusal, nothing recorded (the valid item sent with it neither).
        await form.locator('input[name=stat-POPULATION]').fill('520000.5');
        await form.locator('input[name=stat-VILLAGE_CLINICS]').fill('210');
        await form.locator('[data-action=submit-statistics]').click();
        const alert = form.getByRole('alert');
        await alert.waitFor({ timeout: WAIT_MS });
        const refusal = await gql('admin', SUBMIT, {
          i: {
            year,
            values: [
              { key: 'POPULATION', value: 520000.5 },
              { key: 'VILLAGE_CLINICS', value: 210 },
            ],
          },
        }).then(
          () => 'recorded',
          (e: Error) => JSON.parse(e.message)[0].message as string,
        );
        expect(refusal).toMatch(/应为整数/);
        expect(await alert.innerText()).toBe(refusal);
        expect(await recorded()).toEqual({ population: [], clinics: [], staff: [], income: [] });

        // Corrected, with a member's staff figures: four values, each as the api now has it.
        await form.locator('input[name=stat-POPULATION]').fill('520000');
        await form.locator('select[name=institutionId]').selectOption(own);
        await form.locator('input[name=stat-STAFF_COUNT]').fill('85');
        await form.locator('input[name=stat-STAFF_INCOME_TOTAL]').fill('8500000.5');
        await form.locator('[data-action=submit-statistics]').click();
        await form
          .locator(`[data-testid=statistics-saved][data-year="${year}"][data-values="4"]`)
          .waitFor({ timeout: WAIT_MS });
        expect(await alert.count()).toBe(0);
        expect(await recorded()).toEqual({
          population: [[null, 520000]],
          clinics: [[null, 210]],
          staff: [[own, 85]],
          income: [[own, 8500000.5]],
        });
        await eventually(async () => (await valueOf(form, 'STAFF_INCOME_TOTAL')) === '8500000.5', WAIT_MS);
        expect({
          population: await valueOf(form, 'POPULATION'),
          clinics: await valueOf(form, 'VILLAGE_CLINICS'),
          staff: await valueOf(form, 'STAFF_COUNT'),
          deaths: await valueOf(form, 'CHRONIC_PREMATURE_DEATHS'),
        }).toEqual({ population: '520000', clinics: '210', staff: '85', deaths: 'null' });
        await screenshot(page, 'indicators-statistics');

        // A doctor dispatched from the county hospital: one ending before it starts is refused as the
        // api words it and nothing is kept; then saved, listed, and the api's.
        const { institutions } = await gql(
          'admin',
          `{ institutions(first: 100) { nodes { id tier kind } } }`,
        );
        type I = { id: string; tier: string; kind: string };
        const from = (institutions.nodes as I[]).find((i) => i.kind === 'GENERAL_HOSPITAL')!.id;
        const to = (institutions.nodes as I[]).find((i) => i.tier === 'TOWNSHIP')!.id;
        const DISPATCHES = `query($y: Int!) { dispatchRecords(year: $y) { reference fromInstitutionId toInstitutionId startsOn endsOn } }`;
        const dispatches = form.getByTestId('dispatches');
        await dispatches.getByText('本年无派驻记录').waitFor({ timeout: WAIT_MS });
        await form.locator('input[name=dispatchReference]').fill(`PZ-${year}-01`);
        await form.locator('select[name="派出机构 From"]').selectOption(from);
        await form.locator('select[name="接收机构 To"]').selectOption(to);
        await form.locator('input[name=dispatchStarts]').fill(`${year}-03-01`);
        await form.locator('input[name=dispatchEnds]').fill(`${year}-02-01`);
        await form.locator('[data-action=save-dispatch]').click();
        await form.getByText('结束日期早于开始日期').waitFor({ timeout: WAIT_MS });
        expect((await gql('admin', DISPATCHES, { y: year })).dispatchRecords).toEqual([]);
        await form.locator('input[name=dispatchEnds]').fill(`${year}-08-31`);
        await form.locator('[data-action=save-dispatch]').click();
        await dispatches.locator(`li[data-reference="PZ-${year}-01"]`).waitFor({ timeout: WAIT_MS });
        expect((await gql('admin', DISPATCHES, { y: year })).dispatchRecords).toEqual([
          {
            reference: `PZ-${year}-01`,
            fromInstitutionId: from,
            toInstitutionId: to,
            startsOn: `${year}-03-01`,
            endsOn: `${year}-08-31`,
          },
        ]);
      } finally {
        await context.close();
      }

      // The institution admin: its own institution's items only; one sent again replaces the recorded value.
      const instContext = await newContext();
      try {
        const page = await signIn(instContext, 'instadmin');
        await openView(page, 'indicators');
        await page.locator('[data-action=open-statistics]').click();
        const form = page.getByTestId('statistics-form');
        await form.locator('input[name=year]').fill(String(year));
        await eventually(
          async () =>
            (await form.locator('[data-key=STAFF_COUNT] [data-testid=recorded]').count()) > 0 &&
            (await valueOf(form, 'STAFF_COUNT')) === '85',
          WAIT_MS,
        );
        expect(await form.locator('input[name=stat-POPULATION]').count()).toBe(0);
        await form.locator('input[name=stat-STAFF_COUNT]').fill('86');
        await form.locator('[data-action=submit-statistics]').click();
        await form.locator('[data-testid=statistics-saved][data-values="1"]').waitFor({ timeout: WAIT_MS });
        await eventually(async () => (await valueOf(form, 'STAFF_COUNT')) === '86', WAIT_MS);
        expect(await recorded()).toEqual({
          population: [[null, 520000]],
          clinics: [[null, 210]],
          staff: [[own, 86]],
          income: [[own, 8500000.5]],
        });
      } finally {
        await instContext.close();
      }

      const auditorContext = await newContext();
      try {
        const page = await signIn(auditorContext, 'auditor');
        await openView(page, 'indicators');
        await page.locator('[data-testid=indicator-cards] [data-code]').first().waitFor({ timeout: WAIT_MS });
        expect(await page.locator('[data-action=open-statistics]').count()).toBe(0);
      } finally {
        await auditorContext.close();
      }
    },
    VIEW_TIMEOUT,
  );
  it('notification settings: a user chooses SMS beside the inbox, as the api then answers and shown again after a reload; a new notification then goes by SMS too; a webhook without an address or to this machine is refused with the api’s reason and changes nothing', async () => {
    const PREFS = `{ notificationPreferences { channels webhookUrl } }`;
    const username = `npuser-${Date.now().toString(36)}`;
    const { me: admin } = await gql('admin', `{ me { institution { id } } }`);
    const createUser = await createSettledUser({
      username,
      displayName: '通知设置用户',
      institutionId: admin.institution.id,
      roles: ['REFERRAL_COORDINATOR'],
      phone: '13912340000',
    });
    expect((await gql(username, PREFS)).notificationPreferences).toEqual({ channels: [], webhookUrl: null });
    const context = await newContext();
    try {
      const page = await signIn(context, username);
      const open = async () => {
        await page.getByTestId('inbox-button').click();
        await page.getByTestId('inbox').locator('[data-action=notification-settings]').click();
        const form = page.getByTestId('notification-settings');
        await form.locator('[data-channel=SMS]').waitFor({ timeout: WAIT_MS });
        return form;
      };
      let form = await open();
      expect(await form.locator('[data-channel=SMS]').isChecked()).toBe(false);
      expect(await form.locator('[data-channel=WEBHOOK]').isChecked()).toBe(false);
      // Where texts would go, as the api masks the number on record.
      expect(await form.getByTestId('sms-to').innerText()).toContain('139****0000');
      const save = form.locator('[data-action=save-notification-settings]');
      expect(await save.isDisabled()).toBe(true); // nothing changed yet

      // The api's rules, said as the api says them: a webhook needs its address, and not this machine.
      await form.locator('[data-channel=WEBHOOK]').check();
      await save.click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('选择 Webhook 时须提供地址');
      await form.locator('#np-webhook-url').fill('https://127.0.0.1/hook');
      await save.click();
      await form.getByRole('alert').filter({ hasText: '不能发送到本机' }).waitFor({ timeout: WAIT_MS });
      expect((await gql(username, PREFS)).notificationPreferences).toEqual({
        channels: [],
        webhookUrl: null,
      });

      // SMS chosen and saved: the api has it, and the form reads it back.
      await form.locator('#np-webhook-url').fill('');
      await form.locator('[data-channel=WEBHOOK]').uncheck();
      await form.locator('[data-channel=SMS]').check();
      await save.click();
      await form.getByTestId('notification-settings-saved').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').count()).toBe(0);
      expect((await gql(username, PREFS)).notificationPreferences).toEqual({
        channels: ['SMS'],
        webhookUrl: null,
      });
      expect(await form.locator('[data-channel=SMS]').isChecked()).toBe(true);
      expect(await save.isDisabled()).toBe(true);
      await screenshot(page, 'notification-settings');
      await page.reload();
      await page.getByTestId('menu').waitFor();
      form = await open();
      expect(await form.locator('[data-channel=SMS]').isChecked()).toBe(true);
      expect(await form.locator('[data-channel=WEBHOOK]').isChecked()).toBe(false);
      await form.locator('[data-action=close-notification-settings]').click();
      await page.getByTestId('inbox').waitFor();

      // What the choice does: a referral to the user's hospital is told in the inbox and by SMS.
      const { patients } = await gql('villagedoc', `{ patients(first: 1) { nodes { id } } }`);
      const { createReferral } = await gql(
        'villagedoc',
        `mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }`,
        {
          i: upReferralInput(patients.nodes[0].id, admin.institution.id, {
            idempotencyKey: `console-np-${Date.now()}`,
          }),
        },
      );
      const delivery = await eventually(async () => {
        const [row] = await db.ds.query(
          `SELECT d.channel, d.status FROM notification_delivery d JOIN notification n ON n.id = d.notification_id
            WHERE n.recipient_user_id = $1 AND n.payload->>'referralId' = $2 AND d.status <> 'PENDING'`,
          [createUser.id, createReferral.id],
        );
        return row as { channel: string; status: string } | undefined;
      }, WAIT_MS);
      expect(delivery).toEqual({ channel: 'SMS', status: 'SENT' });
    } finally {
      await context.close();
    }
  });

  it('referral timings: a consortium admin reads and changes them in the referrals view (read back from the api); an out-of-range one is refused with the api’s reason and changes nothing, and so is a change on timings changed meanwhile (shown as they are now); a coordinator reads them, not offered the change', async () => {
    const FIELDS = `responseSeconds { EMERGENCY URGENT ROUTINE } reminderBeforeSeconds noShowGraceSeconds`;
    const SETTINGS = `{ referralSettings { ${FIELDS} } }`;
    const before = (await gql('admin', SETTINGS)).referralSettings;
    const versionRead = async () =>
      (await gql('admin', `{ referralSettings { version } }`)).referralSettings.version;
    const version = await versionRead();
    // The demo runs on the defaults (15 min, 2 h, 24 h), which the other tests' referrals take.
    expect(before.responseSeconds).toEqual({ EMERGENCY: 900, URGENT: 7200, ROUTINE: 86400 });
    const shownTimings = (page: Page) =>
      page
        .locator('[data-testid=referral-timings] [data-timing]')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-timing'), Number(e.getAttribute('data-seconds'))]),
        );
    const asShown = (s: typeof before) => [
      ['EMERGENCY', s.responseSeconds.EMERGENCY],
      ['URGENT', s.responseSeconds.URGENT],
      ['ROUTINE', s.responseSeconds.ROUTINE],
      ['reminderBefore', s.reminderBeforeSeconds],
      ['noShowGrace', s.noShowGraceSeconds],
    ];
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      await openView(page, 'referrals');
      const timings = page.getByTestId('referral-timings');
      await timings.waitFor({ timeout: WAIT_MS });
      expect(await shownTimings(page)).toEqual(asShown(before));
      expect(await timings.locator('[data-timing=URGENT]').innerText()).toContain('2 小时');
      expect(await timings.locator('[data-timing=EMERGENCY]').innerText()).toContain('15 分钟');

      await timings.locator('[data-action=edit-referral-settings]').click();
      const form = page.getByTestId('referral-settings');
      expect(await form.locator('#rs-URGENT').inputValue()).toBe('2');
      const save = form.locator('[data-action=save-referral-settings]');
      expect(await save.isDisabled()).toBe(true); // nothing changed yet
      // Urgent to 3 h with routine past the api's 30 days: refused whole, the urgent one too.
      await form.locator('#rs-URGENT').fill('3');
      await form.locator('#rs-ROUTINE').fill('721');
      await save.click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      const refusal = await form.getByRole('alert').innerText();
      expect(refusal).toContain('routineSeconds');
      expect(refusal).toContain('不能大于 2592000');
      await screenshot(page, 'referral-timings-refused');
      expect((await gql('admin', SETTINGS)).referralSettings).toEqual(before);
      // Under the api's minute: refused too, as the api says it.
      await form.locator('#rs-ROUTINE').fill('24');
      await form.locator('#rs-EMERGENCY').fill('0');
      await save.click();
      await form.getByRole('alert').filter({ hasText: 'emergencySeconds' }).waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('不能小于 60');
      expect((await gql('admin', SETTINGS)).referralSettings).toEqual(before);
      expect(await form.locator('#rs-URGENT').inputValue()).toBe('3'); // kept as typed

      await form.locator('#rs-EMERGENCY').fill('15');
      await save.click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      const after = (await gql('admin', SETTINGS)).referralSettings;
      expect(after).toEqual({ ...before, responseSeconds: { ...before.responseSeconds, URGENT: 3 * 3600 } });
      await page
        .locator('[data-testid=referral-timings] [data-timing=URGENT][data-seconds="10800"]')
        .waitFor();
      expect(await shownTimings(page)).toEqual(asShown(after));
      expect(await timings.locator('[data-timing=URGENT]').innerText()).toContain('3 小时');
      await screenshot(page, 'referral-timings');

      // Changed elsewhere while the form is open: refused in the api's words, the line shows the
      // timings as they are now, and the other change stands.
      await timings.locator('[data-action=edit-referral-settings]').click();
      expect(await form.getAttribute('data-version')).toBe(String(version + 1));
      await gql(
        'admin',
        `mutation($i: ReferralSettingsInput!) { updateReferralSettings(input: $i) { version } }`,
        { i: { version: version + 1, noShowGraceSeconds: 6 * 3600 } },
      );
      await form.locator('#rs-ROUTINE').fill('12');
      await save.click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('已被他人修改');
      await page
        .locator('[data-testid=referral-timings] [data-timing=noShowGrace][data-seconds="21600"]')
        .waitFor({ timeout: WAIT_MS });
      const now = (await gql('admin', SETTINGS)).referralSettings;
      expect(now).toEqual({ ...after, noShowGraceSeconds: 6 * 3600 });
      expect(await shownTimings(page)).toEqual(asShown(now));
      await form.getByRole('button', { name: '取消' }).click();

      // The coordinator reads the same timings; the change is not offered.
      const coordinator = await signIn(context, 'coordinator');
      await openView(coordinator, 'referrals');
      await coordinator.getByTestId('referral-timings').waitFor({ timeout: WAIT_MS });
      expect(await shownTimings(coordinator)).toEqual(asShown(now));
      expect(await coordinator.locator('[data-action=edit-referral-settings]').count()).toBe(0);
      expect(await coordinator.getByTestId('referral-settings').count()).toBe(0);
    } finally {
      await context.close();
      // Later tests' referrals take the demo's deadlines.
      await gql(
        'admin',
        `mutation($i: ReferralSettingsInput!) { updateReferralSettings(input: $i) { ${FIELDS} } }`,
        {
          i: {
            version: await versionRead(),
            emergencySeconds: before.responseSeconds.EMERGENCY,
            urgentSeconds: before.responseSeconds.URGENT,
            routineSeconds: before.responseSeconds.ROUTINE,
            reminderBeforeSeconds: before.reminderBeforeSeconds,
            noShowGraceSeconds: before.noShowGraceSeconds,
          },
        },
      );
    }
    expect((await gql('admin', SETTINGS)).referralSettings).toEqual(before);
  });

  it('supply-request timings: a consortium admin changes them in the drug view (read back from the api); one under the api’s minute is refused and changes nothing, and so is a change on timings changed meanwhile (shown as they are now); a pharmacist reads them, not offered the change', async () => {
    const FIELDS = `decideSeconds { URGENT ROUTINE } deliverSeconds { URGENT ROUTINE } reminderBeforeSeconds`;
    const SETTINGS = `{ supplySettings { ${FIELDS} } }`;
    const before = (await gql('admin', SETTINGS)).supplySettings;
    const versionRead = async () =>
      (await gql('admin', `{ supplySettings { version } }`)).supplySettings.version;
    const version = await versionRead();
    const shown = (page: Page) =>
      page
        .locator('[data-testid=supply-timings] [data-timing]')
        .evaluateAll((els) =>
          els.map((e) => [e.getAttribute('data-timing'), Number(e.getAttribute('data-seconds'))]),
        );
    const asShown = (x: typeof before) => [
      ['urgentDecide', x.decideSeconds.URGENT],
      ['routineDecide', x.decideSeconds.ROUTINE],
      ['urgentDeliver', x.deliverSeconds.URGENT],
      ['routineDeliver', x.deliverSeconds.ROUTINE],
      ['reminderBefore', x.reminderBeforeSeconds],
    ];
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      await openView(page, 'drugs');
      const timings = page.getByTestId('supply-timings');
      await timings.waitFor({ timeout: WAIT_MS });
      expect(await shown(page)).toEqual(asShown(before));
      await timings.locator('[data-action=edit-supply-settings]').click();
      const form = page.getByTestId('supply-settings');
      const save = form.locator('[data-action=save-supply-settings]');
      expect(await save.isDisabled()).toBe(true);
      // Urgent decisions within 45 minutes, with a reminder under the api's minute: refused whole.
      await form.locator('#ss-urgentDecide').fill('45');
      await form.getByLabel('紧急审批单位 Unit').selectOption({ label: '分钟 min' });
      await form.locator('#ss-reminderBefore').fill('0');
      await save.click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('reminderBeforeSeconds');
      expect((await gql('admin', SETTINGS)).supplySettings).toEqual(before);
      await form.locator('#ss-reminderBefore').fill(String(before.reminderBeforeSeconds / 60));
      await form.getByLabel('审批到期前提醒单位 Unit').selectOption({ label: '分钟 min' });
      await save.click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      const after = (await gql('admin', SETTINGS)).supplySettings;
      expect(after).toEqual({ ...before, decideSeconds: { ...before.decideSeconds, URGENT: 45 * 60 } });
      await page
        .locator('[data-testid=supply-timings] [data-timing=urgentDecide][data-seconds="2700"]')
        .waitFor();
      expect(await shown(page)).toEqual(asShown(after));

      // Changed elsewhere while the form is open: refused in the api's words, the line shows the
      // timings as they are now, and the other change stands.
      await timings.locator('[data-action=edit-supply-settings]').click();
      expect(await form.getAttribute('data-version')).toBe(String(version + 1));
      await gql(
        'admin',
        `mutation($i: SupplySettingsInput!) { updateSupplySettings(input: $i) { version } }`,
        { i: { version: version + 1, routineDeliverSeconds: 48 * 3600 } },
      );
      await form.locator('#ss-urgentDeliver').fill('12');
      await form.getByLabel('紧急到货单位 Unit').selectOption({ label: '小时 h' });
      await save.click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('已被他人修改');
      await page
        .locator('[data-testid=supply-timings] [data-timing=routineDeliver][data-seconds="172800"]')
        .waitFor({ timeout: WAIT_MS });
      const now = (await gql('admin', SETTINGS)).supplySettings;
      expect(now).toEqual({ ...after, deliverSeconds: { ...after.deliverSeconds, ROUTINE: 48 * 3600 } });
      expect(await shown(page)).toEqual(asShown(now));
      await form.getByRole('button', { name: '取消' }).click();

      const pharmacist = await signIn(context, 'pharmacist');
      await openView(pharmacist, 'drugs');
      await pharmacist.getByTestId('supply-timings').waitFor({ timeout: WAIT_MS });
      expect(await shown(pharmacist)).toEqual(asShown(now));
      expect(await pharmacist.locator('[data-action=edit-supply-settings]').count()).toBe(0);
    } finally {
      await context.close();
      await gql(
        'admin',
        `mutation($i: SupplySettingsInput!) { updateSupplySettings(input: $i) { reminderBeforeSeconds } }`,
        {
          i: {
            version: await versionRead(),
            urgentDecideSeconds: before.decideSeconds.URGENT,
            routineDecideSeconds: before.decideSeconds.ROUTINE,
            urgentDeliverSeconds: before.deliverSeconds.URGENT,
            routineDeliverSeconds: before.deliverSeconds.ROUTINE,
            reminderBeforeSeconds: before.reminderBeforeSeconds,
          },
        },
      );
    }
    expect((await gql('admin', SETTINGS)).supplySettings).toEqual(before);
  });

  it("key tasks: a consortium admin changes a task's title, levels and units assessed in the ledger's form and clears its description, a new version as the api has it; levels out of order are refused and change nothing; a change made meanwhile is refused and the task shown as it is now; an institution admin and an auditor are not offered the change", async () => {
    const year = Number(lastMonth().slice(0, 4));
    const code = `EDIT-${Date.now().toString(36).toUpperCase()}`;
    const FIELDS =
      'id code title description requiredLevel effortLevel challengeLevel points institutionIds version';
    // The units in a stable order: the api keeps them as a set.
    const read = async () => {
      const task = (
        await gql('admin', `query($y: Int!) { keyTasks(year: $y) { ${FIELDS} } }`, { y: year })
      ).keyTasks.find((t: { code: string }) => t.code === code);
      return task && { ...task, institutionIds: [...task.institutionIds].sort() };
    };
    // A task of its own: the demo's tasks stay as the other tests read them.
    const { createKeyTask: created } = await gql(
      'admin',
      `mutation($i: CreateKeyTaskInput!) { createKeyTask(input: $i) { ${FIELDS} } }`,
      {
        i: {
          year,
          code,
          title: '检查检验结果互认率',
          description: '互认项目见医共体清单',
          kind: 'REPORTED',
          direction: 'HIGHER_BETTER',
          requiredLevel: 50,
          effortLevel: 60,
          challengeLevel: 70,
          points: 3,
        },
      },
    );
    expect(created.version).toBe(1);
    const context = await newContext();
    try {
      const { page, ledger } = await openLedger(context, 'admin');
      const row = ledger.locator(`tr[data-task="${code}"]`);
      await row.waitFor({ timeout: WAIT_MS });
      await row.locator('[data-action=edit-key-task]').click();
      const form = ledger.getByTestId('edit-key-task');
      await form.waitFor();
      const field = (name: string) => form.locator(`input[name=${name}]`);
      // The one form, prefilled as read.
      expect(await ledger.getByTestId('new-key-task').count()).toBe(0);
      expect(await form.getAttribute('data-version')).toBe('1');
      expect(
        await Promise.all(
          ['taskTitle', 'taskDescription', 'level-required', 'level-effort', 'level-challenge', 'points'].map(
            (n) => field(n).inputValue(),
          ),
        ),
      ).toEqual(['检查检验结果互认率', '互认项目见医共体清单', '50', '60', '70', '3']);

      // Levels out of order: the api's words, nothing changed.
      await field('taskTitle').fill('基层检查检验结果互认率');
      await field('level-required').fill('65');
      await form.locator('[data-action=save-key-task]').click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('考核 < 努力 < 挑战');
      expect(await read()).toEqual(created);

      // An emptied description is cleared, not kept.
      await field('taskDescription').fill('');
      await field('level-required').fill('55');
      await field('level-effort').fill('68');
      await field('level-challenge').fill('80');
      // Limited to two township members (none chosen: every member).
      const { institutions } = await gql(
        'admin',
        `{ institutions(first: 100, tier: TOWNSHIP) { nodes { id } } }`,
      );
      const units: string[] = institutions.nodes.slice(0, 2).map((i: { id: string }) => i.id);
      const chooser = form.getByTestId('task-units');
      await chooser.locator('summary').click();
      for (const id of units) await chooser.locator(`[data-unit="${id}"]`).check();
      await form.locator('[data-action=save-key-task]').click();
      await form.waitFor({ state: 'detached', timeout: WAIT_MS });
      await ledger.locator(`tr[data-task="${code}"][data-version="2"]`).waitFor({ timeout: WAIT_MS });
      const edited = {
        ...created,
        title: '基层检查检验结果互认率',
        description: null,
        requiredLevel: 55,
        effortLevel: 68,
        challengeLevel: 80,
        institutionIds: [...units].sort(),
        version: 2,
      };
      expect(await read()).toEqual(edited);
      expect(await row.getByTestId('task-title').innerText()).toBe(edited.title);
      expect(await row.getByTestId('levels').innerText()).toContain('55 / 68 / 80');
      // The form adds tasks again.
      await ledger.getByTestId('new-key-task').waitFor();
      await screenshot(page, 'key-task-edited');

      // Opened at version 2, changed meanwhile elsewhere: refused, and the row shows the task as it is now.
      await row.locator('[data-action=edit-key-task]').click();
      await form.waitFor();
      expect(await form.getAttribute('data-version')).toBe('2');
      await gql('admin', `mutation($i: UpdateKeyTaskInput!) { updateKeyTask(input: $i) { version } }`, {
        i: { id: created.id, version: 2, title: '检查检验结果互认率(县级)', points: 4 },
      });
      await field('level-challenge').fill('90');
      await form.locator('[data-action=save-key-task]').click();
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('任务已被他人修改');
      await ledger.locator(`tr[data-task="${code}"][data-version="3"]`).waitFor({ timeout: WAIT_MS });
      const now = { ...edited, title: '检查检验结果互认率(县级)', points: 4, version: 3 };
      expect(await read()).toEqual(now);
      expect(await row.getByTestId('task-title').innerText()).toBe(now.title);
      expect(await row.getByTestId('levels').innerText()).toContain('55 / 68 / 80');
      expect(await row.getByTestId('points').innerText()).toBe('4');
      await screenshot(page, 'key-task-stale');
    } finally {
      await context.close();
    }

    for (const username of ['instadmin', 'auditor']) {
      const theirs = await newContext();
      try {
        const { ledger } = await openLedger(theirs, username);
        await ledger.locator(`tr[data-task="${code}"][data-version="3"]`).waitFor({ timeout: WAIT_MS });
        expect(
          await ledger
            .locator('[data-action=edit-key-task], [data-testid=edit-key-task], [data-testid=new-key-task]')
            .count(),
        ).toBe(0);
      } finally {
        await theirs.close();
      }
    }
  });

  it("monthly assessment: a consortium admin corrects a published month in the console, a new edition with its reason as the api has it, shown as corrected; a score over its weight and a correction on a month changed meanwhile are refused in the api's words and change nothing; an auditor and an institution admin are not offered it, and the auditor retraces an earlier edition", async () => {
    const month = lastMonth();
    const Q = `query($m: String!) { assessment(month: $m) { state edition version scheme { analysisWeight }
      editions { edition reason } groups { units { institutionId analysis total rank } } } }`;
    const read = async () => (await gql('admin', Q, { m: month })).assessment;
    const unitIn = (a: any, id: string) =>
      a.groups.flatMap((g: { units: any[] }) => g.units).find((u: any) => u.institutionId === id);
    const before = await read();
    expect(before.state).toBe('PUBLISHED');
    const units = before.groups.flatMap((g: { units: any[] }) => g.units);
    const unit = units[units.length - 1];
    const value = unit.analysis === 12.5 ? 13.5 : 12.5;
    const weight = before.scheme.analysisWeight;
    const reason = '剖析度录入有误,按评审会记录更正';
    let meanwhile: any;
    const context = await newContext();
    try {
      const page = await signIn(context, 'admin');
      await openView(page, 'assessment');
      const form = page.getByTestId('correct-month');
      await form.waitFor({ timeout: VIEW_TIMEOUT });
      const send = async (analysis: number, why: string) => {
        await form.locator('select[name=correctUnit]').selectOption(unit.institutionId);
        await form.locator('input[name=correct-analysis]').fill(String(analysis));
        await form.locator('input[name=correctReason]').fill(why);
        await form.locator('[data-action=correct-assessment]').click();
      };

      // Over its weight: the api's words, nothing changed.
      await send(weight + 5, reason);
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain(`剖析度 analysis 须在 0–${weight} 之间`);
      expect(await read()).toEqual(before);
      expect(await page.getByTestId('corrected').count()).toBe(before.edition > 1 ? 1 : 0);

      await send(value, reason);
      const edition = before.edition + 1;
      await page.locator(`[data-testid=editions][data-edition="${edition}"]`).waitFor({ timeout: WAIT_MS });
      const after = await read();
      expect(after.edition).toBe(edition);
      expect(after.editions).toEqual([...before.editions, { edition, reason }]);
      expect(unitIn(after, unit.institutionId).analysis).toBe(value);
      // As the api has it: the edition shown, marked corrected, its reason, the unit's figures.
      expect(await page.getByTestId('edition').innerText()).toBe(String(edition));
      await page.getByTestId('corrected').waitFor();
      expect(
        await page
          .locator(`[data-testid=editions] li[data-edition="${edition}"] [data-testid=edition-reason]`)
          .innerText(),
      ).toBe(reason);
      const row = page.locator(`[data-testid=ranking] tr[data-institution="${unit.institutionId}"]`);
      expect((await row.getByTestId('analysis').innerText()).split('\n')[0]).toBe(figure(value));
      expect(await row.getByTestId('total').innerText()).toBe(
        figure(unitIn(after, unit.institutionId).total),
      );
      expect(await form.getByRole('alert').count()).toBe(0);
      await screenshot(page, 'assessment-corrected');

      // Corrected again elsewhere meanwhile: this one, sent on the version read, is refused and the
      // view shows the month as it is now.
      await gql(
        'admin',
        `mutation($i: CorrectAssessmentInput!) { correctAssessment(input: $i) { edition } }`,
        {
          i: {
            month,
            version: after.version,
            institutionId: unit.institutionId,
            analysis: value + 1,
            reason: '复核后再次更正',
          },
        },
      );
      meanwhile = await read();
      await send(value + 2, '另一处更正');
      await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
      expect(await form.getByRole('alert').innerText()).toContain('本月考核已被他人修改');
      await page
        .locator(`[data-testid=editions][data-edition="${meanwhile.edition}"]`)
        .waitFor({ timeout: WAIT_MS });
      expect(await read()).toEqual(meanwhile);
      expect((await row.getByTestId('analysis').innerText()).split('\n')[0]).toBe(figure(value + 1));
    } finally {
      await context.close();
    }

    for (const username of ['auditor', 'instadmin']) {
      const theirs = await newContext();
      try {
        const page = await signIn(theirs, username);
        await openView(page, 'assessment');
        await page
          .locator(`[data-testid=editions][data-edition="${meanwhile.edition}"]`)
          .waitFor({ timeout: VIEW_TIMEOUT });
        expect(
          await page.locator('[data-testid=correct-month], [data-action=correct-assessment]').count(),
        ).toBe(0);
        if (username !== 'auditor') continue;
        // The auditor retraces the correction: the edition before it, as the api keeps it, then the latest.
        const earlier = (
          await gql(
            'auditor',
            `query($m: String!, $e: Int) { assessment(month: $m, edition: $e) { edition groups { units { institutionId analysis } } } }`,
            { m: month, e: before.edition },
          )
        ).assessment;
        expect(earlier.edition).toBe(before.edition);
        expect(unitIn(earlier, unit.institutionId).analysis).toBe(unit.analysis);
        await page
          .locator(`[data-testid=editions] li[data-edition="${before.edition}"] [data-action=show-edition]`)
          .click();
        await page
          .locator(`[data-testid=editions][data-edition="${before.edition}"]`)
          .waitFor({ timeout: WAIT_MS });
        expect(await page.getByTestId('edition').innerText()).toBe(String(before.edition));
        const row = page.locator(`[data-testid=ranking] tr[data-institution="${unit.institutionId}"]`);
        expect((await row.getByTestId('analysis').innerText()).split('\n')[0]).toBe(figure(unit.analysis));
        await page
          .locator(
            `[data-testid=editions] li[data-edition="${meanwhile.edition}"] [data-action=show-edition]`,
          )
          .click();
        await page
          .locator(`[data-testid=editions][data-edition="${meanwhile.edition}"]`)
          .waitFor({ timeout: WAIT_MS });
        expect((await row.getByTestId('analysis').innerText()).split('\n')[0]).toBe(figure(value + 1));
      } finally {
        await theirs.close();
      }
    }
  });

  it("monthly assessment: a consortium admin changes the scheme's weights in the console with a change note, a new version as the api has it; weights not adding up to 100 and a save on a version replaced meanwhile are refused in the api's words and make no version; an auditor and an institution admin read the scheme, not offered the change", async () => {
    const SCHEMES = `{ assessmentSchemes { version completionWeight recognitionWeight analysisWeight
      creditBelowRequired changeNote groups { code name kinds tiers } } }`;
    const read = async () => (await gql('admin', SCHEMES)).assessmentSchemes;
    const before = await read();
    const current = before[0];
    const weightsOf = (s: any) => `${s.completionWeight}/${s.recognitionWeight}/${s.analysisWeight}`;
    const note = '提高认可度权重,自下月起执行';
    const version = current.version + 1;
    // Saved meanwhile through the api while the form is open on `version`.
    const elsewhere = { version: version + 1, weights: '55/25/20' };
    try {
      await changeInConsole();
      for (const username of ['auditor', 'instadmin']) await readOnly(username);
    } finally {
      // No test after this one opens a month, and an open month keeps its scheme; the previous
      // weights are saved back all the same, so a month opened later scores as it did before.
      const now = (await read())[0];
      if (now.version !== current.version) {
        await gql(
          'admin',
          `mutation($i: UpdateAssessmentSchemeInput!) { updateAssessmentScheme(input: $i) { version } }`,
          {
            i: {
              basedOnVersion: now.version,
              completionWeight: current.completionWeight,
              recognitionWeight: current.recognitionWeight,
              analysisWeight: current.analysisWeight,
              creditBelowRequired: current.creditBelowRequired,
              groups: current.groups,
              changeNote: '恢复此前的权重',
            },
          },
        );
      }
    }

    async function changeInConsole() {
      const context = await newContext();
      try {
        const page = await signIn(context, 'admin');
        await openView(page, 'assessment');
        const panel = page.locator(`[data-testid=scheme][data-version="${current.version}"]`);
        await panel.waitFor({ timeout: VIEW_TIMEOUT });
        expect(await panel.getByTestId('scheme-weights').innerText()).toBe(weightsOf(current));
        expect(
          await panel
            .locator('[data-testid=scheme-groups] tbody tr')
            .evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-group-code'))),
        ).toEqual(current.groups.map((g: { code: string }) => g.code));
        await panel.locator('[data-action=edit-scheme]').click();
        const form = page.getByTestId('scheme-form');
        await form.waitFor({ timeout: WAIT_MS });
        // Prefilled from the version in force.
        const field = (name: string) => form.locator(`input[name=${name}]`);
        expect({
          completion: await field('completionWeight').inputValue(),
          recognition: await field('recognitionWeight').inputValue(),
          analysis: await field('analysisWeight').inputValue(),
          credit: await field('creditBelowRequired').isChecked(),
          groups: await form
            .locator('input[name=groupCode]')
            .evaluateAll((els) => els.map((e) => (e as any).value)),
        }).toEqual({
          completion: String(current.completionWeight),
          recognition: String(current.recognitionWeight),
          analysis: String(current.analysisWeight),
          credit: current.creditBelowRequired,
          groups: current.groups.map((g: { code: string }) => g.code),
        });

        // 50/30/30 adds up to 110: the api's words, no version made.
        await field('completionWeight').fill('50');
        await field('recognitionWeight').fill('30');
        await field('analysisWeight').fill('30');
        await field('changeNote').fill(note);
        await form.locator('[data-action=save-scheme]').click();
        await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
        expect(await form.getByRole('alert').innerText()).toContain('三项权重之和须为 100,现为 110');
        expect(await read()).toEqual(before);
        expect(await panel.getByTestId('scheme-weights').innerText()).toBe(weightsOf(current));
        await panel.scrollIntoViewIfNeeded();
        await screenshot(page, 'assessment-scheme-form');

        await field('analysisWeight').fill('20');
        await form.locator('[data-action=save-scheme]').click();
        const saved = page.locator(`[data-testid=scheme][data-version="${version}"]`);
        await saved.waitFor({ timeout: WAIT_MS });
        await form.waitFor({ state: 'detached', timeout: WAIT_MS });
        const after = await read();
        expect(after.slice(1)).toEqual(before);
        expect(after[0]).toEqual({
          version,
          completionWeight: 50,
          recognitionWeight: 30,
          analysisWeight: 20,
          creditBelowRequired: current.creditBelowRequired,
          changeNote: note,
          groups: current.groups,
        });
        // As the api has it: the new version in force, the one before among the earlier versions.
        expect(await saved.getByTestId('scheme-weights').innerText()).toBe('50/30/20');
        expect(await saved.getByTestId('scheme-note').innerText()).toBe(note);
        expect(
          await saved
            .locator('[data-testid=scheme-versions] li')
            .evaluateAll((lis) => lis.map((li) => li.getAttribute('data-version'))),
        ).toEqual(before.map((s: { version: number }) => String(s.version)));
        await saved.scrollIntoViewIfNeeded();
        await screenshot(page, 'assessment-scheme');

        // Another version saved elsewhere while the form is open: refused in the api's words, no
        // version made from the form, and the panel shows the scheme now in force.
        await saved.locator('[data-action=edit-scheme]').click();
        await form.waitFor({ timeout: WAIT_MS });
        expect(await form.getAttribute('data-version')).toBe(String(version));
        await gql(
          'admin',
          `mutation($i: UpdateAssessmentSchemeInput!) { updateAssessmentScheme(input: $i) { version } }`,
          {
            i: {
              basedOnVersion: version,
              completionWeight: 55,
              recognitionWeight: 25,
              analysisWeight: 20,
              creditBelowRequired: current.creditBelowRequired,
              groups: current.groups,
              changeNote: '他处调整',
            },
          },
        );
        await field('completionWeight').fill('40');
        await field('recognitionWeight').fill('40');
        await field('changeNote').fill('认可度再提高');
        await form.locator('[data-action=save-scheme]').click();
        await form.getByRole('alert').waitFor({ timeout: WAIT_MS });
        expect(await form.getByRole('alert').innerText()).toContain('已被他人修改');
        const now = page.locator(`[data-testid=scheme][data-version="${elsewhere.version}"]`);
        await now.waitFor({ timeout: WAIT_MS });
        expect(await now.getByTestId('scheme-weights').innerText()).toBe(elsewhere.weights);
        const latest = await read();
        expect(latest.slice(1)).toEqual(after);
        expect(latest[0]).toMatchObject({ version: elsewhere.version, changeNote: '他处调整' });
        await form.getByRole('button', { name: '取消' }).click();
      } finally {
        await context.close();
      }
    }

    async function readOnly(username: string) {
      const theirs = await newContext();
      try {
        const page = await signIn(theirs, username);
        await openView(page, 'assessment');
        const panel = page.locator(`[data-testid=scheme][data-version="${elsewhere.version}"]`);
        await panel.waitFor({ timeout: VIEW_TIMEOUT });
        expect(await panel.getByTestId('scheme-weights').innerText()).toBe(elsewhere.weights);
        expect(await page.locator('[data-testid=scheme-form], [data-action=edit-scheme]').count()).toBe(0);
      } finally {
        await theirs.close();
      }
    }
  });

  it('sent no request off this machine', () => {
    expect(offsite).toEqual([]);
  });
});
