// Shared set-up for the browser tests: Debian's Chromium driven by playwright-core, and
// axe-core run inside each page.
import { createHmac } from 'node:crypto'
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

/** The keys demo accounts set up in this run, by role. */
const twoFactorKeys = new Map()

/** RFC 6238's code for a base32 key now: what an authenticator app would show. */
export function totp (key, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const c of key.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0')
  const bytes = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)))
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 30000)))
  const mac = createHmac('sha1', bytes).update(counter).digest()
  const offset = mac[mac.length - 1] & 0xf
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, '0')
}

/**
 * The second step of a password sign-in, as a person with an authenticator app takes
 * it: setting two-factor up (admins, at their first sign-in: the key is read off the
 * page, as one would type it into the app) or entering the code.
 */
async function secondStep (page, role) {
  const setUp = await page.getByRole('heading', { name: 'Set up two-factor authentication' }).count()
  if (setUp) {
    await assertAccessible(page)
    twoFactorKeys.set(role, await page.locator('#two-factor-key').textContent())
  }
  const key = twoFactorKeys.get(role)
  assert.ok(key, `${role} has two-factor from an earlier run: restart the demo`)
  await page.getByLabel('Security code').fill(totp(key))
  await page.getByRole('button', { name: setUp ? 'Turn on two-factor authentication' : 'Continue' }).click()
  if (setUp) {
    // The recovery codes, shown once.
    await page.getByRole('heading', { name: 'Your recovery codes' }).waitFor()
    assert.equal(await page.locator('.app-recovery-codes li').count(), 10)
    await assertAccessible(page)
    await page.getByRole('button', { name: 'Continue' }).click()
  }
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
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL((url) => url.pathname !== '/login')
  if (new URL(page.url()).pathname === '/login/two-factor') await secondStep(page, role)
  await page.waitForURL((url) => !url.pathname.startsWith('/login'))
  // Signing in navigates straight on, which can abort the sign-in page's favicon
  // request; count problems from here.
  await page.waitForLoadState('networkidle')
  page.problems.length = 0
  page.close = async () => { await context.close() }
  return page
}
