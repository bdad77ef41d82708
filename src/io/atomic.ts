/**
 * Crash-safe file writes. Champions and checkpoints are rewritten while a long run is going; a kill or power
 * loss mid-write must leave either the old file or the new one, never a truncated mix. So data goes to a
 * temp file in the same directory (rename is only atomic within one filesystem), is fsynced, then renamed
 * over the target, and the directory is fsynced so the rename itself survives a power loss.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { InputError } from './errors.js';

/**
 * A write that the machine refused (a full disk, a read-only filesystem, a path through a file): names the
 * file and the reason in one line, and keeps the system's code for callers that say what to do about it.
 */
export class FileWriteError extends InputError {
  readonly code: string;

  constructor(readonly file: string, cause: unknown) {
    const e = cause as NodeJS.ErrnoException;
    const code = e.code ?? 'EIO';
    const reason = { ENOSPC: 'no space left on the device', EROFS: 'a read-only filesystem', ENOTDIR: 'a path through something that is not a folder',
      EACCES: 'permission denied', EPERM: 'not permitted', EDQUOT: 'disk quota exceeded', EISDIR: 'a folder is in the way', EEXIST: 'a file is in the way' }[code];
    super(`cannot write ${file} (${code}${reason ? `: ${reason}` : `: ${e.message}`})`);
    this.code = code;
  }
}

/** Appends `text` to `file`; a refused write is a FileWriteError naming the file. */
export function appendFileChecked(file: string, text: string): void {
  try {
    fs.appendFileSync(file, text);
  } catch (e) {
    throw new FileWriteError(file, e);
  }
}

/**
 * Creates `dir` and its parents if missing (no error when it exists). Written out rather than
 * `mkdir({ recursive: true })`, which on Node 20 never returns for some paths (under /proc, say).
 */
export function ensureDirSync(dir: string): void {
  try {
    fs.mkdirSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && fs.statSync(dir).isDirectory()) return;
    const parent = path.dirname(dir);
    if (code !== 'ENOENT' || parent === dir) throw e;
    ensureDirSync(parent);
    fs.mkdirSync(dir);
  }
}

/** A hidden sibling of `file`, unique per process and call so concurrent writers never share one. */
function tempPath(file: string): string {
  const dir = path.dirname(file);
  return path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Flushes a directory's entries (a rename into it) to disk; where directories cannot be opened, a no-op. */
function syncDir(dir: string): void {
  let fd: number;
  try {
    fd = fs.openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fs.fsyncSync(fd);
  } catch { /* some filesystems refuse fsync on directories: the rename is still atomic */ } finally {
    fs.closeSync(fd);
  }
}

/** Writes `data` (UTF-8) to `file` atomically. The parent directory must exist (see ensureDirSync). */
export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = tempPath(file);
  try {
    const fh = await fsp.open(tmp, 'w');
    try {
      await fh.writeFile(data, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
    syncDir(path.dirname(file));
  } catch (err) {
    await fsp.rm(tmp, { force: true }).catch(() => {});
    throw err;
  }
}

/** Synchronous twin of writeFileAtomic (text as UTF-8, or bytes), for exit handlers and caches. */
export function writeFileAtomicSync(file: string, data: string | Uint8Array): void {
  atomicSync(file, (fd) => {
    if (typeof data === 'string') fs.writeFileSync(fd, data, 'utf8');
    else fs.writeFileSync(fd, data);
  });
}

/**
 * writeFileAtomicSync for text made piece by piece (a checkpoint of a large population): each piece is written
 * as it comes, so the whole text never has to be held at once.
 */
export function writeChunksAtomicSync(file: string, pieces: Iterable<string>): void {
  atomicSync(file, (fd) => {
    for (const piece of pieces) fs.writeSync(fd, piece, null, 'utf8');
  });
}

function atomicSync(file: string, write: (fd: number) => void): void {
  const tmp = tempPath(file);
  try {
    const fd = fs.openSync(tmp, 'w');
    try {
      write(fd);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, file);
    syncDir(path.dirname(file));
  } catch (err) {
    try { fs.rmSync(tmp, { force: true }); } catch { /* the folder itself is the problem */ }
    throw err instanceof FileWriteError ? err : new FileWriteError(file, err);
  }
}
