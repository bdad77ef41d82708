/**
 * The live hub: a reporter that keeps what a viewer needs (config, history, every champion) and pushes each
 * new generation and champion to the connected stream clients. Evolution never waits for a client: writes
 * go to the socket's buffer, and a client whose buffer grows past a bound is dropped.
 *
 * A client joining a long run gets a small snapshot, then the history in pieces of HISTORY_CHUNK generations,
 * each written only once the client has taken the one before (its socket drained): a client that does not
 * read holds one piece, not a copy of the whole history (a 50,000-generation run's is 20 MB). At most
 * MAX_CLIENTS are served at once.
 */
import { getTask, isTaskModule } from '../tasks/registry.js';
import type { Task } from '../tasks/task.js';
import type { Champion } from '../io/champion.js';
import { championFile } from '../rundir/files.js';
import type { ChampionRecord, GenerationStats, Reporter, RunInfo, RunSummary } from '../train/reporter.js';

export interface ChampionEntry {
  generation: number;
  mean: number;
  max: number;
  champion: Champion;
}

/** stopped: a served run folder that no process is writing and whose run is not complete. */
export type RunStatus = 'waiting' | 'running' | 'stopped' | 'finished';

/** What a client is: somewhere to write text, a measure of what it has not read yet, and a drain signal. */
export interface StreamClient {
  /** False when the client's buffer is full: wait for onDrain before writing more history. */
  write(text: string): boolean | void;
  pending(): number;
  close(): void;
  /** Calls `resume` once the client has taken what was written (absent: it always keeps up). */
  onDrain?(resume: () => void): void;
}

/** Bytes a client may leave unread before it is dropped (a champion event is tens of kB at most). */
export const MAX_PENDING_BYTES = 1 << 20;
/** Generations per history event. */
export const HISTORY_CHUNK = 500;
/** History text sent per turn of the event loop, over all clients (see pump). */
export const HISTORY_BYTES_PER_TURN = 256 << 10;
/** Stream clients served at once; more are refused (HTTP 503). */
export const MAX_CLIENTS = 128;

interface Subscriber {
  client: StreamClient;
  /** History entries sent so far. */
  sent: number;
  waiting: boolean;
}

/** What the viewer needs to know of the task, which it may not be able to load itself (a user's module). */
export interface TaskInfo {
  ref: string;
  name: string;
  kind: Task['kind'];
  inputNames: readonly string[];
  outputNames: readonly string[];
  /**
   * The viewer asks the server for the task's episodes (/api/episode) instead of running them: a user's task
   * module, or a built-in task on an engine the page does not load (the biped's Box2D).
   */
  module: boolean;
}

export function taskInfo(ref: string): TaskInfo {
  const task = getTask(ref);
  return { ref, name: task.name, kind: task.kind, inputNames: task.inputNames, outputNames: task.outputNames, module: isTaskModule(ref) || (task.kind === 'control' && !task.lanes) };
}

export class LiveHub implements Reporter {
  task: string | null = null;
  config: unknown = null;
  status: RunStatus = 'waiting';
  readonly history: GenerationStats[] = [];
  readonly champions: ChampionEntry[] = [];
  private readonly clients = new Set<Subscriber>();
  /** The text of each full piece of history sent so far (see piece). */
  private readonly pieces: string[] = [];
  /** Clients waiting for their next piece, and whether a sending job is scheduled (see pump). */
  private readonly ready: Subscriber[] = [];
  private sending = false;
  /** Clients dropped for not reading (for the load test and the logs). */
  dropped = 0;

  start(info: RunInfo): void {
    this.task = info.config.task;
    this.config = info.config;
    this.status = 'running';
    this.broadcast('status', { status: this.status });
  }

  newChampion(record: ChampionRecord, info: RunInfo): void {
    this.addChampion({ generation: record.generation, mean: record.mean, max: record.max, champion: championFile(record, info) });
  }

  generation(stats: GenerationStats): void {
    this.addGeneration(stats);
  }

  end(_summary: RunSummary): void {
    this.setStatus('finished');
  }

  setStatus(status: RunStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.broadcast('status', { status });
  }

  addChampion(entry: ChampionEntry): void {
    this.champions.push(entry);
    this.broadcast('champion', { index: this.champions.length - 1, ...entry });
  }

