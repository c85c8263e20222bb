// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core, and
// axe-core run inside each page.
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import assert from 'node:assert/strict'
import { chromium } from 'playwright-core'

const require = createRequire(import.meta.url)
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8')

export const baseUrl = process.env.WSOA_BASE_URL ?? 'http://127.0.0.1:8080'

/** Chromium as the machine has it; no browser is ever downloaded. */
export async function launch () {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'
    ]
  })
}

/**
 * A page that records console errors and failed requests, so a test can assert that
 * nothing broke (CSP refusals show up as console errors).
 */
export async function openPage (browser) {
  const page = await browser.newPage()
  page.problems = []
  page.on('console', (msg) => {
    if (msg.type() === 'error') page.problems.push(`console: ${msg.text()}`)
  })
  page.on('pageerror', (err) => page.problems.push(`page error: ${err.message}`))
  // The favicon is fetched after the page loads, so going straight on to the next page
  // often cuts it short: that is not a problem with the page.
  page.on('requestfailed', (req) => {
    if (!/\/favicon\.svg$/.test(new URL(req.url()).pathname)) page.problems.push(`request failed: ${req.url()}`)
  })
  return page
}

/** Runs axe-core for WCAG 2.2 A and AA and fails with the violations listed. */
export async function assertAccessible (page) {
  await page.evaluate(axeSource)
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    return await axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] }
    })
  })
  const violations = result.violations.map((v) =>
    `${v.id} (${v.impact}): ${v.help}\n    ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('\n    ')}`)
  assert.deepEqual(violations, [], `axe found violations on ${page.url()}:\n${violations.join('\n')}`)
}

/**
 * A page in a fresh browser context, signed in with the demo account for `role`
 * (`demo-<role>-password`, as `serve --demo` prints them). Closing it closes the context.
 */
export async function signInAs (browser, role, options = {}) {
  const context = await browser.newContext(options)
  const page = await openPage(context)
  await page.goto(`${baseUrl}/login`)
  await page.getByLabel('Email address').fill(`${role}@demo.example`)
  await page.getByLabel('Password').fill(`demo-${role}-password`)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  // Signing in navigates straight on, which can abort the sign-in page's favicon
  // request; count problems from here.
  await page.waitForLoadState('networkidle')
  page.problems.length = 0
  page.close = async () => { await context.close() }
  return page
}
