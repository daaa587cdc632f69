// A partner app on Fastify with Talkdesk SSO and Single Sign-Out.
// In your app: import { createAppConnect } from 'appconnect-sso';
// Run against the emulator: APPCONNECT_EMULATOR_ORIGIN=http://127.0.0.1:4010 npx tsx examples/fastify/server.ts
import Fastify from 'fastify';
import { createAppConnect } from '../../src/index.ts';

const port = Number(process.env['PORT'] ?? 3000);
const emulator = process.env['APPCONNECT_EMULATOR_ORIGIN'];

const appconnect = await createAppConnect({
  baseUrl: process.env['APP_BASE_URL'] ?? `http://localhost:${port}`,
  supportContact: 'support@partner.example',
  ...(emulator ? { hostPolicy: { extraOrigins: [emulator] } } : {}),
});

const app = Fastify();
await app.register(appconnect.fastify); // events (raw body kept), launch and callback URLs
app.post('/logout', async (request, reply) => {
  await appconnect.logout(request, reply.raw);
  return 'Signed out.';
});
app.get('/', { preHandler: appconnect.fastifyRequireSession }, async (request) => `Hello ${request.appconnect?.name ?? request.appconnect?.userId}`);
app.addHook('onClose', () => appconnect.close());

await app.listen({ port, host: 'localhost' });
console.log(`partner app on http://localhost:${port}`);
