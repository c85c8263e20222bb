// A real OpenID Connect provider (oidc-provider) for the single sign-on browser tests:
// one confidential client, the authorization code flow with PKCE, and the library's own
// development sign-in pages, where whatever login is typed (with any password) becomes
// the account, its email address and its name. Configured from the environment:
//   OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI
// Never use it for anything but tests: accounts, keys and sessions live only in memory.
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import Provider from 'oidc-provider'

function required (name) {
  const value = process.env[name]
  if (!value) {
    console.error(`error: ${name} is not set`)
    process.exit(2)
  }
  return value
}

const port = Number(required('OIDC_PORT'))
const issuer = `http://127.0.0.1:${port}`

// A fresh signing key each run, rather than the library's published development keys,
// so an ID token from one run (or anyone's copy of those keys) is never valid in another.
const signingKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' })

const provider = new Provider(issuer, {
  clients: [{
    client_id: required('OIDC_CLIENT_ID'),
    client_secret: required('OIDC_CLIENT_SECRET'),
    redirect_uris: [required('OIDC_REDIRECT_URI')],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    // HTTP Basic, what OpenID Connect clients (the openidconnect crate too) use by
    // default; oidc-provider takes the secret in the form body (client_secret_post) from
    // such a client as well.
    token_endpoint_auth_method: 'client_secret_basic'
  }],
  jwks: { keys: [{ ...signingKey, kid: 'browser-tests', use: 'sig', alg: 'RS256' }] },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // The library requires PKCE only of public clients; the app must use it as well.
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name']
  },
  // By default claims asked for by scope go only to the userinfo endpoint when an access
  // token is issued; most real providers also put them in the ID token, so do that here.
  conformIdTokenClaims: false,
  features: {
    // The built-in login and consent pages: a development-only feature, which is the
    // point here (they print a warning saying so at start-up).
    devInteractions: { enabled: true }
  },
  async findAccount (ctx, id) {
    // Typing `unverified.someone@…` gives an address the provider has not verified, so
    // the app's refusal of such addresses can be tested.
    const verified = !id.startsWith('unverified.')
    return {
      accountId: id,
      async claims () {
        return { sub: id, email: id, email_verified: verified, name: id }
      }
    }
  }
})

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on ${issuer}`)
})

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    // Browsers keep connections alive; drop them so the process exits at once.
    server.close(() => process.exit(0))
    server.closeAllConnections()
  })
}
