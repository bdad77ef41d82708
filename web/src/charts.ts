/** Fitness and size curves over generations, drawn with uPlot. */
import uPlot from 'uplot';
import type { GenerationStats } from '../../src/train/reporter.js';

export class Charts {
  private readonly fitness: uPlot;
  private readonly size: uPlot;
  private readonly data = { gen: [] as number[], best: [] as number[], max: [] as number[], median: [] as number[], conns: [] as number[], medianConns: [] as number[] };

  constructor(private readonly fitnessBox: HTMLElement, private readonly sizeBox: HTMLElement) {
    const width = Math.max(320, fitnessBox.clientWidth || 560);
    const axes = [{ label: 'generation' }, {}];
    const scales = { x: { time: false } };
    this.fitness = new uPlot({
      width, height: 220, axes, scales,
      series: [{}, { label: 'best mean', stroke: '#2f6fdc' }, { label: 'best max', stroke: '#2fae7a' }, { label: 'median', stroke: '#e8a33d' }],
    }, [[], [], [], []], fitnessBox);
    this.size = new uPlot({
      width, height: 220, axes, scales,
      series: [{}, { label: 'best: connections', stroke: '#9b6bd6' }, { label: 'median: connections', stroke: '#8a94a6' }],
    }, [[], [], []], sizeBox);
  }

  add(stats: GenerationStats): void {
    const d = this.data;
    d.gen.push(stats.generation);
    d.best.push(stats.best.mean);
    d.max.push(stats.best.max);
    d.median.push(stats.medianMean);
    d.conns.push(stats.best.connections);
    d.medianConns.push(stats.medianConnections);
  }

  /** Fits the charts to their boxes (they are drawn hidden, before a run has generations to show). */
  fit(): void {
    this.fitness.setSize({ width: Math.max(320, this.fitnessBox.clientWidth), height: 220 });
    this.size.setSize({ width: Math.max(320, this.sizeBox.clientWidth), height: 220 });
  }

  redraw(): void {
    const d = this.data;
    this.fitness.setData([d.gen, d.best, d.max, d.median]);
    this.size.setData([d.gen, d.conns, d.medianConns]);
  }

  /** The generations charted, in order (for tests: uPlot needs them ascending). */
  get generations(): number[] {
    return [...this.data.gen];
  }
}
