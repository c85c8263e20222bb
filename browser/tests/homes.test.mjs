// Each person's home in a real browser, on a desktop and at 320 CSS px: the heading of
// their task, axe-core clean, and nothing scrolling sideways. The adviser sorts the
// comparison from the keyboard; the public read the plain-English summary.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { baseUrl, launch, openPage, assertAccessible, signInAs } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

const homes = [
  ['owner', 'Your actions this cycle'],
  ['editor', 'This cycle'],
  ['viewer', 'Board pack'],
  ['adviser', 'Compare local areas']
]

async function noSidewaysScroll (page, what) {
  const [width, viewport] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth])
  assert.ok(width <= viewport, `${what} is ${width} px wide in a ${viewport} px window`)
}

for (const [role, heading] of homes) {
  for (const width of [1280, 320]) {
    test(`the ${role} lands on ${heading} at ${width} px`, async () => {
      const page = await signInAs(browser, role, { viewport: { width, height: 800 } })
      await page.goto(`${baseUrl}/`)
      await page.getByRole('heading', { level: 1, name: heading, exact: true }).waitFor()
      await assertAccessible(page)
      if (width === 320) await noSidewaysScroll(page, `the ${role}'s home`)
      assert.deepEqual(page.problems, [])
      await page.close()
    })
  }
}

test('the editor sees who has not updated and the steps to set the plan up', async () => {
  const page = await signInAs(browser, 'editor')
  await page.goto(`${baseUrl}/`)
  await page.getByRole('heading', { name: 'Not updated since the cycle opened' }).first().waitFor()
  await page.getByRole('link', { name: 'Remind owners by email' }).first().waitFor()
  await page.close()
})

test('the adviser sorts the comparison from the keyboard and it says how it is sorted', async () => {
  const page = await signInAs(browser, 'adviser')
  await page.goto(`${baseUrl}/compare`)
  await assertAccessible(page)
  const link = page.locator('th a[href*="sort=complete&"]')
  await link.focus()
  await page.keyboard.press('Enter')
  await page.waitForURL(/sort=complete&order=descending/)
  assert.equal(await page.locator('th[aria-sort="descending"]').textContent().then((t) => t.trim().startsWith('Complete')), true)
  await assertAccessible(page)
  const csv = await page.request.get(`${baseUrl}/compare.csv`)
  assert.equal(csv.status(), 200)
  assert.match(await csv.text(), /^Local area,Plan,Kind/)
  await page.close()
})

test('the public start with what the area is doing, in plain English, on a phone', async () => {
  const context = await browser.newContext({ viewport: { width: 320, height: 740 } })
  const page = await openPage(context)
  await page.goto(`${baseUrl}/`)
  await page.getByRole('heading', { level: 1, name: 'What we are doing' }).waitFor()
  await assertAccessible(page)
  await noSidewaysScroll(page, 'the public home')
  await page.getByRole('link', { name: 'What we are doing, in plain English' }).first().click()
  await page.getByRole('heading', { level: 2, name: 'What we will do next' }).waitFor()
  await assertAccessible(page)
  await noSidewaysScroll(page, 'the public summary')
  assert.deepEqual(page.problems, [])
  await context.close()
})

test('no page of the plan scrolls sideways at 320 px', async () => {
  const page = await signInAs(browser, 'editor', { viewport: { width: 320, height: 740 } })
  await page.goto(`${baseUrl}/plans`)
  const plan = baseUrl + await page.getByRole('link', { name: /Written Statement of Action/ }).first().getAttribute('href')
  await page.goto(plan)
  const action = baseUrl + await page.locator('.app-action-table a[href*="/actions/"]').first().getAttribute('href')
  const pages = [plan, action, `${action}/due`, ...['dashboard', 'people', 'cycles', 'cycles/close', 'voice', 'kpis', 'governance', 'timeline', 'reports', 'structure', 'scheme', 'glossary', 'summary', 'publication'].map((p) => `${plan}/${p}`), `${baseUrl}/compare`, `${baseUrl}/account`]
  for (const url of pages) {
    await page.goto(url)
    await noSidewaysScroll(page, url)
  }
  // The action table becomes stacked cards, each cell labelled by its column.
  await page.goto(plan)
  const display = await page.locator('.app-action-table tbody tr').first().evaluate((row) => getComputedStyle(row).display)
  assert.equal(display, 'block')
  await assertAccessible(page)
  await page.close()
})
