"""Word2VecTransformer, its corpus batch source and module, and KeyedVectors."""

import pickle

import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

import sknn
from sknn import KeyedVectors, Word2VecTransformer, _w2v_core
from sknn._w2v_core import PAIR_STEP_BATCH, CorpusBatches, SkipGramNegative, Vocabulary, _WindowLoss, _WindowSum
from sknn._w2v_steps import noise_sampler

FAST = dict(vector_size=16, window=3, min_count=1, epochs=10, sample=0, random_state=0)


@pytest.fixture(autouse=True)
def one_thread():
    """Tiny batches: on a shared 2-core machine, syncing two threads per operation costs more than it saves."""
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


def _topic_corpus(n=200, seed=0):
    """Animals and vehicles appear in different contexts; words of a group are interchangeable."""
    rng = np.random.RandomState(seed)
    animals, vehicles = ["cat", "dog", "horse"], ["car", "truck", "bus"]
    docs, labels = [], []
    for i in range(n):
        if i % 2 == 0:
            w = animals[rng.randint(3)]
            docs.append(f"the {w} eats grass and sleeps in the barn {w} runs wild".split())
        else:
            w = vehicles[rng.randint(3)]
            docs.append(f"a {w} drives on roads with fuel and wheels {w} parks downtown".split())
        labels.append(i % 2)
    return docs, np.array(labels)


@pytest.fixture(scope="module")
def topics():
    return _topic_corpus()


@pytest.fixture(scope="module")
def fitted(topics):
    return Word2VecTransformer(sg=1, **FAST).fit(topics[0])


@pytest.mark.parametrize("B, W", [(7, 2), (20, 3), (33, 8)])
def test_window_loss_backward_matches_autograd(B, W):
    torch.manual_seed(0)
    T, d = 3, 3
    u = torch.randn(B + 2 * W, d, dtype=torch.float64, requires_grad=True)
    v = torch.randn(B, T, d, dtype=torch.float64, requires_grad=True)
    weight = (torch.rand(B, T, 2 * W + 1) < 0.7).double()
    sign = torch.tensor([1.0, -1, -1], dtype=torch.float64)
    assert torch.autograd.gradcheck(lambda a, b: _WindowLoss.apply(a, b, weight, sign), (u, v))
    # and the loss is the sum over the window's pairs of -log s(+-u.v)
    windows = torch.stack([u[i:i + 2 * W + 1] for i in range(B)])  # (B, 2W+1, d)
    scores = torch.einsum("bwd,btd->btw", windows, v)
    expected = (-torch.nn.functional.logsigmoid(sign[:, None] * scores) * weight).sum(dim=(1, 2))
    torch.testing.assert_close(_WindowLoss.apply(u, v, weight, sign), expected)


@pytest.mark.parametrize("compiled", [True, False])
def test_batches_respect_sentences_reduced_windows_and_subsampling(compiled, monkeypatch):
    """The batches of the compiled step (centres; it draws the negatives) and of the torch step (targets)."""
    if not compiled:
        monkeypatch.setattr(_w2v_core, "compiled_step", lambda sg: None)
    sentences = [["a", "b", "c", "d", "e"], ["f", "g"], ["a", "b", "c"]] * 50
    vocab, _ = Vocabulary.build(sentences, min_count=1)
    source = CorpusBatches(lambda: iter(sentences), vocab, window=3, negative=4, sample=0, ns_exponent=0.75, epochs=1)
    seen_reaches = set()
    n_centres = 0
    for X, y, w in source.batches(64, generator=torch.Generator().manual_seed(0)):
        assert y is None and w is None
        tokens, mask = X["tokens"], X["context_mask"]
        centres = X["centres"] if compiled else X["targets"][:, 0]  # target 0 is the centre itself
        B = len(centres)
        n_centres += B
        assert tokens.shape == (B + 6,) and mask.shape == (B, 7)
        assert not mask[:, 3].any()  # the centre is not its own context
        # the window is symmetric, contiguous and at most 3 wide
        reach = mask[:, 4:].sum(1)
        seen_reaches.update(reach.tolist())
        windows = tokens.unfold(0, 7, 1)
        assert torch.equal(windows[:, 3], centres)
        # a context never crosses a sentence: 'f' and 'g' (a 2-word sentence) only see each other
        f, g = vocab.index["f"], vocab.index["g"]
        for row in torch.nonzero(centres == f).flatten().tolist():
            assert set(windows[row][mask[row]].tolist()) <= {g}
        if compiled:
            assert X["noise"].negative == 4 and "targets" not in X
        else:
            targets = X["targets"]
            assert targets.shape == (B, 5) and "noise" not in X
            assert torch.equal(X["target_mask"][:, 1:], targets[:, 1:] != targets[:, :1])
    assert n_centres == vocab.n_tokens  # sample=0 keeps every word
    assert {1, 2, 3} <= seen_reaches <= {0, 1, 2, 3}  # reduced windows drawn in 1..window (0: sentence end)

    skewed = [["the"] * 50] * 40 + [["rare"]]
    vocab, _ = Vocabulary.build(skewed, min_count=1)
    keep = vocab.keep_probabilities(1e-3)
    threshold = 1e-3 * vocab.counts.sum()
    assert keep[vocab.index["the"]] == pytest.approx((np.sqrt(2000 / threshold) + 1) * threshold / 2000, rel=1e-6)
    assert keep[vocab.index["rare"]] == 1.0
    gensim = pytest.importorskip("gensim")  # sample >= 1: a count, through gensim's golden-ratio threshold
    for sample in (1.0, 2.0, 30.0):
        model = gensim.models.Word2Vec(vector_size=4, min_count=1, sample=sample, workers=1)
        model.build_vocab(skewed)
        want = [model.wv.get_vecattr(w, "sample_int") / 2**32 for w in ("the", "rare")]
        np.testing.assert_allclose(vocab.keep_probabilities(sample)[[vocab.index["the"], vocab.index["rare"]]],
                                   np.minimum(want, 1.0), rtol=1e-6)
    source = CorpusBatches(lambda: iter(skewed), vocab, window=2, negative=2, sample=1e-3, ns_exponent=0.75, epochs=1)
    kept = sum(len(X["context_mask"]) for X, _, _ in source.batches(10_000, generator=torch.Generator().manual_seed(0)))
    assert kept == pytest.approx(1 + 2000 * keep[vocab.index["the"]], rel=0.15)


