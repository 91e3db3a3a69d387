// An independent OpenID4VP 1.0 verifier (OpenWallet Foundation @openid4vc/openid4vp) run by
// tests/api/wallet/test_oid4vp_interop.py: a relying party outside the city's registry asks the app's wallet for
// `age_over_18` only (DCQL), by value, with the `redirect_uri:` client identifier prefix and response_mode
// direct_post or direct_post.jwt (its own ephemeral P-256 key in client_metadata.jwks).
//
//   node vp_verifier.mjs '{"cert": server.pem, "key": server-key.pem, "mode": "direct_post" | "direct_post.jwt"}'
//   -> {link}                                   (the openid4vp:// request, for the app's wallet)
//   -> {ok, state, presentations, encrypted}    (the DCQL response the library parsed at its response_uri)
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:https";
import { exportJWK, generateKeyPair } from "jose";
import { Openid4vpVerifier } from "@openid4vc/openid4vp";
import { callbacks, refusal, say } from "./vp_common.mjs";

const scenario = JSON.parse(process.argv[2]);
const encrypted = scenario.mode === "direct_post.jwt";
let decryptionKey = null;
if (encrypted) {
  const pair = await generateKeyPair("ECDH-ES", { crv: "P-256", extractable: true });
  const pub = { ...(await exportJWK(pair.publicKey)), kid: "owf-enc-1", use: "enc", alg: "ECDH-ES" };
  decryptionKey = { public: pub, private: { ...(await exportJWK(pair.privateKey)), alg: "ECDH-ES" } };
}
const verifierCallbacks = callbacks({ decryptionKey });
const verifier = new Openid4vpVerifier({ callbacks: verifierCallbacks });

let request;
const server = createServer({ cert: readFileSync(scenario.cert), key: readFileSync(scenario.key) }, (req, res) => {
  let body = "";
  req.on("data", (chunk) => { body += chunk; });
  req.on("end", async () => {
    try {
      const form = Object.fromEntries(new URLSearchParams(body));
      const parsed = await verifier.parseOpenid4vpAuthorizationResponse({
        authorizationResponse: form, authorizationRequestPayload: request.authorizationRequestPayload,
        callbacks: verifierCallbacks });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      say({ ok: true, encrypted: "response" in form && !("vp_token" in form), state: parsed.authorizationResponsePayload.state,
        nonce: parsed.expectedNonce, presentations: parsed.type === "dcql" ? parsed.dcql.presentations : null });
    } catch (err) {
      res.writeHead(400, { "content-type": "application/json" })
        .end(JSON.stringify({ error: "invalid_request", error_description: String(err.message) }));
      say({ step: "response", ...refusal(err) });
    }
    server.close();
  });
});
server.listen(0, "127.0.0.1", async () => {
  const responseUri = `https://127.0.0.1:${server.address().port}/openid4vp/response`;
  request = await verifier.createOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: {
      response_type: "vp_token", client_id: `redirect_uri:${responseUri}`, response_uri: responseUri,
      response_mode: scenario.mode, nonce: randomBytes(16).toString("base64url"),
      state: randomBytes(12).toString("base64url"),
      dcql_query: { credentials: [{ id: "over18", format: "dc+sd-jwt",
        meta: { vct_values: [scenario.vct] }, claims: [{ path: ["age_over_18"] }] }] },
      client_metadata: { vp_formats_supported: { "dc+sd-jwt": { "sd-jwt_alg_values": ["ES256"],
        "kb-jwt_alg_values": ["ES256"] } },
        ...(encrypted ? { jwks: { keys: [decryptionKey.public] }, encrypted_response_enc_values_supported: ["A256GCM"] } : {}) },
    },
  });
  say({ link: request.authorizationRequest, nonce: request.authorizationRequestPayload.nonce,
    client_id: request.authorizationRequestPayload.client_id });
});
setTimeout(() => { say({ ok: false, error: "timeout" }); process.exit(2); }, 60000).unref();
