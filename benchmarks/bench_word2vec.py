"""Word2VecTransformer against gensim's Word2Vec: vector quality, training speed, memory.

    python benchmarks/bench_word2vec.py                       # skip-gram, gensim's settings, 2 threads
    python benchmarks/bench_word2vec.py --tokens 300000       # a slice, to profile quickly
    python benchmarks/bench_word2vec.py --only gensim,sknn    # parts: gensim, sknn, stream
    python benchmarks/bench_word2vec.py --seeds 0,1,2         # each trainer once per seed, and the means
    python benchmarks/bench_word2vec.py --data /path/to/data  # the folder holding text/ ($SKNN_DATA)
    python benchmarks/bench_word2vec.py --params '{"sample": 0}'  # other settings, for both trainers
    python benchmarks/bench_word2vec.py --only gensim,presub   # gensim on sentences subsampled outside it
    python benchmarks/bench_word2vec.py --only sknn --device cuda --eval-dir DIR  # sknn on a GPU, no gensim needed
    python benchmarks/bench_word2vec.py --only gensim,sknn,batched  # and sknn's GPU step (batched) on the CPU
    python benchmarks/bench_word2vec.py --only memory --seeds 0,1  # each trainer's fit in a fresh process of its own

Both train on $SKNN_DATA/text/english-2.7m.txt, lower-cased, with gensim's skip-gram
settings (vector_size 100, window 5, negative 5, min_count 5, sample 1e-3, 5 epochs), in
this one process on the same cores: gensim with ``workers=threads``, sknn with
``workers=threads`` (threads training at once, as gensim's; ``--workers`` to change) and
``torch.set_num_threads(threads)``. Quality is gensim's own evaluation, on the files that
ship with gensim: analogies (questions-words.txt, covered questions) and Spearman on
wordsim353.tsv (or the same two files in ``--eval-dir``, read by sknn's KeyedVectors where gensim is not
installed). Speed is corpus words x epochs / training seconds (the vocabulary pass not
counted, for either). Memory is the peak resident memory above the level before training,
sampled every 5 ms. 'stream' trains sknn from the file path (read again every epoch). 'presub' trains gensim
on sentences subsampled before it sees them (gensim's own keep probabilities, new independent
draws each epoch, its rate falling over the epochs as in one call): a diagnostic of the
skip-gram analogy gap, which is in gensim's subsampling, not in the keep probabilities. 'batched' trains sknn on
the CPU with the step it takes on a GPU (a batch's updates summed, negatives shared by a window; one worker), as
without numba: a diagnostic of what the step alone does to quality. 'memory' fits each trainer once per seed in a
fresh process of its own, after a tiny fit that sets up its library (threads, buffers, compiled code), and reports the
peak above the level before the fit: in one process, a later fit of gensim reuses the memory its previous model freed
(its peak falls from about 20 MiB to 1-9), which says nothing of what a fit needs.

On a shared machine torch's OpenMP threads spin while they wait for each other, which
stalls every operation when another process holds a core; the script sets
OMP_WAIT_POLICY=PASSIVE (threads sleep instead) unless it is already set.
"""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # before torch loads its OpenMP runtime

import numpy as np  # noqa: E402
import torch  # noqa: E402

from _measure import PeakRSS  # noqa: E402
from sknn import Word2VecTransformer, _w2v_core  # noqa: E402

SETTINGS = dict(vector_size=100, window=5, negative=5, min_count=5, sample=1e-3, epochs=5, sg=1)


def read_corpus(path, tokens=None):
    sentences, n = [], 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            words = line.lower().split()
            sentences.append(words)
            n += len(words)
            if tokens and n >= tokens:
                break
    return sentences, n


