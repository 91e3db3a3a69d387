// A real, OpenID-certified provider (panva/oidc-provider) for the OIDC tests of Công dân số.
// Loopback only. Everything comes from the environment so that tests never need a fake IdP:
//   OIDC_TEST_PORT (or argv[2])      port on 127.0.0.1 (0 = any free port; the chosen one is printed)
//   OIDC_TEST_CLIENT_ID / _SECRET    the one registered confidential client
//   OIDC_TEST_REDIRECT_URIS          space-separated redirect URIs of that client
//   OIDC_TEST_ACCOUNTS               JSON object {"<sub>": {claims...}}; the dev login form accepts
//                                    any of these subjects as the login name (password is ignored)
// On start it prints one line "READY <issuer>" to stdout.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';

import Provider from 'oidc-provider';

function required(name) {
  const value = process.env[name];
  if (!value) {
    console.error(`missing environment variable ${name}`);
    process.exit(2);
  }
  return value;
}

const port = Number(process.argv[2] ?? process.env.OIDC_TEST_PORT ?? 0);
const accounts = JSON.parse(process.env.OIDC_TEST_ACCOUNTS ?? '{}');

// A fresh signing key per run: nothing secret is kept on disk or in git.
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test-rs256' };

const configuration = {
  clients: [{
    client_id: required('OIDC_TEST_CLIENT_ID'),
    client_secret: required('OIDC_TEST_CLIENT_SECRET'),
    redirect_uris: required('OIDC_TEST_REDIRECT_URIS').split(/\s+/).filter(Boolean),
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    id_token_signed_response_alg: 'RS256',
  }],
  // PKCE for every client, not only public ones (oidc-provider only supports S256).
  pkce: { required: () => true },
  claims: {
    openid: ['sub'],
    profile: ['name', 'family_name', 'given_name', 'locale'],
    email: ['email', 'email_verified'],
  },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  jwks: { keys: [signingKey] },
  features: {
    devInteractions: { enabled: true },
  },
  async findAccount(ctx, sub) {
    const claims = accounts[sub];
    if (!claims) {
      return undefined;
    }
    return {
      accountId: sub,
      async claims() {
        return { ...claims, sub };
      },
    };
  },
};

const server = createServer();
server.listen(port, '127.0.0.1', () => {
  // The issuer must carry the real port, so the provider is built once the port is known.
  const issuer = `http://127.0.0.1:${server.address().port}`;
  const provider = new Provider(issuer, configuration);
  server.on('request', provider.callback());
  process.stdout.write(`READY ${issuer}\n`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
