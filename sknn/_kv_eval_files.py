"""The files of :class:`~sknn.KeyedVectors`' evaluations, read as gensim reads them: analogy questions
(questions-words.txt) and word pairs scored by people (wordsim353.tsv, SimLex-999).

gensim skips a line that it cannot parse (an analogy line of other than 4 words, a pair line of other than 3
fields or whose score is not a number), with a log message most users never see; here the lines skipped are the
same, counted, and one warning names how many and the first. A first line whose score is not a number is a
header (wordsim353.csv's ``Word 1,Word 2,Human (mean)``), skipped without a warning.
"""

import codecs
import math
import os
from numbers import Integral

from sklearn.utils._param_validation import InvalidParameterError

from ._input_files import READ_ERRORS, file_path, read_error
from ._text_checks import warn_form_misses
from ._validation import compressed_opener, numbered_lines, reads_as_number
from ._warnings import warn_user

__all__ = ["SkippedLines", "read_analogies", "read_pairs", "warn_unanswered"]


class SkippedLines:
    """The lines of an evaluation file skipped as not in its ``layout``: their count and the first, for one
    warning (or the error that too few lines were left)."""

    def __init__(self, path, layout, fix):
        self.path, self.layout, self.fix = os.fspath(path), layout, fix
        self.count, self.first = 0, None

    def add(self, line_no, content, reason):
        self.count += 1
        if self.first is None:
            self.first = f"{self.path}, line {line_no}: {reason} ({content!r:.80})"

    def note(self):
        """A sentence on the lines skipped, '' when none was."""
        if not self.count:
            return ""
        return (f"{self.first}: skipped, as gensim skips the lines that are not {self.layout} ({self.count} line(s) "
                f"skipped in all). {self.fix}")

    def warn(self):
        if self.count:
            warn_user(self.note())


def _text_lines(path, encoding):
    """(number, line) of a text file in ``encoding`` (decompressed if it is gzip, bzip2 or xz; line ends as
    ``open`` in text mode gives them), a ValueError naming the line that is not; UTF-8 as ``numbered_lines``, and
    errors of reading as ``read_error`` gives them."""
    try:
        name = codecs.lookup(encoding).name
    except (LookupError, TypeError):
        raise InvalidParameterError(f"encoding must be the name of a text encoding ('utf8', 'latin-1'), got "
                                    f"{encoding!r}.") from None
    if name == "utf-8":
        yield from numbered_lines(path)
        return
    if os.path.isdir(path):
        raise ValueError(f"{os.fspath(path)!r} is a folder; pass a text file.")
    number = 0
    try:
        with (compressed_opener(path) or open)(path, "rt", encoding=encoding, newline=None) as f:
            for number, line in enumerate(f, start=1):
                yield number, line
    except UnicodeDecodeError as exc:
        raise ValueError(f"{os.fspath(path)}, line {number + 1}: not {encoding} text ({exc.reason}); pass the "
                         "file's encoding.") from None
    except READ_ERRORS as exc:  # (the system's errors as the system's; a compressed stream cut, damaged)
        raise read_error(path, exc, f" after line {number}" if number else "") from None


def read_analogies(path):
    """([(section name, [[a, b, c, expected], ...]), ...], skipped lines) of an analogy file: lines ``: name``
    start a section (as gensim, ': : gender' is 'gender'), other lines hold four words; blank lines are left out
    and lines of other than four words skipped (``SkippedLines``); a question before any section is refused."""
    path = file_path(path, "analogies", "an analogy file (questions-words.txt)")
    sections = []
    skipped = SkippedLines(path, "a question of 4 words", "Correct them, or delete them.")
    for line_no, line in numbered_lines(path):
        line = line.lstrip("\ufeff")  # (a byte-order mark where files were joined with cat)
        if line.startswith(": "):
            sections.append((line.lstrip(": ").strip(), []))
            continue
        if not line.strip():
            continue
        if not sections:
            raise ValueError(f"{path}, line {line_no}: a question before any ': section' line.")
        words = line.split()
        if len(words) != 4:
            skipped.add(line_no, line.strip(), f"{len(words)} words, not 4")
            continue
        sections[-1][1].append(words)
    return sections, skipped


