import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { randomPin, stack } from '../support/api.ts';
import { runPanelCli } from '../support/panel-cli.ts';
import { closeBrowser, type ConsolePage, type DemoRole, launchBrowser, openConsole, saveScreenshot } from './support.ts';

/*
 * The console's pages in headless Chromium against the suite's local stack, signed in as the demo
 * users of Demo Tower: seed 000's Delivery Authorizations flow with the demo panel (the panel CLI)
 * granting and then denying the PIN, the entry with its photo in the access log, what staff and a
 * resident see, errors beside the field, and no console errors on any page.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(() => closeBrowser(browser));

/** Polls a value from the page; the bound is generous (2 cores, a shared stack), not a speed assertion. */
const poll = <T>(read: () => Promise<T> | T, opts: { timeout?: number } = {}) => expect.poll(read, { timeout: 20_000, ...opts });
const nav = (page: Page) => page.getByRole('navigation', { name: 'Console' });
/** The menu, once the caller's properties (and so their role) have loaded. */
const menu = async (page: Page) => {
  await nav(page).getByRole('link').first().waitFor();
  return nav(page).getByRole('link').allInnerTexts();
};

/** The demo panel as its own process (npm run panel), from the suite's home: connects, syncs, decides, exits. */
async function demoPanelEnters(pin: string): Promise<{ decision: string; eventId: string }> {
  const run = await runPanelCli(['--home', inject('testHome'), '--panel', stack().panels[0]!.id, 'enter', '-'], pin);
  if (run.code !== 0 && run.code !== 1) throw new Error(`panel CLI exited ${run.code}: ${run.stderr.slice(-1000)}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!);
}

/** In the page: the image has loaded (a presigned photo URL the browser could fetch under the CSP). */
const loaded = (img: unknown) => {
  const image = img as { complete: boolean; naturalWidth: number };
  return image.complete && image.naturalWidth > 0;
};

/** Every page in the menu, one after the other: each renders its heading and a screenshot is kept. */
async function visitEveryPage(c: ConsolePage, who: DemoRole) {
  const labels = await menu(c.page);
  expect(labels.length).toBeGreaterThan(2);
  for (const label of labels) {
    await nav(c.page).getByRole('link', { name: label, exact: true }).click();
    await poll(() => c.page.locator('main h1').first().textContent()).toMatch(label === 'Passes' && who === 'resident' ? 'Your passes' : label);
    // Let its queries settle (no "Loading…" left), so their failures would show as console errors.
    await poll(() => c.page.getByText('Loading…').count(), { timeout: 20_000 }).toBe(0);
    await saveScreenshot(c.page, `console-${who}-${label.toLowerCase().replace(/\W+/g, '-')}`);
  }
}

describe('Lobby Console pages', () => {
  it('seed 000: admin creates a delivery PIN (masked, rules beside the field), the panel grants it once it is on the doors, the access log shows the entry with its photo; the X deletes it and the panel denies it', async () => {
    const c = await openConsole(browser, { as: 'admin' });
    const { page } = c;
    const description = `USPS ${randomUUID().slice(0, 6)}`;
    const pin = randomPin();

    await nav(page).getByRole('link', { name: 'Delivery Authorizations' }).click();
    await page.getByRole('button', { name: 'New Delivery Authorization' }).click();
    const form = page.getByRole('dialog', { name: 'New Delivery Authorization' });
    await form.getByLabel('Description').fill(description);
    const pinField = form.getByLabel('PIN', { exact: true });
    await pinField.fill('123456');
    await form.getByRole('button', { name: 'Save' }).click();
    // The API's rule, in words, next to the PIN field (its description), and nothing was created.
    await poll(() => pinField.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await pinField.getAttribute('aria-describedby'))!.split(' ');
    expect(await page.locator(`[id="${describedBy.at(-1)}"]`).textContent()).toBe('The PIN is too easy to guess (a straight run of digits).');
    await saveScreenshot(page, 'console-delivery-pin-error');
    // The refused request is the one console error so far (Chromium logs every 4xx response).
    expect(c.errors).toHaveLength(1);
    expect(c.errors[0]).toMatch(/status of 400/);
    c.errors.length = 0;

    await pinField.fill(pin);
    await form.getByRole('button', { name: 'Save' }).click();
    const saved = page.getByRole('dialog', { name: 'Saved' });
    await poll(() => saved.textContent()).toContain(pin);
    await saved.getByRole('button', { name: 'Done' }).click();

    const row = page.getByRole('row', { name: new RegExp(description) });
    await row.waitFor();
    expect(await row.locator('code.pin').textContent()).toBe(`**${pin.slice(-2)}`);
    expect(await row.textContent()).not.toContain(pin);

    // The demo panel syncs and grants it; the row then says it is on the doors.
    const granted = await demoPanelEnters(pin);
    expect(granted.decision).toBe('granted');
    await poll(() => row.locator('[data-sync]').getAttribute('data-sync'), { timeout: 30_000 }).toBe('set');
    expect(await row.locator('[data-sync]').textContent()).toMatch(/On the doors/);
    await saveScreenshot(page, 'console-delivery-authorizations');

    // The entry, with its photo, shows in the access log by itself (live updates).
    await nav(page).getByRole('link', { name: 'Access log' }).click();
    const entry = page.locator(`tr[data-event-id="${granted.eventId}"]`);
    await entry.waitFor({ timeout: 30_000 });
    expect(await entry.textContent()).toMatch(/Delivery PIN.*Granted/);
    const thumb = entry.locator('img');
    await poll(() => thumb.evaluate(loaded), { timeout: 15_000 }).toBe(true);
    await entry.getByRole('button', { name: /Enlarge the photo/ }).click();
    const large = page.getByRole('dialog').locator('img');
    await poll(() => large.evaluate(loaded)).toBe(true);
    await saveScreenshot(page, 'console-access-log-photo');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });

    // The pen changes the PIN; the X deletes it after a confirmation.
    await nav(page).getByRole('link', { name: 'Delivery Authorizations' }).click();
    const newPin = randomPin();
    await row.getByRole('button', { name: `Change the PIN of ${description}` }).click();
    const edit = page.getByRole('dialog', { name: `Change ${description}` });
    await edit.getByLabel('New PIN').fill(newPin);
    await edit.getByRole('button', { name: 'Save' }).click();
    await poll(() => page.getByRole('dialog', { name: 'Saved' }).textContent()).toContain(newPin);
    await page.getByRole('dialog', { name: 'Saved' }).getByRole('button', { name: 'Done' }).click();
    await poll(() => row.locator('code.pin').textContent()).toBe(`**${newPin.slice(-2)}`);

    await row.getByRole('button', { name: `Delete ${description}` }).click();
    const confirm = page.getByRole('dialog', { name: `Delete ${description}?` });
    expect(await confirm.textContent()).toMatch(/stops opening doors/);
    await confirm.getByRole('button', { name: 'Delete PIN' }).click();
    await row.waitFor({ state: 'detached' });

    expect((await demoPanelEnters(newPin)).decision).toBe('denied');
    expect(c.errors).toEqual([]);
    await c.close();
  });

  it('admin creates a panel: the identity file is offered once for download; decommission removes the panel', async () => {
    const c = await openConsole(browser, { as: 'admin', path: '/#/panels' });
    const { page } = c;
    const name = `Side door ${randomUUID().slice(0, 6)}`;
    await page.getByRole('button', { name: 'Add a panel' }).click();
    const form = page.getByRole('dialog', { name: 'Add a panel' });
    await form.getByLabel('Name').fill(name);
    await form.getByRole('button', { name: 'Create' }).click();
    const created = page.getByRole('dialog', { name: `${name} is created` });
    const [download] = await Promise.all([page.waitForEvent('download'), created.getByRole('link', { name: 'Download identity file' }).click()]);
    const identity = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(identity).toMatchObject({ propertyId: stack().propertyId, kind: 'entrance', mqttUrl: expect.stringMatching(/^mqtts:/) });
    expect(identity.certificatePem).toMatch(/BEGIN CERTIFICATE/);
    expect(identity.privateKeyPem).toMatch(/PRIVATE KEY/);
    expect(download.suggestedFilename()).toBe(`${identity.panelId}.identity.json`);
    await created.getByRole('button', { name: 'Done' }).click();

    const row = page.locator(`tr[data-panel-id="${identity.panelId}"]`);
    await row.waitFor();
    // Shown once: the list has no way to get the key again.
    expect(await page.content()).not.toContain('PRIVATE KEY');
    await row.getByRole('button', { name: `Decommission ${name}` }).click();
    await page
      .getByRole('dialog', { name: `Decommission ${name}?` })
      .getByRole('button', { name: 'Decommission' })
      .click();
    await row.waitFor({ state: 'detached' });
    expect(c.errors).toEqual([]);
    await c.close();
  });

  it('staff do not see admin-only pages or actions', async () => {
    const c = await openConsole(browser, { as: 'staff' });
    const items = await menu(c.page);
    expect(items).toEqual(['Access log', 'Passes', 'Residents', 'Panels', 'Packages', 'Calls']);
    // Typing the address of an admin page does not show it either.
    await c.page.goto(new URL('/#/delivery-pins', c.page.url()).toString());
    await poll(() => c.page.locator('main h1').first().textContent()).toBe('Access log');
    expect(await c.page.getByRole('button', { name: 'New Delivery Authorization' }).count()).toBe(0);
    await nav(c.page).getByRole('link', { name: 'Panels' }).click();
    // The Panels page, not the access log it replaces (whose rows also name Main entrance).
    await poll(() => c.page.locator('main h1').first().textContent()).toBe('Panels');
    await c.page
      .getByRole('row', { name: /Main entrance/ })
      .first()
      .waitFor();
    expect(await c.page.getByRole('button', { name: 'Add a panel' }).count()).toBe(0);
    expect(await c.page.getByRole('button', { name: /Decommission/ }).count()).toBe(0);
    expect(await c.page.getByRole('button', { name: /Unlock/ }).count()).toBeGreaterThan(0);
    expect(c.errors).toEqual([]);
    await c.close();
  });

  it('a resident sees only their own passes, packages and calls', async () => {
    const c = await openConsole(browser, { as: 'resident' });
    expect(await menu(c.page)).toEqual(['Passes', 'Packages', 'Calls']);
    await poll(() => c.page.locator('main h1').first().textContent()).toBe('Your passes');
    expect(await c.page.getByRole('columnheader', { name: 'Made by' }).count()).toBe(0);
    expect(c.errors).toEqual([]);
    await c.close();
  });

  it('a settings value out of range is refused beside its field, and nothing changes', async () => {
    const c = await openConsole(browser, { as: 'admin', path: '/#/settings' });
    const hours = c.page.getByLabel('Visitor duration limit (hours)');
    const before = await hours.inputValue();
    await hours.fill('0');
    await c.page.getByRole('button', { name: 'Save settings' }).click();
    await poll(() => hours.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await hours.getAttribute('aria-describedby'))!.split(' ');
    expect(await c.page.locator(`[id="${describedBy.at(-1)}"]`).textContent()).toMatch(/\S/);
    await c.page.reload();
    await poll(() => c.page.getByLabel('Visitor duration limit (hours)').inputValue()).toBe(before);
    expect(c.errors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    await c.close();
  });

  for (const who of ['admin', 'staff', 'resident'] as const) {
    it(`every page renders without console errors (${who})`, async () => {
      const c = await openConsole(browser, { as: who });
      await visitEveryPage(c, who);
      expect(c.errors).toEqual([]);
      await c.close();
    });
  }
});
