#!/usr/bin/env python3
"""PyTorch reference for vaekit's benchmark suite (bench/run.ts).

The same models, shapes and training steps as the vaekit side, written the way a PyTorch user
would write them, so that the two throughputs can be compared:

* ``mlp``: the MLP VAE of ``new ImageVAE({ inputDim: 784, hiddenUnits: [512, 256],
  head: { family: 'gaussian', latentDim: 32 }, likelihood: 'bernoulli' })``: ReLU MLP encoder
  784-512-256, mean and log-variance heads (32), ReLU MLP decoder 32-256-512-784 with Bernoulli
  logits. Objective ``elbo`` (one reparameterised draw, analytic KL) or ``iwae`` with K draws
  decoded in one [K*B, 32] batch. One training step is: forward, backward, global-norm gradient
  clipping at 5, Adam (lr 1e-3), and reading the loss back (``loss.item()``), as vaekit's trainer
  does.
* ``text``: vaekit's TextVAE with a BN-VAE head: embedding 256, LSTM encoder 256 (final state),
  mean through batch norm with fixed gamma 0.6 and a learned shift, log-variance head, latent 32,
  decoder state from ``c0 = W z + b, h0 = tanh(c0)``, decoder LSTM 256 over ``[embedding; z]``,
  output layer over the 5000-word vocabulary, word dropout 0.3; ELBO with the analytic KL.
  Throughput in predicted tokens per second.
* ``vmf``: Wood's (1994) rejection sampler for the von Mises-Fisher distribution, vectorised
  over the rows, with the Householder reflection onto the mean direction (PyTorch ships no vMF;
  this is the standard algorithm). Samples per second for a batch of rows.
* ``nll``: importance-sampled NLL ``-log (1/K) sum_k p(x, z_k) / q(z_k | x)`` of the MLP VAE
  with K = 5000 over MNIST test images (binarised at 0.5), chunked over the samples with a running
  log-sum-exp, in inference mode (``torch.no_grad``). Weights are loaded from vaekit's export when
  given, so both sides evaluate the same model and their NLLs must agree to Monte Carlo error.

Usage: ``python3 bench/pytorch_reference.py SPEC.json`` where SPEC holds ``threads`` and a list of
``items``; prints one JSON object ``{"torch": version, "threads": n, "results": [...]}``.
Only the standard library, NumPy (for reading files) and PyTorch are used.
"""

import json
import math
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

LOG_2PI = math.log(2 * math.pi)


# --------------------------------------------------------------------------------------------
# MLP VAE


class MLPVAE(nn.Module):
    def __init__(self, input_dim=784, hidden=(512, 256), latent=32):
        super().__init__()
        dims = [input_dim, *hidden]
        self.enc = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.mean = nn.Linear(hidden[-1], latent)
        self.logvar = nn.Linear(hidden[-1], latent)
        ddims = [latent, *reversed(hidden)]
        self.dec = nn.ModuleList(nn.Linear(a, b) for a, b in zip(ddims[:-1], ddims[1:]))
        self.out = nn.Linear(hidden[0], input_dim)
        self.latent = latent

    def encode(self, x):
        h = x
        for layer in self.enc:
            h = F.relu(layer(h))
        return self.mean(h), torch.exp(0.5 * self.logvar(h))

    def decode(self, z):
        h = z
        for layer in self.dec:
            h = F.relu(layer(h))
        return self.out(h)


def bernoulli_log_prob(logits, x):
    # sum_k x_k l_k - softplus(l_k)
    return (x * logits - F.softplus(logits)).sum(-1)