def read_pairs(path, delimiter, encoding):
    """([(word1, word2, score), ...], skipped lines) of a word-pairs file, lines ``word1 <delimiter> word2
    <delimiter> score``: lines starting with '#' and blank lines are left out, lines of other than three fields or
    whose score is not a number skipped (``SkippedLines``; a first line whose score is not a number, a header,
    without a word); a score that is a number but not finite (NaN, inf; gensim's correlations are then NaN), or
    written with '_', is refused, naming its line; an int ``encoding`` (sknn's old third parameter, restrict_vocab)
    is refused, naming gensim's order."""
    path = file_path(path, "pairs", "a file of word pairs (wordsim353.tsv)")
    if isinstance(encoding, Integral) and not isinstance(encoding, bool):  # (sknn's 3rd was restrict_vocab)
        raise InvalidParameterError(f"encoding is {encoding!r}, a number: restrict_vocab is now the 4th parameter, as "
                                    "in gensim (pairs, delimiter, encoding, restrict_vocab); pass "
                                    f"restrict_vocab={encoding!r} by name.")
    pairs, first = [], True
    skipped = SkippedLines(path, f"word1{delimiter!r}word2{delimiter!r}score",
                           "Correct them, start them with '#' to leave them out, or pass the delimiter the file uses.")
    for line_no, line in _text_lines(path, encoding):
        line = line.lstrip("\ufeff")  # (a byte-order mark where files were joined with cat)
        if line.startswith("#") or not line.strip():
            continue
        content, header = line.rstrip("\n"), first
        parts, first = content.split(delimiter), False
        if len(parts) != 3:
            skipped.add(line_no, content, f"{len(parts)} fields, not 3")
        elif not reads_as_number(parts[2]):
            if not header:
                skipped.add(line_no, content, f"the score {parts[2]!r:.40} is not a finite number")
        elif "_" in parts[2]:
            raise ValueError(f"{path}, line {line_no}: the score {parts[2]!r:.40} is not a finite number as written: "
                             f"underscores are refused (Python's float() reads it as {float(parts[2])!r:.40}, other "
                             "readers refuse it); write the number without '_', or start the line with '#' to leave "
                             "it out.")
        elif not math.isfinite(float(parts[2])):
            raise ValueError(f"{path}, line {line_no}: the score {parts[2]!r:.40} is not a finite number; correct "
                             "it, or start the line with '#' to leave it out.")
        else:
            pairs.append((parts[0], parts[1], float(parts[2])))
    return pairs, skipped


def warn_unanswered(path, sections, unknown, known, restrict_vocab, n_keys, dummy4unknown):
    """Warn of the questions of an analogy file skipped for a word outside the vocabulary searched (``known``,
    the keys as looked up): one warning naming the words unknown only because of their Unicode normal form (an
    NFD file against NFC keys), whenever any is (``FormMisses``, over the words that are not ASCII); one when no
    question was evaluated, with their count, as the score, 0.0 (gensim's too), then says nothing of the vectors.
    gensim logs the share of questions skipped; a file of questions far wider than the vocabulary (the usual
    questions-words.txt against a small model) skips many, which is no mistake, so a share alone is not warned
    of. ``sections`` are the file's, ``unknown`` the questions skipped (each a list of its 4 words as looked up)."""
    path = os.fspath(path)
    warn_form_misses(unknown, known, f"the analogy file {path!r}", effect="so the questions that hold them were "
                     "skipped", case_fix="Pass case_insensitive=True (the default), which reads words in one case.")
    n_questions = sum(len(lines) for _, lines in sections)
    if not n_questions:
        warn_user(f"{path!r} holds no analogy question (lines of 4 words after a ': section' line), so the score, "
                  "0.0, says nothing of the vectors: is it an analogy file (questions-words.txt's layout)?")
    elif len(unknown) == n_questions:
        outside = (f"the {restrict_vocab} most frequent of the {n_keys} keys (raise restrict_vocab to search more)"
                   if restrict_vocab is not None and restrict_vocab < n_keys else f"the {n_keys} keys")
        word = next(w for w in unknown[0] if w not in known)
        counted = "counted wrong, as dummy4unknown asks" if dummy4unknown else "skipped, as gensim skips them"
        warn_user(f"No question of {path!r} could be evaluated: all {n_questions} hold a word outside {outside}, "
                  f"the first {ascii(word)} in {ascii(' '.join(unknown[0]))}, and were {counted}, so the score, "
                  "0.0, says nothing of the vectors. Check the file's words against the keys (their spelling, case "
                  "and language).")
