import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StartupError } from './config';

/**
 * Starts `server` listening, turning "port taken" and "no permission" into a StartupError that names
 * the environment variable to change. Resolves with the bound port (useful with port 0).
 */
export function listen(server: Server, port: number, host: string, envName: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        reject(
          new StartupError(
            `Port ${port} is already in use: set ${envName} to a free port or stop the process using it (lsof -i :${port}).`,
          ),
        );
      } else if (err.code === 'EACCES') {
        reject(
          new StartupError(`No permission to listen on port ${port}: set ${envName} to a port above 1023.`),
        );
      } else {
        reject(err);
      }
    };
    const onListening = () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

/** Closes an HTTP server, ending idle keep-alive sockets so close does not wait for them. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeIdleConnections?.();
  });
}