def test_each_batch_steps_at_the_rate_of_the_words_read_before_it():
    # as gensim's jobs: the first batch at alpha. The rate of the words read after it made a corpus of a few
    # batches per epoch (a small one, or one subsampled hard) train at 0.8, 0.6, ... 0 alpha: vectors 20% shorter
    sentences = [["a", "b", "c", "d"]] * 100
    vocab, _ = Vocabulary.build(sentences, min_count=1)
    source = CorpusBatches(lambda: iter(sentences), vocab, window=2, negative=2, sample=0, ns_exponent=0.75, epochs=2,
                           alpha=0.025, min_alpha=0.0)
    rates = [float(X["step_scale"]) / len(X["context_mask"]) for epoch in range(2) for X, _, _ in source.batches(200)]
    np.testing.assert_allclose(rates, [0.025, 0.025 * 0.75, 0.025 * 0.5, 0.025 * 0.25], rtol=1e-5)


def test_the_rate_falls_with_the_sentences_read_as_gensim_s_given_their_count():
    """gensim's Word2Vec(sentences) tells train the corpus's count of sentences, and its rate falls with the sentences
    read; sknn's fell with the words, another schedule on a corpus of long lines then short ones (its skip-gram
    scored below gensim's: benchmarks/RESULTS.md, 2026-12-06)."""
    sentences = [["a", "b", "c", "d", "e", "f", "g", "h"]] * 6250 + [["a", "b"]] * 6250  # 50,000 words, then 12,500
    vocab, _ = Vocabulary.build(sentences, min_count=1)
    source = CorpusBatches(lambda: iter(sentences), vocab, window=2, negative=2, sample=0, ns_exponent=0.75, epochs=1,
                           alpha=0.025, min_alpha=0.0)
    rates = [float(X["step_scale"]) / len(X["context_mask"]) for X, _, _ in source.batches(100_000)]
    np.testing.assert_allclose(rates, [0.025, 0.025 * 0.5], rtol=1e-5)  # the second chunk starts half way, not at 0.2


def test_negatives_follow_the_unigram_distribution_to_the_power(monkeypatch):
    """The torch step's negatives, drawn by the batch source (the compiled step's: the alias table below)."""
    monkeypatch.setattr(_w2v_core, "compiled_step", lambda sg: None)
    sentences = [["a"] * 16 + ["b"] * 4 + ["c"]] * 200
    vocab, _ = Vocabulary.build(sentences, min_count=1)
    source = CorpusBatches(lambda: iter(sentences), vocab, window=1, negative=5, sample=0, ns_exponent=0.75, epochs=1)
    negs = torch.cat([X["targets"][:, 1:].flatten() for X, _, _ in source.batches(1000)])
    freq = torch.bincount(negs, minlength=3).double() / len(negs)
    expected = torch.tensor([16.0, 4.0, 1.0]) ** 0.75
    torch.testing.assert_close(freq, (expected / expected.sum()).double(), atol=0.01, rtol=0)


