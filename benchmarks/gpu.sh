#!/usr/bin/env bash
# The GPU parts of the benchmarks in one run, for a machine with CUDA (RESULTS.md's GPU sections):
#
#     bash benchmarks/gpu.sh DATA_DIR OUT_DIR [SECONDS] [PARTS]
#
# DATA_DIR holds fashion_mnist/, ud_english_ewt/ and text/ (as $SKNN_DATA does); each part's output goes to
# OUT_DIR/<part>.txt. PARTS, comma-separated, picks among conv, scale, tagger, dense, transfer, word2vec and grid
# (default: all). First the timed parts one after another (nothing else on the GPU): the default
# ConvImageClassifier in bf16 on the standard split (each epoch printed), the precision and layout table, the tagger
# on CPU and CUDA, the dense and VGG parts, word2vec's skip-gram with the batched step (scored by sknn's
# KeyedVectors on the question files in DATA_DIR/word2vec_eval/ where gensim is not installed); then, in the
# seconds left of SECONDS (default 480), candidates over the image
# defaults on the development split, several seeds each, the fits side by side (TF32 off: float32 sums, as on a
# CPU). A part that runs past its limit is stopped and the script goes on.
set -u
DATA=$(cd "${1:-${SKNN_DATA:-../shared/data}}" && pwd)
OUT=$(mkdir -p "${2:-gpu-results}" && cd "${2:-gpu-results}" && pwd)
BUDGET=${3:-480}
PARTS=,${4:-conv,scale,tagger,dense,transfer,word2vec,grid},
START=$SECONDS
export PYTHONPATH=$PWD${PYTHONPATH:+:$PYTHONPATH} PYTHONUNBUFFERED=1
cd "$(dirname "$0")"

part() {  # part NAME SECONDS SCRIPT ARGS...: one benchmark part, stopped after SECONDS, if PARTS names it
    local name=$1 limit=$2
    shift 2
    [[ $PARTS == *,$name,* ]] || return 0
    echo "== $name (at most $limit s; $((SECONDS - START)) s in)"
    timeout "$limit" python3 "$@" >"$OUT/$name.txt" 2>&1
    echo "   exit $? after $((SECONDS - START)) s"
}

python3 -c "import sys, torch, sklearn, numpy, sknn
print(sys.version.split()[0], 'torch', torch.__version__, 'sklearn', sklearn.__version__, 'numpy', numpy.__version__,
      torch.cuda.get_device_name() if torch.cuda.is_available() else 'no CUDA')" 2>&1 | tee "$OUT/versions.txt"
part conv 300 bench_conv.py --only gpu --data "$DATA"
part scale 120 bench_scale.py --only gpu --repeats 1 --data "$DATA"
part tagger 100 bench_tagger.py --only gpu --data "$DATA"
part dense 40 bench_dense.py --only gpu
part transfer 40 bench_transfer.py --only gpu
part word2vec 150 bench_word2vec.py --only sknn --device cuda --threads 2 --data "$DATA" \
    $([ -d "$DATA/word2vec_eval" ] && echo --eval-dir "$DATA/word2vec_eval")
LEFT=$((BUDGET - (SECONDS - START) - 15))
if [ "$LEFT" -gt 60 ] && [[ $PARTS == *,grid,* ]]; then
    part grid "$((LEFT + 10))" bench_conv.py --only grid --data "$DATA" --grid-device cuda --grid-seeds 0,1,2 \
        --grid-workers 9 --grid-deadline "$LEFT" --grid '{"learning_rate_init": 0.0035}' --grid '{"alpha": 0.025}' \
        --grid '{"dropout": 0.15}' --grid '{"dropout": 0.05}' --grid '{"label_smoothing": 0.15}'
fi
echo "== done after $((SECONDS - START)) s"
