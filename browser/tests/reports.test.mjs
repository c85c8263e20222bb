// The demo plan's reports page in a real browser: the public is offered the public
// summary only, a signed-in member every report; both pages pass axe-core's WCAG 2.2 AA
// checks, and the download links answer with an attachment.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { baseUrl, launch, openPage, assertAccessible } from './helpers.mjs'

let browser
before(async () => { browser = await launch() })
after(async () => { await browser?.close() })

/** From the home page to the demo plan's reports page, by the links a person follows. */
async function openReports (page, linkName) {
  await page.goto(`${baseUrl}/`)
  await page.getByRole('link', { name: /Written Statement of Action/ }).first().click()
  await page.getByRole('link', { name: linkName }).click()
  await page.waitForSelector('h1')
  assert.equal(await page.locator('h1').textContent(), 'Reports and downloads')
}

/** Fetches a link's target with the page's cookies and checks it is a download. */
async function assertDownload (page, href, contentType, extension) {
  const response = await page.request.get(new URL(href, page.url()).toString())
  assert.equal(response.status(), 200, href)
  assert.equal(response.headers()['content-type'], contentType)
  assert.match(response.headers()['content-disposition'], new RegExp(`^attachment; filename=".+\\.${extension}"$`))
  assert.ok((await response.body()).length > 1000, `${href} has content`)
}

test('the public gets the public summary of the published demo plan, accessibly', async () => {
  const page = await openPage(browser)
  await openReports(page, 'Public summary')
  const reports = await page.locator('input[name="report"]').evaluateAll((inputs) => inputs.map((i) => i.value))
  const formats = await page.locator('input[name="format"]').evaluateAll((inputs) => inputs.map((i) => i.value))
  assert.deepEqual(reports, ['public'])
  assert.deepEqual(formats.sort(), ['docx', 'html', 'pdf'])
  await assertAccessible(page)
  assert.deepEqual(page.problems, [])

  const pdf = await page.getByRole('link', { name: 'PDF of the public summary' }).getAttribute('href')
  await assertDownload(page, pdf, 'application/pdf', 'pdf')
  const highlight = pdf.replace('public.pdf', 'highlight.docx')
  assert.equal((await page.request.get(new URL(highlight, page.url()).toString())).status(), 401)
})

test('a signed-in viewer gets every report, and the form downloads one', async () => {
  const context = await browser.newContext()
  const page = await openPage(context)
  await page.goto(`${baseUrl}/login`)
  await page.getByLabel('Email address').fill('viewer@demo.example')
  await page.getByLabel('Password').fill('demo-viewer-password')
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  // Signing in navigates straight on, which can abort the sign-in page's favicon request;
  // what matters is the reports page, so start counting problems from here.
  await page.waitForLoadState('networkidle')
  page.problems.length = 0

  await openReports(page, 'Reports and downloads')
  const reports = await page.locator('input[name="report"]').evaluateAll((inputs) => inputs.map((i) => i.value))
  assert.deepEqual(reports, ['highlight', 'progress', 'exceptions', 'public', 'tracker'])
  await assertAccessible(page)
  assert.deepEqual(page.problems, [])

  const tracker = await page.getByRole('link', { name: 'XLSX of the action tracker' }).getAttribute('href')
  await assertDownload(page, tracker, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx')

  await page.getByLabel('Exception report').check()
  await page.getByLabel('Word (DOCX)').check()
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download the report' }).click()
  ])
  assert.match(download.suggestedFilename(), /-exceptions-\d{4}-\d{2}-\d{2}\.docx$/)
  await context.close()
})
