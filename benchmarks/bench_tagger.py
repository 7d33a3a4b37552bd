"""Sequences: part-of-speech tagging on UD English-EWT against simple baselines, training speed
against a plain PyTorch loop, inference speed, and next-word prediction against a bigram model.

    python benchmarks/bench_tagger.py                      # everything (about 50 minutes on 2 cores)
    python benchmarks/bench_tagger.py --only speed         # parts: baselines, tagger, speed, packed, lm, small, gpu
    python benchmarks/bench_tagger.py --data /path/to/data # the folder holding ud_english_ewt/ ($SKNN_DATA)

The treebank is read from $SKNN_DATA/ud_english_ewt (default ../shared/data), the text for the
word vectors from $SKNN_DATA/text/english-2.7m.txt; parts that need them are skipped without.
"""

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import sys
import time
import warnings
from collections import Counter, defaultdict

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback

from _measure import PeakRSS
from sknn import LSTMLanguageModel, LSTMSequenceTagger
from sknn.datasets import read_conllu
from sknn.sequence import SequenceNet

warnings.simplefilter("ignore", ConvergenceWarning)

# The configuration of the accuracy bar (documented in RESULTS.md): since 2026-12-01 the tagger's defaults,
# written out so the figures stay reproducible if the defaults change.
TAGGER = dict(cell="lstm", bidirectional=True, num_layers=2, embedding_dim=100, hidden_size=256,
              char_features=True, char_dim=64, lowercase=True, dropout=0.33, word_dropout=0.35, batch_size=32,
              freeze_embeddings="copy", learning_rate_init=0.002, learning_rate="cosine", max_iter=20, random_state=0)
VECTORS = dict(vector_size=100, window=5, min_count=3, sg=1, negative=5, epochs=5, random_state=0)
LM = dict(random_state=0)  # the language model's defaults


def treebank(args):
    folder = os.path.join(args.data, "ud_english_ewt")
    train, dev = (os.path.join(folder, f"en_ewt-ud-{p}.conllu") for p in ("train", "dev"))
    if not (os.path.isfile(train) and os.path.isfile(dev)):
        print(f"\n(skipped: no UD English-EWT in {folder}; pass --data or set SKNN_DATA)")
        return None
    return (*read_conllu(train), *read_conllu(dev))


def n_tokens(X):
    return sum(map(len, X))


def token_accuracy(pred, gold):
    right = sum(p == g for ps, gs in zip(pred, gold) for p, g in zip(ps, gs))
    return right / n_tokens(gold)


# -- baselines --------------------------------------------------------------------------------
def most_frequent_tag(X, y, X_test):
    counts = defaultdict(Counter)
    for words, tags in zip(X, y):
        for w, t in zip(words, tags):
            counts[w][t] += 1
    overall = Counter(t for tags in y for t in tags).most_common(1)[0][0]
    best = {w: c.most_common(1)[0][0] for w, c in counts.items()}
    return [[best.get(w, overall) for w in words] for words in X_test]


def window_features(words):
    """Features of each token from a window of +-2 words, affixes and word shape."""
    low = [w.lower() for w in words]
    pad = ["<s>", "<s>"] + low + ["</s>", "</s>"]
    out = []
    for i, w in enumerate(words):
        shape = "".join("X" if c.isupper() else "x" if c.islower() else "d" if c.isdigit() else c for c in w[:6])
        f = {"w=" + low[i]: 1, "shape=" + shape: 1, "p1=" + low[i][:1]: 1, "p3=" + low[i][:3]: 1,
             "s1=" + low[i][-1:]: 1, "s2=" + low[i][-2:]: 1, "s3=" + low[i][-3:]: 1,
             "w-1=" + pad[i + 1]: 1, "w-2=" + pad[i]: 1, "w+1=" + pad[i + 3]: 1, "w+2=" + pad[i + 4]: 1,
             "s3-1=" + pad[i + 1][-3:]: 1, "s3+1=" + pad[i + 3][-3:]: 1, "bias": 1}
        out.append(f)
    return out