@pytest.mark.parametrize("B, W", [(5, 1), (17, 4)])
def test_window_sum_is_the_masked_sum_of_each_window(B, W):
    torch.manual_seed(0)
    u = torch.randn(B + 2 * W, 3, dtype=torch.float64, requires_grad=True)
    mask = (torch.rand(B, 2 * W + 1) < 0.6).double()
    assert torch.autograd.gradcheck(lambda a: _WindowSum.apply(a, mask), (u,))
    expected = torch.stack([(u[i:i + 2 * W + 1] * mask[i, :, None]).sum(dim=0) for i in range(B)])
    torch.testing.assert_close(_WindowSum.apply(u, mask), expected)


@pytest.mark.parametrize("sg", [1, 0])
def test_threads_training_at_once_learn_the_same_neighbours(topics, sg):
    """workers=2: two threads step on their own batches into the shared vectors (Hogwild!)."""
    w2v = Word2VecTransformer(sg=sg, **{**FAST, "workers": 2, "batch_size": 16}).fit(topics[0])
    assert w2v.net_.workers == 2 and w2v.n_iter_ == FAST["epochs"]
    for word, group in (("cat", {"dog", "horse"}), ("truck", {"car", "bus"})):
        assert {w for w, _ in w2v.wv_.most_similar(word, topn=2)} == group, (sg, word)
    assert w2v.loss_curve_[-1] < w2v.loss_curve_[0]


def test_workers_default_to_one_for_a_seeded_fit_and_split_the_auto_batch(topics, monkeypatch):
    docs = topics[0][:40]
    seeded = Word2VecTransformer(**{**FAST, "epochs": 1}).fit(docs)
    unseeded = Word2VecTransformer(**{**FAST, "epochs": 1, "random_state": None}).fit(docs)
    assert seeded.net_.workers == 1 and unseeded.net_.workers == torch.get_num_threads()
    many = Word2VecTransformer(**{**FAST, "epochs": 1, "workers": 3}).fit(docs)
    # pairs stepping one at a time: a thread's batch only sets the overhead, whatever the threads
    assert many.net_.batch_size == seeded.net_.batch_size == PAIR_STEP_BATCH
    monkeypatch.setattr(_w2v_core, "compiled_step", lambda sg: None)  # the batched torch step (as on a GPU)
    seeded = Word2VecTransformer(**{**FAST, "epochs": 1}).fit(docs)
    many = Word2VecTransformer(**{**FAST, "epochs": 1, "workers": 3}).fit(docs)
    assert many.net_.batch_size == seeded.net_.batch_size // 3  # threads at once sum like one larger batch
    with pytest.raises(ValueError, match="workers"):
        Word2VecTransformer(workers=0).fit(docs)


def _one_window(sg, n_words=6, d=4, seed=0, negative=0):
    """A module with random tables and a batch of one centre (word 1) whose window holds words 0 and 2."""
    torch.manual_seed(seed)
    module = SkipGramNegative(n_words, d, sg=sg)
    with torch.no_grad():
        module.output.weight[:-1].normal_(0, 0.5)
        module.input.weight[:-1].normal_(0, 0.5)
    batch = {"tokens": torch.tensor([0, 1, 2]), "context_mask": torch.tensor([[True, False, True]]),
             "centres": torch.tensor([1]), "step_scale": torch.tensor(0.1),
             "noise": noise_sampler(np.ones(n_words), negative), "noise_seed": torch.tensor(12345)}
    return module, batch


