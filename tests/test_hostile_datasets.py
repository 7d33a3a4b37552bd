"""Hostile input to the data helpers of sknn.datasets: damaged CoNLL-U files (tiny, seconds)."""

import re

import pytest

from sknn.datasets import read_conllu


def _line(token_id, form, upos):
    return "\t".join([token_id, form, form, upos, "_", "_", "0", "root", "_", "_"]) + "\n"


@pytest.mark.parametrize("token_id", ["3-", "3.", "-3", "3-4-5", "3..1", "3-x", "\u00b2", "\u0663", "3 "])
def test_a_damaged_conllu_id_is_refused_naming_the_file_and_the_line(tmp_path, token_id):
    """Any ID holding '-' or '.' was skipped as a multi-word token or an empty node, so a damaged last ID ('3-')
    lost its word silently; '²' passed str.isdigit() and int() failed with Python's bare message."""
    path = tmp_path / "damaged.conllu"
    path.write_text(_line("1", "The", "DET") + _line("2", "dog", "NOUN") + _line(token_id, "barks", "VERB") + "\n",
                    encoding="utf-8")
    with pytest.raises(ValueError, match=rf"damaged\.conllu, line 3: .*ID {token_id!r}.*ASCII digits"):
        read_conllu(path)


def test_multiword_tokens_and_empty_nodes_of_the_right_form_are_still_skipped(tmp_path):
    path = tmp_path / "fine.conllu"
    path.write_text(_line("0.1", "Oh", "INTJ") + _line("1-2", "Don't", "_") + _line("1", "Do", "AUX")
                    + _line("2", "n't", "PART") + _line("2.1", "go", "VERB") + _line("3", "go", "VERB") + "\n",
                    encoding="utf-8")
    assert read_conllu(path) == ([["Do", "n't", "go"]], [["AUX", "PART", "VERB"]])


def _words(*tags):
    return "".join(_line(str(i), f"w{i}", tag) for i, tag in enumerate(tags, start=1))


def test_a_conllu_file_cut_at_a_line_end_warns_and_a_cut_multiword_token_is_refused(tmp_path):
    """A file cut after a word line gave a half sentence without a word; a multi-word token '2-3' followed by word 2
    alone and a blank line lost word 3 silently."""
    import warnings

    path = tmp_path / "cut.conllu"
    path.write_text(_words("DET", "NOUN") + "\n" + _words("PRON", "VERB"), encoding="utf-8")
    with pytest.warns(UserWarning, match=r"cut\.conllu has no blank line after its last sentence \(from line 4\)"):
        assert read_conllu(path) == ([["w1", "w2"], ["w1", "w2"]], [["DET", "NOUN"], ["PRON", "VERB"]])
    path.write_text(_words("DET", "NOUN") + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_conllu(path)  # a complete file: no warning
    for text, line, end in ((_line("1", "I", "PRON") + _line("2-3", "al", "_") + _line("2", "a", "ADP") + "\n",
                             2, "line 4"),
                            (_line("1-2", "del", "_") + "\n" + _words("DET"), 1, "line 2"),
                            (_line("1-2", "del", "_") + _line("1", "de", "ADP"), 1, "the end of the file")):
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ValueError, match=rf"cut\.conllu, line {line}: the multi-word token .* covers words up to "
                                             rf"\d, but its sentence ends after word \d, at {end}: a word line is"):
            read_conllu(path)


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes of POSIX")
def test_a_named_pipe_is_refused_as_a_pipe_not_as_a_missing_file(tmp_path):
    """A named pipe (a shell's <(command) passes one as /dev/fd/N) was 'No such file'; every reader of sknn read its
    first bytes to recognise compression, then opened it again."""
    import os

    from sknn.datasets import read_idx

    pipe = tmp_path / "treebank.conllu"
    os.mkfifo(pipe)
    with pytest.raises(ValueError, match=r"treebank\.conllu' is a named pipe \(FIFO\), not a regular file.*Write it "
                                         r"to a file first"):
        read_conllu(pipe)
    if os.path.exists(os.devnull):  # the shared opener's rule (a pipe there would block the old code: a device)
        with pytest.raises(ValueError, match=r"is a character device, not a regular file.*Write it to a file first"):
            read_idx(os.devnull)


