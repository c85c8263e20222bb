// The demo plan's evidence pages in a real browser: KPIs, the voice of children, young
// people and families, "you said, we did", governance, the inspection timeline and the
// glossary. The demo plan is published, so the public reads them without signing in and
// sees no forms; the demo editor sees the forms, adds a KPI and an actual, and every
// page passes axe-core's WCAG 2.2 AA checks with nothing refused by the CSP.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { baseUrl, launch, openPage, assertAccessible } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

/** The parts of a plan beside its actions: nav link text, and the page's h1. */
const parts = [
  { link: 'KPIs', heading: 'KPIs' },
  { link: 'Voice of children, young people and families', heading: 'Voice of children, young people and families' },
  { link: 'You said, we did', heading: 'You said, we did' },
  { link: 'Governance and meetings', heading: 'Governance' },
  { link: 'Inspection timeline', heading: 'Inspection timeline' },
  { link: 'Glossary', heading: 'Glossary' }
]

/** Opens the demo plan from the home page; returns its address. */
async function openDemoPlan (page) {
  await page.goto(`${baseUrl}/`)
  await page.getByRole('link', { name: /Written Statement of Action/ }).first().click()
  await page.waitForSelector('h1')
  return page.url()
}

test('the public reads each evidence page of the published demo plan, with no forms', async () => {
  const page = await openPage(browser)
  const plan = await openDemoPlan(page)
  for (const part of parts) {
    await page.goto(plan)
    await page.getByRole('navigation', { name: 'Parts of the plan' })
      .getByRole('link', { name: part.link, exact: true }).click()
    await page.waitForSelector('h1')
    const heading = (await page.locator('h1').textContent()).trim()
    assert.ok(heading.startsWith(part.heading), `${part.link}: h1 is ${heading}`)
    assert.equal(await page.locator('form[method="post"]:not([action="/logout"])').count(), 0,
      `${part.link}: no forms for the public`)
    await assertAccessible(page)
  }
  assert.deepEqual(page.problems, [])
})

test('the voice page shows the demo plan\'s quotes, and the glossary its abbreviations', async () => {
  const page = await openPage(browser)
  const plan = await openDemoPlan(page)
  await page.goto(`${plan}/voice`)
  assert.ok(await page.locator('figure.app-quote').count() > 0, 'quotes from the plan\'s voice sections')
  await page.goto(`${plan}/glossary`)
  assert.ok(await page.locator('table tbody tr').count() > 0, 'abbreviations found in the text')
  assert.deepEqual(page.problems, [])
})

test('the demo editor adds a KPI and an actual, and its chart page is accessible', async () => {
  const page = await openPage(browser)
  await page.goto(`${baseUrl}/login`)
  await page.getByLabel('Email address').fill('editor@demo.example')
  await page.getByLabel('Password').fill('demo-editor-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForSelector('h1')
  const plan = await openDemoPlan(page)

  for (const path of ['kpis', 'voice', 'governance', 'timeline', 'glossary']) {
    await page.goto(`${plan}/${path}`)
    assert.ok(await page.locator(`form[method="post"][action^="${new URL(plan).pathname}/"]`).count() > 0,
      `${path}: an editor sees the forms`)
    await assertAccessible(page)
  }

  await page.goto(`${plan}/kpis`)
  await page.getByLabel('Standard measure').selectOption('annual-reviews-on-time')
  // Reported monthly.
  await page.locator('#kpi-baseline_period').fill('2019-09')
  await page.locator('#kpi-baseline_value').fill('40')
  await page.locator('#kpi-target_period').fill('2021-07')
  await page.locator('#kpi-target_value').fill('90')
  await page.getByRole('button', { name: 'Add KPI' }).click()
  await page.waitForSelector('h1')
  assert.match(await page.locator('h1').textContent(), /annual reviews/i)

  await page.getByLabel('Period').fill('2020-01')
  await page.getByLabel(/^Value/).fill('55')
  await page.getByRole('button', { name: 'Add actual' }).click()
  await page.waitForSelector('svg.app-chart')
  assert.ok(await page.getByText('Entered by').first().isVisible(), 'who entered it is shown')
  await assertAccessible(page)
  assert.deepEqual(page.problems, [])

  // A problem is reported accessibly, with the summary linking to the field. (Chromium
  // logs the 422 answer as a failed load, so problems are not checked after this.)
  await page.getByLabel('Period').fill('2020-02')
  await page.getByLabel(/^Value/).fill('lots')
  await page.getByRole('button', { name: 'Add actual' }).click()
  await page.waitForSelector('.govuk-error-summary')
  assert.match(await page.title(), /^Error: /)
  assert.equal(await page.locator('.govuk-error-summary a').getAttribute('href'), '#actual-value')
  await assertAccessible(page)
})
