// Shared pieces of the OpenID4VP test programs (vp_verifier.mjs, vp_wallet.mjs): the callbacks the OpenWallet
// Foundation's @openid4vc libraries ask for (ES256 with WebCrypto, JWE with `jose`) and a line protocol with the
// Python test (one JSON object per line on stdout; the test answers with JSON lines on stdin).
import { webcrypto } from "node:crypto";
import { createInterface } from "node:readline";
import { CompactEncrypt, compactDecrypt, importJWK } from "jose";

const subtle = webcrypto.subtle;
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

export const say = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
export async function hear() {
  const { value, done } = await lines.next();
  if (done) throw new Error("the test closed stdin");
  return JSON.parse(value);
}

export function refusal(err) {
  const response = err.errorResponse || {};
  return { ok: false, error: response.error || err.name, description: response.error_description || err.message };
}

export async function verifyEs256(jwk, compact) {
  const [h, p, s] = compact.split(".");
  const key = await subtle.importKey("jwk", { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
    { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]);
  return subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, Buffer.from(s, "base64url"), Buffer.from(`${h}.${p}`));
}

/** Callbacks; `keys` resolves the public JWK of a signer the library cannot name itself (pre-registered client). */
export function callbacks({ keyFor = async () => null, decryptionKey = null } = {}) {
  return {
    hash: async (data, alg) => new Uint8Array(await subtle.digest(
      { "sha-256": "SHA-256", "sha-384": "SHA-384", "sha-512": "SHA-512" }[alg], data)),
    generateRandom: (length) => webcrypto.getRandomValues(new Uint8Array(length)),
    fetch: (...args) => fetch(...args),
    signJwt: async () => { throw new Error("this test program signs nothing"); },
    verifyJwt: async (signer, { header, compact }) => {
      const jwk = signer.method === "jwk" ? signer.publicJwk : await keyFor(signer, header);
      if (!jwk || header.alg !== "ES256") return { verified: false };
      return (await verifyEs256(jwk, compact)) ? { verified: true, signerJwk: jwk } : { verified: false };
    },
    encryptJwe: async (encryptor, data) => {
      const key = await importJWK(encryptor.publicJwk, encryptor.alg);
      const params = {};
      if (encryptor.apu) params.apu = Buffer.from(encryptor.apu, "base64url");
      if (encryptor.apv) params.apv = Buffer.from(encryptor.apv, "base64url");
      const jwe = await new CompactEncrypt(new TextEncoder().encode(data))
        .setProtectedHeader({ alg: encryptor.alg, enc: encryptor.enc,
          ...(encryptor.publicJwk.kid ? { kid: encryptor.publicJwk.kid } : {}) })
        .setKeyManagementParameters(params)
        .encrypt(key);
      return { encryptionJwk: encryptor.publicJwk, jwe };
    },
    decryptJwe: async (jwe) => {
      if (!decryptionKey) return { decrypted: false };
      try {
        const { plaintext } = await compactDecrypt(jwe, await importJWK(decryptionKey.private, "ECDH-ES"));
        return { decrypted: true, decryptionJwk: decryptionKey.public, payload: new TextDecoder().decode(plaintext) };
      } catch {
        return { decrypted: false };
      }
    },
  };
}
