#!/usr/bin/env python3
"""A toy external embedder for FaceAudit's JSON-lines protocol (standard library only).

It is NOT a face recognizer: its "embedding" is a 16-bin histogram of the file's bytes, so that tests
and users can see the protocol work end to end. A real embedder (InsightFace, FaceNet, a vendor SDK)
replaces `embed` with its own model and keeps the loop.

    faceaudit run --dataset DATA --out OUT --embedder-command '["python3", "examples/byte_histogram_embedder.py"]'

Protocol: one JSON object per line on stdin, {"path": ...}; one reply per line on stdout,
{"embedding": [...]} or {"error": "..."}. Files whose name contains "noface" answer with an error, to
show how a failure to acquire is reported.
"""
import json
import sys


def embed(path):
    if "noface" in path:
        raise ValueError("no face found")
    with open(path, "rb") as f:
        data = f.read()
    counts = [0] * 16
    for b in data:
        counts[b >> 4] += 1
    total = float(len(data)) or 1.0
    return [c / total for c in counts]


for line in sys.stdin:
    try:
        request = json.loads(line)
        reply = {"embedding": embed(request["path"])}
    except Exception as error:  # every failure becomes a reply, never a crash
        reply = {"error": str(error)}
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