def linear_window_tagger(X, y, X_test):
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.svm import LinearSVC

    def int32(F):  # liblinear takes 32-bit sparse indices only
        F.indices, F.indptr = F.indices.astype(np.int32), F.indptr.astype(np.int32)
        return F

    vec = DictVectorizer()
    F = int32(vec.fit_transform([f for words in X for f in window_features(words)]).tocsr())
    clf = LinearSVC(C=0.1).fit(F, [t for tags in y for t in tags])
    pred = clf.predict(int32(vec.transform([f for words in X_test for f in window_features(words)]).tocsr()))
    out, i = [], 0
    for words in X_test:
        out.append(list(pred[i:i + len(words)]))
        i += len(words)
    return out


def part_baselines(args):
    data = treebank(args)
    if data is None:
        return
    X, y, Xd, yd = data
    print(f"\n## UD English-EWT baselines (train {len(X)} sentences / {n_tokens(X)} tokens, dev {len(Xd)} / "
          f"{n_tokens(Xd)})\n")
    print("| model | dev UPOS accuracy | fit + predict time |")
    print("|---|---|---|")
    for name, f in (("most frequent tag per word (NOUN when unseen)", most_frequent_tag),
                    ("LinearSVC on window features (+-2 words, affixes, shape)", linear_window_tagger)):
        start = time.perf_counter()
        acc = token_accuracy(f(X, y, Xd), yd)
        print(f"| {name} | {acc:.4f} | {time.perf_counter() - start:.0f} s |", flush=True)


def part_small(args):
    """The default tagger trained on the first N training sentences (a small treebank), beside the same defaults
    with fixed batches (``--small-batches``: 32, batch_size='auto' before 2026-12-05; 8, its rule below 1,500
    sentences until stop 49) and the two baselines, scored on dev."""
    data = treebank(args)
    if data is None:
        return
    X, y, Xd, yd = data
    try:
        sizes = [int(v) for v in args.small_sizes.split(",")]
    except ValueError:
        raise SystemExit(f"--small-sizes takes numbers of sentences such as 200,1000; got {args.small_sizes!r}")
    if not all(1 <= n <= len(X) for n in sizes):
        raise SystemExit(f"--small-sizes takes 1 to {len(X):,} (the training sentences); got {args.small_sizes}")
    try:
        batches = [int(v) for v in args.small_batches.split(",")]
    except ValueError:
        raise SystemExit(f"--small-batches takes sentences a step such as 32,8; got {args.small_batches!r}")
    print(f"\n## Small treebanks: the first N training sentences, dev {len(Xd)} sentences / {n_tokens(Xd)} tokens\n")
    print("| N (tokens) | most frequent tag | LinearSVC, window features | default tagger (its batch) | fit s | "
          + " | ".join(f"the defaults with batch_size={b} | fit s" for b in batches) + " |")
    print("|---|---|---|---|---|" + "---|---|" * len(batches))
    for n in sizes:
        Xn, yn = X[:n], y[:n]
        cells = [f"{token_accuracy(f(Xn, yn, Xd), yd):.4f}" for f in (most_frequent_tag, linear_window_tagger)]
        for params in [{}] + [{"batch_size": b} for b in batches]:
            start = time.perf_counter()
            tagger = LSTMSequenceTagger(random_state=0, device=args.device, **params).fit(Xn, yn)
            seconds = time.perf_counter() - start
            batch = "" if params else f" ({tagger.net_.batch_size})"
            cells += [f"{token_accuracy(tagger.predict(Xd), yd):.4f}{batch}", f"{seconds:.0f}"]
        print(f"| {n:,} ({n_tokens(Xn):,}) | " + " | ".join(cells) + " |", flush=True)


# -- the tagger ---------------------------------------------------------------------------------
def word_vectors(args):
    """sknn's Word2VecTransformer on the 2.7M-token text, lower-cased; None when the text is absent."""
    path = os.path.join(args.data, "text", "english-2.7m.txt")
    if args.no_vectors or not os.path.isfile(path):
        print(f"(no pretrained vectors: {'--no-vectors' if args.no_vectors else 'no ' + path})")
        return None, 0.0
    from sknn import Word2VecTransformer

    with open(path, encoding="utf-8") as f:
        sentences = [line.lower().split() for line in f]
    settings = dict(VECTORS, **json.loads(args.vector_params or "{}"))
    start = time.perf_counter()
    w2v = Word2VecTransformer(**settings).fit(sentences)
    took = time.perf_counter() - start
    print(f"word vectors: Word2VecTransformer({settings}) on {path}: {len(w2v.wv_.key_to_index)} words in "
          f"{took:.0f} s")
    return w2v, took