def mlp_loss(model, x, objective, k):
    mu, std = model.encode(x)
    b, d = mu.shape
    if objective == "elbo":
        eps = torch.randn(k, b, d)
        z = mu + std * eps
        logits = model.decode(z.reshape(k * b, d))
        log_px = bernoulli_log_prob(logits, x.repeat(k, 1)).reshape(k, b).mean(0)
        kl = 0.5 * (mu.pow(2) + std.pow(2) - 1 - 2 * torch.log(std)).sum(-1)
        return -(log_px - kl).mean()
    # IWAE_K: log w = log p(x|z) + log p(z) - log q(z|x), K draws decoded as one batch.
    eps = torch.randn(k, b, d)
    z = mu + std * eps
    logits = model.decode(z.reshape(k * b, d))
    log_px = bernoulli_log_prob(logits, x.repeat(k, 1)).reshape(k, b)
    log_pz = -0.5 * (z.pow(2).sum(-1) + d * LOG_2PI)
    log_qz = -0.5 * (((z - mu) / std).pow(2).sum(-1) + d * LOG_2PI) - torch.log(std).sum(-1)
    log_w = log_px + log_pz - log_qz
    bound = torch.logsumexp(log_w, 0) - math.log(k)
    return -bound.mean()


def load_mnist_test(path, limit=None):
    """MNIST t10k IDX images as float32 [N, 784], binarised at 0.5 (pixel > 127)."""
    with open(path, "rb") as f:
        raw = f.read()
    n = int.from_bytes(raw[4:8], "big")
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 784)
    if limit is not None:
        pixels = pixels[:limit]
    return torch.from_numpy((pixels > 127).astype(np.float32))


def train_rate(step, examples_per_step, seconds, warmup, min_steps=3):
    """Steps after warm-up until `seconds` have passed: (examples/s, steps, seconds, CPU seconds)."""
    for i in range(warmup):
        step(-1 - i)
    steps = 0
    start = time.perf_counter()
    cpu = time.process_time()
    while True:
        step(steps)
        steps += 1
        elapsed = time.perf_counter() - start
        if steps >= min_steps and elapsed >= seconds:
            break
    return examples_per_step * steps / elapsed, steps, elapsed, time.process_time() - cpu


def bench_mlp(item, data):
    torch.manual_seed(1)
    model = MLPVAE()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    params = list(model.parameters())
    batch, objective, k = item["batch"], item["objective"], item["k"]
    batches = [data[(i * batch) % (len(data) - batch) :][:batch] for i in range(8)]

    def step(i):
        x = batches[i % len(batches)]
        opt.zero_grad(set_to_none=True)
        loss = mlp_loss(model, x, objective, k)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        return loss.item()

    rate, steps, elapsed, cpu = train_rate(step, batch, item["seconds"], item["warmup"])
    return {"examplesPerSec": rate, "steps": steps, "seconds": elapsed, "cpuSeconds": cpu}


# --------------------------------------------------------------------------------------------
# LSTM text VAE


class TextVAE(nn.Module):
    def __init__(self, vocab=5000, emb=256, hidden=256, latent=32, gamma=0.6, word_dropout=0.3):
        super().__init__()
        self.enc_emb = nn.Embedding(vocab, emb)
        self.enc_lstm = nn.LSTM(emb, hidden, batch_first=True)
        self.mean = nn.Linear(hidden, latent)
        # BN-VAE (Zhu et al. 2020): batch norm of the mean with a fixed scale gamma.
        self.bn = nn.BatchNorm1d(latent, eps=1e-8, momentum=0.01, affine=False)
        self.bn_beta = nn.Parameter(torch.zeros(latent))
        self.gamma = gamma
        self.logvar = nn.Linear(hidden, latent)
        self.dec_emb = nn.Embedding(vocab, emb)
        self.init = nn.Linear(latent, hidden)
        self.dec_lstm = nn.LSTM(emb + latent, hidden, batch_first=True)
        self.out = nn.Linear(hidden, vocab)
        self.word_dropout = word_dropout
        self.unk, self.bos, self.pad = 3, 1, 0

    def loss(self, tokens):
        inputs, targets = tokens[:, :-1], tokens[:, 1:]
        _, (h, _) = self.enc_lstm(self.enc_emb(tokens))
        feat = h[-1]
        mu = self.bn(self.mean(feat)) * self.gamma + self.bn_beta
        std = torch.exp(0.5 * self.logvar(feat))
        z = mu + std * torch.randn_like(mu)
        drop = (torch.rand(inputs.shape) < self.word_dropout) & (inputs != self.bos) & (
            inputs != self.pad
        )
        inputs = torch.where(drop, torch.full_like(inputs, self.unk), inputs)
        c0 = self.init(z)
        state = (torch.tanh(c0).unsqueeze(0), c0.unsqueeze(0))
        t = inputs.shape[1]
        x = torch.cat([self.dec_emb(inputs), z.unsqueeze(1).expand(-1, t, -1)], 2)
        hs, _ = self.dec_lstm(x, state)
        logits = self.out(hs)
        log_px = -F.cross_entropy(
            logits.reshape(-1, logits.shape[-1]),
            targets.reshape(-1),
            ignore_index=self.pad,
            reduction="none",
        ).reshape(targets.shape).sum(1)
        kl = 0.5 * (mu.pow(2) + std.pow(2) - 1 - 2 * torch.log(std)).sum(-1)
        return -(log_px - kl).mean()


