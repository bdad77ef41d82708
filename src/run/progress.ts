/**
 * The console reporter: one line per generation. On a terminal each line also shows how far the run is
 * and an estimate of the time left; wall-clock figures live here, never in the run's files.
 */
import type { GenerationStats, GenerationTiming, Reporter, RunInfo, RunSummary } from './reporter.js';

/** "1 episode", "3 episodes". */
export function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function fmt(x: number): string {
  return Math.abs(x) >= 1000 ? x.toFixed(0) : x.toFixed(1);
}

function duration(seconds: number): string {
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

export function progressReporter(write: (line: string) => void, tty: boolean): Reporter {
  let total = 0;
  let elapsed = 0;
  let perGeneration = 0;
  let seen = 0; // generations run by this process (a resumed run starts part-way)
  return {
    start(info: RunInfo) {
      total = info.config.generations;
      write(`wann: ${info.task.name}, population ${info.config.population.size}, ${total} generations, ` +
        `seed ${info.config.seed}, ${info.task.kind === 'control' ? `${info.config.eval.reps} reps` : `${info.config.eval.batchSize ?? info.task.batchSize} images`} x ${info.config.eval.weights.length} weights, evaluator ${info.evaluator}`);
      write('  gen   best mean   best max     median  conns  nodes   episodes/s   steps/s');
    },
    generation(s: GenerationStats, t: GenerationTiming) {
      elapsed += t.seconds;
      seen++;
      perGeneration = elapsed / seen;
      const episodes = t.episodes / t.seconds;
      let line = `${String(s.generation).padStart(5)} ${fmt(s.best.mean).padStart(11)} ${fmt(s.best.max).padStart(10)} ` +
        `${fmt(s.medianMean).padStart(10)} ${String(s.best.connections).padStart(6)} ${String(s.best.nodes).padStart(6)} ` +
        `${episodes.toFixed(0).padStart(12)} ${(t.steps / t.seconds / 1e6).toFixed(2).padStart(8)}M`;
      if (tty) {
        const done = s.generation + 1;
        line += `  [${done}/${total} ${((100 * done) / total).toFixed(0)}%, ${duration(elapsed)} elapsed, ~${duration(perGeneration * (total - done))} left]`;
      }
      write(line);
    },
    end(summary: RunSummary) {
      const why = { generations: 'all generations run', fitness: 'fitness target reached', interrupted: 'interrupted' }[summary.reason];
      write(`done (${why}) after ${summary.generations} generations, ${summary.episodes} episodes, ${duration(elapsed)}: ` +
        `champion from generation ${summary.champion.generation}, mean ${fmt(summary.champion.mean)}, max ${fmt(summary.champion.max)}`);
    },
  };
}
