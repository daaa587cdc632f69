import { connect } from 'node:net';

/**
 * Whether a service's port answers. When it does not and CI is not 'true', the caller skips its
 * tests with a loud warning; under CI=true the tests run (and fail), so a missing service is never
 * silently green.
 */
export async function serviceReachable(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function shouldSkip(service: string, host: string, port: number): Promise<boolean> {
  if (await serviceReachable(host, port)) return false;
  if (process.env.CI === 'true') return false;
  console.warn(`\n!!! ${service} at ${host}:${port} is unreachable: SKIPPING its store tests (set CI=true to make this a failure) !!!\n`);
  return true;
}
