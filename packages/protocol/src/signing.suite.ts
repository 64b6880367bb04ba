// One suite of Tencent's published signing vectors (protocol.md §3.3–3.6, §4.8), run by Vitest in
// Node (signing.test.ts) and by @web/test-runner in headless Chromium (signing.browser.test.ts).
import {
  buildTc3CanonicalRequest,
  buildTc3StringToSign,
  buildV2StringToSign,
  createTc3Signer,
  deriveTc3SigningKey,
  fromHex,
  sha256Hex,
  signTc3,
  signTc3StringToSign,
  signV2,
  signV2StringToSign,
  toHex,
  verifyTc3Request,
} from './index.js';

export interface SuiteApi {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: () => Promise<void> | void): void;
  equal(actual: unknown, expected: unknown): void;
}

const A = {
  secretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
  secretKey: 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLE',
  host: 'cvm.tencentcloudapi.com',
  service: 'cvm',
  timestamp: 1551113065,
  contentType: 'application/json; charset=utf-8',
  // The `\u` escapes are literal characters of the payload.
  payload: '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}',
};

const CAPTCHA_BODY =
  '{"CaptchaType":9,"Ticket":"t03_example_ticket","UserIp":"127.0.0.1","Randstr":"@EcL","CaptchaAppId":199999164,"AppSecretKey":"E4kwK9AcXQMHkktiItyMEyQPn"}';

