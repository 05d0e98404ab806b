import type { RequestEffects } from '../faults';
import type { SandboxModel } from '../model';
import type { Params } from '../params';

/** What an operation handler gets: the model (already settled), the request's parameters and limits. */
export interface OpContext {
  model: SandboxModel;
  params: Params;
  requestId: string;
  /** Caller address as seen by the server (TaskInfo.Clientip). */
  clientIp: string;
  maxPageSize: number;
  maxBatch: number;
  /** What the fault settings do to this request (queue delay, list lag, truncation, name flip, page shift). */
  effects: RequestEffects;
}

/** An operation: returns the JSON body of a 200 answer or throws SandboxApiError. */
export type Operation = (ctx: OpContext) => Record<string, unknown>;
