"""Part-of-speech tagging and next-word prediction with sknn's recurrent networks.

    python examples/sequence_tagging.py            # UD English-EWT when $SKNN_DATA has it, else a toy grammar
    python examples/sequence_tagging.py --quick    # the toy grammar, 11 s on 2 quiet cores (2026-12-01)

The toy grammar has ambiguous words ('run' and 'book' are nouns or verbs depending on their
neighbours) and test sentences with words never seen in training: the tagger reads both
contexts and the characters of each word.
"""

import argparse
import os
import time
from collections import Counter, defaultdict

import numpy as np

from sknn import LSTMLanguageModel, LSTMSequenceTagger
from sknn.datasets import read_conllu

LEXICON = {
    "DET": ["the", "a", "this", "every"],
    "ADJ": ["quick", "lazy", "happy", "green", "old"],
    "NOUN": ["dog", "cat", "run", "book", "teacher", "river"],
    "VERB": ["run", "book", "sees", "likes", "reads"],
    "ADV": ["quickly", "slowly", "happily"],
    "PRON": ["they", "we", "you"],
}
NEW_WORDS = {"ADJ": ["purple", "sleepy"], "NOUN": ["gardener", "singer"], "ADV": ["gently", "loudly"]}


def toy_corpus(n, seed, lexicon):
    """Sentences 'DET (ADJ) NOUN VERB DET NOUN (ADV)' or 'PRON VERB DET NOUN'."""
    rng = np.random.RandomState(seed)
    X, y = [], []
    for _ in range(n):
        if rng.rand() < 0.3:
            tags = ["PRON", "VERB", "DET", "NOUN"]
        else:
            tags = ["DET"] + (["ADJ"] if rng.rand() < 0.5 else []) + ["NOUN", "VERB", "DET", "NOUN"]
            tags += ["ADV"] if rng.rand() < 0.4 else []
        X.append([str(rng.choice(lexicon[t])) for t in tags])
        y.append(tags)
    return X, y


def most_frequent_tag(X, y, X_test):
    counts = defaultdict(Counter)
    for words, tags in zip(X, y):
        for w, t in zip(words, tags):
            counts[w][t] += 1
    overall = Counter(t for tags in y for t in tags).most_common(1)[0][0]
    return [[counts[w].most_common(1)[0][0] if w in counts else overall for w in words] for words in X_test]


def accuracy(pred, gold):
    return np.mean([p == g for ps, gs in zip(pred, gold) for p, g in zip(ps, gs)])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    folder = os.path.join(os.environ.get("SKNN_DATA", os.path.join("..", "shared", "data")), "ud_english_ewt")
    if not args.quick and os.path.isfile(os.path.join(folder, "en_ewt-ud-train.conllu")):
        X, y = read_conllu(os.path.join(folder, "en_ewt-ud-train.conllu"))
        X_test, y_test = read_conllu(os.path.join(folder, "en_ewt-ud-dev.conllu"))
        params = dict(max_iter=10)  # the defaults (2 layers, characters), 10 epochs instead of 16
        print(f"UD English-EWT: {len(X)} training sentences, {len(X_test)} dev sentences")
    else:
        X, y = toy_corpus(400, 0, LEXICON)
        X_test, y_test = toy_corpus(200, 1, {t: NEW_WORDS.get(t, LEXICON[t]) for t in LEXICON})
        params = dict(char_features=True, hidden_size=32, embedding_dim=32, char_dim=32, max_iter=10)
        print(f"Toy grammar: {len(X)} training sentences; test sentences use words never seen in training "
              f"({sorted(w for ws in NEW_WORDS.values() for w in ws)})")

    start = time.perf_counter()
    tagger = LSTMSequenceTagger(random_state=0, **params).fit(X, y)
    print(f"LSTMSequenceTagger: {time.perf_counter() - start:.1f} s, {tagger.n_iter_} epochs")
    print(f"token accuracy: LSTMSequenceTagger {tagger.score(X_test, y_test):.3f}, "
          f"most frequent tag per word {accuracy(most_frequent_tag(X, y, X_test), y_test):.3f}")
    for sentence in (["the", "teacher", "book", "the", "run"], ["they", "run", "the", "river"]):
        print(" ".join(f"{w}/{t}" for w, t in zip(sentence, tagger.predict([sentence])[0])))

    lm = LSTMLanguageModel(hidden_size=64, embedding_dim=64, min_count=1, max_iter=10 if args.quick else 5,
                           random_state=0).fit(X)
    print(f"LSTMLanguageModel: perplexity on the test sentences {lm.perplexity(X_test):.1f}")
    for prefix in (["the", "lazy"], ["they", "run"]):
        print(f"{' '.join(prefix)} ___ -> {lm.predict_next([prefix], top_k=3)[0]}")


if __name__ == "__main__":
    main()
