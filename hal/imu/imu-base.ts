/**
 * What every IMU driver shares: its listeners, the running flag and rate, and ending exactly once
 * (after close(), or with the error of a sensor that went away).
 */
import { HalError } from '../errors.js';
import { checkImuRate, type ImuBatchListener, type ImuSample } from './contract.js';

type CloseListener = (error: HalError | undefined) => void;

export abstract class ImuBase {
  abstract readonly name: string;
  private batchListeners: ImuBatchListener[] = [];
  private closeListeners: CloseListener[] = [];
  private endedWith: { error: HalError | undefined } | undefined;
  protected rate: number | undefined;

  get running(): boolean { return this.rate !== undefined; }
  get rateHz(): number | undefined { return this.rate; }
  get ended(): boolean { return this.endedWith !== undefined; }

  /** Start or change the sampling; the driver's own part. */
  protected abstract begin(rateHz: number): Promise<void> | void;
  /** Stop sampling; the driver's own part. Must be idempotent. */
  protected abstract halt(): void;

  async start(rateHz: number): Promise<void> {
    checkImuRate(rateHz, this.name);
    if (this.endedWith) throw new HalError('ECLOSED', `${this.name} is closed: open it again to sample`);
    await this.begin(rateHz);
    this.rate = rateHz;
  }

  async stop(): Promise<void> {
    this.halt();
    this.rate = undefined;
  }

  onSamples(listener: ImuBatchListener): () => void {
    this.batchListeners = [...this.batchListeners, listener];
    return () => { this.batchListeners = this.batchListeners.filter((l) => l !== listener); };
  }

  onClose(listener: CloseListener): () => void {
    if (this.endedWith) {
      const { error } = this.endedWith;
      let removed = false;
      process.nextTick(() => { if (!removed) listener(error); });
      return () => { removed = true; };
    }
    this.closeListeners = [...this.closeListeners, listener];
    return () => { this.closeListeners = this.closeListeners.filter((l) => l !== listener); };
  }

  async close(): Promise<void> {
    this.end(undefined);
  }

  /** Hand a batch to the listeners present now. */
  protected deliver(batch: readonly ImuSample[]): void {
    if (batch.length === 0 || !this.running) return;
    for (const l of this.batchListeners) l(batch);
  }

  /** End once: stop, then tell the close listeners. */
  protected end(error: HalError | undefined): void {
    if (this.endedWith) return;
    this.halt();
    this.rate = undefined;
    this.endedWith = { error };
    const ls = this.closeListeners;
    this.closeListeners = [];
    this.batchListeners = [];
    for (const l of ls) l(error);
  }
}
