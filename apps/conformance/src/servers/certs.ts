import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";

// Node's webcrypto is the standard Crypto, but typed with Node's own
// declarations, which differ from the DOM ones x509 names (with or without lib.dom).
x509.cryptoProvider.set(webcrypto as never);

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;

export interface KeyPairPem {
  /** PEM certificate. */
  cert: string;
  /** PEM PKCS#8 private key. */
  key: string;
}

export interface TestPki {
  /** The CA the tests trust. */
  ca: KeyPairPem;
  /** localhost, 127.0.0.1 and ::1, signed by `ca`. */
  server: KeyPairPem;
  /** Signed by `ca`, but only for wrong.example: a name mismatch for every test address. */
  wrongName: KeyPairPem;
  /** localhost and 127.0.0.1, signed by a CA nobody trusts. */
  untrusted: KeyPairPem;
  /** A client certificate signed by `ca`, for mutual TLS. */
  client: KeyPairPem;
}

async function keyPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  const b64 = Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n");
  return `-----BEGIN PRIVATE KEY-----\n${b64}\n-----END PRIVATE KEY-----\n`;
}

const DAY = 24 * 60 * 60 * 1000;
let serial = 1;

async function makeCa(name: string) {
  const keys = await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: (serial++).toString(16).padStart(2, "0"),
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    signingAlgorithm: ALG,
    keys: keys as CryptoKeyPair,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as CryptoKey),
    ],
  });
  return { cert, keys: keys as CryptoKeyPair };
}

async function makeLeaf(
  issuer: { cert: x509.X509Certificate; keys: CryptoKeyPair },
  name: string,
  san: { type: "dns" | "ip"; value: string }[],
  usage: "server" | "client",
): Promise<KeyPairPem> {
  const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: (serial++).toString(16).padStart(2, "0"),
    subject: `CN=${name}`,
    issuer: issuer.cert.subject,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 30 * DAY),
    signingAlgorithm: ALG,
    publicKey: keys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension(
        [usage === "server" ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
        false,
      ),
      new x509.SubjectAlternativeNameExtension(san, false),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.cert, false),
    ],
  });
  return { cert: cert.toString("pem"), key: await keyPem(keys.privateKey) };
}

/**
 * A private CA and leaves made fresh for each run: nothing secret is checked
 * in, nothing expires between runs. Deno's rustls and workerd reject a
 * self-signed leaf used as its own CA, so tests always use a CA plus a leaf.
 */
export async function createTestPki(): Promise<TestPki> {
  const ca = await makeCa("sockets test CA");
  const other = await makeCa("sockets untrusted CA");
  const local = [
    { type: "dns" as const, value: "localhost" },
    { type: "ip" as const, value: "127.0.0.1" },
    { type: "ip" as const, value: "::1" },
  ];
  return {
    ca: { cert: ca.cert.toString("pem"), key: await keyPem(ca.keys.privateKey) },
    server: await makeLeaf(ca, "localhost", local, "server"),
    wrongName: await makeLeaf(
      ca,
      "wrong.example",
      [{ type: "dns", value: "wrong.example" }],
      "server",
    ),
    untrusted: await makeLeaf(other, "localhost", local, "server"),
    client: await makeLeaf(
      ca,
      "sockets test client",
      [{ type: "dns", value: "client.test" }],
      "client",
    ),
  };
}
