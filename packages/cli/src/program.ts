import { rm } from 'node:fs/promises';
import { pendingTempFiles } from '@envelope-kit/core';
import { Command, CommanderError, Option } from 'commander';
import { decryptCommand } from './commands/decrypt.js';
import { encryptCommand } from './commands/encrypt.js';
import { inspectCommand } from './commands/inspect.js';
import { keygen } from './commands/keygen.js';
import { rewrapCommand } from './commands/rewrap.js';
import { rotateCommand } from './commands/rotate.js';
import { describeError } from './errors.js';
import { collect, collectContext, positiveInteger } from './options.js';

const KEY_HELP = 'key URI, repeatable: local:./key.pem, local:///abs/key.pem, awskms:///arn:..., ...';

/** Builds the command line; actions that decide the exit code report it through `setExitCode`. */
function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command('envelope')
    .description('Envelope encryption: a fresh data key per message, wrapped by your keys')
    .showHelpAfterError()
    .exitOverride();

  program
    .command('keygen')
    .description('generate a local RSA key pair (private key written with mode 0600)')
    .requiredOption('-o, --out <file>', 'private key file (PKCS#8 PEM)')
    .option('--public-out <file>', 'public key file (default: <out>.pub.pem)')
    .addOption(new Option('--bits <n>', 'RSA modulus length').argParser(positiveInteger).default(3072))
    .action((options) => keygen(options));

  program
    .command('encrypt')
    .description('encrypt FILE (or standard input) into an envelope')
    .argument('[file]', 'input file, or - for standard input')
    .requiredOption('-k, --key <uri>', KEY_HELP, collect)
    .option('-c, --context <key=value>', 'encryption context pair, repeatable', collectContext, {})
    .option('--frame-size <bytes>', 'plaintext bytes per frame (default 65536)', positiveInteger)
    .option('-o, --out <file>', 'output file (default: standard output)')
    .option('--no-progress', 'never show a progress bar')
    .action((file, options) => encryptCommand(file, options));

  program
    .command('decrypt')
    .description('decrypt an envelope from FILE (or standard input)')
    .argument('[file]', 'envelope file, or - for standard input')
    .requiredOption('-k, --key <uri>', KEY_HELP, collect)
    .option('-c, --context <key=value>', 'require this context pair, repeatable', collectContext, {})
    .option('-o, --out <file>', 'output file, written only if the whole envelope verifies (default: standard output)')
    .option('--no-progress', 'never show a progress bar')
    .action((file, options) => decryptCommand(file, options));

  program
    .command('inspect')
    .description('show an envelope header and layout, without any key')
    .argument('[file]', 'envelope file, or - for standard input')
    .option('--json', 'machine-readable output')
    .action((file, options) => inspectCommand(file, { json: options.json === true }));

  program
    .command('rewrap')
    .description('add, remove or refresh the keys of an envelope, or of every envelope under a directory, without re-encrypting the data')
    .requiredOption('--in <path>', 'envelope file, or directory (recursive); files are replaced atomically')
    .requiredOption('-k, --key <uri>', 'a key that can unwrap the envelopes, repeatable', collect)
    .option('--add <uri>', 'wrap under this key too, repeatable', collect, [])
    .option('--remove <key-id>', 'drop the wrapped key with this key id (or provider:key-id), repeatable', collect, [])
    .option('--refresh', "move kept keys to their newest version where the backend can (Vault)", false)
    .option('-c, --context <key=value>', 'require this context pair, repeatable', collectContext, {})
    .addOption(new Option('--concurrency <n>', 'files at once').argParser(positiveInteger).default(4))
    .option('--dry-run', 'list what would change from the headers; change nothing, call no key service', false)
    .option('--no-progress', 'never show a progress bar')
    .action(async (options) => setExitCode(await rewrapCommand(options)));

  program
    .command('rotate')
    .description('re-encrypt under a new data key and new keys (needed when a data key may be exposed)')
    .requiredOption('--in <path>', 'envelope file, or directory (recursive); files are replaced atomically')
    .requiredOption('-k, --key <uri>', 'a key that can open the envelopes now, repeatable', collect)
    .requiredOption('--new-key <uri>', 'a key to wrap the new data key under, repeatable', collect)
    .option('-c, --context <key=value>', 'require this context pair, repeatable', collectContext, {})
    .addOption(new Option('--concurrency <n>', 'files at once').argParser(positiveInteger).default(4))
    .option('--dry-run', 'list the files that would be rotated; change nothing', false)
    .option('--no-progress', 'never show a progress bar')
    .action(async (options) => setExitCode(await rotateCommand(options)));

  return program;
}

/** Runs the CLI; resolves to the process exit code. Every failure is one line on stderr. */
export async function runCli(argv: readonly string[]): Promise<number> {
  // Ctrl-C: remove half-written temporary files; the real outputs were never touched.
  const onInterrupt = () => {
    void Promise.all(pendingTempFiles().map((path) => rm(path, { force: true }))).finally(() => process.exit(130));
  };
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  let exitCode = 0;
  try {
    await buildProgram((code) => (exitCode = code)).parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    // Commander has already printed usage errors and help.
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    process.stderr.write(`envelope: ${describeError(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onInterrupt);
    process.off('SIGTERM', onInterrupt);
  }
}
