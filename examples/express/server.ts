// A partner app on Express with Talkdesk SSO and Single Sign-Out.
// In your app: import { createAppConnect } from 'appconnect-sso';
// Run against the emulator: APPCONNECT_EMULATOR_ORIGIN=http://127.0.0.1:4010 npx tsx examples/express/server.ts
import express from 'express';
import { createAppConnect } from '../../src/index.ts';

const port = Number(process.env['PORT'] ?? 3000);
const emulator = process.env['APPCONNECT_EMULATOR_ORIGIN'];

const appconnect = await createAppConnect({
  baseUrl: process.env['APP_BASE_URL'] ?? `http://localhost:${port}`,
  supportContact: 'support@partner.example',
  ...(emulator ? { hostPolicy: { extraOrigins: [emulator] } } : {}),
});

const app = express();
app.use(appconnect.express()); // events, launch and callback URLs; mount before any body parser
app.post('/logout', async (req, res) => {
  await appconnect.logout(req, res);
  res.send('Signed out.');
});
app.get('/', appconnect.requireSession, (req, res) => {
  res.send(`Hello ${req.appconnect?.name ?? req.appconnect?.userId}`);
});

const server = app.listen(port, 'localhost', () => console.log(`partner app on http://localhost:${port}`));
process.on('SIGTERM', () => server.close(() => void appconnect.close()));
