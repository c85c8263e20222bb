// Single sign-on in a real browser, against a real OpenID Connect provider: the
// oidc-provider that scripts/browser-tests.sh starts (browser/oidc/provider.mjs) and
// configures as "Demo Council" for demo.example addresses. Whatever login is typed on the
// provider's development sign-in page becomes the email address it vouches for. Someone
// with an account comes back signed in; an address with no account, or one the provider
// has not verified, comes back to the sign-in page with the reason. Skipped when no
// provider is running (OIDC_ISSUER unset).
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { baseUrl, launch, openPage, assertAccessible } from './helpers.mjs'

const issuer = process.env.OIDC_ISSUER
const skip = issuer ? false : 'OIDC_ISSUER is not set: no OpenID Connect provider to sign in with'

describe('single sign-on with Demo Council', { skip }, () => {
  let browser
  before(async () => { browser = await launch() })
  after(async () => { await browser?.close() })

  /**
   * A page in a fresh browser context (so no provider session carries over), taken from
   * the app's sign-in page through the provider as `login`, with any password, and back
   * to the app. Closing it closes the context.
   */
  async function signInWithProvider (login) {
    const context = await browser.newContext()
    // The provider's development pages import a Google web font: answer that here, so
    // the tests need no internet and the failed request is not counted as a problem.
    await context.route('https://fonts.googleapis.com/**', (route) =>
      route.fulfill({ contentType: 'text/css', body: '' }))
    const page = await openPage(context)
    page.close = async () => { await context.close() }

    await page.goto(`${baseUrl}/login`)
    await assertAccessible(page)
    assert.deepEqual(page.problems, [])
    // A link or a button, whichever the app chose.
    const name = 'Sign in with Demo Council'
    await page.getByRole('link', { name }).or(page.getByRole('button', { name })).click()

    // oidc-provider's development sign-in page: two inputs known only by their
    // placeholders (no labels), and a "Sign-in" button.
    await page.waitForURL((url) => url.href.startsWith(`${issuer}/`))
    await page.getByRole('heading', { name: 'Sign-in' }).waitFor()
    await page.getByPlaceholder('Enter any login').fill(login)
    await page.getByPlaceholder('and password').fill('any password will do')
    await page.getByRole('button', { name: 'Sign-in' }).click()
    // Then its consent page, headed "Authorize" and listing the scopes asked for.
    await page.getByRole('heading', { name: 'Authorize' }).waitFor()
    await page.getByRole('button', { name: 'Continue' }).click()

    // Back through the app's callback to wherever it sends the browser on.
    await page.waitForURL((url) => url.origin === new URL(baseUrl).origin && !url.pathname.startsWith('/sso/'))
    // Leaving the app for the provider can abort the sign-in page's favicon request;
    // count problems from here.
    await page.waitForLoadState('networkidle')
    page.problems.length = 0
    return page
  }

  /** The header's sign-out button, there only when signed in. */
  function signOut (page) {
    return page.locator('header').getByRole('button', { name: 'Sign out' })
  }

  test('someone with an account signs in with Demo Council, lands on the plans and signs out', async () => {
    const page = await signInWithProvider('editor@demo.example')
    assert.equal(new URL(page.url()).pathname, '/')
    assert.equal(await page.title(), 'This cycle – WSOA Tracker', 'an editor lands on This cycle')
    await signOut(page).waitFor()
    // Signed in as the account with the address the provider vouched for.
    await page.locator('header').getByRole('link', { name: 'Your account: editor@demo.example' }).waitFor()
    await assertAccessible(page)

    await signOut(page).click()
    await page.locator('header').getByRole('link', { name: 'Sign in', exact: true }).waitFor()
    assert.equal(await signOut(page).count(), 0)
    assert.deepEqual(page.problems, [])
    await page.close()
  })

  test('an address with no account comes back to the sign-in page, told so', async () => {
    // In the allowed domain, but never invited.
    const page = await signInWithProvider('nobody@demo.example')
    assert.equal(new URL(page.url()).pathname, '/login')
    const summary = page.locator('.govuk-error-summary')
    await summary.waitFor()
    assert.match(await summary.textContent(), /no account/i)
    assert.equal(await signOut(page).count(), 0, 'not signed in')
    await assertAccessible(page)
    assert.deepEqual(page.problems, [])
    await page.close()
  })

  test('an address the provider has not verified is refused, whatever account it names', async () => {
    // provider.mjs says `email_verified: false` for logins starting `unverified.`.
    const page = await signInWithProvider('unverified.editor@demo.example')
    assert.equal(new URL(page.url()).pathname, '/login')
    const summary = page.locator('.govuk-error-summary')
    await summary.waitFor()
    assert.match(await summary.textContent(), /verified/i)
    assert.equal(await signOut(page).count(), 0, 'not signed in')
    await assertAccessible(page)
    assert.deepEqual(page.problems, [])
    await page.close()
  })

  test('someone invited but without an account yet gets one by signing in with Demo Council', async () => {
    // The demo invites new.owner@demo.example; signing in through the provider accepts
    // the invitation instead of choosing a password.
    const page = await signInWithProvider('new.owner@demo.example')
    assert.equal(new URL(page.url()).pathname, '/')
    await page.locator('header').getByRole('link', { name: 'Your account: new.owner@demo.example' }).click()
    await page.getByRole('heading', { name: 'Your account' }).waitFor()
    assert.match(await page.locator('main').textContent(), /Owner/)
    await assertAccessible(page)
    assert.deepEqual(page.problems, [])
    await page.close()
  })

  test('an address outside the domains the provider vouches for is refused', async () => {
    const page = await signInWithProvider('someone@elsewhere.example')
    assert.equal(new URL(page.url()).pathname, '/login')
    const summary = page.locator('.govuk-error-summary')
    await summary.waitFor()
    assert.match(await summary.textContent(), /cannot sign in people with that email address/)
    assert.equal(await signOut(page).count(), 0, 'not signed in')
    await page.close()
  })
})
