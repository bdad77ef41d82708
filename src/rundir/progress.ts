/**
 * The console reporter: one line per generation. On a terminal each line also shows how far the run is,
 * the time elapsed and the time a generation takes now; wall-clock figures live here, never in the run's files.
 */
import type { GenerationStats, GenerationTiming, Reporter, RunInfo, RunSummary } from '../train/reporter.js';

/** "1 episode", "3 episodes". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function fmt(x: number, digits = 1): string {
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(digits);
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/**
 * Control tasks: the generation's best (on its own `reps` episodes per weight), the median, and the champion,
 * whose mean is re-tested on fresh episodes before it is taken (eval.bestReps), so it can sit below the best.
 * Classification tasks: fitness is minus the mean cross-entropy; the best network's training accuracy and
 * the images scored per second say more to a user.
 *
 * No time-left estimate: a generation's time follows the networks' growth, which the first generations do
 * not foretell (on a swing-up run a mean-rate estimate at generation 10 said a quarter of the real time, a
 * linear trend six times it), so the line gives elapsed time and the current time per generation.
 */
export function progressReporter(write: (line: string) => void, tty: boolean): Reporter {
  let total = 0;
  let elapsed = 0;
  let images = 0; // per individual and weight, classification only
  let classify = false;
  const recent: number[] = []; // seconds of the last generations, for the rate
  return {
    start(info: RunInfo) {
      total = info.config.generations;
      classify = info.task.kind === 'classify';
      images = info.task.kind === 'classify' ? info.config.eval.batchSize ?? info.task.batchSize : 0;
      const per = classify ? `${images} training images` : count(info.config.eval.reps, 'rep');
      write(`wann: ${info.task.name}, population ${info.config.population.size}, ${count(total, 'generation')}, ` +
        `seed ${info.config.seed}, ${per} x ${count(info.config.eval.weights.length, 'weight')}, evaluator ${info.evaluator}`);
      if (classify) {
        write('  gen  best fitness  best acc     median  conns  nodes     images/s   (fitness: minus mean cross-entropy; acc: the best network\'s training accuracy)');
      } else {
        const retest = info.config.eval.bestReps > 0 ? `, re-tested on ${info.config.eval.bestReps * info.config.eval.reps} fresh episodes per weight` : '';
        write(`  gen   best mean   best max     median   champion  conns  nodes   episodes/s   steps/s   (champion: mean over the sweep${retest})`);
      }
    },
    generation(s: GenerationStats, t: GenerationTiming) {
      elapsed += t.seconds;
      recent.push(t.seconds);
      if (recent.length > 10) recent.shift();
      const head = `${String(s.generation).padStart(5)} `;
      const tail = `${String(s.best.connections).padStart(6)} ${String(s.best.nodes).padStart(6)} `;
      let line = classify
        ? head + `${fmt(s.best.mean, 3).padStart(12)} ${`${(100 * (s.best.accuracy ?? NaN)).toFixed(1)}%`.padStart(9)} ${fmt(s.medianMean, 3).padStart(10)} ` +
          tail + `${(t.episodes * images / t.seconds).toExponential(2).padStart(12)}`
        : head + `${fmt(s.best.mean).padStart(11)} ${fmt(s.best.max).padStart(10)} ${fmt(s.medianMean).padStart(10)} ${fmt(s.champion.mean).padStart(10)} ` +
          tail + `${(t.episodes / t.seconds).toFixed(0).padStart(12)} ${(t.steps / t.seconds / 1e6).toFixed(2).padStart(8)}M`;
      if (tty) {
        const done = s.generation + 1;
        const rate = recent.reduce((a, b) => a + b, 0) / recent.length;
        line += `  [${done}/${total} ${((100 * done) / total).toFixed(0)}%, ${duration(elapsed)} elapsed, ${rate < 10 ? rate.toFixed(2) : rate.toFixed(0)} s/generation now]`;
      }
      if (t.backend) line += `  (${t.backend})`;
      write(line);
    },
    end(summary: RunSummary) {
      const why = { generations: 'all generations run', fitness: 'fitness target reached', interrupted: 'interrupted' }[summary.reason];
      const last = summary.generations - 1;
      write(`done (${why}) after generation ${last} (${count(summary.generations, 'generation')}, ${count(summary.episodes, 'episode')}, ${duration(elapsed)} in this process): ` +
        `champion from generation ${summary.champion.generation}, ${classify ? `fitness ${fmt(summary.champion.mean, 3)}` : `mean ${fmt(summary.champion.mean)}, max ${fmt(summary.champion.max)}`}`);
    },
  };
}