def test_permission_and_io_errors_are_the_systems_and_a_bad_stream_is_a_damaged_file(tmp_path, monkeypatch):
    """A file the system would not give was 'damaged or truncated'; a bzip2 stream of bad data, an OSError without
    an errno, still is (read_idx let it out as a bare OSError)."""
    import sknn._input_files
    from sknn.datasets import read_idx

    path = tmp_path / "locked.conllu"
    path.write_text(_words("DET") + "\n", encoding="utf-8")

    def refused(file, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(file))

    with monkeypatch.context() as patch:
        patch.setattr(sknn._input_files, "open", refused, raising=False)
        for read in (read_conllu, read_idx):
            with pytest.raises(PermissionError, match=r"Cannot read '.*locked\.conllu': Permission denied$"):
                read(path)
    damaged = tmp_path / "damaged.conllu.bz2"
    damaged.write_bytes(b"BZh91AY&SY" + bytes(range(200)))
    for read in (read_conllu, read_idx):
        with pytest.raises(ValueError, match=r"Cannot read '.*damaged\.conllu\.bz2': .*damaged or truncated"):
            read(damaged)


def test_tar_zip_and_zstd_archives_are_named_with_the_fix(tmp_path):
    """A .tgz treebank (as Universal Dependencies ship them) was 'a CoNLL-U word line has 10 tab-separated columns,
    this one has 1'; a .zip or .zst 'not UTF-8 text'. Every reader shares the check (read_idx here)."""
    import io
    import tarfile
    import zipfile

    from sknn.datasets import read_idx

    text = (_words("DET", "NOUN") + "\n").encode()
    for mode, name in (("w:gz", "ud.tgz"), ("w", "ud.tar"), ("w:xz", "ud.tar.xz")):
        with tarfile.open(tmp_path / name, mode) as tar:
            info = tarfile.TarInfo("ud/train.conllu")
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text))
    with zipfile.ZipFile(tmp_path / "ud.zip", "w") as archive:
        archive.writestr("train.conllu", text)
    (tmp_path / "ud.conllu.zst").write_bytes(b"\x28\xb5\x2f\xfd" + bytes(100))
    for name, what in (("ud.tgz", "a tar archive compressed with gzip"), ("ud.tar", "a tar archive"),
                       ("ud.tar.xz", "a tar archive compressed with xz"), ("ud.zip", "a zip archive"),
                       ("ud.conllu.zst", r"zstd-compressed \(which Python does not decompress\)")):
        with pytest.raises(ValueError, match=rf"{name}' is {what}, not the \.conllu file itself: (extract|decompress)"):
            read_conllu(tmp_path / name)
        with pytest.raises(ValueError, match=rf"{name}' is {what}, not the IDX file itself"):
            read_idx(tmp_path / name)


