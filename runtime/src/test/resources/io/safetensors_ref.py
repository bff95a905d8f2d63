#!/usr/bin/env python3
"""An independent safetensors reader and writer, for cross-checking Nabla's SafeTensors.

Uses only the standard library (struct, json) and the format's specification
(https://huggingface.co/docs/safetensors/): an 8-byte little-endian unsigned header
length N, N bytes of UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin, end]},
"__metadata__": {str: str}} (offsets relative to the first byte after the header), then
the data area, little-endian and row-major, its regions tiling it with no gap or overlap.

    python3 safetensors_ref.py read FILE    print the file as JSON on stdout:
        {"metadata": {...} or null, "order": [names in header order],
         "tensors": {name: {"dtype", "shape", "data_offsets", "values": [flat, row-major]}}}
        floats print as Python's repr (NaN and Infinity as JSON extensions);
        exits with status 1 and a message on stderr if the file breaks the format.
    python3 safetensors_ref.py write FILE   write the fixed sample that SAMPLE below
        describes, with metadata {"source": "safetensors_ref.py"}, for Nabla to load.
"""
import json
import math
import struct
import sys

# format name -> (bytes per element, struct code or None for the ones decoded by hand)
DTYPES = {
    "BOOL": (1, "?"), "U8": (1, "B"), "I8": (1, "b"), "I16": (2, "h"), "U16": (2, "H"),
    "F16": (2, "e"), "BF16": (2, None), "I32": (4, "i"), "U32": (4, "I"), "F32": (4, "f"),
    "F64": (8, "d"), "I64": (8, "q"), "U64": (8, "Q"),
}
MAX_HEADER = 100_000_000


def fail(message):
    print("safetensors_ref: " + message, file=sys.stderr)
    sys.exit(1)


def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        fail("duplicate key in header: %r" % keys)
    return dict(pairs)


def decode(dtype, raw, count):
    size, code = DTYPES[dtype]
    if dtype == "BF16":
        halves = struct.unpack("<%dH" % count, raw)
        return [struct.unpack("<f", struct.pack("<I", h << 16))[0] for h in halves]
    if dtype == "BOOL" and any(b not in (0, 1) for b in raw):
        fail("a BOOL byte is neither 0 nor 1")
    return list(struct.unpack("<%d%s" % (count, code), raw))


def encode(dtype, values):
    _, code = DTYPES[dtype]
    if dtype == "BF16":
        # Truncation is exact for the sample's values, which all have short mantissas.
        return b"".join(struct.pack("<H", struct.unpack("<I", struct.pack("<f", v))[0] >> 16) for v in values)
    return struct.pack("<%d%s" % (len(values), code), *values)


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        fail("file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > MAX_HEADER or 8 + n > len(blob):
        fail("header length %d does not fit the file of %d bytes" % (n, len(blob)))
    header = json.loads(blob[8:8 + n].decode("utf-8"), object_pairs_hook=no_duplicates)
    if not isinstance(header, dict):
        fail("header is not a JSON object")
    data = blob[8 + n:]
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not all(isinstance(v, str) for v in metadata.values()):
        fail("__metadata__ values must be strings")
    tensors, regions = {}, []
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype not in DTYPES:
            fail("%s: unknown dtype %s" % (name, dtype))
        if any(not isinstance(d, int) or d < 0 for d in shape):
            fail("%s: bad shape %r" % (name, shape))
        count = math.prod(shape)
        if not 0 <= begin <= end <= len(data) or end - begin != count * DTYPES[dtype][0]:
            fail("%s: data_offsets %r do not match shape %r of %s" % (name, [begin, end], shape, dtype))
        regions.append((begin, end, name))
        tensors[name] = {"dtype": dtype, "shape": shape, "data_offsets": [begin, end],
                         "values": decode(dtype, data[begin:end], count)}
    at = 0
    for begin, end, name in sorted(regions):
        if begin != at:
            fail("%s: region starts at %d, expected %d (gap or overlap)" % (name, begin, at))
        at = end
    if at != len(data):
        fail("regions end at %d but the data area has %d bytes" % (at, len(data)))
    json.dump({"metadata": metadata, "order": list(header), "tensors": tensors}, sys.stdout)


# The sample `write` produces: name -> (dtype, shape, flat values). Listed here in header
# order; the data area holds them in the reverse order, so a reader must follow the offsets.
SAMPLE = [
    ("f64", "F64", [2, 2], [1.5, -2.25, 1e300, -0.0]),
    ("f32", "F32", [3], [0.1, float("inf"), -3.5]),
    ("f16", "F16", [4], [0.5, -65504.0, 2.0 ** -24, float("-inf")]),
    ("bf16", "BF16", [2], [1.0, -2.5]),
    ("i64", "I64", [2], [-9223372036854775808, 9223372036854775807]),
    ("i32", "I32", [2], [-2147483648, 7]),
    ("i16", "I16", [1], [-32768]),
    ("i8", "I8", [3], [-128, 0, 127]),
    ("u8", "U8", [2], [0, 255]),
    ("u16", "U16", [1], [65535]),
    ("u32", "U32", [1], [4294967295]),
    ("flags", "BOOL", [2, 1], [True, False]),
    ("scalar", "F32", [], [42.0]),
    ("empty", "F32", [0, 4], []),
]


def write(path):
    raw = {name: encode(dtype, values) for name, dtype, _, values in SAMPLE}
    offsets, at = {}, 0
    for name, _, _, _ in reversed(SAMPLE):
        offsets[name] = [at, at + len(raw[name])]
        at += len(raw[name])
    header = {"__metadata__": {"source": "safetensors_ref.py"}}
    for name, dtype, shape, _ in SAMPLE:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": offsets[name]}
    text = json.dumps(header).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for name, _, _, _ in reversed(SAMPLE):
            f.write(raw[name])


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("read", "write"):
        fail("usage: safetensors_ref.py read|write FILE")
    (read if sys.argv[1] == "read" else write)(sys.argv[2])
