#!/usr/bin/env bash
# Claim 2 (Rainforth et al. 2018; Tucker et al. 2018): gradient signal-to-noise ratio of the
# inference and generative networks against K, per estimator, on a real MNIST model at several
# checkpoints of its training: steps 100, 1000 and 1650 (the end of its 3 epochs of 550 steps).
# The model is claim 1's architecture (MLP 784-200-200-50, Gaussian posterior), trained with
# IWAE (K = 5), batch 100; it is trained in stages (training is deterministic, so a stage re-run
# from scratch reaches the same weights) and after each stage `vaekit snr` measures K in
# {1, 5, 50, 500} for iwae, dreg, miwae and piwae (M = K groups of one sample) with 100 gradient
# draws on the first 16 test digits.
# Resumable: a checkpoint whose snr-step<S>.json exists is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
vaekit() { node --conditions=@vaekit/source --import tsx apps/cli/src/bin.ts "$@"; }
out=reproductions/gradient-snr
run=$out/run
mkdir -p "$out"
for steps in 100 1000 1650; do
  [ -f "$out/snr-step$steps.json" ] && continue
  if [ -f "$run/vaekit-run.json" ]; then
    vaekit train --resume "$run" --max-steps "$steps"
  else
    vaekit train --data mnist --latent gaussian --hidden 200,200 --latent-dim 50 --batch-size 100 --epochs 3 \
      --objective iwae --k 5 --eval-k 50 --eval-examples 1000 --seed 0 --max-steps "$steps" --out "$run"
  fi
  vaekit snr "$run" --k 1,5,50,500 --estimators iwae,dreg,miwae,piwae --draws 100 --examples 16 \
    --out "$out/snr-step$steps.json"
done
