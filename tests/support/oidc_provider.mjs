// A real OpenID Connect provider on loopback for Kith's tests: the certified
// `oidc-provider` package (npm), with its development sign-in pages.
//
//   node oidc_provider.mjs REDIRECT_URI...
//
// Run it from the folder whose node_modules holds oidc-provider (the test
// copies it there). It listens on 127.0.0.1 on a free port and prints its
// issuer URL as the first line. One client: `kith` / `kith-secret`, PKCE
// required. Any login name signs in; the accounts below have set claims,
// any other NAME is NAME@example.com, verified.
//
// POST /__mode/NAME changes what the token endpoint answers, so a test can
// check that Kith refuses it: `none` (as issued), `tampered` (the ID token's
// e-mail changed after signing), `wrong-audience` (a validly signed ID token
// for another client).

import { createServer } from 'node:http';

import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';

const redirectUris = process.argv.slice(2);
if (redirectUris.length === 0) {
  console.error('usage: node oidc_provider.mjs REDIRECT_URI...');
  process.exit(2);
}

const ACCOUNTS = {
  // Claims to own Ann's address without having proved it.
  'not-ann': { email: 'ann@example.com', email_verified: false, name: 'Not Ann' },
  'ann-verified': { email: 'ann@example.com', email_verified: true, name: 'Ann Example' },
};

let mode = 'none';

const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };

const server = createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const issuer = `http://127.0.0.1:${server.address().port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: 'kith',
    client_secret: 'kith-secret',
    redirect_uris: redirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  async findAccount(ctx, id) {
    const claims = ACCOUNTS[id] ?? { email: `${id}@example.com`, email_verified: true, name: id };
    return {
      accountId: id,
      async claims() {
        return { sub: id, preferred_username: id, ...claims };
      },
    };
  },
  jwks: { keys: [jwk] },
  cookies: { keys: ['kith-test-cookie-key'] },
});
provider.proxy = false;

// The test's switch, and the token answer it bends.
provider.use(async (ctx, next) => {
  const switched = ctx.path.match(/^\/__mode\/([a-z-]+)$/);
  if (switched && ctx.method === 'POST') {
    mode = switched[1];
    ctx.body = { mode };
    return;
  }
  await next();
  if (ctx.path !== '/token' || !ctx.body || !ctx.body.id_token || mode === 'none') {
    return;
  }
  const token = ctx.body.id_token;
  const [head, payload, signature] = token.split('.');
  const claims = decodeJwt(token);
  if (mode === 'tampered') {
    const changed = Buffer.from(JSON.stringify({ ...claims, email: 'mallory@example.com' })).toString('base64url');
    ctx.body = { ...ctx.body, id_token: `${head}.${changed}.${signature}` };
  } else if (mode === 'wrong-audience') {
    const header = decodeProtectedHeader(token);
    const resigned = await new SignJWT({ ...claims, aud: 'someone-else', azp: 'someone-else' })
      .setProtectedHeader({ alg: header.alg, kid: header.kid, typ: header.typ })
      .sign(privateKey);
    ctx.body = { ...ctx.body, id_token: resigned };
  }
  void payload;
  void publicKey;
});

server.on('request', provider.callback());
console.log(issuer);
// The test reads only the first line: anything else goes to stderr.
console.log = console.info = (...args) => console.error(...args);
