"""Sparse text features: a sentence's genre (or its root's part of speech) from its TF-IDF vector, EWT train -> dev;
an unseen word's part of speech from its character n-grams.

    python benchmarks/bench_sparse_text.py --data /path/to/data      # the folder holding ud_english_ewt/ ($SKNN_DATA)
    python benchmarks/bench_sparse_text.py --variant 'noemb={"numeric_embedding": null}' --models sknn,noemb

The treebank's sentences carry their source in their ids (answers, email, newsgroup, reviews, weblog): a five-class
text classification of real sentences (12,544 training, 2,001 development; ``--task root``: the part of speech of
each sentence's root word, a second task on the same rows), each a row of
``TfidfVectorizer(sublinear_tf=True, min_df=2)`` fitted on the training sentences: a scipy CSR matrix, the input
scikit-learn's text pipelines hand a classifier. ``--task word``: other rows and columns, each word form of the
training sentences (19,674) labelled with its most frequent part of speech there, a row of the TF-IDF of its
character 1- to 4-grams (``analyzer='char_wb'``, ``min_df=10``: 6,150 columns); scored on the development
sentences' forms the training sentences lack (1,662: the unknown words a tagger must guess from their spelling).
The models, side by side in one process with one torch thread:
``LogisticRegression()``, scikit-learn's ``MLPClassifier`` (early stopping), ``DenseClassifier(random_state=0)`` and
its variants (``--variant NAME=JSON``, parameters over the defaults). Printed: development accuracy, fit seconds,
epochs. The development sentences are the only ones scored; the treebank's test split is not read.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import time
import warnings


def read_sentences(path, task="genre"):
    """(sentences, labels) of a CoNLL-U file: each sentence's genre (its id's first part), or the part of speech of
    its root word (``task='root'``)."""
    texts, labels, genre, root = [], [], None, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("# sent_id = "):
                genre = line[len("# sent_id = "):].split("-", 1)[0].strip()
            elif line.startswith("# text = "):
                texts.append(line[len("# text = "):].strip())
            elif line.count("\t") == 9 and line.split("\t")[6] == "0":
                root = line.split("\t")[3]
            elif not line.strip() and len(texts) > len(labels):  # the sentence's end
                labels.append(genre if task == "genre" else root)
    if len(labels) < len(texts):
        labels.append(genre if task == "genre" else root)
    return texts, labels


def read_words(path):
    """{form: its most frequent part of speech} of a CoNLL-U file (ties: the first seen)."""
    counts = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            fields = line.split("\t")
            if len(fields) == 10 and fields[0].isdigit():
                tags = counts.setdefault(fields[1], {})
                tags[fields[3]] = tags.get(fields[3], 0) + 1
    return {form: max(tags, key=tags.get) for form, tags in counts.items()}


def features(train_file, dev_file, task):
    """(X, y, X_dev, y_dev) of the task: TF-IDF rows of sentences, or of words' character n-grams."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if task == "word":
        train, dev = read_words(train_file), read_words(dev_file)
        unseen = {form: tag for form, tag in dev.items() if form not in train}
        vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), min_df=10, sublinear_tf=True,
                                     lowercase=False)
        X = vectorizer.fit_transform(list(train))
        return X, list(train.values()), vectorizer.transform(list(unseen)), list(unseen.values())
    train, dev = read_sentences(train_file, task), read_sentences(dev_file, task)
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2)
    return vectorizer.fit_transform(train[0]), train[1], vectorizer.transform(dev[0]), dev[1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("SKNN_DATA", os.path.join("..", "shared", "data")))
    parser.add_argument("--models", default="logreg,mlp,sknn", help="comma-separated: logreg, mlp, sknn, variants")
    parser.add_argument("--variant", action="append", default=[], help="NAME=JSON: DenseClassifier parameters")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--task", choices=("genre", "root", "word"), default="genre",
                        help="the label: the sentence's genre, the part of speech of its root word, or an unseen "
                             "word's part of speech from its character n-grams")
    args = parser.parse_args(argv)
    folder = os.path.join(args.data, "ud_english_ewt")
    train_file, dev_file = (os.path.join(folder, f"en_ewt-ud-{s}.conllu") for s in ("train", "dev"))
    if not (os.path.exists(train_file) and os.path.exists(dev_file)):
        print(f"(skipped: no UD English-EWT in {folder}; pass --data or set SKNN_DATA)")
        return
    import numpy as np
    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    from sknn import DenseClassifier

    torch.set_num_threads(args.threads)
    variants = dict(v.split("=", 1) for v in args.variant)
    X, y, X_dev, y_dev = features(train_file, dev_file, args.task)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"# bench_sparse_text {datetime.datetime.now():%Y-%m-%d %H:%M} | {platform.machine()} | {os.cpu_count()} "
          f"cores | load {load:.2f} | {args.threads} torch thread(s) | task {args.task} | X {X.shape[0]} x {X.shape[1]}, "
          f"{X.nnz / X.shape[0]:.1f} stored values a row | python {sys.version.split()[0]}")
    print("| model | development accuracy | fit s | epochs |")
    print("|---|---|---|---|")
    for name in args.models.split(","):
        if name == "logreg":
            model = LogisticRegression(max_iter=1000)
        elif name == "mlp":
            model = MLPClassifier(early_stopping=True, random_state=0)
        else:
            params = json.loads(variants[name]) if name in variants else {}
            model = DenseClassifier(**{"random_state": 0, **params})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            model.fit(X, y)
            seconds = time.perf_counter() - start
        accuracy = (model.predict(X_dev) == np.asarray(y_dev)).mean()
        print(f"| {name} | {accuracy:.4f} | {seconds:.1f} | {getattr(model, 'n_iter_', '')} |", flush=True)


if __name__ == "__main__":
    main()
