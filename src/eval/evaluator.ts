/**
 * The evaluator contract: plans in, shared-weight sweep returns out. Every backend (inline, pool, gpu)
 * implements it and gives the same numbers for the same request.
 */
import type { SweepRequest, SweepResult } from '../rollout/request.js';

export type { SweepRequest, SweepResult } from '../rollout/request.js';

export interface Evaluator {
  readonly name: string;
  /** `signal` lets a caller abandon the generation; a backend that can stop early rejects when it fires. */
  evaluate(request: SweepRequest, signal?: AbortSignal): Promise<SweepResult>;
  close(): Promise<void>;
  /** Optional: a few words on its state for the progress line (the distributed backend: workers, chunks, retries). */
  status?(): string;
  /** Optional: the results so far are safe on disk (a checkpoint was written); what was kept for a restart may go. */
  release?(): Promise<void>;
}
