// One logger for every Healer process: pino, one JSON object per line (containers, log collectors) or
// pretty lines for people (`healer dev`), each line with its `component`. Lines carry the ids they are
// about: the Temporal runtime's own logs (workers, workflows, activities) through TemporalLogger below
// gain `workflowId` and, read from it, `playId` / `incidentId`; with tracing on, `traceId` and `spanId`
// of the active span are added to every line.
import { Writable } from 'node:stream';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { trace } from '@opentelemetry/api';
import type { LogLevel as TemporalLogLevel, LogMetadata, Logger as TemporalLoggerApi } from '@temporalio/common';
import type { LogFormat, LogLevel } from './config';

export type { Logger } from 'pino';

export interface LoggerOptions {
  component: string;
  level?: LogLevel;
  format?: LogFormat;
  /** Where lines go (default stderr: stdout is a command's output, and `healer mcp`'s protocol); tests pass a stream. */
  destination?: DestinationStream;
  /** Add the active span's traceId/spanId to each line (on when tracing is). */
  withTrace?: boolean;
}

function traceIds(): Record<string, string> {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { traceId, spanId };
}

export function createLogger(opts: LoggerOptions): Logger {
  const destination =
    opts.format === 'pretty'
      ? pretty({
          sync: true,
          colorize: false,
          destination: opts.destination ?? 2,
          ignore: 'pid,hostname,component',
          messageFormat: '{component}: {msg}',
          translateTime: 'SYS:HH:MM:ss.l',
        })
      : (opts.destination ?? pino.destination({ fd: 2, sync: true }));
  return pino(
    {
      level: opts.level ?? 'info',
      base: { component: opts.component },
      // Keys a careless call could log; redaction of log lines themselves is the detection layer's job.
      redact: ['req.headers.authorization', 'headers.authorization', 'token', 'apiKey', 'secret'],
      ...(opts.withTrace ? { mixin: traceIds } : {}),
    },
    destination,
  );
}

/** The logger of a component process, as configured (HEALER_LOG_LEVEL, HEALER_LOG_FORMAT, tracing on or off). */
export const componentLogger = (
  config: { logLevel: LogLevel; logFormat: LogFormat; tracing: { otlpEndpoint?: string } },
  component: string,
  destination?: DestinationStream,
): Logger =>
  createLogger({
    component,
    level: config.logLevel,
    format: config.logFormat,
    withTrace: config.tracing.otlpEndpoint !== undefined,
    ...(destination ? { destination } : {}),
  });

/** A `write(text)` sink (CliIo's stderr) as a pino destination. */
export const textDestination = (sink: { write(text: string): unknown }): DestinationStream =>
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.write(chunk.toString('utf8'));
      done();
    },
  });

/** The ids a line is about, read from a Temporal workflow id (`play-<id>`, `incident-<play>-<fp>`). */
export function idsOf(meta: LogMetadata | undefined): Record<string, unknown> {
  const workflowId = typeof meta?.workflowId === 'string' ? meta.workflowId : undefined;
  if (!workflowId) return meta ?? {};
  if (workflowId.startsWith('incident-')) return { ...meta, incidentId: workflowId };
  if (workflowId.startsWith('play-')) return { ...meta, playId: workflowId.slice('play-'.length) };
  return meta ?? {};
}

const LEVELS: Record<TemporalLogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/** The Temporal runtime's logger (Runtime.install({ logger })) writing through a pino logger. */
export class TemporalLogger implements TemporalLoggerApi {
  constructor(private readonly logger: Logger) {}

  log(level: TemporalLogLevel, message: string, meta?: LogMetadata): void {
    this.logger[LEVELS[level]](idsOf(meta), message);
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}
