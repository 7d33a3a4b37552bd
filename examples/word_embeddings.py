"""Word embeddings with Word2VecTransformer: similar words, document vectors for a classifier, word2vec files.

With the corpus of the benchmarks ($SKNN_DATA/text/english-2.7m.txt, about 2.7 million
words) the vectors are trained on real English; otherwise, and with --quick, on a small
generated text where animals, vehicles and foods appear in their own contexts.

    python examples/word_embeddings.py            # real text if found: about 2 minutes on 2 cores
    python examples/word_embeddings.py --quick    # generated text, 9 s on 2 quiet cores, start-up included (2026-12-01)
"""

import argparse
import os
import tempfile

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sknn import KeyedVectors, Word2VecTransformer

TOPICS = {
    "animal": (["cat", "dog", "horse", "cow", "sheep"], ["eats", "sleeps", "runs", "grazes", "barks"],
               ["farm", "barn", "field", "meadow"]),
    "vehicle": (["car", "truck", "bus", "van", "tractor"], ["drives", "parks", "stalls", "honks", "brakes"],
                ["road", "garage", "highway", "street"]),
    "food": (["bread", "cheese", "apple", "soup", "rice"], ["tastes", "smells", "cooks", "bakes", "melts"],
             ["kitchen", "oven", "plate", "table"]),
}


def generated_text(n, seed=0):
    """Sentences 'the <noun> <verb> in the <place>' and their topics."""
    rng = np.random.RandomState(seed)
    names = list(TOPICS)
    docs, labels = [], []
    for _ in range(n):
        topic = names[rng.randint(len(names))]
        nouns, verbs, places = TOPICS[topic]
        words = ["the", rng.choice(nouns), rng.choice(verbs), "in", "the", rng.choice(places)]
        if rng.rand() < 0.5:
            words += ["and", "the", rng.choice(nouns), rng.choice(verbs)]
        docs.append(" ".join(words))
        labels.append(topic)
    return docs, np.array(labels)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small generated text, to check the script runs")
    args = parser.parse_args(argv)

    data = os.environ.get("SKNN_DATA", os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    corpus = os.path.join(data, "text", "english-2.7m.txt")
    docs, labels = generated_text(300 if args.quick else 3000)
    if not args.quick and os.path.isfile(corpus):
        # A file path is streamed: read again every epoch, never held in memory.
        w2v = Word2VecTransformer(sg=1, tokenizer=lambda line: line.lower().split(), random_state=0).fit(corpus)
        queries = ["king", "money", "car", "monday"]
    else:
        w2v = Word2VecTransformer(vector_size=32, window=3, min_count=2, sg=1, sample=0, epochs=10,
                                  random_state=0).fit(docs)
        queries = ["cat", "truck", "cheese"]
    print(f"{len(w2v.wv_):,} words, {w2v.corpus_total_words_:,} tokens, {w2v.words_per_second_:,.0f} words/s")
    for word in queries:
        if word in w2v.wv_:
            similar = ", ".join(f"{w} ({s:.2f})" for w, s in w2v.wv_.most_similar(word, topn=4))
            print(f"  most similar to {word!r}: {similar}")

    # Document vectors feed a classifier: the mean of their words' vectors, weighted by tf-idf
    # so that 'the' and 'in', in every sentence, count less than the nouns and verbs.
    # Word vectors share a common direction: scaling the features helps the linear model.
    pipe = make_pipeline(Word2VecTransformer(vector_size=16, window=3, min_count=1, sample=0, epochs=10, agg="tfidf",
                                             random_state=0), StandardScaler(), LogisticRegression(max_iter=1000))
    scores = cross_val_score(pipe, docs, labels, cv=3)
    print(f"topic of generated sentences from their tf-idf weighted mean vector: accuracy {scores.mean():.3f} (3-fold)")

    # word2vec's file format, which gensim and the original C tool read too.
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "vectors.bin")
        w2v.wv_.save_word2vec_format(path, binary=True)
        back = KeyedVectors.load_word2vec_format(path, binary=True)
        print(f"saved and read back {len(back):,} vectors of {back.vector_size} values "
              f"({os.path.getsize(path) / 2**20:.1f} MiB)")
    return w2v


if __name__ == "__main__":
    main()
