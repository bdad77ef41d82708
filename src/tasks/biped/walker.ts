/**
 * One BipedalWalker episode on Box2D, step for step as the reference environment runs it (docs/biped.md §4–§5):
 * a fresh world per episode (bit-identical to the reference's reused world, and what keeps an episode's result
 * independent of which thread ran what before it), 199 edge bodies of terrain, the hull with its push, two legs
 * of two boxes on four motored, limited revolute joints, ten first-hit lidar rays, the 24 observations, the
 * shaped reward with its torque cost, and the reference's termination.
 *
 * A walker holds engine memory: `release()` frees it (the episode runner calls it when the episode ends).
 */
import {
  FINISH_X, FPS, FRICTION, GRAVITY, GROUND_CATEGORY, HIP_LIMITS, HULL_POLY, INIT_X, INIT_Y, KNEE_LIMITS,
  LEG_DOWN, LEG_H, LEG_W, LIDAR_RANGE, LIDAR_RAYS, MOTORS_TORQUE, POSITION_ITERATIONS, SCALE, SPEED_HIP,
  SPEED_KNEE, TERRAIN_LENGTH, TERRAIN_STEP, TORQUE_COST, VELOCITY_ITERATIONS, VIEWPORT_H, VIEWPORT_W, WALKER_CATEGORY,
} from './constants.js';
import { engine, type Box2DModule } from './engine.js';
import type { WalkerStart } from './terrain.js';

/** How an episode is scored: the reference's training episodes, or the paper's test tool's. */
export interface WalkerProtocol {
  /** Action steps at most. */
  maxSteps: number;
  /** A fall (the hull touching the ground) or leaving the track at the back replaces that step's reward with -100. */
  fallPenalty: boolean;
}

/** Per thread: the engine's callback objects and scratch vectors, made once, pointed at the walker stepping. */
interface Shared {
  b2: Box2DModule;
  listener: Box2D.JSContactListener;
  ray: Box2D.JSRayCastCallback;
  v1: Box2D.b2Vec2;
  v2: Box2D.b2Vec2;
  /** The walker whose world is stepping or casting rays now (callbacks fire only inside those calls). */
  active: Walker | null;
  /** The fraction the current ray recorded. */
  fraction: number;
}

let shared: Shared | null = null;

function sharedObjects(): Shared {
  if (shared) return shared;
  const b2 = engine();
  const listener = new b2.JSContactListener();
  const s: Shared = { b2, listener, ray: new b2.JSRayCastCallback(), v1: new b2.b2Vec2(0, 0), v2: new b2.b2Vec2(0, 0), active: null, fraction: 1 };
  const bodies = (c: number): [number, number] => {
    const contact = b2.wrapPointer(c, b2.b2Contact);
    return [b2.getPointer(contact.GetFixtureA().GetBody()), b2.getPointer(contact.GetFixtureB().GetBody())];
  };
  listener.BeginContact = (c) => s.active?.contact(...bodies(c as number), true);
  listener.EndContact = (c) => s.active?.contact(...bodies(c as number), false);
  listener.PreSolve = () => undefined;
  listener.PostSolve = () => undefined;
  // The reference's callback: a walker part -> 1 (go on, unclipped); ground -> record the fraction, 0 (stop).
  // So the first ground fixture the broad-phase visits is reported, not always the nearest (docs/biped.md §7.1).
  s.ray.ReportFixture = (fixture, _point, _normal, fraction) => {
    if (s.active!.isWalkerFixture(fixture as number)) return 1;
    s.fraction = fraction;
    return 0;
  };
  shared = s;
  return s;
}

export class Walker {
  private readonly s: Shared;
  private world: Box2D.b2World | null;
  private readonly hull: Box2D.b2Body;
  /** upper(-1), lower(-1), upper(+1), lower(+1): the reference's legs[] order. */
  private readonly legs: Box2D.b2Body[] = [];
  /** hip(-1), knee(-1), hip(+1), knee(+1): joints 0..3, the actions' order. */
  private readonly joints: Box2D.b2RevoluteJoint[] = [];
  private readonly hullPtr: number;
  private readonly lowerPtrs: [number, number];
  private readonly walkerFixtures = new Set<number>();
  /** ground_contact of lower(-1) and lower(+1): booleans set on begin and cleared on end, as the reference's. */
  readonly footContact = [false, false];
  gameOver = false;
  private prevShaping: number | null = null;
  private timer = 0;
  /** The last step's lidar fractions (1 = nothing within range). */
  readonly lidar = new Float64Array(LIDAR_RAYS);
  private ended = false;

