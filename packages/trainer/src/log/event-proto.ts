import { createRequire } from 'node:module';
import type { Type } from 'protobufjs';

/**
 * The part of TensorFlow's `event.proto` and `summary.proto` (package `tensorflow`) that scalar
 * logs use, with TensorFlow's field numbers. Fields left out (graphs, images, histograms,
 * tensors) are ones this writer never sets; readers of the full schema decode these messages
 * unchanged.
 */
export const EVENT_PROTO = `
syntax = "proto3";
package tensorflow;

message Event {
  double wall_time = 1;
  int64 step = 2;
  oneof what {
    string file_version = 3;
    Summary summary = 5;
    SessionLog session_log = 7;
  }
}

message Summary {
  message Value {
    string tag = 1;
    oneof value {
      float simple_value = 2;
    }
  }
  repeated Value value = 1;
}

message SessionLog {
  enum SessionStatus {
    STATUS_UNSPECIFIED = 0;
    START = 1;
    STOP = 2;
    CHECKPOINT = 3;
  }
  SessionStatus status = 1;
  string checkpoint_path = 2;
  string msg = 3;
}
`;

/** `SessionLog.SessionStatus.START`: a (re)start; readers drop what was logged at or after its step. */
export const SESSION_START = 1;

/** A TensorBoard `Event` as plain data (field names as in the .proto file). */
export interface EventMessage {
  /** Seconds since the Unix epoch. */
  wall_time: number;
  step?: number;
  file_version?: string;
  summary?: { value: { tag: string; simple_value: number }[] };
  session_log?: { status: number; checkpoint_path?: string; msg?: string };
}

let eventType: Type | undefined;

/** The `tensorflow.Event` message type, parsed from {@link EVENT_PROTO} on first use. */
function event(): Type {
  if (eventType === undefined) {
    const protobuf = createRequire(import.meta.url)('protobufjs') as typeof import('protobufjs');
    eventType = protobuf.parse(EVENT_PROTO, { keepCase: true }).root.lookupType('tensorflow.Event');
  }
  return eventType;
}

/**
 * Serialises an `Event` (protobuf binary, via protobufjs). A zero or absent `step` is not
 * written, as proto3 encoders do.
 *
 * @example
 * ```ts
 * encodeEvent({ wall_time: Date.now() / 1000, file_version: 'brain.Event:2' });
 * ```
 */
export function encodeEvent(message: EventMessage): Uint8Array {
  const { step, ...rest } = message;
  const type = event();
  return type.encode(type.fromObject(step ? { ...rest, step } : rest)).finish();
}

/**
 * Parses a serialised `Event` (int64 steps as numbers).
 *
 * @throws Error when the bytes are not a valid message.
 *
 * @example
 * ```ts
 * const events = readTFRecords(fs.readFileSync(file)).map(decodeEvent);
 * ```
 */
export function decodeEvent(bytes: Uint8Array): EventMessage {
  const type = event();
  return type.toObject(type.decode(bytes), { longs: Number }) as EventMessage;
}
