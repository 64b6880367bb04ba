// The HTML page at `GET /`: what this emulator is, and a live demo of its SDK.

const escape = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** Renders the index page. @internal */
export function renderIndexPage(input: { url: string; appId: string }): string {
  const url = escape(input.url);
  const appId = escape(input.appId);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tencent Captcha emulator</title>
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #1f2328; }
  code, pre { font: 13px ui-monospace, monospace; background: #f6f8fa; padding: .1rem .3rem; border-radius: 4px; }
  pre { padding: .75rem; overflow: auto; }
  button { font: inherit; padding: .4rem 1rem; }
</style>
</head>
<body>
<h1>Tencent Captcha emulator</h1>
<p>An offline stand-in for Tencent Cloud Captcha: the browser SDK, <code>DescribeCaptchaResult</code> and the legacy v2 API.</p>
<ul>
  <li>SDK: <code>${url}/TCaptcha.js</code>, <code>${url}/TJCaptcha.js</code></li>
  <li>API (<code>POST</code>, TC3-signed): <code>${url}/</code></li>
  <li>Legacy API: <code>${url}/v2/index.php</code></li>
  <li>Faults: <code>${url}/__emulator/faults</code></li>
  <li>CaptchaAppId: <code>${appId}</code></li>
</ul>
<h2>Try it</h2>
<p><button type="button" id="try">Verify</button></p>
<pre id="result" role="status" aria-live="polite">No result yet.</pre>
<script src="${url}/TJCaptcha.js"></script>
<script>
  document.getElementById('try').addEventListener('click', function () {
    var out = document.getElementById('result');
    try {
      new TencentCaptcha('${appId}', function (res) { out.textContent = JSON.stringify(res, null, 2); }, {}).show();
    } catch (error) {
      out.textContent = 'The SDK failed: ' + error;
    }
  });
</script>
</body>
</html>
`;
}
