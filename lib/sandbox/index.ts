/**
 * The sandbox registrar: a loopback HTTP server speaking the Alibaba Domain API (2018-01-29) with signature
 * checks, simulated time, tasks, balance and fault injection. See lib/sandbox/README.md.
 */
export { startSandbox } from './server';
export type {
  Sandbox,
  SandboxAccount,
  SandboxAccountOptions,
  SandboxDomainState,
  SandboxFaultRecord,
  SandboxFaultSettings,
  SandboxFaults,
  SandboxFixture,
  SandboxFixtureDomain,
  SandboxOptions,
  SandboxRenewal,
  SandboxRequestCounts,
  SandboxState,
  SandboxSubmission,
  SandboxTaskDetailState,
  SandboxTaskState,
} from './types';
