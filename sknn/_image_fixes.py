"""The fixes the image estimators' errors name for images unlike the training images: their channels made as fit's
(grey from colour, colour from grey, an alpha channel dropped), their size, written for X as the user gave it."""

__all__ = ["QUANTITY_FIX", "alpha_fix", "batch_axis_fix", "moved_axes_fix", "shape_fix"]

#: the fix for a target of quantities given to an image classifier: sknn's image networks are classifiers
QUANTITY_FIX = ("sknn's image networks classify; to predict a quantity from images, fit a regressor on their VGG "
                "features (make_pipeline(VGGFeatureExtractor(), DenseRegressor())), or pass the labels as strings "
                "(y.astype(str)) if they are classes.")


def shape_fix(given, fitted, how, files, fitted_layout="auto"):
    """The fix for images of shape ``given`` (channels, height, width) to a network fitted on ``fitted``: their
    channels made as fit's (grey from colour, colour from grey, an alpha channel dropped) and their size resized
    (``files``: what image files get). ``how``: (X's form, 'pil', 'rows', 'grey' or a layout; its integer depth or
    None; whether X is an array), or None; ``fitted_layout``: the network's data_format, in which grey images made
    colour are given."""
    (c, h, w), (fc, fh, fw) = given, fitted
    form, depth, _ = how or (None, None, True)
    x, colour = _as_written(how)
    cast = {255.0: ".astype(np.uint8)", 65535.0: ".astype(np.uint16)"}.get(depth, "")
    axis = {"channels_last": -1, "channels_first": 1}.get(form)
    rgb = x if axis is None else colour
    fixes = []
    if c != fc:
        if form == "pil" and fc in (1, 3):
            fixes.append(f"convert them first, [img.convert({'L' if fc == 1 else 'RGB'!r}) for img in X]")
        elif fc == 1 and c in (3, 4) and axis is not None:
            fixes.append(f"make them grey first, {rgb if c == 4 else x}.mean(axis={axis}){cast}")
        elif fc == 3 and c == 1 and form in ("grey", "channels_last", "channels_first"):
            first = fitted_layout == "channels_first"
            grey, axis = (((f"{x}[:, None]", 1) if first else (f"{x}[..., None]", -1)) if form == "grey"
                          else (x, axis))
            fixes.append(f"repeat their grey level in 3 channels first, np.repeat({grey}, 3, axis={axis})")
        elif fc == 3 and c == 4 and axis is not None:
            fixes.append(f"drop their alpha channel first, {rgb}")
        else:
            fixes.append(f"give them the {fc} channel(s) of the training images, or fit on {c}-channel images")
    if (h, w) != (fh, fw):
        fixes.append(f"resize them to {fh}x{fw} (height x width) first, keeping their dtype and scale (e.g. PIL's "
                     f"img.resize(({fw}, {fh})) on each image; {files})")
    return "; ".join(fixes)


def _as_written(how):
    """(X as a fix writes it: 'X', or 'np.asarray(X)' for a list; its first 3 channels, on the channel axis of its
    layout), for ``how`` as in :func:`shape_fix`."""
    form, _, array = how or (None, None, True)
    x = "X" if array else "np.asarray(X)"
    return x, f"{x}{'[:, :3]' if form == 'channels_first' else '[..., :3]'}"


def alpha_fix(how, channels=4):
    """The fix for images of ``channels`` channels, not 1 or 3, to a network that takes 1 or 3 (``how``: as for
    :func:`shape_fix`): an alpha channel to drop (4, or 2: grey and alpha), or another axis for the channels."""
    form = (how or (None,))[0]
    if form == "pil":
        return "Convert them first, [img.convert('RGB') for img in X]."
    if channels in (2, 4):
        first3 = _as_written(how)[1]
        return f"Drop an alpha channel first (e.g. {first3 if channels == 4 else first3.replace(':3', ':1')})."
    other = {"channels_last": "channels_first", "channels_first": "channels_last"}.get(form)
    turn = f" (data_format='{other}' if they lie on its other end)" if other else ""
    return f"No image has {channels} channels: is the channel axis another of X's{turn}?"


def moved_axes_fix(given, how, fitted, transposed=True):
    """The fix for an array of images of shape ``given`` (the array's own) whose axes look moved from fit's images of
    ``fitted`` (channels, height, width), or None: grey images stacked on the last axis, (height, width, n) as MATLAB
    and some loaders keep them, or (``transposed``) each image transposed, its height and width swapped (a network
    that resizes any size takes portrait photos beside landscape ones: not looked for there). ``how``: as for
    :func:`shape_fix` (the array's layout)."""
    form, x = (how or (None,))[0], _as_written(how)[0]
    (fc, fh, fw), given = fitted, tuple(given or ())
    if form == "grey" and len(given) == 3 and fc == 1 and given[:2] == (fh, fw) and given[1:] != (fh, fw):
        return (f"X looks like {given[2]} grey images of {fh}x{fw} stacked on its last axis (height, width, n): put "
                f"the images first, np.moveaxis({x}, -1, 0)")
    axes = {"grey": (None, 1, "(0, 2, 1)"), "channels_last": (3, 1, "(0, 2, 1, 3)"),
            "channels_first": (1, 2, "(0, 1, 3, 2)")}.get(form)
    if axes is None or fh == fw or len(given) != (3 if form == "grey" else 4) or not transposed:
        return None
    channel, height, order = axes
    if (1 if channel is None else given[channel]) == fc and given[height:height + 2] == (fw, fh):
        return (f"its images look transposed ({fw}x{fh} where fit's are {fh}x{fw}: height and width swapped): "
                f"{x}.transpose{order}")
    return None


def batch_axis_fix(shape, fitted):
    """The fix for a 4-D array of ``shape`` whose images' axis is not the first, for fit's images of ``fitted``
    (channels, height, width), or None: (channels, n, height, width), or the images' axis last ((height, width,
    channels, n) or (channels, height, width, n))."""
    fc, fh, fw = fitted
    if shape[0] == fc and tuple(shape[2:]) == (fh, fw):
        return f"{shape[1]} images with their axis second (channels, n, height, width): put it first, " \
               "np.moveaxis(X, 1, 0)"
    if tuple(shape[:3]) in ((fh, fw, fc), (fc, fh, fw)):
        return f"{shape[3]} images with their axis last: put it first, np.moveaxis(X, -1, 0)"
    return None