def test_doubled_line_ends_are_named_not_a_missing_word(tmp_path):
    """Line ends written '\\r\\n' in text mode on Windows ('\\r\\r\\n') made a blank line after each line: 'word 2
    follows word 0: a word line is missing'."""
    path = tmp_path / "doubled.conllu"
    path.write_bytes((_words("DET", "NOUN") + "\n").replace("\n", "\r\r\n").encode())
    with pytest.raises(ValueError, match=r"doubled\.conllu, line 3: word 2 follows a blank line.*line ends are "
                                         r"doubled \('\\r\\r\\n'"):
        read_conllu(path)
    path.write_text(_line("1", "a", "DET") + "\n" + _line("2", "b", "NOUN") + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 3: word 2 follows word 0: a word line is missing"):
        read_conllu(path)  # a blank line of its own: no doubled line ends named


def test_upos_tags_outside_the_universal_ones_warn_once_naming_a_few(tmp_path):
    """XPOS tags in the UPOS column, or lower-cased ones, were read without a word."""
    import warnings

    path = tmp_path / "tags.conllu"
    path.write_text(_words("NN", "VBZ", "NN") + "\n" + _words("noun", "DET") + "\n", encoding="utf-8")
    with pytest.warns(UserWarning) as record:
        read_conllu(path)
    assert len(record) == 1
    assert re.search(r"tags\.conllu: 4 word\(s\) have a UPOS tag that is none of the 17 universal tags .*'NN' \(2 "
                     r"word\(s\)\), 'VBZ' \(1 word\(s\)\), 'noun'", str(record[0].message))
    path.write_text(_words(*sorted(("ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB "
                                    "X").split())) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_conllu(path)  # the 17 universal tags: no warning


def test_a_last_sentence_without_its_blank_line_warns_once_in_conllus_terms(tmp_path):
    """A file written "\\n\\n".join(sentences) + "\\n" was warned of as 'cut off'; CoNLL-U asks a blank line after
    every sentence, the last too: the warning says so, once for the file."""
    import warnings

    path = tmp_path / "joined.conllu"
    path.write_text("\n\n".join(_words("DET", "NOUN").rstrip("\n") for _ in range(3)) + "\n", encoding="utf-8")
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        X, _ = read_conllu(path)
    assert len(X) == 3 and len(record) == 1
    assert re.search(r"joined\.conllu has no blank line after its last sentence \(from line 7\), as CoNLL-U asks of "
                     r"every sentence: if the file was cut .*, that sentence may be incomplete",
                     str(record[0].message))


def _v7_tar(name, text):
    """A tar archive of one file in the old v7 format (tar --format=v7), which has no 'ustar' mark: a ustar header
    without the fields from offset 257 on, its checksum computed again."""
    import tarfile

    info = tarfile.TarInfo(name)
    info.size, info.mode = len(text), 0o644
    header = bytearray(info.tobuf(format=tarfile.USTAR_FORMAT)[:257].ljust(512, b"\0"))
    header[148:156] = b" " * 8
    header[148:156] = b"%06o\0 " % sum(header)
    return bytes(header) + text.ljust(-(-len(text) // 512) * 512, b"\0") + bytes(1024)


def test_a_v7_tar_archive_without_the_ustar_mark_is_named_by_its_checksum(tmp_path):
    """tar --format=v7 writes no 'ustar' mark: such an archive read as the .conllu file was 'a CoNLL-U word line
    has 10 tab-separated columns'. Its header's checksum is verified, so a text or binary file is not taken for
    one."""
    import gzip
    import tarfile

    from sknn.datasets import read_idx

    text = (_words("DET", "NOUN") + "\n").encode()
    archive = _v7_tar("ud/train.conllu", text)
    with tarfile.open(fileobj=__import__("io").BytesIO(archive)) as tar:  # (a tar archive indeed, read back)
        assert tar.extractfile("ud/train.conllu").read() == text
    (tmp_path / "ud.tar").write_bytes(archive)
    (tmp_path / "ud.tgz").write_bytes(gzip.compress(archive))
    for name, what in (("ud.tar", "a tar archive"), ("ud.tgz", "a tar archive compressed with gzip")):
        with pytest.raises(ValueError, match=rf"{name}' is {what}, not the \.conllu file itself: extract"):
            read_conllu(tmp_path / name)
        with pytest.raises(ValueError, match=rf"{name}' is {what}, not the IDX file itself"):
            read_idx(tmp_path / name)
    damaged = bytearray(archive)
    damaged[150] = ord("7") if damaged[150] != ord("7") else ord("6")  # a wrong checksum: not a tar header
    (tmp_path / "other.conllu").write_bytes(bytes(damaged))
    with pytest.raises(ValueError, match=r"other\.conllu, line 1: a CoNLL-U word line"):
        read_conllu(tmp_path / "other.conllu")


def test_every_reader_gives_an_error_of_the_system_as_the_systems_naming_the_file(tmp_path, monkeypatch):
    """The readers of word2vec vectors and corpora, and of evaluation files in an encoding other than UTF-8, called
    an I/O error met opening a compressed file 'damaged or truncated', or let it out without the file's name."""
    import errno

    import numpy as np

    import sknn._kv_eval_files
    import sknn._w2v_core
    import sknn._w2v_files
    from sknn import KeyedVectors, Word2VecTransformer

    def failing(path, *args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")

    path = tmp_path / "data.gz"
    path.write_bytes(b"\x1f\x8b")
    kv = KeyedVectors(np.eye(2), ["a", "b"])
    for module, read in ((sknn._w2v_files, lambda: KeyedVectors.load_word2vec_format(path)),
                         (sknn._w2v_core, lambda: Word2VecTransformer(vector_size=4, min_count=1).fit(str(path))),
                         (sknn._w2v_core, lambda: list(sknn._w2v_core.iter_corpus(str(path)))),
                         (sknn._kv_eval_files, lambda: kv.evaluate_word_pairs(path, "\t", "latin-1"))):
        with monkeypatch.context() as patch:
            patch.setattr(module, "compressed_opener", lambda *args: failing)
            with pytest.raises(OSError, match=r"Cannot read '.*data\.gz': Input/output error$") as info:
                read()
        assert info.value.errno == errno.EIO


def test_a_treebank_released_without_its_words_and_forms_with_spaces_around_are_refused(tmp_path):
    """Some UD treebanks ship without their text (every FORM '_'): read as they were, a tagger trained on one token;
    a FORM 'dog ' (a stray space) became a word of its own, never the 'dog' of the text tagged later."""
    path = tmp_path / "textless.conllu"
    text = "".join(_line(str(i), "_", tag) for i, tag in enumerate(("DET", "NOUN", "VERB"), start=1)) + "\n"
    path.write_text(text * 2, encoding="utf-8")
    with pytest.raises(ValueError, match=r"textless\.conllu has no word forms \(every FORM is '_'\): the treebank "
                                         r"was released without its text.*restore the words first"):
        read_conllu(path)
    path.write_text(_line("1", "_", "PUNCT") + "\n" + _words("DET", "NOUN") + "\n", encoding="utf-8")
    assert read_conllu(path)[0] == [["_"], ["w1", "w2"]]  # an underscore among words: a real token
    path.write_text(_line("1", "The", "DET") + _line("2", "dog ", "NOUN") + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 2: the FORM 'dog ' has spaces around it; fix the file"):
        read_conllu(path)
    path.write_text(_line("1", "New York", "PROPN") + "\n", encoding="utf-8")
    assert read_conllu(path)[0] == [["New York"]]  # a space inside a form (UD allows it in some languages)


def test_a_conllu_line_of_spaces_instead_of_tabs_says_so(tmp_path):
    path = tmp_path / "spaced.conllu"
    path.write_text(_line("1", "The", "DET").replace("\t", "    ") + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"line 1: a CoNLL-U word line has 10 tab-separated columns, this one has 1 "
                                         r"\(its fields are separated by spaces, not tabs\?\)"):
        read_conllu(path)


def test_image_files_directly_in_an_image_folders_root_are_named_as_left_out(tmp_path):
    from sknn.datasets import image_folder

    (tmp_path / "thumbs").mkdir()
    (tmp_path / "thumbs" / "t1.jpg").write_bytes(b"x")
    for i in range(5):
        (tmp_path / f"p{i}.jpg").write_bytes(b"x")
    with pytest.warns(UserWarning, match=r"5 image file\(s\) directly in .*such as 'p0\.jpg', are left out"):
        paths, labels = image_folder(tmp_path)
    assert len(paths) == 1
    with pytest.raises(TypeError, match=r"root must be the path of a folder .*got NoneType"):
        image_folder(None)
    with pytest.raises(ValueError, match=r"extensions=None: pass file endings"):
        image_folder(tmp_path, extensions=None)


def test_fashion_mnist_files_that_do_not_pair_are_refused(tmp_path):
    import numpy as np

    from sknn.datasets import load_fashion_mnist

    def idx(path, array):  # IDX: two zero bytes, the type code (8: uint8), the dimensions, the sizes, the data
        header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
        path.write_bytes(header + array.astype(np.uint8).tobytes())

    idx(tmp_path / "train-images-idx3-ubyte", np.zeros((5, 28, 28)))
    idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(3))
    idx(tmp_path / "t10k-images-idx3-ubyte", np.zeros((2, 28, 28)))
    idx(tmp_path / "t10k-labels-idx1-ubyte", np.zeros(2))
    with pytest.raises(ValueError, match=r"Fashion-MNIST's train files .* do not pair: images of shape \(5, 28, 28\).*"
                                         r"labels of shape \(3,\)"):
        load_fashion_mnist(tmp_path)


def test_links_to_no_file_are_left_out_and_a_fashion_mnist_folder_is_a_folder(tmp_path):
    """A link to a deleted image was listed as an image (its fit failed later, on the file); load_fashion_mnist(None)
    failed inside os.path.join, and a file given for the folder was told that files were missing."""
    import os

    from sknn.datasets import image_folder, load_fashion_mnist

    (tmp_path / "cat").mkdir()
    (tmp_path / "cat" / "a.png").write_bytes(b"x")
    os.symlink(tmp_path / "gone.png", tmp_path / "cat" / "b.png")
    with pytest.warns(UserWarning, match=r"1 link\(s\) under .* point to no file and are left out, such as .*b\.png"):
        paths, _ = image_folder(tmp_path)
    assert [os.path.basename(p) for p in paths] == ["a.png"]
    with pytest.raises(TypeError, match=r"folder must be the path of the folder of Fashion-MNIST's files, got None"):
        load_fashion_mnist(None)
    with pytest.raises(ValueError, match=r"a\.png' is a file; pass the folder"):
        load_fashion_mnist(tmp_path / "cat" / "a.png")
    (tmp_path / "cat" / "a.png").unlink()  # only the link left: said before the refusal of no image
    with pytest.warns(UserWarning, match=r"point to no file"), pytest.raises(ValueError, match=r"No image files"):
        image_folder(tmp_path)