  constructor(readonly start: WalkerStart, readonly protocol: WalkerProtocol) {
    const s = (this.s = sharedObjects());
    const b2 = s.b2;
    const world = (this.world = new b2.b2World(vec(s.v1, 0, GRAVITY)));
    world.SetContactListener(s.listener);

    const bodyDef = new b2.b2BodyDef();
    const fixtureDef = new b2.b2FixtureDef();
    const filter = new b2.b2Filter();
    const edge = new b2.b2EdgeShape();
    // Terrain: one static body per segment, in increasing x, default filter (category 1, mask all).
    bodyDef.set_type(b2.b2_staticBody);
    fixtureDef.set_friction(FRICTION);
    fixtureDef.set_density(0);
    fixtureDef.set_restitution(0);
    filter.set_categoryBits(GROUND_CATEGORY);
    filter.set_maskBits(0xffff);
    fixtureDef.set_filter(filter);
    const h = start.heights;
    for (let i = 0; i < TERRAIN_LENGTH - 1; i++) {
      const body = world.CreateBody(bodyDef);
      edge.SetTwoSided(vec(s.v1, i * TERRAIN_STEP, h[i]), vec(s.v2, (i + 1) * TERRAIN_STEP, h[i + 1]));
      fixtureDef.set_shape(edge);
      body.CreateFixture(fixtureDef);
    }

    // The walker: touches only the ground.
    filter.set_categoryBits(WALKER_CATEGORY);
    filter.set_maskBits(GROUND_CATEGORY);
    fixtureDef.set_filter(filter);
    fixtureDef.set_restitution(0);
    bodyDef.set_type(b2.b2_dynamicBody);
    bodyDef.set_position(vec(s.v1, INIT_X, INIT_Y));
    bodyDef.set_angle(0);
    const hullShape = polygon(b2, HULL_POLY.map(([x, y]) => [x / SCALE, y / SCALE] as const));
    fixtureDef.set_shape(hullShape);
    fixtureDef.set_density(5);
    fixtureDef.set_friction(0.1);
    this.hull = world.CreateBody(bodyDef);
    this.walkerFixtures.add(b2.getPointer(this.hull.CreateFixture(fixtureDef)));
    // A force, not an impulse: it acts during the first world step (the reset's) only.
    this.hull.ApplyForceToCenter(vec(s.v1, start.push, 0), true);

    const box = new b2.b2PolygonShape();
    const jointDef = new b2.b2RevoluteJointDef();
    for (const side of [-1, 1]) {
      for (const lower of [false, true]) {
        box.SetAsBox((lower ? 0.8 : 1) * LEG_W / 2, LEG_H / 2);
        bodyDef.set_position(vec(s.v1, INIT_X, INIT_Y - (lower ? 1.5 : 0.5) * LEG_H - LEG_DOWN));
        bodyDef.set_angle(side * 0.05);
        fixtureDef.set_shape(box);
        fixtureDef.set_density(1);
        fixtureDef.set_friction(0.2);
        const leg = world.CreateBody(bodyDef);
        this.walkerFixtures.add(b2.getPointer(leg.CreateFixture(fixtureDef)));
        // Box2D's def defaults, set field by field as the reference does: reference angle 0 (not the bodies' difference).
        jointDef.set_bodyA(lower ? this.legs[this.legs.length - 1] : this.hull);
        jointDef.set_bodyB(leg);
        jointDef.set_localAnchorA(vec(s.v1, 0, lower ? -LEG_H / 2 : LEG_DOWN));
        jointDef.set_localAnchorB(vec(s.v2, 0, LEG_H / 2));
        jointDef.set_referenceAngle(0);
        jointDef.set_enableMotor(true);
        jointDef.set_enableLimit(true);
        jointDef.set_maxMotorTorque(MOTORS_TORQUE);
        jointDef.set_motorSpeed(lower ? 1 : side);
        jointDef.set_lowerAngle(lower ? KNEE_LIMITS[0] : HIP_LIMITS[0]);
        jointDef.set_upperAngle(lower ? KNEE_LIMITS[1] : HIP_LIMITS[1]);
        jointDef.set_collideConnected(false);
        this.legs.push(leg);
        this.joints.push(b2.castObject(world.CreateJoint(jointDef), b2.b2RevoluteJoint));
      }
    }
    for (const o of [bodyDef, fixtureDef, filter, edge, hullShape, box, jointDef]) b2.destroy(o);
    this.hullPtr = b2.getPointer(this.hull);
    this.lowerPtrs = [b2.getPointer(this.legs[1]), b2.getPointer(this.legs[3])];
    // reset() ends with one step at action 0; its reward is dropped (and sets prev_shaping).
    this.step(ZERO_ACTION);
  }

  /** Called by the contact listener inside a world step. */
  contact(a: number, b: number, begin: boolean): void {
    if (begin && (a === this.hullPtr || b === this.hullPtr)) this.gameOver = true;
    for (let k = 0; k < 2; k++) if (a === this.lowerPtrs[k] || b === this.lowerPtrs[k]) this.footContact[k] = begin;
  }

  isWalkerFixture(fixture: number): boolean {
    return this.walkerFixtures.has(fixture);
  }

  /** The hull's origin x (not its centre of mass): shaping, lidar and the finish use it. */
  get x(): number {
    return this.hull.GetPosition().get_x();
  }

