#!/usr/bin/env bash
# Run a learning-rate sweep on a Slurm cluster: a job array of N shards
# (`normsharp sweep --shard K/N`), then a merge job that starts when every shard succeeded
# (--dependency=afterok) and writes OUT/sweep.csv and OUT/sweep.json, byte-identical to
# `normsharp sweep ARGS… --csv F --json F` on one machine.
#
#   examples/slurm/run.sh N OUT -- SWEEP_ARGS...
#   e.g. examples/slurm/run.sh 8 out -- --task task.toml --alpha 0.01 \
#          --eta-min 0.05 --eta-max 0.6 --points 256 --refine
#
# OUT must be on a file system the compute nodes share; set NORMSHARP to the binary's path if
# it is not on the nodes' PATH, and SBATCH_PARTITION etc. as usual. Prints the merge job's id.
set -euo pipefail
if (($# < 3)) || [[ "$3" != "--" ]] || ! [[ "$1" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 N OUT -- SWEEP_ARGS..." >&2
  exit 2
fi
here="$(cd "$(dirname "$0")" && pwd)"
n=$1
mkdir -p "$2"
out="$(cd "$2" && pwd)"
shift 3
mkdir -p "$out/parts" "$out/logs"
array=$(sbatch --parsable --array="1-$n" --output="$out/logs/shard-%A_%a.out" \
  "$here/sweep.sbatch" "$out/parts" "$@")
array=${array%%;*}
merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  --output="$out/logs/merge-%j.out" \
  "$here/merge.sbatch" "$out/parts" "$n" "$out/sweep.csv" "$out/sweep.json")
merge=${merge%%;*}
echo "$merge"