def part_tagger(args):
    data = treebank(args)
    if data is None:
        return
    X, y, Xd, yd = data
    split = "train -> dev"
    if args.holdout:  # the development split: the last 1,254 training sentences held out, dev unused
        X, y, Xd, yd, split = X[:-1254], y[:-1254], X[-1254:], y[-1254:], "train but its last 1,254 -> those"
    evaluation = "held-out" if args.holdout else "dev"
    print(f"\n## LSTMSequenceTagger on UD English-EWT, {split}, torch threads {torch.get_num_threads()}\n")
    vectors, w2v_time = word_vectors(args)
    chosen = TAGGER if args.tagger_params is None else dict({"random_state": 0}, **json.loads(args.tagger_params))
    seeds = [chosen["random_state"]] if args.seeds is None else [int(s) for s in args.seeds.split(",")]
    seen = set(w.lower() for words in X for w in words)
    unseen = np.array([w.lower() not in seen for words in Xd for w in words])
    gold = np.concatenate([np.asarray(tags, dtype=object) for tags in yd])
    probabilities = []
    for seed in seeds:
        params = dict(chosen, random_state=seed, device=args.device, pretrained_embeddings=vectors)
        shown = {k: v for k, v in params.items() if k != "pretrained_embeddings"}
        print(f"LSTMSequenceTagger({shown}, pretrained_embeddings={'word2vec' if vectors else None})")
        with PeakRSS() as mem:
            start = time.perf_counter()
            tagger = LSTMSequenceTagger(**params).fit(X, y)
            train = time.perf_counter() - start
        start = time.perf_counter()
        pred = tagger.predict(Xd)
        predict = time.perf_counter() - start
        acc = token_accuracy(pred, yd)
        right = np.concatenate([np.asarray(p, dtype=object) for p in pred]) == gold
        print(f"{evaluation} UPOS accuracy: {acc:.4f} (bar >= 0.95); on words unseen in training ({unseen.sum()} "
              f"tokens): {right[unseen].mean():.4f}")
        print(f"training: {train:.0f} s for {tagger.n_iter_} epochs ({train / tagger.n_iter_:.1f} s/epoch, "
              f"{n_tokens(X) * tagger.n_iter_ / train:,.0f} tokens/s); with the word vectors {train + w2v_time:.0f} s "
              f"(bar <= 900 s); peak memory {mem.peak:.0f} MiB")
        print(f"inference: {n_tokens(Xd) / predict:,.0f} tokens/s on {evaluation} ({predict:.2f} s)")
        print("example:", tagger.predict([["Robert", "weighs", "about", "200", "pounds"]]))
        if len(seeds) > 1:
            probabilities.append(np.concatenate(tagger.predict_proba(Xd)))
    if len(seeds) > 1:  # a deep ensemble of the independent fits: the mean of their probabilities
        right = tagger.classes_[np.mean(probabilities, axis=0).argmax(axis=1)].astype(object) == gold
        print(f"the {len(seeds)} fits' mean probabilities: {evaluation} UPOS accuracy {right.mean():.4f}; on words "
              f"unseen in training {right[unseen].mean():.4f}")