  /** Applies the raw action (motor speed by sign, torque budget by |a| up to 1), steps the world, casts the lidar. */
  step(action: ArrayLike<number>): number {
    const world = this.world;
    if (!world) throw new Error('biped: step after the episode was released');
    const s = this.s;
    for (let j = 0; j < 4; j++) {
      const a = action[j];
      this.joints[j].SetMotorSpeed((j % 2 === 0 ? SPEED_HIP : SPEED_KNEE) * Math.sign(a));
      this.joints[j].SetMaxMotorTorque(MOTORS_TORQUE * Math.min(Math.abs(a), 1));
    }
    // Box2D 2.3's setters woke both bodies every step; 2.4's skip unchanged values. Wake what sleeps, no more.
    if (!this.hull.IsAwake()) this.hull.SetAwake(true);
    for (const leg of this.legs) if (!leg.IsAwake()) leg.SetAwake(true);
    s.active = this;
    world.Step(1 / FPS, VELOCITY_ITERATIONS, POSITION_ITERATIONS);
    const pos = this.hull.GetPosition();
    const px = pos.get_x();
    const py = pos.get_y();
    for (let i = 0; i < LIDAR_RAYS; i++) {
      s.fraction = 1;
      world.RayCast(s.ray, vec(s.v1, px, py), vec(s.v2, px + Math.sin(1.5 * i / 10) * LIDAR_RANGE, py - Math.cos(1.5 * i / 10) * LIDAR_RANGE));
      this.lidar[i] = s.fraction;
    }
    s.active = null;

    const shaping = (130 * px) / SCALE - 5 * Math.abs(this.hull.GetAngle());
    let reward = this.prevShaping === null ? 0 : shaping - this.prevShaping;
    this.prevShaping = shaping;
    for (let j = 0; j < 4; j++) reward -= TORQUE_COST * Math.min(Math.abs(action[j]), 1);

    let done = false;
    if (this.gameOver || px < 0) {
      if (this.protocol.fallPenalty) reward = -100;
      done = true;
    }
    if (px > FINISH_X) done = true;
    // The reference's own limit, counted from the reset step and checked before the count goes up.
    if (this.timer >= 1600) done = true;
    this.timer += 1;
    this.ended = done;
    return reward;
  }

  /** Whether the last step ended the episode (a fall, off the back, the finish, the reference's 1600-step limit). */
  get done(): boolean {
    return this.ended;
  }

  /** The 24 observations of the last step (docs/biped.md §5). */
  observe(obs: Float64Array): void {
    const hull = this.hull;
    const vel = hull.GetLinearVelocity();
    obs[0] = hull.GetAngle();
    obs[1] = (2 * hull.GetAngularVelocity()) / FPS;
    obs[2] = (0.3 * vel.get_x() * (VIEWPORT_W / SCALE)) / FPS;
    obs[3] = (0.3 * vel.get_y() * (VIEWPORT_H / SCALE)) / FPS;
    for (let leg = 0; leg < 2; leg++) {
      const hip = this.joints[2 * leg];
      const knee = this.joints[2 * leg + 1];
      const at = 4 + 5 * leg;
      obs[at] = hip.GetJointAngle();
      obs[at + 1] = hip.GetJointSpeed() / SPEED_HIP;
      obs[at + 2] = knee.GetJointAngle() + 1;
      obs[at + 3] = knee.GetJointSpeed() / SPEED_KNEE;
      obs[at + 4] = this.footContact[leg] ? 1 : 0;
    }
    for (let i = 0; i < LIDAR_RAYS; i++) obs[14 + i] = this.lidar[i];
  }

  /**
   * What the viewer draws after a step: hull, upper(-1), lower(-1), upper(+1), lower(+1) as (x, y, angle), the
   * ten lidar fractions, the two foot contacts (27 numbers; web/src/walker-view.ts reads them in this order).
   */
  frame(): number[] {
    return [...this.pose(), ...this.lidar, this.footContact[0] ? 1 : 0, this.footContact[1] ? 1 : 0];
  }

  /** Where the bodies are: hull and legs as (x, y, angle). */
  pose(): number[] {
    return [this.hull, ...this.legs].flatMap((b) => [b.GetPosition().get_x(), b.GetPosition().get_y(), b.GetAngle()]);
  }

  /** Frees the world (its bodies, fixtures and joints). */
  release(): void {
    if (!this.world) return;
    // No callbacks during teardown (the reference detaches its listener before destroying).
    this.world.SetContactListener(0);
    this.s.b2.destroy(this.world);
    this.world = null;
  }
}

const ZERO_ACTION = new Float64Array(4);

function vec(v: Box2D.b2Vec2, x: number, y: number): Box2D.b2Vec2 {
  v.Set(x, y);
  return v;
}

/** A polygon shape from vertices (Box2D copies them, so the buffer is freed at once). */
function polygon(b2: Box2DModule, points: ReadonlyArray<readonly [number, number]>): Box2D.b2PolygonShape {
  const shape = new b2.b2PolygonShape();
  const buffer = b2._malloc(points.length * 8);
  const floats = new Float32Array(b2.HEAPF32.buffer, buffer, points.length * 2);
  points.forEach(([x, y], i) => { floats[2 * i] = x; floats[2 * i + 1] = y; });
  shape.Set(buffer, points.length);
  b2._free(buffer);
  return shape;
}
