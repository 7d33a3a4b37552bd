"""Hostile input to the data helpers of sknn.datasets: damaged CoNLL-U files (tiny, seconds)."""

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
