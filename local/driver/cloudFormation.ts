/**
 * The driver plays CloudFormation for the function's request verification too: before each
 * delivery it records, on the emulator (`POST /__emulator/stack-events`), the `*_IN_PROGRESS` event
 * CloudFormation logs when it begins the resource's operation, and once the answer is in, the
 * `*_COMPLETE` / `*_FAILED` it logs after reading it. The terminal event is recorded when the
 * stack's next request begins (a later request of the same resource or another resource of the
 * stack), not at once: a delivery repeated with the same RequestId (Lambda's at-least-once
 * delivery, a redelivery after a crash) reaches the function while CloudFormation still waits, as
 * it would in AWS.
 */
import type { CustomResourceEvent, RequestType } from './events.ts';

/** One event as the emulator's control API takes it. */
export interface StackEventRecord {
  logicalResourceId: string;
  physicalResourceId?: string;
  resourceType: string;
  resourceStatus: string;
  resourceStatusReason?: string;
}

export interface StackEventLog {
  /** Records that CloudFormation begins `event` (after finishing the stack's earlier requests). */
  begin(event: CustomResourceEvent): Promise<void>;
  /** The answer of `event` (null: none arrived), recorded as CloudFormation reads it. */
  answered(event: CustomResourceEvent, status: 'SUCCESS' | 'FAILED' | null, physicalResourceId: string | null): void;
  /** Records events as given (oldest first), e.g. a replacement's or a stack's own status. */
  record(stackId: string, events: StackEventRecord[]): Promise<void>;
  /** Records the terminal events of every answered request of `stackId` now. */
  settle(stackId: string): Promise<void>;
}

const VERB: Record<RequestType, string> = { Create: 'CREATE', Update: 'UPDATE', Delete: 'DELETE' };

interface Pending {
  requestId: string;
  terminal: StackEventRecord | null;
}

/** A log on the emulator at `endpointUrl`. */
export function createStackEventLog(endpointUrl: string): StackEventLog {
  // StackId → (LogicalResourceId → the request CloudFormation is carrying out on it).
  const pending = new Map<string, Map<string, Pending>>();
  const record = async (stackId: string, events: StackEventRecord[]): Promise<void> => {
    if (events.length === 0) return;
    const response = await fetch(`${endpointUrl}/__emulator/stack-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ stackId, events }),
    });
    if (!response.ok) throw new Error(`emulator stack-events answered ${response.status}: ${await response.text()}`);
  };
  const settle = async (stackId: string, except?: string): Promise<void> => {
    const resources = pending.get(stackId);
    if (resources === undefined) return;
    const done: StackEventRecord[] = [];
    for (const [logicalId, request] of resources) {
      if (request.requestId === except || request.terminal === null) continue;
      done.push(request.terminal);
      resources.delete(logicalId);
    }
    await record(stackId, done);
  };
  return {
    record,
    settle: (stackId) => settle(stackId),
    async begin(event) {
      await settle(event.StackId, event.RequestId);
      const resources = pending.get(event.StackId) ?? new Map<string, Pending>();
      pending.set(event.StackId, resources);
      if (resources.get(event.LogicalResourceId)?.requestId === event.RequestId) return;
      resources.set(event.LogicalResourceId, { requestId: event.RequestId, terminal: null });
      await record(event.StackId, [
        {
          logicalResourceId: event.LogicalResourceId,
          physicalResourceId: event.RequestType === 'Create' ? '' : (event.PhysicalResourceId ?? ''),
          resourceType: event.ResourceType,
          resourceStatus: `${VERB[event.RequestType]}_IN_PROGRESS`,
        },
      ]);
    },
    answered(event, status, physicalResourceId) {
      const request = pending.get(event.StackId)?.get(event.LogicalResourceId);
      if (request === undefined || request.requestId !== event.RequestId) return;
      // No answer yet (a crash, a timeout): CloudFormation keeps waiting; a redelivery may still answer.
      if (status === null) return;
      request.terminal = {
        logicalResourceId: event.LogicalResourceId,
        physicalResourceId: physicalResourceId ?? event.PhysicalResourceId ?? '',
        resourceType: event.ResourceType,
        resourceStatus: `${VERB[event.RequestType]}_${status === 'SUCCESS' ? 'COMPLETE' : 'FAILED'}`,
      };
    },
  };
}