# -- speed against a plain loop -------------------------------------------------------------------
def plain_loop_epoch(X, y, tagger, seed):
    """The same network (SequenceNet), Adam, length-bucketed padded batches: written by hand."""
    torch.manual_seed(seed)
    vocab, chars, classes = tagger.vocabulary_, tagger.char_vocabulary_, {c: i for i, c in enumerate(tagger.classes_)}
    net = SequenceNet(len(classes), vocab_size=len(vocab), embedding_dim=TAGGER["embedding_dim"],
                      hidden_size=TAGGER["hidden_size"], num_layers=TAGGER["num_layers"], dropout=TAGGER["dropout"],
                      word_dropout=TAGGER["word_dropout"], char_features="cnn", n_chars=len(chars),
                      char_dim=TAGGER["char_dim"])
    opt = torch.optim.Adam(net.parameters(), lr=TAGGER["learning_rate_init"], fused=True)
    loss_fn = torch.nn.CrossEntropyLoss()
    # data preparation, as a user would write it: ids, chars of each distinct form, batches by length
    forms = {}
    words = [torch.tensor([vocab.get(w.lower(), 1) for w in s]) for s in X]
    form_ids = [torch.tensor([forms.setdefault(w, len(forms)) for w in s]) for s in X]
    char_table = torch.zeros(len(forms), 24, dtype=torch.int64)
    char_len = torch.zeros(len(forms), dtype=torch.int64)
    for f, i in forms.items():
        f = f if len(f) <= 24 else f[:12] + f[-12:]
        char_table[i, :len(f)] = torch.tensor([chars.get(c, 1) for c in f])
        char_len[i] = len(f)
    tags = [torch.tensor([classes[t] for t in s]) for s in y]
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(X), generator=g).tolist()
    batches = []
    for p in range(0, len(order), 32 * 50):
        pool = sorted(order[p:p + 32 * 50], key=lambda i: -len(X[i]))
        batches.extend(pool[i:i + 32] for i in range(0, len(pool), 32))
    net.train()
    start = time.perf_counter()
    for b in batches:
        lengths = torch.tensor([len(X[i]) for i in b])
        w = torch.nn.utils.rnn.pad_sequence([words[i] for i in b], batch_first=True)
        fids = torch.nn.utils.rnn.pad_sequence([form_ids[i] for i in b], batch_first=True)
        uniq, inv = torch.unique(fids, return_inverse=True)
        target = torch.cat([tags[i] for i in b])
        opt.zero_grad()
        out = net(lengths, words=w, chars=char_table[uniq, :int(char_len[uniq].max())],
                  char_lengths=char_len[uniq], char_index=inv)
        loss = loss_fn(out, target)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(net.parameters(), 5.0)
        opt.step()
    return time.perf_counter() - start


def sknn_epoch(X, y, seed):
    tagger = LSTMSequenceTagger(**dict(TAGGER, max_iter=1, random_state=seed, device="cpu"))
    start = time.perf_counter()
    tagger.fit(X, y)
    return time.perf_counter() - start, tagger


def part_speed(args):
    data = treebank(args)
    if data is None:
        return
    X, y, Xd, yd = data
    X, y = X[:args.speed_sentences], y[:args.speed_sentences]
    print(f"\n## Training speed, one epoch on {len(X)} sentences ({n_tokens(X)} tokens), char CNN + BiLSTM "
          f"{TAGGER['hidden_size']} x {TAGGER['num_layers']}, batch 32, Adam, clipnorm 5; torch threads {torch.get_num_threads()}\n")
    _, tagger = sknn_epoch(X[:500], y[:500], 0)  # warm-up, and the vocabulary for the plain loop
    _, tagger = sknn_epoch(X, y, 0)
    plain, ours = [], []
    for r in range(args.repeats):  # interleaved, so drifts of the machine hit both
        ours.append(sknn_epoch(X, y, r)[0])
        plain.append(plain_loop_epoch(X, y, tagger, r))
    p, o = statistics.median(plain), statistics.median(ours)
    print("| loop | seconds per epoch (median) | tokens/s | time vs plain |")
    print("|---|---|---|---|")
    print(f"| plain PyTorch loop | {p:.2f} | {n_tokens(X) / p:,.0f} | 1.00x |")
    print(f"| sknn LSTMSequenceTagger.fit (incl. encoding the data) | {o:.2f} | {n_tokens(X) / o:,.0f} | "
          f"{o / p:.2f}x (bar <= 1.15x) |")


# -- next-word prediction -------------------------------------------------------------------------
def bigram_perplexity(train, test, vocab, d=0.75):
    """Interpolated Kneser-Ney bigram model over the same vocabulary, <unk>, <s> and </s> as the LSTM."""
    def ids(s):
        return [2] + [vocab.get(w, 1) for w in s] + [3]

    pair, ctx = Counter(), Counter()
    for s in train:
        t = ids(s)
        pair.update(zip(t[:-1], t[1:]))
    followers = Counter(v for v, _ in pair)  # distinct words after v
    preceders = Counter(w for _, w in pair)  # distinct words before w
    for (v, _), c in pair.items():
        ctx[v] += c
    n_pairs = len(pair)
    logp, n = 0.0, 0
    for s in test:
        t = ids(s)
        for v, w in zip(t[:-1], t[1:]):
            cont = max(preceders[w], 0.5) / n_pairs  # floor: a word never seen after anything
            if ctx[v]:
                p = max(pair[(v, w)] - d, 0) / ctx[v] + d * followers[v] / ctx[v] * cont
            else:
                p = cont
            logp += math.log(p)
            n += 1
    return math.exp(-logp / n)


