/**
 * The live hub: a reporter that keeps what a viewer needs (config, history, every champion) and pushes each
 * new generation and champion to the connected stream clients. Evolution never waits for a client: writes
 * go to the socket's buffer, and a client whose buffer grows past a bound is dropped.
 */
import type { Champion } from '../io/champion.js';
import { championFile } from '../run/files.js';
import type { ChampionRecord, GenerationStats, Reporter, RunInfo, RunSummary } from '../run/reporter.js';

export interface ChampionEntry {
  generation: number;
  mean: number;
  max: number;
  champion: Champion;
}

export type RunStatus = 'waiting' | 'running' | 'finished';

/** What a client is: somewhere to write text, and a measure of what it has not read yet. */
export interface StreamClient {
  write(text: string): void;
  pending(): number;
  close(): void;
}

/** Bytes a client may leave unread before it is dropped (a champion event is tens of kB at most). */
export const MAX_PENDING_BYTES = 1 << 20;

export class LiveHub implements Reporter {
  task: string | null = null;
  config: unknown = null;
  status: RunStatus = 'waiting';
  readonly history: GenerationStats[] = [];
  readonly champions: ChampionEntry[] = [];
  private readonly clients = new Set<StreamClient>();
  /** Clients dropped for not reading (for the load test and the logs). */
  dropped = 0;

  start(info: RunInfo): void {
    this.task = info.task.name;
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
    this.broadcast('generation', stats);
  }

  /** The whole state so far: a client that connects mid-run starts from this. */
  snapshot() {
    return {
      task: this.task,
      status: this.status,
      config: this.config,
      history: this.history,
      champions: this.champions.map((c, index) => ({ index, generation: c.generation, mean: c.mean, max: c.max })),
      champion: this.champions.at(-1)?.champion ?? null,
    };
  }

  subscribe(client: StreamClient): () => void {
    this.clients.add(client);
    client.write(event('snapshot', this.snapshot()));
    return () => this.clients.delete(client);
  }

  get clientCount(): number {
    return this.clients.size;
  }

  private broadcast(name: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = event(name, data);
    for (const client of this.clients) {
      if (client.pending() > MAX_PENDING_BYTES) {
        this.clients.delete(client);
        this.dropped++;
        client.close();
      } else {
        client.write(text);
      }
    }
  }

  closeAll(): void {
    for (const client of this.clients) client.close();
    this.clients.clear();
  }
}

function event(name: string, data: unknown): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}
