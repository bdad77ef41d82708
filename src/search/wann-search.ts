/**
 * The WANN topology search as an ask/tell object (docs/algorithm.md §1.2, §1.7, §1.8). It knows genomes, mutation,
 * ranking and selection, and nothing of tasks, threads or files. Its whole state is plain JSON, so a
 * checkpoint is `JSON.stringify(search.state)`.
 *
 * Randomness: every draw comes from a stream named by (seed, purpose, generation[, child]), so a run is
 * reproduced from its seed alone.
 */
import { randInt } from '../rng.js';
import { cloneGenome, enabledConnections, type ConnGene, type Genome, type NodeGene } from '../network/genome.js';
import { mutate, type Innovations, type MutationOdds } from './mutate.js';
import { nsgaRank, type CrowdingScale } from './rank.js';
import { streams } from '../streams.js';

export interface SearchSettings {
  seed: number;
  nInput: number;
  nOutput: number;
  /** Activation ids a new or changed hidden node may take. */
  activations: readonly number[];
  popSize: number;
  initEnable: number;
  mutation: MutationOdds;
  cullRatio: number;
  eliteRatio: number;
  tournamentSize: number;
  probMoo: number;
  /** Crowding-distance scaling in the ranking (default 'range'). */
  crowding?: CrowdingScale;
}

/** What the evaluator reports per individual: mean over the sweep, and the best weight's mean. */
export interface Fitness {
  mean: number;
  max: number;
}

/** Which second objective ranked a generation: connection count or max fitness. */
export type SecondObjective = 'connections' | 'max';

export interface SearchState {
  /** Generation of `population` (0 = the initial population). */
  generation: number;
  population: Genome[];
  /** Fitness of `population`, once told. */
  fitness: Fitness[] | null;
  innovations: Innovations;
}

export class WannSearch {
  readonly settings: SearchSettings;
  state: SearchState;
  /** The objective pair used to breed the current population (null for generation 0). */
  lastObjective: SecondObjective | null = null;

  constructor(settings: SearchSettings, state?: SearchState) {
    this.settings = settings;
    this.state = state ?? { generation: -1, population: [], fitness: null, innovations: { nextInnovation: 0, nextNodeId: 0 } };
  }

  /** The next generation's genomes: the initial population first, then children of the ranked last one. */
  ask(): Genome[] {
    const s = this.state;
    if (s.generation < 0) {
      s.population = this.initialPopulation();
      s.generation = 0;
    } else {
      if (!s.fitness) throw new Error(`generation ${s.generation} was not told its fitness before ask()`);
      s.population = this.breed(s.population, s.fitness, s.generation + 1);
      s.generation += 1;
    }
    s.fitness = null;
    return s.population;
  }

  tell(fitness: Fitness[]): void {
    if (fitness.length !== this.state.population.length) {
      throw new Error(`tell() got ${fitness.length} fitness values for ${this.state.population.length} individuals`);
    }
    // A diverging network (NaN, infinite) ranks as the worst finite value, so ranking stays well defined.
    const clean = (x: number) => (Number.isFinite(x) ? x : -Number.MAX_VALUE);
    this.state.fitness = fitness.map((f) => ({ mean: clean(f.mean), max: clean(f.max) }));
  }

  /** Bias + inputs -> every output, each gene enabled with probability initEnable; all activations linear. */
  private initialPopulation(): Genome[] {
    const { nInput, nOutput, popSize, initEnable, seed } = this.settings;
    const nodes: NodeGene[] = [{ id: 0, kind: 'bias', activation: 1 }];
    for (let i = 1; i <= nInput; i++) nodes.push({ id: i, kind: 'input', activation: 1 });
    for (let o = 1; o <= nOutput; o++) nodes.push({ id: nInput + o, kind: 'output', activation: 1 });
    // Each initial gene exists in two versions, enabled and disabled, shared by every genome (genes are
    // read-only), so an MNIST population of 960 x 2,570 genes holds 5,140 gene objects, not 2.5 million.
    // Destination-major, as the reference after its 2020 initialisation fix.
    const genes: Array<[ConnGene, ConnGene]> = [];
    for (let o = 1; o <= nOutput; o++) {
      for (let src = 0; src <= nInput; src++) {
        const gene = { innovation: genes.length, source: src, target: nInput + o };
        genes.push([{ ...gene, enabled: false }, { ...gene, enabled: true }]);
      }
    }
    const rng = streams.init(seed);
    const population: Genome[] = [];
    for (let p = 0; p < popSize; p++) {
      population.push({ nodes: nodes.slice(), conns: genes.map((versions) => versions[rng() < initEnable ? 1 : 0]) });
    }
    this.state.innovations = { nextInnovation: (nInput + 1) * nOutput, nextNodeId: nInput + nOutput + 1 };
    return population;
  }

  /** Rank, cull, keep elites, and fill the rest with mutated winners of paired tournaments. */
  private breed(parents: Genome[], fitness: Fitness[], generation: number): Genome[] {
    const { seed, popSize, cullRatio, eliteRatio, tournamentSize, probMoo } = this.settings;
    // One objective pair per generation: [mean, 1/connections] with probability probMoo, else [mean, max].
    const useConnections = streams.objective(seed, generation)() < probMoo;
    this.lastObjective = useConnections ? 'connections' : 'max';
    const objectives = parents.map((g, i): [number, number] => {
      const second = useConnections ? 1 / Math.max(1, enabledConnections(g)) : fitness[i].max;
      return [fitness[i].mean, second];
    });
    const rank = nsgaRank(objectives, this.settings.crowding ?? 'range');
    const sorted = parents.map((_, i) => i).sort((a, b) => rank[a] - rank[b]);

    const pool = sorted.slice(0, sorted.length - Math.floor(cullRatio * sorted.length));
    const nElites = Math.floor(pool.length * eliteRatio);
    const children: Genome[] = pool.slice(0, nElites).map((i) => cloneGenome(parents[i]));

    const pick = streams.select(seed, generation);
    // The pool is sorted best first, so a tournament's winner is its lowest index; the child copies the
    // better of two winners (crossover is off), making the effective tournament 2 x tournamentSize.
    const tournament = () => {
      let best = pool.length;
      for (let k = 0; k < tournamentSize; k++) best = Math.min(best, randInt(pick, pool.length));
      return best;
    };
    for (let c = children.length; c < popSize; c++) {
      const parent = Math.min(tournament(), tournament());
      const child = cloneGenome(parents[pool[parent]]);
      mutate(child, streams.mutate(seed, generation, c), this.settings.mutation, this.settings.activations, this.state.innovations);
      children.push(child);
    }
    return children;
  }
}