class DevPerplexity(Callback):
    """Prints the validation (dev) perplexity after each epoch."""

    def __init__(self, start):
        self.start = start

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        print(f"epoch {row['epoch']}: {time.perf_counter() - self.start:.0f} s, dev perplexity "
              f"{math.exp(row['valid_loss']):.1f}", flush=True)


def part_lm(args):
    data = treebank(args)
    if data is None:
        return
    X, _, Xd, _ = data
    split = "train -> dev"
    if args.lm_holdout:  # another split, never used to choose the defaults: the last 2,000 training sentences
        X, Xd, split = X[:-2000], X[-2000:], "the first 10,544 training sentences -> the last 2,000"
    if args.lm_sentences:  # a small text: the first N training sentences
        if not 1 <= args.lm_sentences <= len(X):
            raise SystemExit(f"--lm-sentences takes 1 to {len(X):,} (the training sentences); got {args.lm_sentences}")
        X = X[:args.lm_sentences]
        split = f"the first {len(X):,} of {split.replace(' -> ', ', scored on ')}"
    print(f"\n## Next-word prediction on UD English-EWT ({split}), torch threads {torch.get_num_threads()}\n")
    start = time.perf_counter()
    params = LM if args.lm_params is None else dict(LM, **json.loads(args.lm_params))
    if args.lm_curve:  # dev perplexity after each epoch: the scoring is inside the training seconds
        lm = LSTMLanguageModel(**dict(params, device=args.device, callbacks=[DevPerplexity(start)]))
        lm.fit(X, validation_data=(Xd, None))
    else:
        lm = LSTMLanguageModel(**dict(params, device=args.device)).fit(X)
    train = time.perf_counter() - start
    ppl = lm.perplexity(Xd)
    bigram = bigram_perplexity(X, Xd, lm.vocabulary_)
    print(f"LSTMLanguageModel({params}): {train:.0f} s for {lm.n_iter_} epochs, vocabulary {len(lm.vocabulary_)}, "
          f"adaptive softmax shortlist {lm.adaptive_cutoff_}")
    print("| model (same vocabulary, <unk> for the rest, end of sentence predicted) | held-out perplexity |")
    print("|---|---|")
    print(f"| interpolated Kneser-Ney bigram (d=0.75) | {bigram:.1f} |")
    print(f"| LSTMLanguageModel | {ppl:.1f} |")
    for prefix in (["Robert", "weighs", "about", "200"], ["I", "would", "like", "to"], ["The", "food", "was"]):
        print(f"{' '.join(prefix)} ___ -> {lm.predict_next([prefix], top_k=5)[0]}")


