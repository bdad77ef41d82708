/**
 * The one kind of error that is not a bug: bad input (a config, a champion, a flag, a task module, a chunk) or
 * the machine refusing something (a full disk, no GPU, a run folder in use). Its message is one line naming
 * what was wrong and what was expected; the CLI prints it as it is and exits 2 (every other error is a bug:
 * exit 1). Each area has its own subclass, so callers can tell them apart.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message.replace(/\s*[\r\n]+\s*/g, ' '));
    this.name = new.target.name;
  }
}
