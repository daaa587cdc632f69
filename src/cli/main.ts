import { Command } from 'commander';
import { registerDevCommand } from './commands/dev.ts';
import { registerEmulatorCommand } from './commands/emulator.ts';

/** The `appconnect` command: a registry of subcommands, one file each under ./commands/. */
const program = new Command();
program.name('appconnect').description('Talkdesk AppConnect SSO kit, emulator and tools').showHelpAfterError();

registerEmulatorCommand(program);
registerDevCommand(program);

await program.parseAsync(process.argv);