def part_packed(args):
    """Why RecurrentLayers reads padded batches: torch's packed LSTM against it, forward + backward."""
    from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

    from sknn.sequence import RecurrentLayers

    data = treebank(args)
    if data is None:
        return
    X = data[0]
    g = torch.Generator().manual_seed(0)
    idx = torch.randperm(len(X), generator=g)[:32 * 20].tolist()
    batches = [sorted((len(X[i]) for i in idx[b:b + 32]), reverse=True) for b in range(0, len(idx), 32)]
    torch.manual_seed(0)
    packed_lstm = torch.nn.LSTM(164, 128, batch_first=True, bidirectional=True)
    ours = RecurrentLayers("lstm", 164, 128, bidirectional=True)
    inputs = [(torch.randn(len(b), b[0], 164, requires_grad=True), torch.tensor(b)) for b in batches]

    def packed(x, lengths):
        out, _ = packed_lstm(pack_padded_sequence(x, lengths, batch_first=True))
        pad_packed_sequence(out, batch_first=True)[0].sum().backward()

    def padded(x, lengths):
        ours(x, lengths).sum().backward()

    runs = {"packed": [], "padded": []}
    for name, f in (("packed", packed), ("padded", padded)) * (args.repeats + 1):  # interleaved; first is warm-up
        start = time.perf_counter()
        for x, lengths in inputs:
            f(x, lengths)
        runs[name].append((time.perf_counter() - start) / len(inputs) * 1000)
    times = {name: statistics.median(r[1:]) for name, r in runs.items()}
    print(f"\n## Packed against padded, bidirectional LSTM 128 on 164 inputs, batches of 32 EWT sentences, "
          f"forward + backward, median of {args.repeats}, torch threads {torch.get_num_threads()}\n")
    print("| recurrent layer | ms per batch | time vs padded |")
    print("|---|---|---|")
    print(f"| torch.nn.LSTM on a PackedSequence | {times['packed']:.1f} | {times['packed'] / times['padded']:.2f}x |")
    print(f"| sknn RecurrentLayers on the padded batch | {times['padded']:.1f} | 1.00x |")


def part_gpu(args):
    if not torch.cuda.is_available():
        print("\n## GPU: skipped (no CUDA device on this machine)")
        return
    data = treebank(args)
    if data is None:
        return
    X, y, Xd, yd = data
    print(f"\n## GPU: {torch.cuda.get_device_name()}\n")
    for device in ("cuda", "cpu"):
        start = time.perf_counter()
        tagger = LSTMSequenceTagger(**dict(TAGGER, max_iter=3, device=device)).fit(X, y)
        train = time.perf_counter() - start
        start = time.perf_counter()
        acc = tagger.score(Xd, yd)
        predict = time.perf_counter() - start
        print(f"{device}: {n_tokens(X) * 3 / train:,.0f} training tokens/s, {n_tokens(Xd) / predict:,.0f} "
              f"inference tokens/s, dev accuracy after 3 epochs {acc:.4f}")


PARTS = {"baselines": part_baselines, "tagger": part_tagger, "speed": part_speed, "packed": part_packed, "lm": part_lm,
         "small": part_small, "gpu": part_gpu}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(PARTS), action="append")
    parser.add_argument("--data", default=os.environ.get("SKNN_DATA", os.path.join("..", "shared", "data")))
    parser.add_argument("--device", default="auto")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--speed-sentences", type=int, default=3000)
    parser.add_argument("--no-vectors", action="store_true", help="train the tagger without pretrained vectors")
    parser.add_argument("--tagger-params", metavar="JSON", help="tagger part: these parameters instead of the "
                        "tagger configuration ('{}': the defaults)")
    parser.add_argument("--vector-params", metavar="JSON", help="tagger part: these word2vec settings over the "
                        "VECTORS configuration")
    parser.add_argument("--seeds", help="tagger part: one fit per seed (comma-separated), then the accuracy of "
                        "their mean probabilities (a deep ensemble of independent fits)")
    parser.add_argument("--holdout", action="store_true", help="tagger part: train on the training sentences but "
                        "the last 1,254 (a tenth) and score those instead of dev (for tuning)")
    parser.add_argument("--lm-params", metavar="JSON", help="lm part: these parameters over the LM's defaults")
    parser.add_argument("--lm-curve", action="store_true", help="lm part: print the dev perplexity after each epoch")
    parser.add_argument("--lm-holdout", action="store_true", help="lm part: train on the training sentences but the "
                        "last 2,000 and score those instead of dev")
    parser.add_argument("--lm-sentences", type=int, metavar="N", help="lm part: train on the first N training "
                        "sentences only (a small text)")
    parser.add_argument("--small-sizes", default="200,1000,3000", metavar="N,N", help="small part: the numbers of "
                        "training sentences")
    parser.add_argument("--small-batches", default="32", metavar="B,B", help="small part: fixed sentences a step to "
                        "train beside the default's")
    args = parser.parse_args(argv)
    print(f"# bench_tagger {datetime.date.today()} | {platform.machine()} | {os.cpu_count()} cores | "
          f"python {sys.version.split()[0]} | torch {torch.__version__}")
    for name in args.only or list(PARTS):
        PARTS[name](args)


if __name__ == "__main__":
    main()
