// An independent OpenID4VCI 1.0 wallet (OpenWallet Foundation @openid4vc/openid4vci, pinned in package.json) run by
// tests/api/wallet/test_oid4vci_interop.py against Công dân số over HTTPS (the test CA comes in NODE_EXTRA_CA_CERTS).
//
//   node wallet.mjs '<scenario json>'   ->   one JSON line on stdout
//
// scenario: {offer, tx_code, configs: {id: copies}, step: "issue" | "reuse_code" | "bad_nonce"}
// "issue": token with the transaction code, a fresh nonce per configuration, `copies` keys each, the credentials;
// the private JWKs come back so the test can present the credentials. Refusals come back as {ok: false, error}.
//
// Authorization code flow with PKCE (the test plays the citizen's browser between the two runs):
// {step: "authorize", offer, client_id, redirect_uri} -> {url, code_verifier}: the authorization request
//   the library builds from the offer (issuer_state, S256 challenge);
// {step: "redeem" | "redeem_twice", offer, client_id, redirect_uri, response_url, code_verifier, configs}: the
//   library parses the redirect (checks `iss`), exchanges the code with its verifier, then obtains the credentials.
//
// Deferred issuance: an "issue" run whose configuration needs an official's approval returns
// {deferred: {id: transaction_id}, access_token}; {step: "collect", offer, access_token, transaction_id} asks the
// deferred credential endpoint once -> {ok, issued: [..]} or {ok, pending: {transaction_id, interval}}.
import { webcrypto } from "node:crypto";
import { clientAuthenticationAnonymous, clientAuthenticationNone } from "@openid4vc/oauth2";
import { Openid4vciClient } from "@openid4vc/openid4vci";

const subtle = webcrypto.subtle;
const b64u = (bytes) => Buffer.from(bytes).toString("base64url");
const keys = new Map(); // JSON of public JWK -> CryptoKey pair

async function newKey() {
  const pair = await subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const { kty, crv, x, y } = await subtle.exportKey("jwk", pair.publicKey);
  const publicJwk = { kty, crv, x, y };
  keys.set(JSON.stringify(publicJwk), pair);
  return publicJwk;
}

const callbacks = {
  hash: async (data, alg) => {
    const name = { "sha-256": "SHA-256", "sha-384": "SHA-384", "sha-512": "SHA-512" }[alg];
    return new Uint8Array(await subtle.digest(name, data));
  },
  generateRandom: (length) => webcrypto.getRandomValues(new Uint8Array(length)),
  clientAuthentication: clientAuthenticationAnonymous(),
  signJwt: async (signer, { header, payload }) => {
    if (signer.method !== "jwk") throw new Error(`signer ${signer.method} not supported by this test wallet`);
    const pair = keys.get(JSON.stringify(signer.publicJwk));
    const input = `${b64u(JSON.stringify(header))}.${b64u(JSON.stringify(payload))}`;
    // WebCrypto ECDSA gives r||s, which is what JWS ES256 wants.
    const signature = await subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, Buffer.from(input));
    return { jwt: `${input}.${b64u(new Uint8Array(signature))}`, signerJwk: signer.publicJwk };
  },
};

async function proofs(client, issuerMetadata, configId, nonce, copies) {
  const jwts = [];
  for (let i = 0; i < copies; i += 1) {
    const publicJwk = await newKey();
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata, credentialConfigurationId: configId, nonce,
      signer: { method: "jwk", alg: "ES256", publicJwk },
    });
    jwts.push(jwt);
  }
  return jwts;
}

function refusal(err) {
  const response = err.errorResponse || err.response?.credentialErrorResponseResult?.data;
  return { ok: false, error: response?.error || err.name, description: response?.error_description || err.message };
}

async function authorize(client, scenario, credentialOffer, issuerMetadata) {
  const { authorizationRequestUrl, pkce } = await client.createAuthorizationRequestUrlFromOffer({
    clientId: scenario.client_id, credentialOffer, issuerMetadata, redirectUri: scenario.redirect_uri,
  });
  return { ok: true, url: authorizationRequestUrl, code_verifier: pkce?.codeVerifier };
}