@pytest.mark.parametrize("sg", [1, 0])
def test_the_compiled_step_is_word2vecs_sgd_one_pair_after_the_other(sg):
    """Skip-gram: neighbour 0 predicts the centre, its step lands, then neighbour 2 predicts it from the
    moved output vector. CBOW: the window's mean predicts it, each neighbour gets the whole error."""
    module, batch = _one_window(sg)
    u = module.input.weight.detach().double().clone()
    v = module.output.weight.detach().double().clone()
    rate, loss = 0.1, 0.0
    if sg:
        for neighbour in (0, 2):
            p = torch.sigmoid(u[neighbour] @ v[1])
            loss -= torch.log(p)
            u_old = u[neighbour].clone()
            u[neighbour] += rate * (1 - p) * v[1]
            v[1] += rate * (1 - p) * u_old
    else:
        hidden = (u[0] + u[2]) / 2
        p = torch.sigmoid(hidden @ v[1])
        loss = -torch.log(p)
        error = rate * (1 - p) * v[1]
        v[1] += rate * (1 - p) * hidden
        u[0] += error
        u[2] += error
    losses = module.step_in_place(**batch)
    torch.testing.assert_close(losses.double(), loss.reshape(1), rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(module.input.weight.detach().double(), u, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(module.output.weight.detach().double(), v, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("sg", [1, 0])
@pytest.mark.parametrize("score", [8.0, -8.0, 5.5])
def test_a_cbow_pair_scored_beyond_6_takes_no_step_as_in_gensim(sg, score):
    """gensim's loops leave out a pair whose score is beyond +-6 (the end of word2vec.c's table of the logistic):
    its loss counts, its step is not taken; within, the step is taken. sknn does so for CBOW only (skip-gram's
    analogies were worse for it), whose pairs all step."""
    module, batch = _one_window(sg)
    with torch.no_grad():
        u = module.input.weight
        hidden = u[0] if sg else (u[0] + u[2]) / 2  # (skip-gram's first pair: neighbour 0 predicts the centre)
        if sg:
            u[2] = u[0]  # the second pair scores the same
        module.output.weight[1] = score * hidden / (hidden @ hidden)
    before = [w.detach().clone() for w in (module.input.weight, module.output.weight)]
    losses = module.step_in_place(**batch)
    pairs = 2 if sg else 1  # (within +-6 skip-gram's second pair scores the first's step too)
    expected = pairs * float(torch.nn.functional.softplus(torch.tensor(-score)))
    assert losses.item() == pytest.approx(expected, rel=1e-4 if abs(score) > 6 and not sg else 0.05)
    moved = [not torch.equal(w.detach(), b) for w, b in zip((module.input.weight, module.output.weight), before)]
    assert moved == ([True, True] if abs(score) < 6 or sg else [False, False])


def test_the_compiled_skip_gram_draws_negatives_of_its_own_for_each_pair():
    """With negatives, each of the two pairs of the window meets noise words drawn for it (CBOW's one
    prediction draws one set); the same seed draws the same words (a seeded fit is reproducible)."""
    def moved_rows(sg, seed):
        module, batch = _one_window(sg, n_words=50, negative=5)
        batch["noise_seed"] = torch.tensor(seed)
        before = module.output.weight.detach().clone()
        module.step_in_place(**batch)
        return (module.output.weight.detach() != before).any(dim=1).nonzero().ravel().tolist()
    skip_gram, cbow = moved_rows(1, 1), moved_rows(0, 1)
    assert 1 in skip_gram and 1 in cbow  # the centre
    assert 6 < len(skip_gram) <= 11 and 2 < len(cbow) <= 6  # up to 5 noise words per prediction
    assert moved_rows(1, 1) == skip_gram and moved_rows(1, 2) != skip_gram


def test_the_alias_table_draws_the_noise_distribution_exactly():
    rng = np.random.RandomState(0)
    for probabilities in (rng.rand(1000) ** 4, np.array([5.0, 1.0, 1.0]), np.ones(7), np.array([1e-9, 1.0])):
        accept, alias, negative = noise_sampler(probabilities, 5)
        drawn = accept.copy()  # a column keeps its word with probability accept, gives its alias otherwise
        np.add.at(drawn, alias, 1 - accept)
        np.testing.assert_allclose(drawn / len(accept), probabilities / probabilities.sum(), atol=1e-12)


@pytest.mark.parametrize("sg", [1, 0])
def test_the_batched_torch_step_trains_where_the_compiled_one_cannot(topics, monkeypatch, sg):
    """Without numba (and on a GPU) the module's loss is summed over the batch and SGD steps."""
    monkeypatch.setattr(_w2v_core, "compiled_step", lambda sg: None)
    calls = []
    forward = SkipGramNegative.forward
    monkeypatch.setattr(SkipGramNegative, "forward", lambda self, *a, **k: calls.append(1) or forward(self, *a, **k))
    w2v = Word2VecTransformer(sg=sg, **{**FAST, "batch_size": 16}).fit(topics[0])
    assert calls
    for word, group in (("cat", {"dog", "horse"}), ("truck", {"car", "bus"})):
        assert {w for w, _ in w2v.wv_.most_similar(word, topn=2)} == group, (sg, word)


@pytest.mark.parametrize("sg", [1, 0])
def test_words_sharing_contexts_are_most_similar(topics, sg, fitted):
    w2v = fitted if sg else Word2VecTransformer(sg=0, **FAST).fit(topics[0])
    for word, group in (("cat", {"dog", "horse"}), ("truck", {"car", "bus"})):
        neighbours = [w for w, _ in w2v.wv_.most_similar(word, topn=2)]
        assert set(neighbours) == group, (sg, word, neighbours)
    assert w2v.wv_.similarity("cat", "dog") > w2v.wv_.similarity("cat", "truck")
    assert w2v.wv_.doesnt_match(["cat", "dog", "bus"]) == "bus"
    assert w2v.loss_curve_[-1] < w2v.loss_curve_[0]
    assert w2v.n_iter_ == FAST["epochs"] and w2v.words_per_second_ > 0


def test_random_state_makes_fits_identical(topics):
    docs = topics[0][:60]
    a = Word2VecTransformer(sg=1, **{**FAST, "epochs": 2}).fit(docs)
    b = Word2VecTransformer(sg=1, **{**FAST, "epochs": 2}).fit(docs)
    c = Word2VecTransformer(sg=1, **{**FAST, "epochs": 2, "random_state": 1}).fit(docs)
    np.testing.assert_array_equal(a.wv_.vectors, b.wv_.vectors)
    assert not np.allclose(a.wv_.vectors, c.wv_.vectors)


def test_a_file_path_is_streamed_like_the_list_of_its_lines(tmp_path, topics):
    docs = topics[0][:80]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(d) for d in docs) + "\n")
    params = {**FAST, "epochs": 3}
    from_file = Word2VecTransformer(**params).fit(str(path))
    from_list = Word2VecTransformer(**params).fit(docs)
    from_strings = Word2VecTransformer(**params).fit([" ".join(d) for d in docs])
    assert from_file.corpus_count_ == 80 and from_file.corpus_total_words_ == sum(map(len, docs))
    np.testing.assert_array_equal(from_file.wv_.vectors, from_list.wv_.vectors)
    np.testing.assert_array_equal(from_strings.wv_.vectors, from_list.wv_.vectors)
    # a custom re-iterable (as gensim's LineSentence) and a tokenizer
    class Lines:
        def __iter__(self):
            with open(path) as f:
                yield from (line.upper() for line in f)

    upper = Word2VecTransformer(tokenizer=lambda s: s.lower().split(), **params).fit(Lines())
    np.testing.assert_array_equal(upper.wv_.vectors, from_list.wv_.vectors)


def test_transform_aggregates_known_words(fitted):
    wv = fitted.wv_
    docs = [["cat", "dog", "cat", "zebra"], ["unknown", "words"], "bus car"]
    np.testing.assert_allclose(fitted.transform(docs)[0], (2 * wv["cat"] + wv["dog"]) / 3, rtol=1e-5)
    np.testing.assert_array_equal(fitted.transform(docs)[1], np.zeros(16))
    np.testing.assert_allclose(fitted.transform(docs)[2], (wv["bus"] + wv["car"]) / 2, rtol=1e-5)
    # transform reads its documents once, so a generator will do (fit, which reads them every epoch, refuses one)
    np.testing.assert_array_equal(fitted.transform(d for d in docs), fitted.transform(docs))
    summed = fitted.set_params(agg="sum").transform(docs)
    np.testing.assert_allclose(summed[0], 2 * wv["cat"] + wv["dog"], rtol=1e-5)
    biggest = fitted.set_params(agg="max").transform(docs)
    np.testing.assert_allclose(biggest[0], np.maximum(wv["cat"], wv["dog"]))
    tfidf = fitted.set_params(agg="tfidf").transform(docs)
    i_cat, i_dog = wv.key_to_index["cat"], wv.key_to_index["dog"]
    w_cat, w_dog = 2 * fitted.idf_[i_cat], fitted.idf_[i_dog]
    np.testing.assert_allclose(tfidf[0], (w_cat * wv["cat"] + w_dog * wv["dog"]) / (w_cat + w_dog), rtol=1e-5)
    fitted.set_params(agg="mean")
    names = fitted.get_feature_names_out()
    assert len(names) == 16 and names[0] == "word2vectransformer0"
    frame = fitted.set_output(transform="pandas").transform(docs)
    assert list(frame.columns) == list(names) and frame.shape == (3, 16)
    texts = pd.DataFrame({"text": ["cat dog cat zebra", "unknown words"]}, index=[10, 11])
    from_frame = fitted.transform(texts)
    assert list(from_frame.index) == [10, 11]
    np.testing.assert_allclose(from_frame.to_numpy(), frame.to_numpy()[:2], rtol=1e-6)
    np.testing.assert_allclose(fitted.set_output(transform="default").transform(texts.to_numpy()), frame.to_numpy()[:2],
                               rtol=1e-6)
    fitted.set_output(transform="default")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # one document without a known word among others: its row of zeros, quietly
        fitted.transform(docs)
    with pytest.warns(UserWarning, match=r"None of the 2 document\(s\) of X holds a word of the vocabulary \(empty "
                                         r"documents, or text other than fit's\): every row is zeros"):
        assert not fitted.transform(["completely different text", "niente"]).any()


def test_pipeline_and_grid_search(topics):
    docs, labels = [" ".join(d) for d in topics[0][:120]], topics[1][:120]
    pipe = make_pipeline(Word2VecTransformer(**{**FAST, "epochs": 5}), LogisticRegression())
    assert pipe.fit(docs, labels).score(docs, labels) > 0.95
    grid = GridSearchCV(pipe, {"word2vectransformer__vector_size": [4, 8], "word2vectransformer__window": [2, 3]},
                        cv=2).fit(docs, labels)
    assert len(grid.cv_results_["params"]) == 4 and grid.best_score_ > 0.9


def test_pickle_round_trip(fitted, topics):
    clone = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(clone.transform(topics[0][:5]), fitted.transform(topics[0][:5]))
    assert clone.wv_.most_similar("cat", topn=2) == fitted.wv_.most_similar("cat", topn=2)


def test_bad_input_gets_clear_errors(tmp_path):
    with pytest.raises(ValueError, match="holds no words"):
        Word2VecTransformer().fit([[], []])
    with pytest.raises(ValueError, match="holds no words"):
        Word2VecTransformer().fit([])
    (tmp_path / "blank.txt").write_text("\n\n")
    with pytest.raises(ValueError, match=r"The corpus '.*blank\.txt' holds no words \(2 documents, all empty\)"):
        Word2VecTransformer().fit(tmp_path / "blank.txt")  # (the file named)
    with pytest.raises(ValueError, match="min_count=5"):
        Word2VecTransformer().fit([["a", "b"], ["c"]])
    with pytest.raises(TypeError, match="iterable of documents"):
        Word2VecTransformer().fit(42)
    with pytest.raises(TypeError, match="generator"):
        Word2VecTransformer(min_count=1).fit(d for d in [["a", "b"]])
    with pytest.raises(ValueError, match="not a file"):
        Word2VecTransformer().fit(str(tmp_path / "missing.txt"))
    with pytest.raises(ValueError, match="vector_size"):
        Word2VecTransformer(vector_size=0).fit([["a"]])
    with pytest.raises(TypeError, match="2-D array of shape \\(3, 4\\) and dtype float64; .* lists\\.$"):
        Word2VecTransformer().fit(np.zeros((3, 4)))
    with pytest.raises(TypeError, match=r"2-D array of shape \(2, 2\) .* \(if each row holds one document's tokens: "
                                        r"X\.tolist\(\)\)\.$"):
        Word2VecTransformer().fit(np.array([["a", "b"], ["a", "c"]]))
    kv = KeyedVectors(np.eye(3), ["a", "b", "c"])
    with pytest.raises(KeyError, match="'zebra' not present"):
        kv.most_similar(positive=["a", "zebra"])
    with pytest.raises(KeyError, match="'zebra'"):
        kv["zebra"]


def test_keyed_vectors_queries():
    kv = KeyedVectors(np.array([[1.0, 0, 0], [0.8, 0.2, 0], [0, 1, 0], [0, 0.9, 0.1], [0.1, 0.1, 1]]),
                      ["king", "queen", "man", "woman", "apple"])
    assert "king" in kv and "prince" not in kv and len(kv) == 5
    top = kv.most_similar("king", topn=2)
    assert [w for w, _ in top] == ["queen", "apple"] and top[0][1] == pytest.approx(0.8 / np.hypot(0.8, 0.2))
    assert kv.most_similar(positive=["queen", "man"], negative=["woman"], topn=1)[0][0] == "king"
    assert kv.most_similar("king", topn=None).shape == (5,)
    assert kv[["king", "man"]].shape == (2, 3)
    # a list of numbers is one vector, as an array is (was 'positive[0] is an array of shape ()')
    assert kv.most_similar([1.0, 0.1, 0.0], topn=2) == kv.most_similar(np.array([1.0, 0.1, 0.0]), topn=2)


@pytest.mark.parametrize("sg", [0, 1])
def test_a_list_read_as_numbers_trains_as_its_file_streamed(tmp_path, topics, monkeypatch, sg):
    """A corpus in memory is numbered in the vocabulary's pass and cut into its chunks at once (its first epoch looks
    up no word): the chunks, known words and sentences of a file read line by line, so the same vectors, with chunks
    of a few sentences, words under min_count between the known ones and empty documents."""
    monkeypatch.setattr(_w2v_core, "_CHUNK_TOKENS", 37)
    docs = [doc[:i % 7 + 2] + [f"rare{i}"] + doc[9:9 + i % 4] for i, doc in enumerate(topics[0][:60])]
    docs[5:5], docs[-1:-1] = [[], []], [[]]
    path = tmp_path / "corpus.txt"
    path.write_text("\n".join(" ".join(d) for d in docs) + "\n")
    params = {**FAST, "epochs": 2, "min_count": 2, "sample": 1e-2, "sg": sg}
    from_list = Word2VecTransformer(**params).fit(docs)
    assert "rare3" not in from_list.wv_ and from_list.corpus_count_ == len(docs)
    np.testing.assert_array_equal(Word2VecTransformer(**params).fit(str(path)).wv_.vectors, from_list.wv_.vectors)


def test_word2vec_files_round_trip(tmp_path):
    rng = np.random.RandomState(0)
    kv = KeyedVectors(rng.randn(20, 7).astype(np.float32), [f"w{i}é" for i in range(20)])
    for binary in (False, True):
        path = tmp_path / f"v{int(binary)}.txt"
        kv.save_word2vec_format(path, binary=binary)
        back = KeyedVectors.load_word2vec_format(path, binary=binary)
        assert back.index_to_key == kv.index_to_key
        np.testing.assert_array_equal(back.vectors, kv.vectors)
        assert len(KeyedVectors.load_word2vec_format(path, binary=binary, limit=5)) == 5
    with pytest.raises(ValueError, match="header"):
        (tmp_path / "bad.txt").write_text("hello world\n")
        KeyedVectors.load_word2vec_format(tmp_path / "bad.txt")


def test_files_without_header_read_back_with_no_header(tmp_path):
    # GloVe's files are word2vec text without the header line; write_header=False writes them
    rng = np.random.RandomState(0)
    kv = KeyedVectors(rng.randn(6, 4).astype(np.float32), [f"w{i}" for i in range(6)])
    path = tmp_path / "glove.txt"
    kv.save_word2vec_format(path, write_header=False)
    with open(path, "ab") as f:
        f.write(b"\n\n")  # blank lines at the end are not vectors
    back = KeyedVectors.load_word2vec_format(path, no_header=True)
    assert back.index_to_key == kv.index_to_key
    np.testing.assert_array_equal(back.vectors, kv.vectors)
    assert KeyedVectors.load_word2vec_format(path, no_header=True, limit=2).index_to_key == ["w0", "w1"]
    with pytest.raises(ValueError, match="no_header=True"):  # read as if it had a header: the fix is named
        KeyedVectors.load_word2vec_format(path)
    with pytest.raises(ValueError, match="text format only"):
        KeyedVectors.load_word2vec_format(path, binary=True, no_header=True)
    with_header = tmp_path / "w2v.txt"
    kv.save_word2vec_format(with_header)
    with pytest.raises(ValueError, match="no_header=False"):  # a header read as a vector of one number
        KeyedVectors.load_word2vec_format(with_header, no_header=True)
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("a 1 2\nb 3\n")
    with pytest.raises(ValueError, match="line 2: expected a word and 2 numbers"):  # lines counted from the first
        KeyedVectors.load_word2vec_format(damaged, no_header=True)


def test_files_are_interoperable_with_gensim(tmp_path):
    gensim_kv = pytest.importorskip("gensim.models.keyedvectors").KeyedVectors
    rng = np.random.RandomState(0)
    kv = KeyedVectors(rng.randn(30, 5).astype(np.float32), [f"word{i}" for i in range(30)])
    for binary in (False, True):
        ours = tmp_path / f"ours{int(binary)}"
        kv.save_word2vec_format(ours, binary=binary)
        theirs = gensim_kv.load_word2vec_format(ours, binary=binary)
        assert list(theirs.index_to_key) == kv.index_to_key
        np.testing.assert_array_equal(theirs.vectors, kv.vectors)
        written = tmp_path / f"theirs{int(binary)}"
        theirs.save_word2vec_format(written, binary=binary)
        back = KeyedVectors.load_word2vec_format(written, binary=binary)
        assert back.index_to_key == kv.index_to_key
        np.testing.assert_array_equal(back.vectors, kv.vectors)


def test_evaluations_agree_with_gensim(tmp_path):
    gensim_kv = pytest.importorskip("gensim.models.keyedvectors").KeyedVectors
    datapath = pytest.importorskip("gensim.test.utils").datapath
    questions, pairs = datapath("questions-words.txt"), datapath("wordsim353.tsv")
    with open(questions) as f:
        words = sorted({w.lower() for line in f if not line.startswith(":") for w in line.split()})
    rng = np.random.RandomState(0)
    words = [w for w in words if rng.rand() < 0.6]  # some questions are not covered
    vectors = rng.randn(len(words), 10).astype(np.float32)
    vectors[1:] += 0.3 * vectors[:-1]  # some structure, so that a few answers are right
    # capitalised spellings near their words, as in a corpus kept in its case: skipped as answers by both
    words += [w.title() for w in words[::3]]
    vectors = np.vstack([vectors, vectors[::3] + 0.05 * rng.randn(len(vectors[::3]), 10).astype(np.float32)])
    ours = KeyedVectors(vectors, words)
    theirs = gensim_kv(10)
    theirs.add_vectors(words, vectors)
    score, sections = ours.evaluate_word_analogies(questions)
    their_score, their_sections = theirs.evaluate_word_analogies(questions)
    assert score == pytest.approx(their_score)
    assert [(s["section"], len(s["correct"]), len(s["incorrect"])) for s in sections] == \
        [(s["section"], len(s["correct"]), len(s["incorrect"])) for s in their_sections]
    pearson, spearman, oov = ours.evaluate_word_pairs(pairs)
    their_pearson, their_spearman, their_oov = theirs.evaluate_word_pairs(pairs)
    assert spearman[0] == pytest.approx(their_spearman[0]) and pearson[0] == pytest.approx(their_pearson[0])
    assert oov == pytest.approx(their_oov)


def test_an_analogy_never_answers_another_spelling_of_a_question_word(tmp_path):
    rng = np.random.RandomState(0)
    words = ["king", "queen", "man", "woman", "King", "apple", "car"]
    vectors = rng.randn(len(words), 8).astype(np.float32)
    unit = lambda v: v / np.linalg.norm(v)  # noqa: E731
    vectors[4] = unit(vectors[0]) + unit(vectors[3]) - unit(vectors[2])  # 'King' exactly at king - man + woman
    vectors[1] = vectors[4] + 0.3 * rng.randn(8)  # 'queen' close behind
    (tmp_path / "q.txt").write_text(": royals\nman woman king queen\n")
    kv = KeyedVectors(vectors, words)
    assert kv.most_similar(positive=["woman", "king"], negative=["man"], topn=1)[0][0] == "King"
    assert kv.evaluate_word_analogies(tmp_path / "q.txt")[0] == 1.0  # 'King' is 'king': gensim skips it too
    assert kv.evaluate_word_analogies(tmp_path / "q.txt", case_insensitive=False)[0] == 0.0  # another word then


def test_max_vocab_size_prunes_rare_words_while_counting():
    """As gensim's prune_vocab: the t-th prune drops the words seen fewer than t times (the first drops nothing:
    word2vec.c's rule, dropping those seen t times too, kept 'common' alone)."""
    docs = [["common"] * 5 + [f"rare{i}"] for i in range(50)]
    vocab, _ = Vocabulary.build(docs, min_count=1, max_vocab_size=10)
    # prunes after documents 10 (none dropped), 11, 21, 31 and 41: the rare words of documents 42 to 50 stay
    assert vocab.words == ["common"] + [f"rare{i}" for i in range(49, 40, -1)]  # ties: last seen first
    w2v = Word2VecTransformer(min_count=1, max_vocab_size=10, vector_size=4, epochs=1, sample=0,  # (no pair left
                              random_state=0).fit(docs)  # out: 'common' is most of the corpus)
    assert w2v.wv_.index_to_key == vocab.words
    first, _ = Vocabulary.build([[f"w{i}"] for i in range(11)], min_count=1, max_vocab_size=10)
    assert len(first) == 11  # the first prune drops no word (the old rule dropped all 11)


def test_max_vocab_size_keeps_the_words_gensim_keeps():
    word2vec = pytest.importorskip("gensim.models").Word2Vec
    rng = np.random.RandomState(0)
    docs = [[f"w{int(k)}" for k in rng.zipf(1.5, size=8)] for _ in range(100)]  # word frequencies of a text
    theirs = word2vec(vector_size=4, min_count=1, max_vocab_size=60, workers=1)
    theirs.build_vocab(docs)
    vocab, _ = Vocabulary.build(docs, min_count=1, max_vocab_size=60)
    assert sorted(vocab.words) == sorted(theirs.wv.index_to_key) and len(vocab) == 57  # word2vec.c's rule: 18


def test_module_initialises_like_gensim():
    """gensim 4's prep_vectors: input vectors uniform in (-1/d, 1/d) (word2vec.c's half that), outputs zero."""
    module = SkipGramNegative(5000, 10)
    assert 0.095 < module.input.weight[:5000].abs().max() <= 0.1
    assert torch.count_nonzero(module.output.weight) == 0


def test_a_fitted_transformer_describes_the_vectors_it_has(tmp_path):
    docs = ["the cat sat on the mat", "the dog sat on the rug"] * 10
    w2v = Word2VecTransformer(**dict(FAST, epochs=2)).fit(docs)
    expected = w2v.transform(docs)
    w2v.set_params(vector_size=4, sg=1)
    np.testing.assert_array_equal(w2v.transform(docs), expected)
    w2v.save(tmp_path / "w2v.safetensors")
    loaded = sknn.load(tmp_path / "w2v.safetensors")  # rebuilt with 16-dimensional vectors, as trained
    np.testing.assert_array_equal(loaded.transform(docs), expected)
    assert loaded.architecture_ == {"vector_size": 16, "sg": 0} and loaded.vector_size == 4
    assert loaded.net_.module_.input.weight.shape[1] == 16
    assert w2v.fit(docs).transform(docs).shape == (len(docs), 4)  # a new fit follows the new parameters
