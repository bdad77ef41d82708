/**
 * Picking a run up again: the run directory's own config (checked against any config or flags given now),
 * and the newest good checkpoint. Settings that cannot change a result (backend, workers) may differ freely.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig, readConfigJson, resolveConfig, type ConfigOverrides } from '../config/load.js';
import type { WannConfig } from '../config/types.js';
import { getTask } from '../tasks/registry.js';
import { loadTask, taskModuleDigest } from '../tasks/modules.js';
import { readTaskRecord } from './files.js';
import { latestCheckpoint, type Checkpoint } from './checkpoint.js';
import { resultConfig, RunFilesError } from './files.js';

export interface ResumePlan {
  config: WannConfig;
  checkpoint: Checkpoint | null;
  /** Lines to tell the user (checkpoints passed over, a restart from scratch). */
  notes: string[];
  configChanged: boolean;
}

/** Dotted paths where two values differ. */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], path ? `${path}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [path || '(root)'];
}

/** Throws unless `runDir` holds a run's config.json (checked before anything is created there). */
export function assertRunFolder(runDir: string): void {
  if (!existsSync(join(runDir, 'config.json'))) throw new RunFilesError(`--resume ${runDir}: not a run directory (no config.json)`);
}

export async function planResume(runDir: string, configPath: string | undefined, overrides: ConfigOverrides, force: boolean): Promise<ResumePlan> {
  const file = join(runDir, 'config.json');
  assertRunFolder(runDir);
  const saved: WannConfig = resolveConfig(readConfigJson(file), file);
  const wanted = configPath ? loadConfig(configPath, overrides) : loadConfig(file, overrides);
  await loadTask(wanted.task);
  const changed = differences(resultConfig(saved), resultConfig(wanted));
  // A task module edited since the run started would change what the run computes.
  const recorded = readTaskRecord(runDir);
  const digest = taskModuleDigest(wanted.task);
  if (recorded && digest && recorded.module === wanted.task && recorded.sha256 !== digest) changed.push(`the task module's source (${wanted.task})`);
  if (changed.length > 0 && !force) {
    throw new RunFilesError(`--resume ${runDir}: the config differs from the run's in ${changed.join(', ')}; add --force to continue with the new one`);
  }
  const { checkpoint, skipped } = latestCheckpoint(runDir, wanted, getTask(wanted.task));
  const notes = skipped.map((s) => `skipped a damaged checkpoint: ${s}`);
  if (!checkpoint) notes.push('no usable checkpoint: starting the run again from generation 0');
  return { config: wanted, checkpoint, notes, configChanged: changed.length > 0 };
}
