/**
 * The mini cube sensor service (AXIS TW1201): while a cube is connected its button feeds the gesture
 * recognizer as `cube-record` and the camera's front recording indicator is shown on the cube's.
 */
import type { CubeConnection, MiniCube } from '../../hal/cube/contract.js';
import { CUBE_FRONT_LED } from '../../hal/cube/contract.js';
import type { IndicatorCapabilities, Indicators, LedPattern } from '../../hal/indicators/contract.js';
import type { Log } from '../common/log.js';
import { CUBE_BUTTONS, type GestureRecognizer } from './controls/recognizer.js';
import type { CameraInput } from './behaviour/camera-state.js';
import { isModelName, MODELS, supports } from './profile/models.js';

/** The camera LED whose behaviour the cube's indicator takes ("Front recording indicator"). */
const FRONT = 'front';

export interface MiniCubeTargets {
  gestures: Pick<GestureRecognizer, 'attach' | 'configure'>;
  behaviour: { input(input: CameraInput): void };
}

/**
 * The service for a board's cube connector, when the model takes a mini cube sensor (W100, W101,
 * W102; see profile/models.ts); undefined otherwise, so a cube on another model does nothing.
 */
export function miniCubeServiceFor(cube: MiniCube | undefined, model: string, log: Log): MiniCubeService | undefined {
  if (!cube) return undefined;
  if (!isModelName(model) || !supports(MODELS[model], 'mini-cube-sensor')) {
    log.debug('mini-cube', `${model} does not take a mini cube sensor: ${cube.name} ignored`);
    return undefined;
  }
  return new MiniCubeService(cube, log);
}

export class MiniCubeService {
  private front: LedPattern = { kind: 'off' };
  private connection: CubeConnection | undefined;
  private detachButtons: (() => void) | undefined;
  private unwatch: (() => void) | undefined;
  private targets: MiniCubeTargets | undefined;

  constructor(private readonly cube: MiniCube, private readonly log: Log) {}

  /** Whether a cube is connected now (as the service took it). */
  get connected(): boolean { return this.connection !== undefined; }

  /** The front pattern the camera shows now (and a connected cube with it). */
  get frontPattern(): LedPattern { return this.front; }

  /**
   * The camera's indicators as the behaviour should drive them: everything goes to the camera's,
   * and the front recording indicator also to a connected cube's (even on a camera without one).
   */
  indicators(camera: Indicators): Indicators {
    const self = this;
    return {
      get name() { return camera.name; },
      capabilities(): IndicatorCapabilities {
        const caps = camera.capabilities();
        return caps.leds[FRONT] ? caps : { ...caps, leds: { ...caps.leds, [FRONT]: ['red'] } };
      },
      async setLed(name: string, pattern: LedPattern): Promise<void> {
        if (name !== FRONT) return camera.setLed(name, pattern);
        self.front = pattern;
        const cube = self.showOnCube();
        if (camera.capabilities().leds[FRONT]) await camera.setLed(name, pattern);
        await cube;
      },
      vibrate: (p) => camera.vibrate(p),
      sound: (p) => camera.sound(p),
      state: () => camera.state(),
      close: () => camera.close(),
    };
  }

  /** Follow the connector: a cube connected now or later is taken in. */
  start(targets: MiniCubeTargets): void {
    if (this.unwatch) return;
    this.targets = targets;
    this.unwatch = this.cube.onChange((c) => this.changed(c));
    if (this.cube.current) this.changed(this.cube.current);
  }

  /** Stop following the connector; a connected cube's button no longer counts. */
  stop(): void {
    this.unwatch?.();
    this.unwatch = undefined;
    this.detachButtons?.();
    this.detachButtons = undefined;
    this.connection = undefined;
  }

  private changed(c: CubeConnection | undefined): void {
    const t = this.targets;
    if (!t || c === this.connection) return;
    this.detachButtons?.();
    this.detachButtons = undefined;
    this.connection = c;
    if (c) {
      this.log.info('mini-cube', `mini cube sensor connected (${this.cube.name})`);
      this.detachButtons = t.gestures.attach(c.buttons, CUBE_BUTTONS);
      t.gestures.configure({ cubeConnected: true });
      t.behaviour.input({ kind: 'mini-sensor', connected: true });
      void this.showOnCube();
    } else {
      this.log.info('mini-cube', 'mini cube sensor disconnected');
      t.gestures.configure({ cubeConnected: false });
      t.behaviour.input({ kind: 'mini-sensor', connected: false });
    }
  }

  private async showOnCube(): Promise<void> {
    const c = this.connection;
    if (!c) return;
    await c.indicators.setLed(CUBE_FRONT_LED, this.front).catch((e: Error) => {
      if (c === this.connection) this.log.debug('mini-cube', `front indicator: ${e.message}`);
    });
  }
}
