/** Progress reporting and cancellation shared by every long-running routine. */
import { AbortedError } from "./errors";

export interface Progress {
  /** Which stage of a protocol is running. */
  readonly stage: string;
  /** 0..1 within the whole call. */
  readonly fraction: number;
  readonly step?: number;
  readonly temperatureK?: number;
  readonly potentialEnergyEv?: number;
}

export interface RunControl {
  readonly onProgress?: (p: Progress) => void;
  readonly signal?: AbortSignal;
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AbortedError("MD run aborted", { cause: signal.reason });
}
