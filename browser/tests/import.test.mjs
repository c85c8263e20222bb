// Importing a plan in a real browser, as the demo editor: sign in, upload a tracker,
// check the preview, store it, and find the plan; a tracker for another local area is
// previewed with the reason it cannot be stored. axe-core checks every page on the way.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFile } from 'node:fs/promises'
import { baseUrl, launch, openPage, assertAccessible } from './helpers.mjs'

// The demo area, as `serve --demo` loads it, and its editor (printed by `serve --demo`).
const DEMO_AREA = 'North East Lincolnshire'
const EDITOR = { email: 'editor@demo.example', password: 'demo-editor-password' }

// The CSV tracker the integration tests use: a Windows-1252 file for Northshire.
const tracker = await readFile(new URL('../../tests/fixtures/import/tracker.csv', import.meta.url))

/**
 * The tracker with its local area renamed, and called an improvement tracker so that the
 * stored plan is not mistaken for the demo WSOA by the other tests' links; latin1 keeps
 * every other byte as it is.
 */
function trackerFor (area) {
  const text = tracker.toString('latin1')
    .replace('Northshire', area)
    .replace('Written Statement of Action tracker', 'improvement tracker')
  return Buffer.from(text, 'latin1')
}

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

async function signIn (page) {
  await page.goto(`${baseUrl}/plans/import`)
  // The public is sent to sign in, and back to the import afterwards.
  assert.match(page.url(), /\/login\?next=/)
  await page.getByLabel('Email address').fill(EDITOR.email)
  await page.getByLabel('Password').fill(EDITOR.password)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${baseUrl}/plans/import`)
  // Signing in navigates straight on, which can abort the sign-in page's favicon request;
  // count problems from the import page on.
  await page.waitForLoadState('networkidle')
  page.problems.length = 0
}

async function upload (page, name, buffer) {
  await page.getByLabel('Upload a file').setInputFiles({ name, mimeType: 'text/csv', buffer })
  await page.getByRole('button', { name: 'Read the file' }).click()
  await page.waitForURL(/\/plans\/import\/[0-9a-f]+$/)
}

test('the demo editor uploads a tracker, checks the preview and stores the plan', async () => {
  const page = await openPage(browser)
  await signIn(page)
  assert.equal(await page.locator('h1').textContent(), 'Import a plan')
  assert.match(await page.locator('#import-areas').textContent(), new RegExp(DEMO_AREA))
  await assertAccessible(page)

  await upload(page, 'tracker.csv', trackerFor(DEMO_AREA))
  assert.equal(await page.locator('h1').textContent(), 'Check the imported plan')
  assert.match(await page.locator('#counts').textContent(), /^2 areas, 2 objectives, 4 actions/)
  assert.ok(await page.getByText('Refresh the joint strategic needs assessment').first().isVisible())
  assert.equal(await page.locator('#refusal').count(), 0)
  await assertAccessible(page)

  await page.getByRole('button', { name: 'Store this plan' }).click()
  await page.waitForURL(/\/plans\/north-east-lincolnshire-/)
  assert.match(await page.locator('h1').textContent(), /tracker/i)
  assert.equal(await page.locator('a[href*="/actions/"]').count(), 4)
  await assertAccessible(page)
  assert.deepEqual(page.problems, [])
})

test('a tracker for another local area is previewed with the reason it cannot be stored', async () => {
  const page = await openPage(browser)
  await signIn(page)

  await upload(page, 'northshire.csv', tracker)
  const refusal = await page.locator('#refusal').textContent()
  assert.match(refusal, /This plan is for “Northshire”/)
  assert.match(refusal, new RegExp(`You may import plans for ${DEMO_AREA} only`))
  assert.equal(await page.getByRole('button', { name: 'Store this plan' }).count(), 0)
  await assertAccessible(page)
  assert.deepEqual(page.problems, [])
})

test('the editor changes a column’s role on the preview, sees the plan read again, and stores it', async () => {
  const page = await openPage(browser)
  await signIn(page)
  await upload(page, 'columns.csv', trackerFor(DEMO_AREA))
  const owners = page.locator('td.app-owners')
  assert.deepEqual(await owners.allTextContents(), ['JB', 'JB', 'AO', 'AO'])
  assert.equal(await page.getByRole('heading', { name: 'Check the columns' }).count(), 1)
  const lead = page.getByLabel('Role of the column “Lead officer” in table 1')
  assert.equal(await lead.inputValue(), 'owners')
  await assertAccessible(page)

  await lead.selectOption({ label: 'Not used (kept as a note)' })
  await page.getByRole('button', { name: 'Read the document again with these columns' }).click()
  await page.waitForURL(/\/plans\/import\/[0-9a-f]+$/)
  assert.equal(await page.locator('h1').textContent(), 'Check the imported plan')
  assert.equal(await page.getByLabel('Role of the column “Lead officer” in table 1').inputValue(), 'ignore')
  assert.deepEqual(await owners.allTextContents(), ['', '', '', ''])
  assert.match(await page.locator('#columns-in-force').textContent(), /1 heading with the role you chose/)
  assert.ok(await page.getByText('notes kept from the document').first().isVisible())
  await assertAccessible(page)

  await page.getByRole('button', { name: 'Store this plan' }).click()
  await page.waitForURL(/\/plans\/north-east-lincolnshire-/)
  assert.equal(await page.locator('a[href*="/actions/"]').count(), 4)

  // The next upload of the same layout for the area is read with the same choice.
  await page.goto(`${baseUrl}/plans/import`)
  await upload(page, 'columns.csv', trackerFor(DEMO_AREA))
  assert.match(await page.locator('#remembered').textContent(), new RegExp(`as you chose them for ${DEMO_AREA}’s last import`))
  assert.deepEqual(await owners.allTextContents(), ['', '', '', ''])
  // Reading it with the importer's own reading again leaves the layout to be forgotten
  // when stored, so the other tests' uploads are read as before.
  await page.getByRole('button', { name: 'Read it with the importer’s own reading' }).click()
  await page.waitForURL(/\/plans\/import\/[0-9a-f]+$/)
  assert.deepEqual(await owners.allTextContents(), ['JB', 'JB', 'AO', 'AO'])
  await page.getByRole('button', { name: 'Store this plan' }).click()
  await page.waitForURL(/\/plans\/north-east-lincolnshire-/)
  assert.deepEqual(page.problems, [])
})
