"""Warnings that point at the user's line: the first frame outside sknn and the libraries that call it."""

import contextlib
import os
import sys
import warnings

import joblib
import sklearn

_SKNN = os.path.dirname(os.path.abspath(__file__)) + os.sep
#: the folders whose frames a warning skips: sknn's own, scikit-learn's and joblib's (a Pipeline, a search or a
#: cross-validation calling the estimator for the user)
_SKIPPED = (_SKNN, os.path.abspath(contextlib.__file__)) + tuple(  # contextlib: sknn's own context managers
    os.path.dirname(os.path.abspath(module.__file__)) + os.sep for module in (sklearn, joblib))


def user_stacklevel():
    """The ``stacklevel`` that makes a warning raised by the caller of this function point at the first frame
    outside sknn, scikit-learn and joblib: the user's own line, however deep in sknn the rule that warns sits and
    whichever entry point (``fit``, ``predict``, ``score``, a ``Pipeline``) reached it. Python 3.12's
    ``skip_file_prefixes`` does the same; this works on 3.10 and 3.11 too."""
    frame, level = sys._getframe(1), 1  # the caller of this function: the frame that calls warnings.warn
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_SKIPPED):
        frame, level = frame.f_back, level + 1
    return level


def warn_user(message, category=UserWarning):
    """``warnings.warn`` pointing at the user's line (``user_stacklevel``)."""
    warnings.warn(message, category, stacklevel=user_stacklevel())