def bench_text(item):
    torch.manual_seed(1)
    b, t, vocab = item["batch"], item["tokens"], item["vocab"]
    model = TextVAE(vocab, item["embedding"], item["hidden"], item["latent"])
    model.train()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    params = list(model.parameters())
    gen = torch.Generator().manual_seed(20)
    data = [
        torch.cat(
            [torch.ones(b, 1, dtype=torch.long), torch.randint(4, vocab, (b, t), generator=gen)], 1
        )
        for _ in range(2)
    ]

    def step(i):
        opt.zero_grad(set_to_none=True)
        loss = model.loss(data[abs(i) % 2])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 5.0)
        opt.step()
        return loss.item()

    rate, steps, elapsed, cpu = train_rate(step, b * t, item["seconds"], item["warmup"])
    return {"tokensPerSec": rate, "steps": steps, "seconds": elapsed, "cpuSeconds": cpu}


# --------------------------------------------------------------------------------------------
# von Mises-Fisher: Wood's rejection sampler


def vmf_wood(mu, kappa, gen):
    """One draw per row of unit mean directions mu [N, m] with concentration kappa (a float)."""
    n, m = mu.shape
    # Wood (1994): w = mu^T z by rejection from a transformed Beta((m-1)/2, (m-1)/2) proposal.
    b = (m - 1) / (2 * kappa + math.sqrt(4 * kappa * kappa + (m - 1) ** 2))
    x0 = (1 - b) / (1 + b)
    c = kappa * x0 + (m - 1) * math.log(1 - x0 * x0)
    beta = torch.distributions.Beta(
        torch.tensor((m - 1) / 2, dtype=torch.float64), torch.tensor((m - 1) / 2, dtype=torch.float64)
    )
    w = torch.empty(n, dtype=torch.float64)
    todo = torch.arange(n)
    while todo.numel() > 0:
        k = todo.numel()
        eps = beta.sample((k,))
        cand = (1 - (1 + b) * eps) / (1 - (1 - b) * eps)
        u = torch.rand(k, dtype=torch.float64, generator=gen)
        ok = kappa * cand + (m - 1) * torch.log(1 - x0 * cand) - c >= torch.log(u)
        w[todo[ok]] = cand[ok]
        todo = todo[~ok]
    w = w.to(mu.dtype).unsqueeze(1)
    # A uniform direction orthogonal to e1, then the reflection that maps e1 onto mu.
    v = torch.randn(n, m - 1, generator=gen, dtype=mu.dtype)
    v = v / v.norm(dim=1, keepdim=True)
    z = torch.cat([w, torch.sqrt(torch.clamp(1 - w * w, min=0)) * v], 1)
    e1 = torch.zeros_like(mu)
    e1[:, 0] = 1
    u = e1 - mu
    u = u / torch.clamp(u.norm(dim=1, keepdim=True), min=1e-12)
    return z - 2 * (z * u).sum(1, keepdim=True) * u