def evaluate(kv, questions, pairs):
    score, _ = kv.evaluate_word_analogies(questions)
    spearman = kv.evaluate_word_pairs(pairs)[1][0]
    return score, spearman


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_data = os.environ.get("SKNN_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    parser.add_argument("--data", default=default_data)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--tokens", type=int, default=None, help="train on the first N tokens only")
    parser.add_argument("--epochs", type=int, default=SETTINGS["epochs"])
    parser.add_argument("--cbow", action="store_true", help="CBOW (sg=0) instead of skip-gram")
    parser.add_argument("--batch-size", default="auto")
    parser.add_argument("--workers", type=int, default=None,
                        help="sknn's workers (threads training at once); default: --threads, as gensim's workers")
    parser.add_argument("--only", default="gensim,sknn,stream",
                        help="parts: gensim, sknn, stream, presub, batched, memory")
    parser.add_argument("--memory-child", choices=["gensim", "sknn"], help=argparse.SUPPRESS)
    parser.add_argument("--params", metavar="JSON", help="settings over gensim's (both trainers), e.g. "
                        "'{\"sample\": 0}'")
    parser.add_argument("--device", default="cpu", help="sknn's device ('cuda': the batched step on a GPU; "
                        "gensim stays on the CPU)")
    parser.add_argument("--eval-dir", help="a folder holding questions-words.txt and wordsim353.tsv (default: "
                        "gensim's test data)")
    parser.add_argument("--seeds", default="0",
                        help="comma-separated seeds: each trainer runs once per seed, the trainers interleaved; "
                             "with several, a table of the means follows (analogy scores move by about half a "
                             "point from seed to seed)")
    args = parser.parse_args(argv)

    path = os.path.join(args.data, "text", "english-2.7m.txt")
    if not os.path.isfile(path):
        print(f"(skipped: no corpus at {path}; pass --data or set SKNN_DATA)")
        return 0
    parts = args.only.split(",")
    try:
        from gensim.models import Word2Vec
        from gensim.test.utils import datapath
    except ImportError:
        if not args.eval_dir or {"gensim", "presub"} & set(parts):
            print("(skipped: gensim is not installed; pip install gensim, or sknn[bench]; without it, --only sknn "
                  "with --eval-dir)")
            return 0
    if args.eval_dir:
        questions, pairs = (os.path.join(args.eval_dir, name) for name in ("questions-words.txt", "wordsim353.tsv"))
    else:
        questions, pairs = datapath("questions-words.txt"), datapath("wordsim353.tsv")
    settings = dict(SETTINGS, epochs=args.epochs, sg=0 if args.cbow else 1, **json.loads(args.params or "{}"))
    batch_size = args.batch_size if args.batch_size == "auto" else int(args.batch_size)
    torch.set_num_threads(args.threads)
    sentences, n_tokens = read_corpus(path, args.tokens)
    if args.memory_child:
        return _memory_child(args.memory_child, sentences, settings, args)
    gensim = getattr(sys.modules.get("gensim"), "__version__", "(not installed)")
    device = torch.cuda.get_device_name() if args.device.startswith("cuda") else args.device
    print(f"# Word2Vec: sknn vs gensim {gensim}, {datetime.date.today()}, "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, torch {torch.__version__} "
          f"({args.threads} threads), OMP_WAIT_POLICY={os.environ['OMP_WAIT_POLICY']}, sknn on {device}")
    print(f"corpus: {len(sentences):,} sentences, {n_tokens:,} tokens (lower-cased); settings {settings}\n")
    rows = []

    def run_gensim(seed):
        model = Word2Vec(workers=args.threads, seed=seed, **settings)
        with PeakRSS(0.005) as peak:  # the vocabulary pass is in the memory, as for sknn, not in the time
            model.build_vocab(sentences)
            start = time.perf_counter()
            model.train(sentences, total_examples=model.corpus_count, epochs=settings["epochs"])
            seconds = time.perf_counter() - start
        rows.append(("gensim Word2Vec (list of token lists)", seconds, n_tokens * settings["epochs"] / seconds,
                     peak.peak - peak.base, *evaluate(model.wv, questions, pairs), len(model.wv)))
        print(rows[-1], flush=True)

    def run_presubsampled(seed):
        model = Word2Vec(workers=args.threads, seed=seed, **settings)
        model.build_vocab(sentences)
        keep = {w: model.wv.get_vecattr(w, "sample_int") / 2**32 for w in model.wv.index_to_key}
        model.sample = 0  # the sentences come subsampled
        rng, epochs, start = np.random.default_rng(seed), settings["epochs"], time.perf_counter()
        first, last = model.alpha, model.min_alpha  # (train sets model.alpha to the start_alpha it is given)
        for epoch in range(epochs):
            draws = [[w for w in s if w in keep and rng.random() < keep[w]] for s in sentences]
            rate = [first - (first - last) * (epoch + e) / epochs for e in (0, 1)]
            model.train(draws, total_examples=len(draws), epochs=1, start_alpha=rate[0], end_alpha=rate[1])
        seconds = time.perf_counter() - start  # the draws included
        rows.append(("gensim Word2Vec on sentences subsampled outside it", seconds, n_tokens * epochs / seconds, 0.0,
                     *evaluate(model.wv, questions, pairs), len(model.wv)))
        print(rows[-1], flush=True)

    def run_sknn(label, corpus, seed, tokenizer=None, batched=False):
        w2v = Word2VecTransformer(**settings, batch_size=batch_size if not batched or batch_size != "auto" else 1024,
                                  tokenizer=tokenizer, random_state=seed, device=args.device,
                                  workers=1 if batched else args.workers or args.threads)
        compiled_step = _w2v_core.compiled_step
        try:  # the batched step is the one taken where the compiled one cannot be (a GPU, no numba)
            _w2v_core.compiled_step = (lambda sg: None) if batched else compiled_step
            with PeakRSS(0.005) as peak:
                w2v.fit(corpus)
        finally:
            _w2v_core.compiled_step = compiled_step
        rows.append((label, w2v.train_time_, w2v.words_per_second_, peak.peak - peak.base,
                     *evaluate(w2v.wv_, questions, pairs), len(w2v.wv_)))
        print(rows[-1], flush=True)

    # torch's thread pools and math library buffers are set up by the first fit of the process
    # (about 80 MiB), and the compiled steps are loaded: a tiny fit first keeps both out of the measures.
    Word2VecTransformer(min_count=1, epochs=1, sg=settings["sg"], random_state=0,
                        device=args.device).fit(sentences[:200])
    seeds = [int(x) for x in args.seeds.split(",")]
    if "memory" in parts:
        return _memory(argv if argv is not None else sys.argv[1:], seeds)
    for seed in seeds:
        if "gensim" in parts:
            run_gensim(seed)
        if "sknn" in parts:
            run_sknn("sknn Word2VecTransformer (same list)", sentences, seed)
        if "batched" in parts:
            run_sknn("sknn Word2VecTransformer, the batched step (as on a GPU), batches of 1024", sentences, seed,
                     batched=True)
        if "presub" in parts:
            run_presubsampled(seed)
        if "stream" in parts and args.tokens is None:
            run_sknn("sknn Word2VecTransformer (file path, streamed)", path, seed,
                     tokenizer=lambda line: line.lower().split())
    if len(seeds) > 1:  # the mean of each trainer over the seeds, in its first row's place
        labels = list(dict.fromkeys(row[0] for row in rows))
        rows = [(f"{label}, mean of {len(seeds)} seeds",
                 *[sum(r[i] for r in rows if r[0] == label) / len(seeds) for i in range(1, 7)]) for label in labels]

    print("\n| trainer | training s | words/s | / gensim | peak RSS above start (MiB) | analogies | "
          "Spearman wordsim353 | vocabulary |")
    print("|---|---|---|---|---|---|---|---|")
    base = rows[0][2] if rows and rows[0][0].startswith("gensim") else None
    for label, seconds, wps, mem, analogy, spearman, vocab in rows:
        ratio = f"{wps / base:.2f}x" if base else "-"
        print(f"| {label} | {seconds:.1f} | {wps:,.0f} | {ratio} | {mem:.0f} | {analogy:.4f} | {spearman:.4f} | "
              f"{vocab:,.0f} |")
    return 0


