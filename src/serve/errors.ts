/**
 * The server's input errors, in a module of their own: the CLI names them on every call, and importing
 * server.ts for that would load Fastify (about half of `wann`'s start-up) for commands that never serve.
 */
import { InputError } from '../io/errors.js';
export class ServeError extends InputError {}
