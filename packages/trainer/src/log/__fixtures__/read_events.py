#!/usr/bin/env python3
"""Reads TensorBoard event files independently of vaekit's TypeScript code, for its tests.

Usage: python3 read_events.py FILE...

Parses the TFRecord framing (uint64 little-endian length, masked CRC32C of the length bytes,
data, masked CRC32C of the data; the CRC32C computed bit by bit here), decodes each record as
a `tensorflow.Event` with google.protobuf (Debian's python3-protobuf) from a schema written by
hand below with descriptor_pb2 (TensorFlow's field numbers), and prints one JSON object per
file: {"file", "events": [...]}. Each event also says whether re-serialising the parsed message
gives back the record's bytes (`canonical`) and lists fields the schema does not know
(`unknown_fields`). Exits 1 with a message on stderr for a bad CRC or a truncated record.
"""

import json
import struct
import sys

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

F = descriptor_pb2.FieldDescriptorProto


def crc32c(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def add_field(message, name, number, type_, label=F.LABEL_OPTIONAL, type_name=None, oneof=None):
    field = message.field.add(name=name, number=number, type=type_, label=label)
    if type_name is not None:
        field.type_name = type_name
    if oneof is not None:
        field.oneof_index = oneof
    return field


def event_class():
    """tensorflow.Event (event.proto / summary.proto), the scalar part, built by hand."""
    file = descriptor_pb2.FileDescriptorProto(
        name="vaekit_test_event.proto", package="tensorflow", syntax="proto3"
    )

    summary = file.message_type.add(name="Summary")
    value = summary.nested_type.add(name="Value")
    value.oneof_decl.add(name="value")
    add_field(value, "node_name", 7, F.TYPE_STRING)
    add_field(value, "tag", 1, F.TYPE_STRING)
    add_field(value, "simple_value", 2, F.TYPE_FLOAT, oneof=0)
    add_field(summary, "value", 1, F.TYPE_MESSAGE, F.LABEL_REPEATED, ".tensorflow.Summary.Value")

    session_log = file.message_type.add(name="SessionLog")
    status = session_log.enum_type.add(name="SessionStatus")
    for name, number in [("STATUS_UNSPECIFIED", 0), ("START", 1), ("STOP", 2), ("CHECKPOINT", 3)]:
        status.value.add(name=name, number=number)
    add_field(session_log, "status", 1, F.TYPE_ENUM, type_name=".tensorflow.SessionLog.SessionStatus")
    add_field(session_log, "checkpoint_path", 2, F.TYPE_STRING)
    add_field(session_log, "msg", 3, F.TYPE_STRING)

    event = file.message_type.add(name="Event")
    event.oneof_decl.add(name="what")
    add_field(event, "wall_time", 1, F.TYPE_DOUBLE)
    add_field(event, "step", 2, F.TYPE_INT64)
    add_field(event, "file_version", 3, F.TYPE_STRING, oneof=0)
    add_field(event, "graph_def", 4, F.TYPE_BYTES, oneof=0)
    add_field(event, "summary", 5, F.TYPE_MESSAGE, type_name=".tensorflow.Summary", oneof=0)
    add_field(event, "session_log", 7, F.TYPE_MESSAGE, type_name=".tensorflow.SessionLog", oneof=0)

    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    descriptor = pool.FindMessageTypeByName("tensorflow.Event")
    if hasattr(message_factory, "GetMessageClass"):  # protobuf >= 4.22
        return message_factory.GetMessageClass(descriptor)
    return message_factory.MessageFactory(pool).GetPrototype(descriptor)


def read_records(path):
    with open(path, "rb") as f:
        data = f.read()
    offset = 0
    while offset < len(data):
        where = f"{path}: record at byte {offset}"
        if offset + 12 > len(data):
            raise ValueError(f"{where}: truncated header")
        header = data[offset : offset + 8]
        (length,) = struct.unpack("<Q", header)
        (length_crc,) = struct.unpack("<I", data[offset + 8 : offset + 12])
        if length_crc != masked_crc32c(header):
            raise ValueError(f"{where}: length CRC mismatch")
        start = offset + 12
        if start + length + 4 > len(data):
            raise ValueError(f"{where}: truncated data")
        payload = data[start : start + length]
        (data_crc,) = struct.unpack("<I", data[start + length : start + length + 4])
        if data_crc != masked_crc32c(payload):
            raise ValueError(f"{where}: data CRC mismatch")
        yield payload
        offset = start + length + 4


def unknown_fields(message):
    """How many fields the parse did not know (None where this protobuf cannot say)."""
    try:
        from google.protobuf import unknown_fields as uf  # protobuf >= 4.22

        return len(uf.UnknownFieldSet(message))
    except ImportError:
        pass
    try:
        return len(message.UnknownFields())
    except (AttributeError, NotImplementedError):
        return None


def to_json(event, payload):
    out = {"wall_time": event.wall_time, "step": event.step}
    what = event.WhichOneof("what")
    if what == "file_version":
        out["file_version"] = event.file_version
    elif what == "summary":
        out["values"] = [
            {"tag": v.tag, "simple_value": v.simple_value} for v in event.summary.value
        ]
    elif what == "session_log":
        out["session_log"] = {"status": event.session_log.status}
    elif what is not None:
        out["what"] = what
    out["canonical"] = event.SerializeToString(deterministic=True) == payload
    out["unknown_fields"] = unknown_fields(event)
    return out


def main(paths):
    Event = event_class()
    results = []
    for path in paths:
        events = []
        for payload in read_records(path):
            event = Event()
            event.ParseFromString(payload)
            events.append(to_json(event, payload))
        results.append({"file": path, "events": events})
    json.dump(results, sys.stdout, allow_nan=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except ValueError as error:
        print(error, file=sys.stderr)
        sys.exit(1)