export function defineSigningSuite({ describe, it, equal }: SuiteApi): void {
  describe('TC3-HMAC-SHA256', () => {
    it('reproduces official vector A (EXAMPLE keys)', async () => {
      const s = await signTc3(A);
      equal(s.hashedPayload, '35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
      equal(await sha256Hex(s.canonicalRequest), '5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031');
      equal(s.date, '2019-02-25');
      equal(s.signature, '72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168');
      equal(
        s.authorization,
        'TC3-HMAC-SHA256 Credential=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168',
      );
    });

    it('derives vector A signing keys', async () => {
      equal(toHex(await deriveTc3SigningKey(A.secretKey, '2019-02-25', 'cvm')), 'ac658d5dde49e9bfdd14e04e062f66b05d9f637d44b8a8d845327d4a77f666b1');
    });

    it('reproduces official vector B (x-tc-action signed, published SecretSigning)', async () => {
      const { canonicalRequest, signedHeaders } = buildTc3CanonicalRequest({
        method: 'POST',
        headers: { 'content-type': A.contentType, host: A.host, 'x-tc-action': 'DescribeInstances' },
        hashedPayload: await sha256Hex(A.payload),
      });
      equal(signedHeaders, 'content-type;host;x-tc-action');
      equal(await sha256Hex(canonicalRequest), '7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
      const sts = await buildTc3StringToSign(A.timestamp, 'cvm', canonicalRequest);
      const signingKey = fromHex('b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af');
      equal(await signTc3StringToSign(signingKey, sts), '10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f');
      // The same variant under vector A's EXAMPLE key.
      const withKey = await signTc3({ ...A, extraSignedHeaders: { 'X-TC-Action': 'DescribeInstances' } });
      equal(withKey.signature, '644be983de9a8a3f00db8eadaba61467c3b429e2215758ba897b738ca469fd26');
    });

    it('reproduces the captcha vectors (Node-SDK style and doc style)', async () => {
      const base = { ...A, host: 'captcha.tencentcloudapi.com', service: 'captcha', payload: CAPTCHA_BODY };
      const sdk = await signTc3({ ...base, contentType: 'application/json' });
      equal(sdk.hashedPayload, 'a99dc0f27622b104e0aa9cb08591f8b84795f91a79dac4ef0875af27497ebe02');
      equal(await sha256Hex(sdk.canonicalRequest), 'e45eff53c74624a0f0aae8edf1b7511d796c750305a0882cb4e54ae26fc41a17');
      equal(sdk.signature, 'd6a7e8abc63d52e9ab3083ef7038fcc0eac3d3e814d39f7d5b6be2c6b3830a91');
      const doc = await signTc3({ ...base, extraSignedHeaders: { 'x-tc-action': 'DescribeCaptchaResult' } });
      equal(await sha256Hex(doc.canonicalRequest), 'c3eea9e73a6c14b2068f613b4e1fae1ffbe268f212a1e0f0553d120956c1302e');
      equal(doc.signature, '09a5d4be3d0742df5fa92c3593401a090b1dab1cb5fa7c7564f5106a8832eb94');
      equal(toHex(await deriveTc3SigningKey(A.secretKey, '2019-02-25', 'captcha')), '151f95896bb19ae1e3473d37cf4f4d665d786d7927907ca5ef7f6bd033c1b496');
    });

    it('signs with a cached per-day key exactly as signTc3 does', async () => {
      const signer = createTc3Signer({ ...A, contentType: 'application/json', host: 'captcha.tencentcloudapi.com', service: 'captcha' });
      const one = await signer.sign({ timestamp: A.timestamp, payload: CAPTCHA_BODY });
      const two = await signer.sign({ timestamp: A.timestamp + 1, payload: CAPTCHA_BODY });
      equal(one.signature, 'd6a7e8abc63d52e9ab3083ef7038fcc0eac3d3e814d39f7d5b6be2c6b3830a91');
      equal(two.signature, (await signTc3({ ...A, host: 'captcha.tencentcloudapi.com', service: 'captcha', contentType: 'application/json', timestamp: A.timestamp + 1, payload: CAPTCHA_BODY })).signature);
      // The next UTC day derives a new key.
      const nextDay = await signer.sign({ timestamp: A.timestamp + 86_400, payload: CAPTCHA_BODY });
      equal(nextDay.date, '2019-02-26');
    });
  });

  describe('verifyTc3Request()', () => {
    const request = async (overrides: { body?: string; key?: string; timestamp?: number } = {}) => {
      const timestamp = overrides.timestamp ?? A.timestamp;
      const s = await signTc3({ ...A, secretKey: overrides.key ?? A.secretKey, contentType: 'application/json', timestamp, payload: CAPTCHA_BODY });
      return {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Host: A.host, Authorization: s.authorization, 'X-TC-Timestamp': String(timestamp) },
        body: overrides.body ?? CAPTCHA_BODY,
        service: 'cvm',
        now: A.timestamp + 10,
        lookupSecretKey: (id: string) => (id === A.secretId ? A.secretKey : undefined),
      };
    };

    it('accepts a correctly signed request', async () => {
      const r = await verifyTc3Request(await request());
      equal(r.ok, true);
    });
    it('answers AuthFailure.SignatureFailure for a wrong key', async () => {
      const r = await verifyTc3Request(await request({ key: 'wrong-key' }));
      equal(r.ok ? 'ok' : r.code, 'AuthFailure.SignatureFailure');
    });
    it('answers AuthFailure.SignatureFailure for a body changed after signing', async () => {
      const r = await verifyTc3Request(await request({ body: CAPTCHA_BODY.replace('@EcL', '@Evil') }));
      equal(r.ok ? 'ok' : r.code, 'AuthFailure.SignatureFailure');
    });
    it('answers AuthFailure.SignatureExpire for a timestamp more than 5 minutes off', async () => {
      const r = await verifyTc3Request(await request({ timestamp: A.timestamp - 301 }));
      equal(r.ok ? 'ok' : r.code, 'AuthFailure.SignatureExpire');
    });
    it('answers AuthFailure.SecretIdNotFound for an unknown SecretId', async () => {
      const input = await request();
      const r = await verifyTc3Request({ ...input, lookupSecretKey: () => undefined });
      equal(r.ok ? 'ok' : r.code, 'AuthFailure.SecretIdNotFound');
    });
    it('answers AuthFailure.InvalidAuthorization for a malformed header', async () => {
      const input = await request();
      const r = await verifyTc3Request({ ...input, headers: { ...input.headers, Authorization: 'Bearer nope' } });
      equal(r.ok ? 'ok' : r.code, 'AuthFailure.InvalidAuthorization');
    });
  });

  describe('legacy v2 / API 3.0 v1 signature', () => {
    const L = { Action: 'DescribeInstances', Nonce: 1290303896666895346n.toString(), Region: 'ap-guangzhou', SecretId: 'secretIdFoo', Timestamp: 1512393162, Version: '2017-03-12' };

    it('reproduces L1 (HmacSHA1, /v2/index.php, lower-case keys after upper-case)', async () => {
      const params = { Action: 'DescribeInstances', Nonce: 11886, Region: 'gz', SecretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA', Timestamp: 1465185768, 'instanceIds.0': 'ins-09dx96dg', limit: 20, offset: 0 };
      const sts = buildV2StringToSign({ method: 'GET', host: 'cvm.api.qcloud.com', path: '/v2/index.php', params });
      equal(sts, 'GETcvm.api.qcloud.com/v2/index.php?Action=DescribeInstances&Nonce=11886&Region=gz&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3gnPhESA&Timestamp=1465185768&instanceIds.0=ins-09dx96dg&limit=20&offset=0');
      equal(await signV2StringToSign('Gu5t9xGARNpq86cd98joQYCN3Cozk1qA', sts), 'NSI3UqqD99b/UJb4tbG/xZpRW64=');
    });
    it('reproduces L2 and L3 (HmacSHA1, POST and GET)', async () => {
      const params = { ...L, SignatureMethod: 'HmacSHA1' };
      equal(await signV2({ secretKey: 'secretKeyBar', method: 'POST', host: 'cvm.api.qcloud.com', path: '/v2/index.php', params }), 'p3n+pxBqF5JGZtDSxoVn5tGngf0=');
      equal(await signV2({ secretKey: 'secretKeyBar', method: 'GET', host: 'cvm.api.qcloud.com', path: '/v2/index.php', params }), '5HAq1BOKNLEE2/uauWnp6Zv9Z3c=');
    });
    it('reproduces L4 (HmacSHA256 chosen by SignatureMethod)', async () => {
      const params = { ...L, SignatureMethod: 'HmacSHA256' };
      equal(await signV2({ secretKey: 'secretKeyBar', method: 'POST', host: 'cvm.api.qcloud.com', path: '/v2/index.php', params }), 'B2T37FRSP6Fk0/q/cdfrTE0p3zX5ooB/2BPWZUFpsj4=');
    });
    it('reads `_` in keys as `.`', () => {
      equal(buildV2StringToSign({ method: 'GET', host: 'h', path: '/', params: { b: 1, a_0: 'x' } }), 'GETh/?a.0=x&b=1');
    });
    it('reproduces the API 3.0 signature v1 vector (HmacSHA1 and HmacSHA256)', async () => {
      const sts =
        'GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12';
      const built = buildV2StringToSign({
        method: 'GET',
        host: 'cvm.tencentcloudapi.com',
        path: '/',
        params: { Action: 'DescribeInstances', InstanceIds_0: 'ins-09dx96dg', Limit: 20, Nonce: 11886, Offset: 0, Region: 'ap-guangzhou', SecretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE', Timestamp: 1465185768, Version: '2017-03-12' },
      });
      equal(built, sts);
      equal(await signV2StringToSign('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', sts), 'EliP9YW3pW28FpsEdkXt/+WcGeI=');
      equal(await signV2StringToSign('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', sts, 'HmacSHA256'), 'bR/zQ3QqOmcEYeRv71IzG/NxfisUDgy9cqRMQC+UB5g=');
    });
  });
}