def bench_vmf(item):
    gen = torch.Generator().manual_seed(item["dim"])
    rows, m, kappa = item["rows"], item["dim"], float(item["kappa"])
    mu = torch.randn(rows, m, generator=gen)
    mu = mu / mu.norm(dim=1, keepdim=True)
    torch.manual_seed(0)
    vmf_wood(mu, kappa, gen)
    calls = 0
    start = time.perf_counter()
    cpu = time.process_time()
    while True:
        vmf_wood(mu, kappa, gen)
        calls += 1
        elapsed = time.perf_counter() - start
        if calls >= 3 and elapsed >= item["seconds"]:
            break
    return {
        "samplesPerSec": rows * calls / elapsed,
        "calls": calls,
        "seconds": elapsed,
        "cpuSeconds": time.process_time() - cpu,
    }


# --------------------------------------------------------------------------------------------
# Importance-sampled NLL


def load_vaekit_weights(model, manifest_path):
    """Load weights exported by bench/run.ts: a JSON manifest of [name, shape] and a float32 file."""
    with open(manifest_path) as f:
        manifest = json.load(f)
    flat = np.fromfile(manifest["data"], dtype="<f4")
    offset = 0
    tensors = []
    for entry in manifest["weights"]:
        size = int(np.prod(entry["shape"]))
        tensors.append(torch.from_numpy(flat[offset : offset + size].copy()).reshape(entry["shape"]))
        offset += size
    # vaekit's order: encoder dense layers, mean head, log-variance head, decoder layers, output;
    # each a kernel [in, out] (the transpose of nn.Linear's weight) then a bias.
    linears = [*model.enc, model.mean, model.logvar, *model.dec, model.out]
    assert len(tensors) == 2 * len(linears), (len(tensors), len(linears))
    with torch.no_grad():
        for i, layer in enumerate(linears):
            layer.weight.copy_(tensors[2 * i].t())
            layer.bias.copy_(tensors[2 * i + 1])


def bench_nll(item):
    torch.manual_seed(0)
    model = MLPVAE()
    if item.get("weights"):
        load_vaekit_weights(model, item["weights"])
    model.eval()
    x_all = load_mnist_test(item["mnist"], item["examples"])
    k, batch, chunk = item["k"], item["batch"], item["chunk"]
    total = 0.0
    start = time.perf_counter()
    cpu = time.process_time()
    with torch.no_grad():
        for s in range(0, len(x_all), batch):
            x = x_all[s : s + batch]
            mu, std = model.encode(x)
            b, d = mu.shape
            running = None
            for c in range(0, k, chunk):
                n = min(chunk, k - c)
                z = mu + std * torch.randn(n, b, d)
                logits = model.decode(z.reshape(n * b, d))
                log_px = bernoulli_log_prob(logits, x.repeat(n, 1)).reshape(n, b)
                log_pz = -0.5 * (z.pow(2).sum(-1) + d * LOG_2PI)
                log_qz = -0.5 * (((z - mu) / std).pow(2).sum(-1) + d * LOG_2PI) - torch.log(
                    std
                ).sum(-1)
                chunk_sum = torch.logsumexp(log_px + log_pz - log_qz, 0)
                running = chunk_sum if running is None else torch.logaddexp(running, chunk_sum)
            total += float((-(running - math.log(k))).sum())
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - cpu
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "seconds": elapsed,
        "cpuSeconds": cpu,
        "examples": len(x_all),
        "nll": total / len(x_all),
        "peakRssMiB": peak_kib / 1024,
    }


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    threads = int(spec["threads"])
    torch.set_num_threads(threads)
    data = None
    results = []
    for item in spec["items"]:
        kind = item["kind"]
        if kind == "mlp":
            if data is None:
                data = load_mnist_test(spec["mnist"]) if spec.get("mnist") else (
                    torch.rand(10000, 784) < 0.3
                ).float()
            out = bench_mlp(item, data)
        elif kind == "text":
            out = bench_text(item)
        elif kind == "vmf":
            out = bench_vmf(item)
        elif kind == "nll":
            out = bench_nll(item)
        else:
            raise ValueError(f"unknown item kind {kind!r}")
        results.append({"id": item["id"], **out})
        print(json.dumps({"progress": item["id"], **out}), file=sys.stderr, flush=True)
    print(
        json.dumps(
            {
                "torch": torch.__version__,
                "threads": torch.get_num_threads(),
                "blas": "see torch.__config__",
                "results": results,
            }
        )
    )


if __name__ == "__main__":
    main()
