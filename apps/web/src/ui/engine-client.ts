import type { EngineEvent, EngineReply, EngineRequest, TrainEvent } from '../shared/types';

/**
 * The page's side of an engine worker: `request()` sends one {@link EngineRequest} and resolves
 * with its reply; training events go to `onEvent`. A worker that crashes rejects everything
 * pending with its error.
 */
export class EngineClient {
  private readonly worker: Worker;
  private next = 1;
  private readonly pending = new Map<
    number,
    { resolve(v: unknown): void; reject(e: Error): void }
  >();
  onEvent: ((event: TrainEvent) => void) | undefined;
  /** Called when the worker dies (an uncaught error, e.g. out of memory). */
  onCrash: ((error: Error) => void) | undefined;

  constructor(readonly name: string) {
    this.worker = new Worker(new URL('../engine/worker.ts', import.meta.url), {
      type: 'module',
      name,
    });
    this.worker.onmessage = (message: MessageEvent<EngineReply | EngineEvent>) => {
      const data = message.data;
      if ('event' in data) {
        this.onEvent?.(data.event);
        return;
      }
      const waiting = this.pending.get(data.id);
      if (waiting === undefined) return;
      this.pending.delete(data.id);
      if (data.ok) waiting.resolve(data.result);
      else waiting.reject(new Error(data.error));
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      const error = new Error(`the ${name} worker stopped: ${event.message || 'unknown error'}`);
      this.failAll(error);
      this.onCrash?.(error);
    };
  }

  request<T>(request: EngineRequest, transfer: Transferable[] = []): Promise<T> {
    const id = this.next++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ id, request }, transfer);
    });
  }

  private failAll(error: Error): void {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  terminate(): void {
    this.worker.terminate();
    this.failAll(new Error(`the ${this.name} worker was stopped`));
  }
}
