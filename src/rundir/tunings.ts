/**
 * A user's tunings in a run folder are never lost. The run writes champion.json; `wann tune` may rewrite it
 * in place with a tuned shared weight or per-connection weights, which the run itself never writes. So
 * before the run replaces a champion.json that carries a tuning:
 * - if the new file is the same network with the same sweep (a resume restoring the checkpoint's champion),
 *   the tuning is carried into it;
 * - otherwise (a better champion), the tuned file is first kept beside the run's own files, as
 *   tuned/champion-gen<G>.json (G: the generation of the champion that was tuned), never overwritten.
 * Either way `note` says what happened.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDirSync, FileWriteError, writeFileAtomicSync } from '../io/atomic.js';
import { parseChampion, serializeChampion, type Champion } from '../io/champion.js';

/** The champion in `file` when it carries a tuning; null when it does not, or is missing or unreadable. */
function tunedChampion(file: string): Champion | null {
  if (!existsSync(file)) return null;
  try {
    const c = parseChampion(readFileSync(file, 'utf8'), file);
    return c.sharedWeight !== null || c.connectionWeights !== null ? c : null;
  } catch {
    return null; // a damaged file holds no tuning to keep; the run's own copy replaces it
  }
}

/**
 * What makes two champion files the same champion: the network, its sweep and where in which run it was
 * found. Not the run's config: a resume with --force (say, more generations) records its new config.
 */
const identity = (c: Champion) => JSON.stringify([c.task, c.nodes, c.connections, c.sweep, c.run?.seed, c.run?.generation]);

function describeTuning(c: Champion): string {
  const parts = [];
  if (c.sharedWeight !== null) parts.push(`shared weight ${c.sharedWeight}`);
  if (c.connectionWeights !== null) parts.push(`${c.connectionWeights.length} connection weights`);
  return parts.join(' and ');
}

const tuning = (c: Champion) => JSON.stringify([identity(c), c.sharedWeight, c.connectionWeights]);

/**
 * Keeps `champion` as tuned/champion-gen<G>[-k].json under `dir`, unless that tuning of that champion is
 * kept already (perhaps recorded with another run config); returns the path.
 */
function keep(dir: string, champion: Champion): string {
  const generation = champion.run ? `gen${String(champion.run.generation).padStart(6, '0')}` : 'imported';
  try {
    ensureDirSync(join(dir, 'tuned'));
  } catch (e) {
    throw new FileWriteError(join(dir, 'tuned', `champion-${generation}.json`), e);
  }
  for (let k = 1; ; k++) {
    const file = join(dir, 'tuned', `champion-${generation}${k > 1 ? `-${k}` : ''}.json`);
    if (!existsSync(file)) {
      writeFileAtomicSync(file, serializeChampion(champion));
      return file;
    }
    try {
      if (tuning(parseChampion(readFileSync(file, 'utf8'), file)) === tuning(champion)) return file;
    } catch { /* not one of ours: leave it and take the next name */ }
  }
}

/**
 * What to write as `dir`/champion.json in place of `next` (null: the file is about to be removed), keeping
 * any tuning the file now carries (see the module comment). `lastWritten` is the text the run itself last
 * wrote there: when the file still holds exactly that, nobody tuned it and nothing is read or kept.
 */
export function championToWrite<C extends Champion | null>(dir: string, next: C, note: (line: string) => void, lastWritten: string | null = null): C {
  const file = join(dir, 'champion.json');
  if (lastWritten !== null && existsSync(file) && readFileSync(file, 'utf8') === lastWritten) return next;
  const tuned = tunedChampion(file);
  if (!tuned) return next;
  if (next !== null && identity(tuned) === identity(next)) {
    const carried = { ...next, sharedWeight: tuned.sharedWeight, connectionWeights: tuned.connectionWeights };
    // The same champion recorded with another run config (a resume with --force): the file as the user
    // left it is kept too.
    const also = serializeChampion(carried) === readFileSync(file, 'utf8') ? '' : `; the file as it was is kept as ${keep(dir, tuned)}`;
    note(`${file}: kept its tuning (${describeTuning(tuned)})${also}`);
    return carried;
  }
  const kept = keep(dir, tuned);
  const of = tuned.run ? `generation ${tuned.run.generation}'s champion` : 'the champion';
  const by = next === null ? 'the run starts again from generation 0 and removes it' : `${next.run ? `generation ${next.run.generation}'s` : 'a new'} champion replaces it`;
  note(`${file} held a tuning (${describeTuning(tuned)}) of ${of}; ${by}, and the tuned file is kept as ${kept}`);
  return next;
}