async function codeToken(client, scenario, credentialOffer, issuerMetadata) {
  const authorizationServerMetadata = issuerMetadata.authorizationServers[0];
  const response = client.parseAndVerifyAuthorizationResponseRedirectUrl({
    url: scenario.response_url, authorizationServerMetadata,
  });
  if (response.error) return { ok: false, step: "authorize", error: response.error };
  // 0.4.6 sends no `state` from an offer (its issuer_state plays that part): none may come back.
  if (response.state !== undefined) return { ok: false, step: "authorize", error: "unexpected_state" };
  const exchange = () => client.retrieveAuthorizationCodeAccessTokenFromOffer({
    credentialOffer, issuerMetadata, authorizationCode: response.code, pkceCodeVerifier: scenario.code_verifier,
    redirectUri: scenario.redirect_uri,
  });
  let token;
  try {
    token = await exchange();
  } catch (err) {
    return { step: "token", ...refusal(err) };
  }
  if (scenario.step === "redeem_twice") {
    try {
      await exchange();
      return { ok: true, step: "token_again" };
    } catch (err) {
      return { step: "token_again", ...refusal(err), accessToken: token.accessTokenResponse.access_token };
    }
  }
  return { token };
}

async function collect(client, scenario, issuerMetadata) {
  try {
    const { deferredCredentialResponse: answer } = await client.retrieveDeferredCredentials({
      issuerMetadata, accessToken: scenario.access_token, transactionId: scenario.transaction_id,
    });
    if (answer.credentials) return { ok: true, issued: answer.credentials.map((c) => c.credential) };
    return { ok: true, pending: { transaction_id: answer.transaction_id, interval: answer.interval } };
  } catch (err) {
    const data = err.response?.deferredCredentialErrorResponseResult?.data;
    return { ok: false, step: "collect", error: data?.error || err.name, description: data?.error_description };
  }
}

async function run(scenario) {
  const clientAuthentication = scenario.client_id
    ? clientAuthenticationNone({ clientId: scenario.client_id }) : clientAuthenticationAnonymous();
  const client = new Openid4vciClient({ callbacks: { ...callbacks, clientAuthentication } });
  const credentialOffer = await client.resolveCredentialOffer(scenario.offer);
  const issuerMetadata = await client.resolveIssuerMetadata(credentialOffer.credential_issuer);
  if (scenario.step === "authorize") return authorize(client, scenario, credentialOffer, issuerMetadata);
  if (scenario.step === "collect") return collect(client, scenario, issuerMetadata);
  if (scenario.step === "redeem" || scenario.step === "redeem_twice") {
    const redeemed = await codeToken(client, scenario, credentialOffer, issuerMetadata);
    return redeemed.token ? credentials(client, scenario, issuerMetadata, redeemed.token) : redeemed;
  }
  let token;
  try {
    token = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer, issuerMetadata, txCode: scenario.tx_code,
    });
  } catch (err) {
    return { step: "token", ...refusal(err) };
  }
  if (scenario.step === "reuse_code") {
    try {
      await client.retrievePreAuthorizedCodeAccessTokenFromOffer({ credentialOffer, issuerMetadata,
        txCode: scenario.tx_code });
      return { ok: true, step: "token_again" };
    } catch (err) {
      return { step: "token_again", ...refusal(err) };
    }
  }
  return credentials(client, scenario, issuerMetadata, token);
}

async function credentials(client, scenario, issuerMetadata, token) {
  const accessToken = token.accessTokenResponse.access_token;
  const issued = {};
  const deferred = {};
  for (const [configId, copies] of Object.entries(scenario.configs)) {
    const { c_nonce: fresh } = await client.requestNonce({ issuerMetadata });
    const nonce = scenario.step === "bad_nonce" ? `${fresh.slice(0, -4)}AAAA` : fresh;
    try {
      const response = await client.retrieveCredentials({
        issuerMetadata, accessToken, credentialConfigurationId: configId,
        proofs: { jwt: await proofs(client, issuerMetadata, configId, nonce, copies) },
      });
      const answer = response.credentialResponse;
      if (answer.transaction_id) deferred[configId] = answer.transaction_id;
      else issued[configId] = answer.credentials.map((c) => c.credential);
    } catch (err) {
      return { step: "credential", ...refusal(err) };
    }
  }
  const privateJwks = {};
  for (const [pub, pair] of keys) privateJwks[pub] = await subtle.exportKey("jwk", pair.privateKey);
  return { ok: true, issued, deferred, access_token: accessToken, keys: Object.values(privateJwks), metadata: {
    display: issuerMetadata.credentialIssuer.display,
    configurations: Object.keys(issuerMetadata.credentialIssuer.credential_configurations_supported),
  } };
}

run(JSON.parse(process.argv[2]))
  .then((result) => process.stdout.write(`${JSON.stringify(result)}\n`))
  .catch((err) => {
    process.stdout.write(`${JSON.stringify({ ok: false, error: "crash", description: String(err.stack || err) })}\n`);
    process.exitCode = 1;
  });
