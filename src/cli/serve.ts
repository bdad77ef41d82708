/** `wann serve`: the viewer for a run folder (followed as it grows) or one champion file. */
import { Command } from 'commander';
import { openSource } from '../serve/run-source.js';
import { integer } from './args.js';
import { untilSignal } from './evolve.js';

export function serveCommand(): Command {
  return new Command('serve')
    .description('serve the viewer for a run directory (finished, or still running in another process) or one champion file')
    .argument('<path>', 'run directory (as written by wann evolve) or champion JSON file')
    .option('--port <n>', 'port (default: a free one)', integer('--port', 0, 65535))
    .option('--host <address>', 'address to bind', '127.0.0.1')
    .action(async (path: string, opts) => {
      const source = await openSource(path, 500, (line) => process.stderr.write(`wann: ${line}\n`));
      const { startServer } = await import('../serve/server.js'); // Fastify loads only for the commands that serve
      const server = await startServer(source.hub, { host: opts.host, port: opts.port });
      process.stdout.write(`viewer: ${server.url} (Ctrl-C to quit)\n`);
      await untilSignal();
      source.stop();
      source.hub.closeAll();
      await server.app.close();
    });
}
