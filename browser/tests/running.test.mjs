// Running the demo plan in a real browser, signed in with the demo accounts the server
// prints: an owner records an update with a rating and evidence and the dashboard moves;
// an editor cannot move a due date without a reason; an editor closes a cycle and the
// changes view then shows what moved; a viewer reads it all but gets no forms. Every page
// is checked with axe-core. The tests share one demo server and run in order.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { baseUrl, launch, openPage, assertAccessible, signInAs } from './helpers.mjs'

let browser
let plan
before(async () => {
  browser = await launch()
  const page = await openPage(browser)
  await page.goto(`${baseUrl}/`)
  const href = await page.getByRole('link', { name: /Written Statement of Action/ }).first().getAttribute('href')
  plan = `${baseUrl}${href}`
  await page.close()
})
after(async () => { await browser?.close() })

/**
 * A page in a fresh browser context, signed in with the demo account for `role`
 * (`demo-<role>-password`, as `serve --demo` prints them).
 */
async function signIn (role, options = {}) {
  return signInAs(browser, role, options)
}

/** How the plan names the signed-in owner, from their account page. */
async function ownerKey (page) {
  await page.goto(`${baseUrl}/account`)
  return (await page.locator('.govuk-table tbody tr td').nth(2).textContent()).trim()
}

/**
 * What went wrong on the page, leaving out what the tests cause on purpose: a favicon
 * request cut short by the next navigation, and the 422 a refused form answers.
 */
function problems (page) {
  return page.problems.filter((p) => !/favicon/.test(p) && !/status of 422/.test(p))
}

/** The whole-plan count for a flag on the dashboard. */
async function count (page, flag) {
  await page.goto(`${plan}/dashboard`)
  return Number(await page.locator(`a[data-flag="${flag}"]`).textContent())
}

async function wholePlanComplete (page) {
  await page.goto(`${plan}/dashboard`)
  const text = await page.getByRole('link', { name: /complete in the whole plan/ }).textContent()
  return Number(text)
}

/** The first action the plan view lists for a filter. */
async function firstAction (page, query) {
  await page.goto(`${plan}?${query}`)
  const link = page.locator('#results ~ table a[href*="/actions/"]').first()
  const href = await link.getAttribute('href')
  return `${baseUrl}${href}`
}

test('an owner records an update with a rating and evidence, and the dashboard changes', async () => {
  const page = await signIn('owner')
  const key = await ownerKey(page)
  const completeBefore = await wholePlanComplete(page)
  const staleBefore = await count(page, 'stale')
  const action = await firstAction(page, `owner=${encodeURIComponent(key)}&flag=stale&rating=delivery:G`)

  await page.goto(action)
  await assertAccessible(page)
  assert.equal(await page.getByRole('link', { name: 'Change due date' }).count(), 0, 'owners do not move deadlines')
  await page.getByLabel('What has happened since the last update?').fill('Strategy signed off by the SEND Partnership Board.')
  await page.getByLabel('B – Blue').check()
  await page.getByLabel('Evidence file (optional)').setInputFiles({
    name: 'board-minutes.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 sample minutes')
  })
  await page.getByLabel('Evidence link (optional)').fill('https://example.org/send-board-minutes')
  await page.getByRole('button', { name: 'Save update' }).click()
  await page.waitForURL(/#history$/)

  const history = page.locator('.app-timeline__item').first()
  assert.match(await history.textContent(), /Strategy signed off by the SEND Partnership Board\./)
  assert.match(await history.locator('h3').textContent(), /update by \S/, 'the update is signed by who recorded it')
  assert.match(await history.textContent(), /B – Blue/)
  const file = history.getByRole('link', { name: 'board-minutes.pdf' })
  const download = await page.request.get(new URL(await file.getAttribute('href'), baseUrl).href)
  assert.equal(download.status(), 200)
  assert.match(download.headers()['content-disposition'], /^attachment; filename="board-minutes\.pdf"$/)
  assert.equal(download.headers()['content-type'], 'application/pdf')
  assert.equal(await download.text(), '%PDF-1.4 sample minutes')
  assert.ok(await history.getByRole('link', { name: 'https://example.org/send-board-minutes' }).isVisible())
  assert.match(await page.locator('.govuk-summary-list').textContent(), /set \d+ \w+ \d{4}/, 'the rating is dated')
  await assertAccessible(page)

  assert.equal(await wholePlanComplete(page), completeBefore + 1, 'one more action is complete')
  assert.equal(await count(page, 'stale'), staleBefore - 1, 'one fewer action is stale')
  await assertAccessible(page)
  assert.deepEqual(problems(page), [])
  await page.close()
})

