/**
 * The walker's constants, as the reference environment (gym's BipedalWalker v2 with the WANN edits) gives them
 * in pixels, divided by SCALE into metres (docs/biped.md §1).
 */
export const FPS = 50;
export const SCALE = 30;
export const GRAVITY = -10;
export const VELOCITY_ITERATIONS = 180;
export const POSITION_ITERATIONS = 60;

export const MOTORS_TORQUE = 80;
export const SPEED_HIP = 4;
export const SPEED_KNEE = 6;
export const LIDAR_RANGE = 160 / SCALE;
export const LIDAR_RAYS = 10;
export const INITIAL_RANDOM = 5;

export const VIEWPORT_W = 600;
export const VIEWPORT_H = 400;

export const TERRAIN_STEP = 14 / SCALE;
export const TERRAIN_LENGTH = 200;
export const TERRAIN_HEIGHT = VIEWPORT_H / SCALE / 4;
export const TERRAIN_GRASS = 10;
export const TERRAIN_STARTPAD = 20;
export const FRICTION = 2.5;
/** The finish: the hull's origin past this x ends the episode. */
export const FINISH_X = (TERRAIN_LENGTH - TERRAIN_GRASS) * TERRAIN_STEP;

/** The hull polygon in pixels, clockwise as the reference lists it (Box2D re-winds it). */
export const HULL_POLY: ReadonlyArray<readonly [number, number]> = [[-30, 9], [6, 9], [34, 1], [34, -8], [-30, -8]];
export const LEG_DOWN = -8 / SCALE;
export const LEG_W = 8 / SCALE;
export const LEG_H = 34 / SCALE;

export const HIP_LIMITS = [-0.8, 1.1] as const;
export const KNEE_LIMITS = [-1.6, -0.1] as const;

/** Collision bits: walker parts touch only the ground (category 1), never each other. */
export const GROUND_CATEGORY = 0x0001;
export const WALKER_CATEGORY = 0x0020;

/** The torque cost per joint per step, times |action| clipped to 1. */
export const TORQUE_COST = 0.00035 * MOTORS_TORQUE;

export const INIT_X = (TERRAIN_STEP * TERRAIN_STARTPAD) / 2;
export const INIT_Y = TERRAIN_HEIGHT + 2 * LEG_H;
