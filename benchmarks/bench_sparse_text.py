"""Sparse text features: a sentence's genre (or its root's part of speech) from its TF-IDF vector, EWT train -> dev.

    python benchmarks/bench_sparse_text.py --data /path/to/data      # the folder holding ud_english_ewt/ ($SKNN_DATA)
    python benchmarks/bench_sparse_text.py --variant 'noemb={"numeric_embedding": null}' --models sknn,noemb

The treebank's sentences carry their source in their ids (answers, email, newsgroup, reviews, weblog): a five-class
text classification of real sentences (12,544 training, 2,001 development; ``--task root``: the part of speech of
each sentence's root word, a second task on the same rows), each a row of
``TfidfVectorizer(sublinear_tf=True, min_df=2)`` fitted on the training sentences: a scipy CSR matrix, the input
scikit-learn's text pipelines hand a classifier. The models, side by side in one process with one torch thread:
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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=os.environ.get("SKNN_DATA", os.path.join("..", "shared", "data")))
    parser.add_argument("--models", default="logreg,mlp,sknn", help="comma-separated: logreg, mlp, sknn, variants")
    parser.add_argument("--variant", action="append", default=[], help="NAME=JSON: DenseClassifier parameters")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--task", choices=("genre", "root"), default="genre",
                        help="the label: the sentence's genre, or the part of speech of its root word")
    args = parser.parse_args(argv)
    folder = os.path.join(args.data, "ud_english_ewt")
    train_file, dev_file = (os.path.join(folder, f"en_ewt-ud-{s}.conllu") for s in ("train", "dev"))
    if not (os.path.exists(train_file) and os.path.exists(dev_file)):
        print(f"(skipped: no UD English-EWT in {folder}; pass --data or set SKNN_DATA)")
        return
    import torch
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.neural_network import MLPClassifier

    from sknn import DenseClassifier

    torch.set_num_threads(args.threads)
    variants = dict(v.split("=", 1) for v in args.variant)
    train, dev = read_sentences(train_file, args.task), read_sentences(dev_file, args.task)
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2)
    X, X_dev = vectorizer.fit_transform(train[0]), vectorizer.transform(dev[0])
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
            model.fit(X, train[1])
            seconds = time.perf_counter() - start
        accuracy = (model.predict(X_dev) == dev[1]).mean()
        print(f"| {name} | {accuracy:.4f} | {seconds:.1f} | {getattr(model, 'n_iter_', '')} |", flush=True)


if __name__ == "__main__":
    main()
