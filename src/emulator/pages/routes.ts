import type { EmulatorCore } from '../core.ts';
import { html } from '../http/reply.ts';
import type { Router } from '../http/router.ts';
import { appManagerPage } from './app-manager.ts';

export function registerPages(router: Router, core: EmulatorCore): void {
  router.on('GET', '/', () => html(200, appManagerPage(core)));
}
