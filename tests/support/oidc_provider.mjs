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
// e-mail changed after signing). Each of the others breaks one rule and
// keeps the rest, signed with the provider's own key unless it says
// otherwise: `wrong-audience` (for another client), `wrong-nonce` (a nonce
// from another sign-in), `expired` (its exp an hour ago), `wrong-issuer`
// (from another issuer), `alg-none` (unsigned, `alg: none`),
// `hs256-client-secret` (HS256 keyed with the client secret, which the
// client knows too), `hs256-public-key` (HS256 keyed with the provider's
// public key as published, the algorithm-confusion attack).

import { createServer } from 'node:http';

import Provider from 'oidc-provider';
import { SignJWT, decodeJwt, decodeProtectedHeader, exportJWK, exportSPKI, generateKeyPair } from 'jose';

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

const MODES = ['none', 'tampered', 'wrong-audience', 'wrong-nonce', 'expired', 'wrong-issuer',
  'alg-none', 'hs256-client-secret', 'hs256-public-key'];
let mode = 'none';

const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const publicPem = await exportSPKI(publicKey);

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
  const switched = ctx.path.match(/^\/__mode\/([a-z0-9-]+)$/);
  if (switched && ctx.method === 'POST') {
    if (!MODES.includes(switched[1])) {
      ctx.status = 400;
      ctx.body = { error: `unknown mode ${switched[1]}` };
      return;
    }
    mode = switched[1];
    ctx.body = { mode };
    return;
  }
  await next();
  if (ctx.path !== '/token' || !ctx.body || !ctx.body.id_token || mode === 'none') {
    return;
  }
  const token = ctx.body.id_token;
  const [head, , signature] = token.split('.');
  const claims = decodeJwt(token);
  const header = decodeProtectedHeader(token);
  const now = Math.floor(Date.now() / 1000);
  // The claims re-signed with the provider's key, or with `alg` and `key`.
  const resign = (changed, alg = header.alg, key = privateKey) =>
    new SignJWT({ ...claims, ...changed })
      .setProtectedHeader({ alg, kid: header.kid, typ: header.typ })
      .sign(key);
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
  let idToken;
  switch (mode) {
    case 'tampered':
      idToken = `${head}.${b64({ ...claims, email: 'mallory@example.com' })}.${signature}`;
      break;
    case 'wrong-audience':
      idToken = await resign({ aud: 'someone-else', azp: 'someone-else' });
      break;
    case 'wrong-nonce':
      idToken = await resign({ nonce: 'a-nonce-from-another-sign-in' });
      break;
    case 'expired':
      idToken = await resign({ iat: now - 7200, exp: now - 3600 });
      break;
    case 'wrong-issuer':
      idToken = await resign({ iss: 'https://issuer.example.net' });
      break;
    case 'alg-none':
      idToken = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
      break;
    case 'hs256-client-secret':
      idToken = await resign({}, 'HS256', new TextEncoder().encode('kith-secret'));
      break;
    case 'hs256-public-key':
      idToken = await resign({}, 'HS256', new TextEncoder().encode(publicPem));
      break;
    default:
      throw new Error(`unknown mode ${mode}`);
  }
  ctx.body = { ...ctx.body, id_token: idToken };
});

server.on('request', provider.callback());
console.log(issuer);
// The test reads only the first line: anything else goes to stderr.
console.log = console.info = (...args) => console.error(...args);
