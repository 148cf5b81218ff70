#!/usr/bin/env python3
"""A toy external embedder for FaceAudit's JSON-lines protocol, version 3 (standard library only).

It is NOT a face recognizer: its "embedding" is a 16-bin histogram of the file's bytes, so that tests
and users can see the protocol work end to end. A real embedder (InsightFace, FaceNet, a vendor SDK)
replaces `embed` with its own model and keeps the loop.

    faceaudit run --dataset DATA --out OUT --embedder-command '["python3", "examples/byte_histogram_embedder.py"]'

Protocol 3: FaceAudit writes one JSON object per line to standard input. The first, sent to every new
process, is the hello; the embedder answers it, once its model is loaded, naming the model (one line that
changes whenever the templates could: a hash of the weights, the preprocessing), which FaceAudit puts in
the template cache key and in summary.json (pipeline -> model_identity):
    {"hello": {"protocol": 3}, "id": 0}  ->  {"id": 0, "hello": {"protocol": 3, "model": "byte-histogram-16;v1"}}
Then {"id": 7, "path": "..."} per image. The
embedder writes exactly one reply line per request to standard output, in order, echoing the id:
    {"id": 7, "embedding": [...]}                                  a template
    {"id": 7, "error": "...", "category": "no_face"}              no template for this image
"category" is optional: no_face, low_quality or image_unreadable (anything else counts as embedder_error).
Only the category reaches shared outputs; the "error" text is shown on the user's terminal and kept in the
private 0600 cache, so it may name the file. Write logs to standard error, never to standard output.
The embedder ends when standard input closes. FaceAudit kills it if a reply takes longer than
--embedder-timeout (120 s; 600 s for the first reply, which includes loading the model).

Files whose name contains "noface" answer with an error, to show how a failure to acquire is reported.
(Version 2 embedders, which know no hello, need --embedder-protocol 2; version 1 embedders, which also
reply without "id", need --embedder-protocol 1.)
"""
import json
import os
import sys

MODEL = "byte-histogram-16;v1"  # the model's identity: change it whenever the templates would change


def embed(path):
    if "noface" in os.path.basename(path):
        raise LookupError("no face found")
    with open(path, "rb") as f:
        data = f.read()
    counts = [0] * 16
    for b in data:
        counts[b >> 4] += 1
    total = float(len(data)) or 1.0
    return [c / total for c in counts]


for line in sys.stdin:
    request = json.loads(line)
    reply = {"id": request.get("id")}
    if "hello" in request:
        reply["hello"] = {"protocol": 3, "model": MODEL}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()
        continue
    try:
        reply["embedding"] = embed(request["path"])
    except LookupError as error:
        reply.update(error=str(error), category="no_face")
    except OSError as error:  # unreadable file: say so, never crash
        reply.update(error=error.strerror or "cannot read", category="image_unreadable")
    except Exception as error:
        reply["error"] = type(error).__name__
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()