def _memory_child(trainer, sentences, settings, args):
    """One fit of ``trainer`` in this fresh process, after a tiny one: prints its peak memory above the start."""
    seed = int(args.seeds.split(",")[0])
    if trainer == "gensim":
        from gensim.models import Word2Vec

        Word2Vec(sentences[:200], min_count=1, epochs=1, sg=settings["sg"], workers=args.threads, seed=0)

        def fit():
            model = Word2Vec(workers=args.threads, seed=seed, **settings)
            model.build_vocab(sentences)
            model.train(sentences, total_examples=model.corpus_count, epochs=settings["epochs"])
    else:
        workers = args.workers or args.threads
        Word2VecTransformer(min_count=1, epochs=1, sg=settings["sg"], random_state=0,
                            workers=workers).fit(sentences[:200])

        def fit():
            Word2VecTransformer(**settings, random_state=seed, workers=workers).fit(sentences)
    with PeakRSS(0.002) as peak:
        fit()
    print(f"MEMORY {peak.peak - peak.base:.1f}")
    return 0


def _memory(argv, seeds):
    """Each trainer's fit, once per seed, each in a fresh process (:func:`_memory_child`): a table of the peaks."""
    named = ("--only", "--seeds")  # (the child's own: one trainer, one seed)
    argv = [a for i, a in enumerate(argv) if a not in named and (i == 0 or argv[i - 1] not in named)]
    peaks = {"gensim": [], "sknn": []}
    for seed in seeds:
        for trainer in peaks:
            out = subprocess.run([sys.executable, __file__, *argv, "--seeds", str(seed), "--memory-child", trainer],
                                 capture_output=True, text=True, check=True).stdout
            peaks[trainer].append(float(out.split("MEMORY ")[-1]))
            print(trainer, seed, peaks[trainer][-1], flush=True)
    print("\n| trainer | peak resident memory above the start of the fit (MiB), per seed | mean | / gensim |")
    print("|---|---|---|---|")
    for trainer, values in peaks.items():
        mean = sum(values) / len(values)
        ratio = mean / (sum(peaks["gensim"]) / len(peaks["gensim"]))
        print(f"| {trainer} | {' / '.join(f'{v:.1f}' for v in values)} | {mean:.1f} | {ratio:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
