// Mail in a real browser, on the demo server (whose outbox the demo fills): an admin
// invites someone and sees the invitation waiting and in the outbox; an editor sets when
// reminders go; an owner chooses what they receive; anyone can ask for a password reset.
// Every page is checked with axe-core, at desktop width and on a 390 px phone.
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

async function signIn (role, options = {}) {
  return signInAs(browser, role, options)
}

test('an admin invites someone by email, and nobody sets their password', async () => {
  const page = await signIn('admin')
  await page.goto(`${baseUrl}/account`)
  await page.getByRole('link', { name: 'manage accounts' }).click()
  assert.equal(await page.getByLabel('Password').count(), 0, 'no password field')
  await page.getByLabel('Email address').fill('invited.viewer@demo.example')
  await page.getByLabel('Full name').fill('Invited Viewer')
  await page.getByLabel('Viewer (boards and scrutiny)').check()
  await page.getByRole('button', { name: 'Send invitation' }).click()
  await page.getByText('Invitation sent to invited.viewer@demo.example').waitFor()
  const waiting = page.locator('table', { hasText: 'Link works until' })
  assert.match(await waiting.textContent(), /invited\.viewer@demo\.example/)
  await assertAccessible(page)
  await page.getByRole('link', { name: /Outbox/ }).first().click()
  await page.getByRole('heading', { name: 'Outbox' }).waitFor()
  const body = await page.locator('main').textContent()
  assert.match(body, /invited\.viewer@demo\.example/)
  assert.match(body, /Reminder/, 'the demo wrote this cycle\'s reminders')
  assert.doesNotMatch(body, /\/invitations\/[0-9a-f]{64}/, 'sign-in links are never shown')
  await assertAccessible(page)
  assert.deepEqual(page.problems, [])
  await page.close()
})

test('an editor sets when reminders go and sees who would be emailed, on a phone too', async () => {
  for (const options of [{}, { viewport: { width: 390, height: 844 } }]) {
    const page = await signIn('editor', options)
    await page.goto(`${plan}/cycles`)
    await page.getByRole('link', { name: /Reminders: when owners are emailed/ }).click()
    await page.getByRole('heading', { name: 'Who would be emailed today' }).waitFor()
    await assertAccessible(page)
    const wide = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1)
    assert.equal(wide, false, 'the page does not scroll sideways')
    await page.getByLabel('Working days before the cycle closes').fill('30')
    await page.getByRole('button', { name: 'Save reminder settings' }).click()
    await page.getByText('There is a problem').waitFor()
    await assertAccessible(page)
    await page.getByLabel('Working days before the cycle closes').fill('3')
    await page.getByRole('button', { name: 'Save reminder settings' }).click()
    await page.getByText('The reminder settings have been saved.').waitFor()
    await page.close()
  }
})

test('an owner chooses the emails they receive', async () => {
  const page = await signIn('owner')
  await page.goto(`${baseUrl}/account`)
  await page.getByRole('link', { name: 'Emails you receive' }).click()
  const reminders = page.getByLabel(/Reminders to update my actions/)
  assert.equal(await reminders.isChecked(), true)
  await reminders.uncheck()
  await page.getByRole('button', { name: 'Save your choices' }).click()
  await page.getByText('Your email choices have been saved.').waitFor()
  assert.equal(await page.getByLabel(/Reminders to update my actions/).isChecked(), false)
  await assertAccessible(page)
  await page.getByLabel(/Reminders to update my actions/).check()
  await page.getByRole('button', { name: 'Save your choices' }).click()
  await page.close()
})

test('anyone can ask for a password reset link, and is told the same whatever the address', async () => {
  const page = await openPage(browser)
  await page.goto(`${baseUrl}/login`)
  await page.getByRole('link', { name: 'Forgotten your password?' }).click()
  await assertAccessible(page)
  await page.getByLabel('Email address').fill('nobody@demo.example')
  await page.getByRole('button', { name: 'Send the link' }).click()
  await page.getByRole('heading', { name: 'Check your email' }).waitFor()
  await assertAccessible(page)
  await page.close()
})
