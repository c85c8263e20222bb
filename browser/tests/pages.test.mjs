// The demo plan's pages in a real browser: they render, link together, break no
// Content-Security-Policy rule, and pass axe-core's WCAG 2.2 AA checks.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { baseUrl, launch, openPage, assertAccessible } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

test('the home page lists the demo plan and is accessible', async () => {
  const page = await openPage(browser)
  await page.goto(`${baseUrl}/`)
  await assert.doesNotReject(page.getByRole('link', { name: /Written Statement of Action/ }).first().waitFor())
  assert.equal(await page.title(), 'What we are doing – WSOA Tracker')
  await assertAccessible(page)
  assert.deepEqual(page.problems, [])
})

test('the plan page shows every area and action, with ratings in words', async () => {
  const page = await openPage(browser)
  await page.goto(`${baseUrl}/`)
  await page.getByRole('link', { name: /Written Statement of Action/ }).first().click()
  await page.waitForSelector('h1')
  const areas = await page.locator('section.app-area').count()
  const actions = await page.locator('a[href*="/actions/"]').count()
  assert.equal(areas, 3)
  assert.equal(actions, 46)
  const tags = await page.locator('.govuk-tag').allTextContents()
  assert.ok(tags.some((t) => /^[A-Z] – \w+/.test(t.trim())), `ratings shown as words: ${tags.slice(0, 5)}`)
  // The rating key opens without JavaScript errors (GOV.UK Frontend initialised).
  await page.getByText(/Rating key:/).click()
  assert.ok(await page.locator('.govuk-details[open]').count() === 1)
  await assertAccessible(page)
  assert.deepEqual(page.problems, [])
})

test('an action page shows its owner by name and its history', async () => {
  const page = await openPage(browser)
  await page.goto(`${baseUrl}/`)
  await page.getByRole('link', { name: /Written Statement of Action/ }).first().click()
  // Follow the link from the keyboard: a mouse click lands on the zero-width box the
  // visually hidden "Action " leaves at the link's start, and misses.
  await page.locator('a[href*="/actions/"]').first().press('Enter')
  await page.waitForURL(/\/actions\/\d+$/)
  await page.waitForSelector('h1')
  assert.match(await page.locator('h1').textContent(), /^Action /)
  assert.ok(await page.getByText('Progress updates').isVisible())
  await assertAccessible(page)
  assert.deepEqual(page.problems, [])
})

test('a page that does not exist says so, accessibly', async () => {
  const page = await openPage(browser)
  const response = await page.goto(`${baseUrl}/plans/no-such-plan`)
  assert.equal(response.status(), 404)
  assert.equal(await page.locator('h1').textContent(), 'Page not found')
  await assertAccessible(page)
})
