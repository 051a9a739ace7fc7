// Every call the API makes to Temporal has a deadline, so one slow or oversized call fails on its own
// instead of holding the API's connection for every other request. Reads and signals get a few seconds,
// starts and updates (the human gate waits for the workflow to accept) a little more. A call that sets
// its own deadline (Connection.withDeadline) keeps it. The first gRPC interceptor of the connection the
// API (and MCP) open (api/compose.ts, api/temporal-circuit.ts), so the SDK's retries stay within it.
import { InterceptingCall, type Interceptor } from '@grpc/grpc-js';

export interface TemporalDeadlines {
  /** Describe, get, list, count, query and signal calls. */
  readMs: number;
  /** Everything else: start, update (and its poll), terminate … */
  writeMs: number;
}

export const API_TEMPORAL_DEADLINES: TemporalDeadlines = { readMs: 5_000, writeMs: 10_000 };

const QUICK_CALL = /\/(Describe|Get|List|Count|Query|Signal)[A-Za-z]*$/;

/** Sets a deadline on every call that has none, by kind of call. */
export function deadlineInterceptor(deadlines: TemporalDeadlines = API_TEMPORAL_DEADLINES): Interceptor {
  return (options, nextCall) => {
    const unset = options.deadline === undefined || options.deadline === Infinity;
    const ms = QUICK_CALL.test(options.method_definition.path) ? deadlines.readMs : deadlines.writeMs;
    return new InterceptingCall(nextCall(unset ? { ...options, deadline: Date.now() + ms } : options));
  };
}
