// Runs an emulator in its own process so the benchmark measures only the client's CPU.
import { createEmulator } from '@tencent-captcha/emulator';

const emulator = await createEmulator({ port: 0, host: '127.0.0.1' });
process.send?.({
  url: emulator.url,
  apiUrl: emulator.apiUrl,
  apiEndpoint: emulator.apiEndpoint,
  controlUrl: emulator.controlUrl,
  appId: emulator.appId,
  appSecretKey: emulator.appSecretKey,
  secretId: emulator.secretId,
  secretKey: emulator.secretKey,
});
process.on('disconnect', () => void emulator.close().then(() => process.exit(0)));
