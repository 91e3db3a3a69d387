// An independent OpenID4VP 1.0 wallet (OpenWallet Foundation @openid4vc/openid4vp) run by
// tests/api/wallet/test_oid4vp_interop.py against the app's verifier: it resolves the openid4vp:// link (fetches the
// request object from request_uri, checks its signature with the city verifier's JWKS for the pre-registered
// client id), then sends the vp_token the test makes (direct_post, or direct_post.jwt encrypted to the request's
// key in client_metadata.jwks).
//
//   node vp_wallet.mjs '{"link": "openid4vp://…", "jwks_uri": "https://…/verifier-jwks"}'
//   -> {ok, client, request}          stdin <- {vp_token} | {stop: true}
//   -> {ok, status, body, encrypted}  (the app's answer to the response)
import { randomBytes } from "node:crypto";
import { Openid4vpClient } from "@openid4vc/openid4vp";
import { callbacks, hear, refusal, say } from "./vp_common.mjs";

const scenario = JSON.parse(process.argv[2]);
const keyFor = async (_signer, header) => {
  const { keys } = await (await fetch(scenario.jwks_uri)).json();
  return keys.find((k) => k.kid === header.kid) || null;
};
const client = new Openid4vpClient({ callbacks: callbacks({ keyFor }) });

async function run() {
  let resolved;
  try {
    const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: scenario.link });
    resolved = await client.resolveOpenId4vpAuthorizationRequest({ authorizationRequestPayload: parsed.params });
  } catch (err) {
    return say({ step: "resolve", ...refusal(err) });
  }
  const request = resolved.authorizationRequestPayload;
  say({ ok: true, client: { prefix: resolved.client.prefix, identifier: resolved.client.identifier },
    signed: Boolean(resolved.jar), version: resolved.version, request });
  const answer = await hear();
  if (answer.stop) return undefined;
  const encrypted = request.response_mode === "direct_post.jwt";
  const response = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request,
    authorizationResponsePayload: { vp_token: answer.vp_token },
    ...(encrypted ? { jarm: { encryption: { nonce: randomBytes(16).toString("base64url") }, serverMetadata: {
      authorization_signing_alg_values_supported: ["ES256"],
      authorization_encryption_alg_values_supported: ["ECDH-ES"],
      authorization_encryption_enc_values_supported: ["A128GCM", "A256GCM"] } } } : {}),
  });
  const submitted = await client.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: request, authorizationResponsePayload: response.authorizationResponsePayload,
    ...(response.jarm ? { jarm: { responseJwt: response.jarm.responseJwt } } : {}),
  });
  const text = await submitted.response.text();
  return say({ ok: submitted.response.ok, status: submitted.response.status, body: text ? JSON.parse(text) : null,
    encrypted: Boolean(response.jarm), response_mode: submitted.responseMode });
}

run().catch((err) => say({ step: "crash", ...refusal(err), stack: String(err.stack || err) })).finally(() => process.exit(0));