  addGeneration(stats: GenerationStats): void {
    this.history.push(stats);
    if (this.clients.size === 0) return;
    const text = event('generation', stats);
    for (const sub of this.clients) {
      if (sub.sent < this.history.length - 1) continue; // still taking the history: this comes with it
      if (this.deliver(sub, text)) sub.sent = this.history.length;
    }
  }

  /** Back to an empty run (the files behind a served folder were cut back): clients are told to start over. */
  reset(): void {
    this.history.length = 0;
    this.champions.length = 0;
    this.pieces.length = 0;
    this.broadcast('reset', {});
    for (const sub of this.clients) sub.sent = 0;
  }

  /** The run's state without its history (clients get that in pieces; /api/history pages it). */
  snapshot() {
    return {
      task: this.task,
      taskInfo: this.task ? taskInfo(this.task) : null,
      status: this.status,
      config: this.config,
      historyLength: this.history.length,
      champions: this.champions.map((c, index) => ({ index, generation: c.generation, mean: c.mean, max: c.max })),
      champion: this.champions.at(-1)?.champion ?? null,
    };
  }

  /** Adds a client and starts it on the snapshot and the history; null when MAX_CLIENTS are already served. */
  subscribe(client: StreamClient): (() => void) | null {
    if (this.clients.size >= MAX_CLIENTS) return null;
    const sub: Subscriber = { client, sent: 0, waiting: false };
    this.clients.add(sub);
    client.write(event('snapshot', this.snapshot()));
    client.onDrain?.(() => { sub.waiting = false; this.pump(sub); });
    this.pump(sub);
    return () => this.clients.delete(sub);
  }

  /**
   * Queues `sub` for more history. Pieces go out from one job per turn of the event loop, round-robin over
   * the clients, at most HISTORY_BYTES_PER_TURN in all: a loopback socket takes megabytes at once, and a
   * hundred of them filling in one go kept every other request waiting for over a second.
   */
  private pump(sub: Subscriber): void {
    if (sub.waiting || !this.clients.has(sub) || sub.sent >= this.history.length) return;
    sub.waiting = true;
    this.ready.push(sub);
    if (!this.sending) {
      this.sending = true;
      setImmediate(() => this.sendPieces());
    }
  }

  private sendPieces(): void {
    let budget = HISTORY_BYTES_PER_TURN;
    while (budget > 0 && this.ready.length > 0) {
      const sub = this.ready.shift()!;
      sub.waiting = false;
      if (!this.clients.has(sub) || sub.sent >= this.history.length) continue;
      const text = this.piece(sub);
      budget -= text.length;
      if (sub.client.write(text) === false) sub.waiting = true; // its onDrain queues it again
      else this.pump(sub);
    }
    this.sending = this.ready.length > 0;
    if (this.sending) setImmediate(() => this.sendPieces());
  }

  /**
   * The next piece of history for `sub`, advancing it. A full piece's text is made once and kept (the history
   * only grows), so a hundred clients joining cost one serialisation.
   */
  private piece(sub: Subscriber): string {
    const k = Math.floor(sub.sent / HISTORY_CHUNK);
    if (sub.sent % HISTORY_CHUNK === 0 && (k + 1) * HISTORY_CHUNK <= this.history.length) {
      sub.sent += HISTORY_CHUNK;
      return (this.pieces[k] ??= event('history', this.history.slice(k * HISTORY_CHUNK, (k + 1) * HISTORY_CHUNK)));
    }
    const piece = this.history.slice(sub.sent, sub.sent + HISTORY_CHUNK);
    sub.sent += piece.length;
    return event('history', piece);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /** Writes `text` to `sub` unless it has stopped reading, in which case it is dropped; true when written. */
  private deliver(sub: Subscriber, text: string): boolean {
    if (sub.client.pending() > MAX_PENDING_BYTES) {
      this.clients.delete(sub);
      this.dropped++;
      sub.client.close();
      return false;
    }
    sub.client.write(text);
    return true;
  }

  private broadcast(name: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = event(name, data);
    for (const sub of this.clients) this.deliver(sub, text);
  }

  closeAll(): void {
    for (const sub of this.clients) sub.client.close();
    this.clients.clear();
  }
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