test('an owner lands on their actions this cycle and goes straight to an update form, on a phone too', async () => {
  const page = await signIn('owner', { viewport: { width: 320, height: 740 } })
  await page.goto(`${baseUrl}/`)
  await page.getByRole('heading', { level: 1, name: 'Your actions this cycle' }).waitFor()
  await assertAccessible(page)
  const width = await page.evaluate(() => document.documentElement.scrollWidth)
  assert.ok(width <= 320, `the task list does not scroll sideways at 320 px (${width} px)`)
  const tasks = page.locator('.govuk-task-list__item')
  assert.ok(await tasks.count() > 0)
  // Each task says where it stands in words, never colour alone.
  for (const status of await page.locator('.govuk-task-list__status').allTextContents()) {
    assert.match(status.trim(), /^(Overdue|Needs an update|Updated|Complete)$/)
  }
  await tasks.first().locator('a').click()
  await page.waitForURL(/\/actions\/\d+#add-update$/)
  await page.getByRole('heading', { name: 'Add an update' }).waitFor()
  assert.deepEqual(problems(page), [])
  await page.close()
})

test('a viewer reads the running plan but is offered no form, and the public must sign in to edit', async () => {
  const page = await signIn('viewer')
  const action = await firstAction(page, 'flag=overdue')
  await page.goto(action)
  assert.equal(await page.getByRole('button', { name: 'Save update' }).count(), 0)
  assert.equal(await page.getByRole('button', { name: /^Mark done/ }).count(), 0)
  assert.equal(await page.getByRole('link', { name: 'Change due date' }).count(), 0)
  await page.goto(`${plan}/cycles`)
  assert.equal(await page.getByRole('button', { name: 'Close the cycle' }).count(), 0)
  assert.equal(await page.getByRole('link', { name: 'Edit structure' }).count(), 0)
  assert.equal((await page.goto(`${plan}/structure`)).status(), 403)
  await assertAccessible(page)
  assert.deepEqual(problems(page).filter((p) => !/status of 403/.test(p)), [])
  await page.close()

  const anyone = await openPage(browser)
  assert.equal((await anyone.goto(`${plan}/dashboard`)).status(), 200, 'the published demo is for everyone to read')
  assert.equal((await anyone.goto(`${plan}/scheme`)).status(), 401)
  assert.match(await anyone.locator('h1').textContent(), /You need to sign in/)
  await assertAccessible(anyone)
  await anyone.close()
})

test('an update without a narrative comes back with the problem and what was typed', async () => {
  const page = await signIn('editor')
  const action = await firstAction(page, 'flag=overdue')
  await page.goto(action)
  await page.getByLabel('Evidence link (optional)').fill('https://example.org/kept')
  await page.getByRole('button', { name: 'Save update' }).click()
  await page.waitForSelector('.govuk-error-summary')
  assert.match(await page.title(), /^Error: /)
  assert.match(await page.locator('.govuk-error-summary').textContent(), /Enter what has happened since the last update/)
  assert.equal(await page.getByLabel('Evidence link (optional)').inputValue(), 'https://example.org/kept')
  await assertAccessible(page)
  await page.close()
})

test('a due-date change needs a reason, then shows in the history with the original date', async () => {
  const page = await signIn('editor')
  const action = await firstAction(page, 'flag=overdue')
  await page.goto(action)
  const before = await page.locator('.govuk-summary-list__row', { hasText: 'Due' }).first().textContent()
  await page.getByRole('link', { name: 'Change due date' }).click()
  await page.waitForSelector('h1')
  await assertAccessible(page)

  await page.getByLabel('New due date').fill('December 2030')
  await page.getByLabel('Who approved the change?').fill('SEND Partnership Board')
  await page.getByRole('button', { name: 'Change due date' }).click()
  await page.waitForSelector('.govuk-error-summary')
  assert.match(await page.locator('.govuk-error-summary').textContent(), /Enter why the due date is changing/)
  assert.equal(await page.getByLabel('New due date').inputValue(), 'December 2030', 'what was typed is kept')
  await assertAccessible(page)

  await page.getByLabel('Why is the due date changing?').fill('Families asked for another round of co-production.')
  await page.getByRole('button', { name: 'Change due date' }).click()
  await page.waitForURL(/#history$/)
  const due = await page.locator('.govuk-summary-list__row', { hasText: 'Due' }).first().textContent()
  assert.match(due, /December 2030/)
  assert.match(due, /originally due/)
  assert.notEqual(due, before)
  const entry = page.locator('.app-timeline__item', { hasText: 'due date changed' }).first()
  assert.match(await entry.textContent(), /to December 2030\. Reason: Families asked for another round of co-production\. Approved by SEND Partnership Board; recorded by Demo Editor/)
  assert.deepEqual(problems(page), [])
  await page.close()
})

test('closing a cycle freezes the plan, and the changes view shows what moved since', async () => {
  const page = await signIn('editor')
  await page.goto(`${plan}/cycles`)
  await assertAccessible(page)
  const closedBefore = await page.locator('a[href*="/cycles/"]').count()
  await page.getByRole('button', { name: 'Close the cycle' }).click()
  await page.waitForURL(/\/cycles\/close$/)
  assert.match(await page.locator('h1').textContent(), /Check before you close the reporting cycle/)
  assert.match(await page.locator('.govuk-summary-list').textContent(), /Planned close date/)
  await assertAccessible(page)
  await page.getByRole('button', { name: 'Yes, close the cycle' }).click()
  await page.waitForURL(/\/cycles\/\d+$/)
  assert.match(await page.locator('.govuk-notification-banner--success').textContent(), /Reporting cycle \d+ is closed/)
  assert.match(await page.locator('.govuk-summary-list').textContent(), /Demo Editor/, 'closed by who signed in')
  await assertAccessible(page)
  await page.goto(`${plan}/cycles`)
  assert.equal(await page.locator('a[href*="/cycles/"]').count(), closedBefore + 1)
  assert.match(await page.locator('#since-last ~ p').first().textContent(), /Nothing has changed/)

  const action = await firstAction(page, 'rating=delivery:G')
  await page.goto(action)
  const label = (await page.locator('h1').textContent()).replace(/^Action /, '')
  await page.getByLabel('What has happened since the last update?').fill('Recruitment has stalled; the work is at risk.')
  await page.getByLabel('R – Red').check()
  await page.getByRole('button', { name: 'Save update' }).click()
  await page.waitForURL(/#history$/)

  await page.goto(`${plan}/cycles`)
  const summary = await page.locator('#change-summary').textContent()
  assert.match(summary, /0 ratings improved and 1 got worse/)
  assert.match(summary, /1 updates added/)
  const moved = page.locator('#rating-changes tbody tr')
  assert.equal(await moved.count(), 1)
  const row = await moved.first().textContent()
  assert.match(row, new RegExp(`Action ${label.replace('.', '\\.')}`))
  assert.match(row, /Worse/)
  assert.match(row, /G – Green/)
  assert.match(row, /R – Red/)
  await assertAccessible(page)
  assert.deepEqual(problems(page), [])
  await page.close()
})

test('every page of the plan passes axe-core with the sample-data banner shown', async () => {
  const page = await signIn('editor')
  await page.goto(plan)
  const action = `${baseUrl}${await page.locator('a[href*="/actions/"]').first().getAttribute('href')}`
  const paths = [
    `${baseUrl}/`,
    plan,
    `${plan}?flag=overdue`,
    `${plan}?q=training&area=2`,
    `${plan}/dashboard`,
    `${plan}/people`,
    `${plan}/cycles`,
    `${plan}/cycles/1`,
    `${plan}/structure`,
    `${plan}/scheme`,
    `${plan}/structure/areas/new`,
    `${plan}/structure/people/new`,
    action,
    `${action}/due`
  ]
  for (const url of paths) {
    const response = await page.goto(url)
    assert.equal(response.status(), 200, url)
    assert.match(await page.locator('.govuk-phase-banner').textContent(), /Sample data/, url)
    await assertAccessible(page)
  }
  await page.goto(`${plan}/structure`)
  await page.locator('a[href*="/structure/actions/"][href$="/edit"]').first().click()
  await page.waitForSelector('h1')
  await assertAccessible(page)
  assert.deepEqual(problems(page), [])
  await page.close()
})

test('the structure editor adds an action with the next free ref and moves it without JavaScript', async () => {
  const page = await signIn('editor', { javaScriptEnabled: false })
  await page.goto(`${plan}/structure`)
  await page.getByRole('link', { name: 'Add an action to objective 1' }).first().click()
  const ref = await page.getByLabel('Ref').inputValue()
  assert.match(ref, /^\d+(\.\d+)*[a-z]?$/)
  await page.getByLabel('What will be done').fill('Publish the refreshed local offer with families.')
  await page.getByLabel('Owners').fill('SK')
  await page.getByRole('button', { name: 'Save action' }).click()
  await page.waitForURL(/\/structure#actions-\d+$/)
  const id = page.url().split('#')[1]
  await page.locator(`#${id}`).getByRole('button', { name: /^Move up/ }).click()
  await page.waitForURL(/\/structure#actions-\d+$/)
  assert.match(await page.locator(`#${id} h4`).textContent(), new RegExp(`Action ${ref.replace(/\./g, '\\.')}`))
  await page.close()
})
