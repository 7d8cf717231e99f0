# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown] slideshow={"slide_type": "slide"}
# # Chapter 6 — MNIST: handwritten digits, end to end
#
# **What you will learn**
# - how MNIST stores handwritten digits, how to load them and what they look like;
# - why pixels are normalised to $[0, 1]$ before training — and what it does to the learning rate;
# - the four steps of learning — forward pass, loss, backpropagation, update — computed one by
#   one on ONE image, with each step traced back to the chapter that taught it, and the image's
#   prediction moving after a single update;
# - training a multi-layer perceptron (MLP) with mini-batch SGD, momentum and a cosine schedule,
#   and reading its loss and accuracy curves;
# - working as practitioners do: a *validation* split carved from the training images to watch
#   and tune, and the *test* images used once, at the very end;
# - recognising overfitting on the curves and fighting it with early stopping and weight decay;
# - what centring the pixels does to the curvature, and so to the usable learning rate;
# - judging a classifier: the confusion matrix, its most confident mistakes, and what its first
#   layer has learned;
# - how our from-scratch network compares with scikit-learn's `MLPClassifier`, and where to go
#   after this course.
#
# **What you need**: chapters 1–5 (loss functions, the chain rule, backpropagation, gradient
# descent, the learning rate).
#
# **Recap — chapter 5.** The learning rate $\eta$ decides whether gradient descent crawls, learns
# or blows up; on a quadratic it converges exactly when $\eta < 2/\lambda_{\max}$. Schedules such as
# cosine annealing start with large steps and end with small ones, and `training.fit` runs the whole
# loop — shuffled mini-batches, forward, loss, backward, update — records a `History` and stops
# with `TrainingDiverged` when the rate is too large. Everything so far ran on small or synthetic
# data. This chapter puts all of it to work on the classic real data set: 28×28 images of
# handwritten digits.

# %%
# Running on Google Colab? Install the course library first (this does nothing anywhere else).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://github.com/backprop-from-zero/backprop-from-zero"], check=True)

# %%
# %matplotlib inline
import copy
import math
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

import course_lib
from course_lib import curvature, datasets, losses, optim, plotting, schedules, training
from course_lib.exercises import check
from course_lib.gradcheck import numerical_derivative
from course_lib.layers import SoftmaxCrossEntropy
from course_lib.network import MLP
from course_lib.optim import SGD, iterate_minibatches

rng = course_lib.setup_notebook(seed=0, lang="en")  # lang="ja": messages and plots in Japanese

# %% [markdown]
# **Which data?** The parameter below picks the data set. `"subset"` (the default) uses 5,000 real
# MNIST digits that ship with the course, so this notebook runs offline and prints the same numbers
# everywhere. Change it to `"full"` and re-run all cells for the original 60,000 training and 10,000
# test images: the four original files are read from the folder named by the environment variable
# `COURSE_MNIST_DIR` (`make lab` sets it from `make`'s `MNIST_DIR`, by default
# `../shared/data/mnist` when that folder exists), or else downloaded once (about 11 MB) into
# `~/.cache/course_lib/mnist`. To use another folder, call `datasets.load_mnist("full",
# data_dir="path/to/folder")` in the loading cell below. With the full data every cell still works,
# but training takes about 15 times longer (well under a minute on a laptop), the printed numbers
# change, and the remarks about "3,500 images" no longer apply. For the full data there is also a
# faster, tuned command-line run: `make mnist` (section 12).

# %% tags=["parameters"]
KIND = "subset"  # or "full" for all 60,000 + 10,000 images

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Loading MNIST
#
# MNIST (Modified National Institute of Standards and Technology database) holds 70,000 grey-scale
# images of handwritten digits, 28×28 pixels each, written by American high-school students and
# census employees: 60,000 for training and 10,000 for testing. Each pixel is one byte, 0 for the
# white background up to 255 for full ink. For a network the 28×28 grid is simply flattened into a
# row of $28 \cdot 28 = 784$ numbers, so a set of images is a matrix `X` of shape `(N, 784)` — one
# image per row, exactly the batch layout of the earlier chapters — and the labels are a vector `y`
# of `N` digits.
#
# `datasets.load_mnist` returns `(X_train, y_train), (X_test, y_test)`. The offline subset is the
# first 500 training images of each digit; it is split once and for all into 4,000 training and
# 1,000 test images, 400 and 100 per digit (a *stratified* split, so both halves have the same
# balance of digits):

# %%
course_lib.show_source(datasets._load_subset)

# %%
(X_all_raw, y_all), (X_test_raw, y_test) = datasets.load_mnist(KIND)
print(f"training images: {X_all_raw.shape}, dtype {X_all_raw.dtype}")
print(f"training labels: {y_all.shape}, dtype {y_all.dtype}")
print(f"test images:     {X_test_raw.shape}")
print(f"first ten labels: {y_all[:10].tolist()}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Training, validation and test data
#
# A network is judged on images it has never seen. But while we work we look at held-out
# results all the time — to choose the learning rate, the width, the number of epochs, when to
# stop. Every such choice fits the settings a little to the images we looked at, so their
# accuracy ends up *optimistic*. Practitioners therefore keep **three** sets:
#
# | set | used for | how often |
# |---|---|---|
# | **training** data | computing gradients: the weights are fitted to it | every step |
# | **validation** data | watching training, comparing settings, early stopping | every epoch, as often as we like |
# | **test** data | one final, honest estimate for new digits | **once**, at the very end |
#
# The validation set is carved out of the training images, here one eighth of them: 500 images,
# drawn with scikit-learn's `train_test_split`. `stratify=y_all` keeps the share of every digit
# the same in both parts (50 of each digit); `random_state` fixes the draw. Sorting the indices
# keeps the images in their original order. The 1,000 test images stay untouched until the last
# section.

# %%
train_idx, val_idx = train_test_split(np.arange(len(y_all)), test_size=1 / 8, stratify=y_all,
                                      random_state=0)
train_idx, val_idx = np.sort(train_idx), np.sort(val_idx)
X_train_raw, y_train = X_all_raw[train_idx], y_all[train_idx]
X_val_raw, y_val = X_all_raw[val_idx], y_all[val_idx]
print(f"training:   {len(y_train):,} images, per digit {np.bincount(y_train).tolist()}")
print(f"validation: {len(y_val):,} images, per digit {np.bincount(y_val).tolist()}")
print(f"test:       {len(y_test):,} images, kept aside until the end")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Looking at the digits
#
# Always look at your data first. Each row of `X_train_raw` turned back into a 28×28 grid:

# %%
plotting.plot_digit_grid(X_train_raw[:40], labels=y_train[:40], ncols=10,
                         title="the first 40 training images and their labels")
plt.show()

# %% [markdown]
# Some are neat, some are sloppy, and a few would puzzle a human. Averaging all training images of
# each digit shows the "typical" shape — and how much the strokes vary (blurry regions):

# %%
mean_digits = np.stack([X_train_raw[y_train == k].mean(axis=0) for k in range(10)])
plotting.plot_digit_grid(mean_digits, labels=range(10), title="the average image of each digit")
plt.show()

# %% [markdown]
# **Class balance.** If one digit were much more frequent, a network could score well by
# favouring it, and accuracy would flatter it. Here every digit has the same share (the stratified
# split kept it so):

# %%
plotting.plot_class_balance(y_train, y_val, names=["training", "validation"])
plt.title("images per digit")
plt.show()
counts = np.bincount(y_train, minlength=10)
print(f"training images per digit: min {counts.min()}, max {counts.max()}")
print(f"always guessing the most common digit would score {counts.max() / counts.sum():.1%}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Pixels, and why we normalise them
#
# What values does a network actually receive? Most pixels are pure background (0); the rest are
# ink, from the soft grey edges of the strokes up to (almost) full black near 255:

# %%
pixels = X_train_raw.ravel()
print(f"pixel values from {pixels.min()} to {pixels.max()}, mean {pixels.mean():.1f}, "
      f"standard deviation {pixels.std():.1f}")
print(f"background (exactly 0): {np.mean(pixels == 0):.1%}   "
      f"(almost) full ink (250 or more): {np.mean(pixels >= 250):.1%}")

fig, ax = plt.subplots(figsize=(6.5, 3.2))
ax.hist(pixels, bins=np.arange(0, 257, 4), log=True, color="tab:gray")  # 4 values per bar
ax.set(xlabel="pixel value", ylabel="number of pixels (log scale)",
       title="pixel values: mostly 0, a peak of full ink near 255")
plt.show()

# %% [markdown]
# **Normalisation** rescales the inputs to a range of order one. For MNIST the simplest choice is
# to divide by the largest value, $x \leftarrow x / 255$, so every pixel lies in $[0, 1]$: 0 is
# background, 1 is full ink, and the picture is unchanged.
#
# *Why bother?* Chapter 5 showed that gradient descent on a quadratic converges only if
# $\eta < 2/\lambda_{\max}$, where $\lambda_{\max}$ is the largest curvature of the loss. For a
# linear layer $z = xW$ the curvature of the loss with respect to $W$ is governed by the matrix
# $\frac1N X^\top X$ of input products (for a squared-error loss it *is* the Hessian, up to a
# constant factor). Multiply every input by 255 and this matrix grows by $255^2 = 65{,}025$ — so
# does $\lambda_{\max}$, and the largest usable learning rate shrinks by the same factor. Unscaled
# inputs would also make the first layer's outputs, and hence the scores, hundreds of times
# larger, so the softmax would start out saturated (chapter 1). The library's `normalize` is one
# division; then we measure $\lambda_{\max}$ both ways:

# %%
course_lib.show_source(datasets.normalize)

# %%
X_train = datasets.normalize(X_train_raw, dtype=np.float64)
X_val = datasets.normalize(X_val_raw, dtype=np.float64)
X_test = datasets.normalize(X_test_raw, dtype=np.float64)
print(f"after normalising: values from {X_train.min():.1f} to {X_train.max():.1f}, "
      f"mean {X_train.mean():.4f}, dtype {X_train.dtype}")

raw = X_train_raw.astype(np.float64)
lam_raw = np.linalg.eigvalsh(raw.T @ raw / len(raw))[-1]
eig_norm = np.linalg.eigvalsh(X_train.T @ X_train / len(X_train))  # ascending order
lam_norm = eig_norm[-1]
print(f"largest eigenvalue of XᵀX/N: raw pixels {lam_raw:,.0f}, normalised {lam_norm:.2f}")
print(f"ratio {lam_raw / lam_norm:,.0f} (= 255² = {255**2:,}): the critical learning rate "
      f"2/λ_max drops from {2 / lam_norm:.3f} to {2 / lam_raw:.1e}")

# %% [markdown]
# Read these rates as a *scale*, not as an exact limit for our network (section 5 measures the
# network's own curvature): softmax cross-entropy multiplies this curvature by the matrix
# $\mathrm{diag}(p) - pp^\top$, whose eigenvalues are at most ½, and a hidden layer and momentum
# change it again. What carries over exactly is the factor 65,025 between raw and normalised
# pixels — the difference between a learning rate of about 0.1 and one of about $10^{-6}$.
#
# We keep the `uint8` originals (`X_train_raw`) for pictures and train on the normalised
# `float64` copies. (Float32 would halve memory and double speed — `make mnist` uses it — but
# float64 keeps this notebook's printed digits identical on every machine.)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Centring: subtract the mean image
#
# Dividing by 255 fixed the *scale*. There is a second, subtler problem: every pixel is $\geq 0$,
# so all images point roughly the same way — towards the average image. Along that one direction
# the inputs are large *for every image*, and that direction dominates $X^\top X/N$: most of its
# largest eigenvalue is $\lVert\bar x\rVert^2$, the squared length of the mean image $\bar x$.
# **Centring** subtracts the mean image (computed on the training images only — the validation and
# test images are shifted by the same $\bar x$), $x \leftarrow x - \bar x$, so that every pixel
# averages 0. Then $X^\top X/N$ is the covariance matrix of the pixels, and its largest eigenvalue
# is the variance along the most varying direction (the first principal component):

# %%
mean_image = X_train.mean(axis=0)
X_train_centred = X_train - mean_image
eig_centred = np.linalg.eigvalsh(X_train_centred.T @ X_train_centred / len(X_train))
lam_centred = eig_centred[-1]
top_vector = np.linalg.eigh(X_train.T @ X_train / len(X_train))[1][:, -1]
cosine = abs(top_vector @ mean_image) / np.linalg.norm(mean_image)
print(f"squared length of the mean image ‖x̄‖²: {mean_image @ mean_image:.2f}; "
      f"top eigenvector vs mean image: cosine {cosine:.3f}")
print(f"λ_max of XᵀX/N: x/255 {lam_norm:.2f}, centred {lam_centred:.2f} "
      f"({lam_norm / lam_centred:.1f} times smaller)")
print(f"critical rate 2/λ_max: x/255 {2 / lam_norm:.3f}, centred {2 / lam_centred:.3f}")

plotting.plot_eigenvalue_spectra({"x/255": eig_norm, "x/255 − mean image": eig_centred}, k=50,
                                 title="the 50 largest eigenvalues of XᵀX/N")
plt.show()

# %% [markdown]
# Only the top eigenvalue changes much: it *was* the mean-image direction (cosine close to 1), and
# centring removes that direction's offset, while the rest of the spectrum — the directions in
# which digits differ — stays nearly the same. The critical learning rate grows by the same
# factor. Chapter 5's theory says exactly what to expect for a linear least-squares model, whose
# Hessian *is* $X^\top X/N$: gradient descent with a rate between the two limits diverges on the
# uncentred pixels and converges on the centred ones. We fit a linear score "is this a 0?" both
# ways, with chapter 4's `optim.quadratic` and `optim.gradient_descent`:

# %%
is_zero = (y_train == 0).astype(np.float64)  # target: 1 for images of 0, else 0
lr_demo, steps_demo = 0.1, 40
curves_demo = {}
for name, A in [("x/255", X_train), ("x/255 − mean image", X_train_centred)]:
    H, b = A.T @ A / len(A), A.T @ is_zero / len(A)  # loss ½‖Aw − t‖²/N = ½wᵀHw − bᵀw + const
    _, grad = optim.quadratic(H, b)
    trajectory = optim.gradient_descent(grad, np.zeros(A.shape[1]), lr=lr_demo, steps=steps_demo)
    with np.errstate(over="ignore", invalid="ignore"):  # the uncentred run overflows on purpose
        curves_demo[name] = [float(np.mean((A @ w - is_zero) ** 2) / 2) for w in trajectory]
    print(f"{name:20} 2/λ_max = {2 / np.linalg.eigvalsh(H)[-1]:.3f}   loss after {steps_demo} steps "
          f"{curves_demo[name][-1]:.3g}")
ax = plotting.plot_descent_losses(curves_demo, title=f"least squares, gradient descent, η = {lr_demo}")
ax.set_ylim(1e-2, 1e1)  # the uncentred run leaves the plot upwards
plt.show()

# %% [markdown]
# With $\eta = 0.1$ between the two limits, the uncentred fit blows up (its loss grows by a factor
# $|1 - \eta\lambda_{\max}|^2$ per step along the top eigenvector) and the centred one converges.
# For our network the effect is milder — the hidden layer has biases, and the softmax shrinks the
# curvature — and section 5's learning rate is safe without centring, so we keep plain $x/255$
# there. Standardising the inputs (centring, and dividing by the standard deviation where it is
# not 0) is nevertheless the usual first step for any new data set; `MLPClassifier`'s
# documentation recommends it too.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The four steps on ONE image
#
# Every chapter so far taught one part of a single learning step. Here all of them work together,
# on one training image and a fresh, untrained network:
#
# | step | what happens | taught in | code |
# |---|---|---|---|
# | 1. forward pass | pixels → hidden layer → 10 scores → probabilities → predicted digit | chapter 3 (layers), chapter 1 (softmax) | `model.forward(x)` |
# | 2. loss | one number saying how wrong the probabilities are | chapter 1 (cross-entropy) | `loss_layer.forward(scores, t)` |
# | 3. backpropagation | the chain rule, layer by layer, from the loss back to every weight | chapter 2 (chain rule), chapter 3 (`backward`) | `model.backward(loss_layer.backward())` |
# | 4. update | every weight moves a little against its gradient | chapter 4 (gradient descent), chapter 5 (the step size) | `SGD(lr).step(model)` |
#
# The network is an MLP $784 \to 128 \to 10$ — chapter 3's two-layer network with bigger sizes:
#
# $$
# z_1 = xW_1 + b_1, \qquad h = \mathrm{ReLU}(z_1), \qquad z = hW_2 + b_2, \qquad p = \mathrm{softmax}(z),
# $$
#
# with the image $x$ as a batch of one row, shape (1, 784); $W_1$ of shape (784, 128); the hidden
# activations $h$ of shape (1, 128); $W_2$ of shape (128, 10); and ten scores $z$ (logits), one per
# digit.

# %%
model = MLP([784, 128, 10], rng=rng)
loss_layer = SoftmaxCrossEntropy()
print(model)
x, t = X_train[:1], y_train[:1]  # ONE image as a batch of one row: shape (1, 784)
print(f"the image: shape {x.shape}, true digit {t[0]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 1 — forward pass: scores, probabilities, a predicted digit
#
# `model.forward(x)` hands the batch from layer to layer (chapter 3). Written out as a loop, we can
# watch the shape change on the way. The untrained network's weights are random, so its
# probabilities come out close to uniform ($1/10$ each) and its "prediction" — the digit with the
# largest score — is a guess.

# %%
out = x
for layer in model.layers:
    out = layer.forward(out)
    print(f"after {layer!r:<17} shape {out.shape}")
scores = out  # exactly what model.forward(x) returns
probs = losses.softmax(scores)[0]
print(f"scores (logits): {np.array2string(scores[0], precision=3)}")
print(f"probabilities:   {np.array2string(probs, precision=3)}")
print(f"predicted digit {probs.argmax()} (probability {probs.max():.3f}); "
      f"the truth is {t[0]} (probability {probs[t[0]]:.3f})")

fig, (ax_img, ax_p) = plt.subplots(1, 2, figsize=(8, 2.8), gridspec_kw={"width_ratios": [1, 2.2]})
plotting.plot_digit(X_train_raw[0], title=f"true digit {t[0]}", ax=ax_img)
plotting.plot_digit_probabilities(probs, label=t[0], ax=ax_p,
                                  title="what the untrained network says")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 2 — the loss
#
# Cross-entropy (chapter 1) is minus the log of the probability given to the true digit,
# $L = -\log p_t$: about $\log 10 \approx 2.30$ for a uniform guess, 0 for a certain right answer.
# This is chapter 1's example come true — there the network said "7" and the truth was "3"; here
# it says "2" and the truth is "6". The loss layer computes the same number straight from the
# scores, in the stable log-sum-exp form of chapter 1:

# %%
loss_before = loss_layer.forward(scores, t)
print(f"loss L = -log p[{t[0]}] = {-np.log(probs[t[0]]):.4f}   (loss layer: {loss_before:.4f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 3 — backpropagation: one gradient for every parameter
#
# Now the chain rule (chapter 2), applied layer by layer from the loss down (chapter 3). The loss
# layer's `backward` starts with the error signal at the scores, $\delta = \partial L/\partial z =
# (p - t)/B$, where $t$ is now the one-hot vector of the true digit and the batch holds $B = 1$
# image (chapter 4: the loss averages over the rows it is given). Each layer's
# `backward` turns the error signal at its output into the gradients of its parameters and the
# error signal at its input, which it passes down:
#
# | layer (in backward order) | gradients of its parameters | error signal passed down |
# |---|---|---|
# | `Linear(128, 10)` | $\partial L/\partial W_2 = h^\top\delta$, $\ \partial L/\partial b_2 = \sum_n \delta_n$ | $\partial L/\partial h = \delta W_2^\top$ |
# | `ReLU` | (none) | $\delta_1 = \partial L/\partial z_1 = \partial L/\partial h \odot (z_1 > 0)$ |
# | `Linear(784, 128)` | $\partial L/\partial W_1 = x^\top\delta_1$, $\ \partial L/\partial b_1 = \sum_n \delta_{1,n}$ | (not needed: $x$ is data) |
#
# One backward pass, costing a small constant times the forward pass (about twice: chapter 3,
# section 9), delivers every partial derivative at once: that is reverse-mode differentiation
# (chapter 2). The library names the parameters by
# layer index — `0.W`, `0.b` are $W_1, b_1$ (layer 0, the first `Linear`); layer 1, the `ReLU`, has
# none; `2.W`, `2.b` are $W_2, b_2$:

# %%
model.backward(loss_layer.backward())
print(f"{'parameter':10}{'shape':>12}{'gradient shape':>17}{'entries':>10}{'|gradient|':>12}")
for key, p in model.params.items():
    g = model.grads[key]
    print(f"{key:10}{str(p.shape):>12}{str(g.shape):>17}{g.size:>10,}{np.linalg.norm(g):>12.4f}")
print(f"in total {sum(p.size for p in model.params.values()):,} partial derivatives "
      "from one backward pass")

dW1 = model.grads["0.W"]
z1 = x @ model.params["0.W"] + model.params["0.b"]
print(f"\nzero entries in the gradient of 0.W (= W1): {np.mean(dW1 == 0):.1%}, because")
print(f"  {np.sum(x[0] == 0)} of 784 pixels are background (x_i = 0): their rows are zero")
print(f"  {np.sum(z1[0] <= 0)} of 128 hidden units are switched off (z1 ≤ 0): "
      "their columns are zero")

# %% [markdown]
# Each gradient has exactly the shape of its parameter. Most entries of $\partial L/\partial W_1 =
# x^\top\delta_1$ are zero, for two reasons you can read off the formula: row $i$ is
# $x_i\,\delta_1$, so a weight from a background pixel ($x_i = 0$) does not influence this image's
# loss at all; and column $k$ is zero when the ReLU of unit $k$ was off and blocked its error
# signal (chapter 3). As in chapters 2–3 we check one entry against a central difference:

# %%
W2 = model.layers[2].params["W"]
i, j = np.unravel_index(np.argmax(np.abs(model.grads["2.W"])), W2.shape)


def loss_as_function_of_one_weight(w):
    old = W2[i, j]
    W2[i, j] = w
    value = loss_layer.forward(model.forward(x), t)
    W2[i, j] = old
    return value


numeric = numerical_derivative(loss_as_function_of_one_weight, W2[i, j])
print(f"dL/dW2[{i}, {j}]: backprop {model.grads['2.W'][i, j]:.5f}, "
      f"central difference {numeric:.5f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 4 — one update, and the prediction moves
#
# Gradient descent (chapter 4) moves every parameter a little against its gradient,
# $\theta \leftarrow \theta - \eta\,\partial L/\partial\theta$, with the learning rate $\eta$
# (`lr` in code) deciding how far (chapter 5). We take one deliberately small step, $\eta = 0.01$,
# and then run the forward pass on the same image again:

# %%
SGD(lr=0.01).step(model)
scores_after = model.forward(x)
probs_after = losses.softmax(scores_after)[0]
loss_after = loss_layer.forward(scores_after, t)
print(f"loss {loss_before:.4f} -> {loss_after:.4f}")
print(f"probability of the true digit {t[0]}: {probs[t[0]]:.3f} -> {probs_after[t[0]]:.3f}")
print(f"predicted digit: {probs.argmax()} -> {probs_after.argmax()}")

fig, axes = plt.subplots(1, 2, figsize=(10, 2.8), sharey=True)
plotting.plot_digit_probabilities(probs, label=t[0], ax=axes[0], title="before the update")
plotting.plot_digit_probabilities(probs_after, label=t[0], ax=axes[1], title="after ONE update")
axes[1].set_ylabel("")
axes[1].get_legend().remove()  # one legend is enough
plt.show()

# %% [markdown]
# One update on one image raised the probability of the true digit from 0.11 to 0.18, lowered the
# loss from 2.22 to 1.71, and flipped the prediction from "2" to the right answer "6". That is
# learning: the gradient told each of the 101,770 parameters which way to move to make *this*
# image's loss smaller.
#
# **Why not simply repeat this?** Let's take nine more steps on the same image — the same four
# steps each time — and after each one ask the network about all the training images:

# %%
print(f"{'step':>4}  {'loss':>6}  {'p[' + str(t[0]) + ']':>6}  training images it calls a {t[0]}")
for step in range(1, 11):
    if step > 1:  # step 1 was taken above
        loss_layer.forward(model.forward(x), t)  # forward pass and loss
        model.backward(loss_layer.backward())    # backpropagation
        SGD(lr=0.01).step(model)                 # update
    scores_now = model.forward(x)
    loss_now = loss_layer.forward(scores_now, t)
    p_now = losses.softmax(scores_now)[0, t[0]]
    called = np.sum(model.predict(X_train) == t[0])
    print(f"{step:>4}  {loss_now:>6.3f}  {p_now:>6.3f}  {called:>6,} of {len(X_train):,}")
print(f"(only {np.sum(y_train == t[0]):,} of the training images really are a {t[0]})")

# %% [markdown]
# The loss on this one image keeps falling, but the network learns the wrong lesson: "whatever
# you see, say 6". After ten steps it calls more than 2,800 of the 3,500 training images a 6. A
# step that helps one image can hurt all the others. That is why real training (chapter 4)
# averages the gradient over a **mini-batch** of $B$ images, so that every step pulls towards the
# right digits of all of them at once, and takes many small steps, visiting the whole training set
# once per **epoch**.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Training on all the training images
#
# `training.fit` (chapter 5) is the loop of the last cell done properly. For every epoch it
# shuffles the $N$ training images into mini-batches of $B = 64$ (chapter 4), and for every
# mini-batch it asks the schedule for the learning rate, then does the four steps: `model.forward`,
# `loss.forward`, `model.backward(loss.backward())`, `optimizer.step(model)`. The optimizer is SGD
# with momentum $\mu = 0.9$ (chapter 4); the schedule is cosine annealing (chapter 5), which takes
# the learning rate from 0.1 down to 0 over the whole run.
#
# **Why is 0.1 safe?** Momentum does two different things (chapter 4). Along a direction where
# the gradient keeps pointing the same way, the steps add up to $1/(1-\mu) = 10$ times a plain
# step: faster progress on gentle slopes. But it does *not* make a rate 10 times larger safe. On a
# quadratic with curvature $\lambda$, heavy-ball momentum is stable exactly when
# $\eta\lambda < 2(1+\mu)$ (chapter 5, section 3 derived and measured this limit) — the limit
# $2/\lambda_{\max}$ of plain gradient descent grows by the factor $1 + \mu = 1.9$, not 10.
# Measured against section 3's linear-model curvature $\lambda_{\max} \approx 38$, the momentum
# limit $2 \cdot 1.9/38 \approx 0.099$ would sit just *below* 0.1. The curvature that matters,
# though, is our network's: the largest eigenvalue of the Hessian of its loss, which chapter 5's
# `curvature.top_hessian_eigenvalue` finds by power iteration (10 Hessian-vector products, on
# 1,000 training images to keep it quick):

# %%
model = MLP([784, 128, 10], rng=rng)
W1_start = model.layers[0].params["W"].copy()  # kept to see what training changed (section 9)
epochs, batch_size, lr, momentum = 15, 64, 0.1, 0.9
sharpness_start = curvature.top_hessian_eigenvalue(model, SoftmaxCrossEntropy(), X_train[:1000],
                                                   y_train[:1000], iters=10, rng=rng)
print(f"sharpness λ_max of the fresh network's loss: {sharpness_start:.2f}")
print(f"largest stable rate: plain GD 2/λ_max = {2 / sharpness_start:.2f}, "
      f"with momentum {momentum} 2(1+μ)/λ_max = {2 * (1 + momentum) / sharpness_start:.2f}")

# %% [markdown]
# The fresh network's loss, with a sharpness of about 8, is several times flatter than the
# linear model's $X^\top X/N$ (the softmax factor of at most ½ and the ReLU layer both shrink it),
# so 0.1 lies well inside both limits, 0.24 without and 0.46 with momentum. (Were it not, we would
# start at chapter 5's "edge of stability": the loss bounces while training pushes the sharpness
# down until the steps fit — or it diverges.) We measure the sharpness again after training. After every epoch `fit` evaluates the
# **validation** images and prints a line, so you can watch it learn (the test images stay
# unseen):

# %%
steps_per_epoch = math.ceil(len(X_train) / batch_size)  # the last batch of an epoch is smaller
total_steps = epochs * steps_per_epoch
schedule = schedules.cosine_annealing(lr, total_steps=total_steps)
print(f"N = {len(X_train):,} images, B = {batch_size}: {steps_per_epoch} updates per epoch, "
      f"{total_steps:,} in {epochs} epochs")

start = time.perf_counter()
history = training.fit(model, SoftmaxCrossEntropy(), SGD(lr, momentum=momentum), X_train,
                       y_train, epochs=epochs, batch_size=batch_size, rng=rng, schedule=schedule,
                       validation=(X_val, y_val))
seconds_ours = time.perf_counter() - start
sharpness_end = curvature.top_hessian_eigenvalue(model, SoftmaxCrossEntropy(), X_train[:1000],
                                                 y_train[:1000], iters=10, rng=rng)
print(f"sharpness λ_max after training: {sharpness_end:.2f} (at the start: {sharpness_start:.2f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss and accuracy curves

# %%
axes = plotting.plot_history(history)
axes[0].set_title("loss per epoch")
axes[1].set_title("accuracy per epoch")
axes[1].set_ylim(0.75, 1.01)
for ax, where in zip(axes, ["upper right", "lower right"]):
    ax.legend(["training images", "validation images"], loc=where)
    ax.set_xticks(range(1, epochs + 1, 2))
plt.show()

# %%
accuracy = training.evaluate(model, X_val, y_val)
print(f"final training accuracy:    {history.train_accuracy[-1]:.1%}")
print(f"final validation accuracy:  {accuracy:.1%}  "
      f"({round(accuracy * len(y_val)):,} of {len(y_val):,} validation images)")
print(f"lowest validation loss in epoch {history.best_epoch} of {epochs}")

# %% [markdown]
# Reading the curves: the training loss keeps falling towards zero and the training accuracy
# approaches 100 %, while the validation loss flattens after a few epochs and the validation
# accuracy stalls several points lower. (In epoch 1 the training loss lies *above* the validation
# one: `fit` averages each mini-batch's loss as the batch is seen, while the network is still
# improving, whereas the validation loss is measured once, at the end of the epoch.) The network
# has started to memorise its 3,500 training images. The cosine schedule's shrinking steps keep
# the damage small here; the next section provokes it on purpose. Note also the sharpness: it fell
# from about 8 to about 0.4 during training, so the largest safe rate only grew as we went.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Overfitting, and two remedies
#
# **Overfitting** means fitting the training data much better than new data: the network learns
# the particular training images — their quirks and noise — instead of what makes a digit a digit.
# It shows on the curves as a *gap*: the training loss keeps falling while the validation loss
# stops falling and turns back up. To see it clearly we make it easy to overfit: a wide network
# (256 hidden units, 203,530 parameters) trained on only 500 of the training images (50 of each
# digit, again a stratified draw) for 30 epochs, at a constant rate:

# %%
X_small, _, y_small, _ = train_test_split(X_train, y_train, train_size=500, stratify=y_train,
                                          random_state=0)
wide_start = MLP([784, 256, 10], rng=rng)  # one initial network, copied for every run below
batch_seed = int(rng.integers(2**31))      # ... and one order of mini-batches for all runs


def train_wide(weight_decay=0.0, early_stopping=None):
    """Train a copy of wide_start on the 500 images; the same start and batches every time."""
    net = copy.deepcopy(wide_start)
    run = training.fit(net, SoftmaxCrossEntropy(),
                       SGD(0.05, momentum=0.9, weight_decay=weight_decay), X_small, y_small,
                       epochs=30, batch_size=50, rng=np.random.default_rng(batch_seed),
                       validation=(X_val, y_val), progress=False, early_stopping=early_stopping)
    return net, run


wide, wide_history = train_wide()
best = wide_history.best_epoch
print(f"training loss: epoch 1 {wide_history.train_loss[0]:.3f}, epoch 30 "
      f"{wide_history.train_loss[-1]:.4f}")
print(f"validation loss: lowest {wide_history.val_loss[best - 1]:.3f} in epoch {best}, "
      f"epoch 30 {wide_history.val_loss[-1]:.3f}")
print(f"validation accuracy: epoch {best} {wide_history.val_accuracy[best - 1]:.1%}, "
      f"epoch 30 {wide_history.val_accuracy[-1]:.1%}")
axes = plotting.plot_best_epoch(wide_history)
axes[0].set_title("loss: the curves part after the best epoch")
axes[1].set_title("accuracy")
plt.show()

# %% [markdown]
# After a few epochs the training loss heads for 0 — the network gets all 500 images right with
# near certainty — while the validation loss reaches its lowest point and then *rises* (shaded).
# The validation accuracy hardly changes: the network does not make many more mistakes, it
# becomes ever more **confident**, also about the digits it gets wrong, and cross-entropy punishes
# confident mistakes heavily. The loss therefore shows overfitting earlier and more smoothly than
# the accuracy — and it is what training minimises. That is why `fit` watches the validation loss.
#
# ### Remedy 1: early stopping
#
# The simplest cure: stop when the validation loss has not improved for a while, and go back to the
# weights of its best epoch. `fit(..., early_stopping=patience)` does this: after every epoch it
# compares the validation loss with the best so far; on an improvement it keeps a copy of the
# weights; after `patience` epochs in a row without one it stops; at the end it copies the best
# weights back into the model:

# %%
course_lib.show_source(training._Best)

# %% [markdown]
# Same start, same mini-batches, patience 5:

# %%
stopped, stopped_history = train_wide(early_stopping=5)
restored_loss = SoftmaxCrossEntropy().forward(stopped.forward(X_val), y_val)
print(f"stopped early: {stopped_history.stopped_early}, after epoch {stopped_history.epochs}; "
      f"best epoch {stopped_history.best_epoch}")
print(f"validation loss of the returned model: {restored_loss:.6f}  "
      f"(epoch {best} of the 30-epoch run: {wide_history.val_loss[best - 1]:.6f})")
print("identical to the 30-epoch run's best epoch, bit for bit:",
      restored_loss == wide_history.val_loss[best - 1])

# %% [markdown]
# The run stopped 5 epochs after its best one, and the model it returned is exactly the model
# of that epoch: the same start and batches make the two runs identical up to there. Patience
# is a trade-off: too small and a noisy bump stops training too early; too large and time is
# wasted (the result is the same best epoch either way, thanks to the restore).
#
# ### Remedy 2: weight decay
#
# Overconfidence needs large weights: scores far apart come from big $W$. **Weight decay** adds
# a penalty $\frac{\lambda}{2}\lVert\theta\rVert^2$ to the loss, whose gradient $\lambda\theta$ is
# added to every parameter's gradient, so each step also shrinks every weight by the factor
# $1 - \eta\lambda$ (PyTorch's `SGD(weight_decay=…)`; chapter 4's `SGD` does the same). The network
# can still grow a weight, but only where the data keep asking for it. We try $\lambda = 0.01$
# (here $\lambda$ is the strength of the penalty, not a curvature as in sections 3 and 5):

# %%
decayed, decayed_history = train_wide(weight_decay=0.01)
runs = {"plain": wide_history, "early stopping (patience 5)": stopped_history,
        "weight decay 0.01": decayed_history}
print(f"{'run':28}{'epochs':>7}{'best epoch':>11}{'best val loss':>14}{'val accuracy':>13}")
for (name, h), net in zip(runs.items(), [wide, stopped, decayed]):
    print(f"{name:28}{h.epochs:>7}{h.best_epoch:>11}{h.val_loss[h.best_epoch - 1]:>14.3f}"
          f"{training.evaluate(net, X_val, y_val):>13.1%}")
norms = [np.linalg.norm(net.params["0.W"]) for net in (wide, decayed)]
print(f"size of the first-layer weights ‖W1‖: plain {norms[0]:.1f}, weight decay {norms[1]:.1f}")
plotting.plot_validation_runs(runs)
plt.show()

# %% [markdown]
# With weight decay the training loss no longer falls to zero and the validation loss stays near
# its lowest value instead of climbing: the weights stay smaller, and so do the network's
# certainties. The "val accuracy" column is the model each run returns (for early stopping, the
# restored best epoch). On 500 validation images one image is 0.2 %, and differences of a
# percentage point are within the noise of which images happened to be drawn — the loss tells
# the story more clearly. In practice the two remedies are combined, and $\lambda$ and the
# patience are settings chosen on the validation set, like the learning rate.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Which digits get confused? The confusion matrix
#
# One accuracy number hides *which* mistakes are made. The **confusion matrix** $C$ counts, for
# every true digit $i$ (row) and predicted digit $j$ (column), how many images of $i$ were
# classified as $j$. The diagonal holds the correct answers; everything else is a mistake. Looking
# at mistakes is part of the work, so we look at the *validation* images (the test images are
# still unseen):

# %%
predicted = model.predict(X_val)
C = confusion_matrix(y_val, predicted)
fig, ax = plt.subplots(figsize=(5.8, 5.2))
ConfusionMatrixDisplay(C, display_labels=range(10)).plot(ax=ax, colorbar=False, cmap="Blues")
ax.set(title="validation images: true vs predicted digit", xlabel="predicted digit",
       ylabel="true digit")
ax.grid(False)
plt.show()

off_diagonal = C - np.diag(np.diag(C))
worst_true, worst_pred = np.unravel_index(np.argmax(off_diagonal), C.shape)
print(f"correct per digit: {np.diag(C).tolist()} out of {C.sum(axis=1).tolist()}")
print(f"most frequent confusion: {off_diagonal.max()} images of {worst_true} read as {worst_pred}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. The most confidently wrong digits
#
# Which mistakes is the network *most sure* of? Sort the misclassified validation images by the
# probability the network gave its (wrong) answer:

# %%
probs_val = losses.softmax(model.forward(X_val))
confidence = probs_val.max(axis=1)
wrong = np.flatnonzero(predicted != y_val)
most_confident = wrong[np.argsort(-confidence[wrong], kind="stable")][:12]
print(f"{len(wrong)} validation images misclassified; the 12 most confident mistakes, with the "
      "probability of the wrong answer:")
print(", ".join(f"{confidence[k]:.2f}" for k in most_confident))
plotting.plot_digit_grid(X_val_raw[most_confident], labels=y_val[most_confident],
                         predictions=predicted[most_confident], ncols=6,
                         title="predicted digit (true digit)")
plt.show()

# %% [markdown]
# Several of these are genuinely ambiguous or badly written — a human might hesitate too. Others
# show the limits of a network that sees pixels, not strokes: it has no notion that a digit shifted
# or slanted a little is still the same digit.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9. What did the first layer learn?
#
# Hidden unit $k$ computes $\mathrm{ReLU}(x \cdot W_1[:, k] + b_1[k])$: the dot product of the image
# with column $k$ of $W_1$. That column has 784 entries, so it can be drawn as a 28×28 image — the
# *template* the unit responds to. Red pixels push the unit on when there is ink, blue ones push it
# off. Left: the weights after training; right: how much training changed them, $W_1 - W_1^{\text{start}}$:

# %%
W1 = model.layers[0].params["W"]
fig, (ax_w, ax_dw) = plt.subplots(1, 2, figsize=(11, 5.2))
plotting.plot_weight_images(W1, n=16, ncols=4, ax=ax_w, title="weights after training")
plotting.plot_weight_images(W1 - W1_start, n=16, ncols=4, ax=ax_dw, title="change during training")
fig.suptitle("first-layer weights of 16 hidden units as 28×28 images (red +, blue −)")
plt.show()

blank = np.all(X_train_raw == 0, axis=0)  # pixels that are 0 in every training image
on_border = np.zeros((28, 28), dtype=bool)
on_border[[0, -1], :] = on_border[:, [0, -1]] = True
on_border = on_border.ravel()
print(f"pixels blank in every training image: {blank.sum()} of 784, "
      f"{np.sum(blank & on_border)} of the {on_border.sum()} outermost ones")
print("their weights are exactly where they started:", np.array_equal(W1[blank], W1_start[blank]))

# %% [markdown]
# The weights still carry much of their random start, especially near the border. Many pixels
# there are blank in every training image ($x_i = 0$ each time) — not all of the border: some digits
# touch the edge —, so their weights receive zero gradient (step 3 above) and never move. The
# change made by training is smooth and concentrated in the middle, where the ink is: not
# whole digits, but blurry stroke detectors — blobs, bars and edges. The second layer combines
# these 128 responses into ten digit scores.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10. The same network in scikit-learn
#
# scikit-learn's `MLPClassifier` implements the same model: 128 ReLU units, softmax cross-entropy,
# SGD with momentum 0.9, mini-batches of 64, 15 epochs, no weight penalty (`alpha=0`). Two details
# differ: it keeps the learning rate constant (we used a cosine schedule) and initialises the
# weights uniformly (Glorot) rather than with He's normal initialisation. It warns that 15 epochs
# did not "converge" — expected, and silenced here. Comparing two models is a choice, so it is
# made on the validation images.

# %%
sk_model = MLPClassifier(hidden_layer_sizes=(128,), activation="relu", solver="sgd",
                         learning_rate_init=lr, momentum=0.9, nesterovs_momentum=False,
                         batch_size=batch_size, max_iter=epochs, alpha=0.0, random_state=0)
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    sk_model.fit(X_train, y_train)
seconds_sklearn = time.perf_counter() - start
accuracy_sklearn = sk_model.score(X_val, y_val)
print(f"{'':14}{'validation accuracy':>20}")
print(f"{'course_lib':14}{accuracy:>20.1%}")
print(f"{'scikit-learn':14}{accuracy_sklearn:>20.1%}")

# %% [markdown]
# The two land within about a percentage point of each other: same model, same data, different
# random start. Both are plain NumPy underneath, so their speed is similar too (timings vary from
# machine to machine, so they are not part of the checked output):

# %%
# NBVAL_IGNORE_OUTPUT
# wall-clock timings depend on the machine and on what else it is doing
print(f"training time: course_lib {seconds_ours:.2f} s, scikit-learn {seconds_sklearn:.2f} s")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 11. The test set, once
#
# Every choice is made: the network, the learning rate and its schedule, the number of epochs —
# all judged on the validation images. Now, and only now, the test images: one evaluation of the
# final model of section 5, never repeated to tune anything.

# %%
test_accuracy = training.evaluate(model, X_test, y_test)
print(f"validation accuracy {accuracy:.1%} ({len(y_val):,} images), "
      f"test accuracy {test_accuracy:.1%} ({len(y_test):,} images never used before)")

# %% [markdown]
# This is the number to report. That it differs a little from the validation accuracy is
# expected: 500 and 1,000 images give estimates that vary by about one percentage point (the
# standard error of an accuracy $a$ on $n$ images is $\sqrt{a(1-a)/n}$). Had we picked, among many
# variants, the one with the best *test* accuracy, that best score would be partly luck, and
# optimistic; a test set looked at once has no such bias. If you now go back and change the
# network because of this number, the test set becomes a second validation set — and you need a
# fresh test set for an honest estimate.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 12. The full data set: `make mnist`
#
# With 3,500 training images the network overfits and reaches 93.7 % on the test images. With all
# 60,000 it does far better: set `KIND = "full"` at the top and re-run this notebook — the same
# network, same settings (trained on 52,500 images, 7,500 kept for validation), then reaches about
# 98 % on the 10,000 test images. Or run the tuned full-data
# training from a terminal:
#
# ```
# make mnist                              # or: python -m course_lib.mnist --help
# ```
#
# It trains an MLP 784-256-10 in float32 for 20 epochs (about 15–30 s on two cores) and reaches
# about **98.9 %** test accuracy on the 10,000 test images. It adds one cheap trick, **data
# augmentation**: every time a training image is used it is shifted by a random pixel (−1, 0 or +1
# in each direction). A digit moved by one pixel is still the same digit, so the network cannot
# memorise exact pixel positions — the weakness seen in section 8. Exercise 6.4 writes that shift.
# `make mnist PRESET=best` goes further: a 784-1024-10 network trained for 25 epochs on images
# that are also slightly rotated and rescaled each time reaches about **99.2 %** in about 1.5
# minutes. The loader behind `KIND = "full"` reads the original IDX files — a short header of big-endian
# integers (a *magic number* and the dimensions) followed by the raw bytes — after checking each
# file's SHA-256 checksum:

# %%
course_lib.show_source(datasets._parse_idx)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - MNIST: 28×28 grey-scale digits, flattened to rows of 784 pixels; `load_mnist("subset")` gives
#   4,000 + 1,000 real images offline, `load_mnist("full")` the original 60,000 + 10,000.
# - Look at the data first: digit grids, class balance, pixel statistics.
# - Three sets: **training** data for the gradients, **validation** data (carved from the training
#   images with a stratified `train_test_split`) to watch training and choose settings, **test**
#   data used once, at the end (93.0 % validation, 93.7 % test here).
# - Normalise inputs ($x/255$): raw pixels would multiply the curvature $\lambda_{\max}$ by 65,025
#   and shrink the usable learning rate by the same factor. Centring ($x - \bar x$) removes the
#   mean-image direction: $\lambda_{\max}$ of $X^\top X/N$ drops from 38.2 to 5.1, and the critical
#   rate $2/\lambda_{\max}$ grows from 0.052 to 0.39.
# - Momentum $\mu$ raises the stability limit only to $2(1+\mu)/\lambda_{\max}$ (×1.9 for 0.9), not
#   ×10; the network's own sharpness (about 8 at the start, 0.4 at the end) is what the rate must
#   respect.
# - One learning step = forward pass (chapter 3) → loss (chapter 1) → backpropagation (chapters 2–3:
#   a gradient of the same shape for each of the 101,770 parameters) → update (chapters 4–5). One
#   step moves the image's prediction towards the truth; repeating it on ONE image teaches the
#   network to give that answer for everything — hence mini-batches.
# - `training.fit` with mini-batch SGD, momentum and a cosine schedule trains the MLP in a few
#   seconds. The gap between the training and validation curves is overfitting: the validation
#   loss turns up while the training loss heads for 0. Early stopping
#   (`fit(..., early_stopping=patience)`) keeps the weights of the best validation epoch, exactly;
#   weight decay (`SGD(..., weight_decay=λ)`) keeps the weights small and the validation loss low.
# - Accuracy is one number; the confusion matrix and the most confident mistakes show *which*
#   digits fail and why; what training added to the first-layer weights looks like blurry stroke
#   detectors.
# - The from-scratch network matches scikit-learn's `MLPClassifier`; on all 60,000 images with a
#   little augmentation it reaches ≈ 98.9 %.
#
# **Next:** the course ends here — after the exercises and the glossary, "Where to go next"
# suggests what to learn after it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Write your answer in the exercise cell, then run it: `check` says whether it passes or gives a hint. In this copy each exercise cell already holds a reference solution — try the exercise yourself before you read it (`make student` writes copies with a placeholder in its place).

# %% [markdown]
# ### Exercise 6.1 — normalise the pixels
# Write `my_normalize(X)` that turns pixel values `0…255` (a `uint8` array) into floats in
# `[0, 1]`, without changing `X` itself.

# %%
def my_normalize(X):
    ### BEGIN SOLUTION
    return X / 255.0
    ### END SOLUTION


check("6.1", my_normalize)

# %% [markdown]
# ### Exercise 6.2 — accuracy from scores
# Write `my_accuracy(scores, labels)`: `scores` has shape `(N, 10)` (one row of logits per image),
# `labels` shape `(N,)`. Return the fraction of images whose largest score is at the true digit.

# %%
def my_accuracy(scores, labels):
    ### BEGIN SOLUTION
    return float(np.mean(scores.argmax(axis=1) == labels))
    ### END SOLUTION


check("6.2", my_accuracy)

# %% [markdown]
# ### Exercise 6.3 — a confusion matrix by hand
# Write `my_confusion_matrix(y_true, y_pred)` returning the 10×10 matrix of counts with rows = true
# digit and columns = predicted digit, like scikit-learn's `confusion_matrix`: `C[i, j]` is the
# number of positions where `y_true` is `i` and `y_pred` is `j`. Hint: start from
# `np.zeros((10, 10), dtype=int)` and loop over the pairs `zip(y_true, y_pred)` (or look up
# `np.add.at`). The last line compares yours with `C` from section 7.

# %%
def my_confusion_matrix(y_true, y_pred):
    ### BEGIN SOLUTION
    C = np.zeros((10, 10), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C
    ### END SOLUTION


check("6.3", my_confusion_matrix)
print("same as scikit-learn's C from section 7:",
      np.array_equal(my_confusion_matrix(y_val, predicted), C))

# %% [markdown]
# ### Exercise 6.4 — shift a digit (data augmentation)
# Write `shift_image(image, dy, dx)` for a 28×28 array: move the picture `dy` pixels down and `dx`
# pixels right (negative values: up and left), filling the uncovered border with zeros; pixels
# pushed past the edge disappear. Hint: `np.roll` wraps pixels around — slice instead: start from
# `np.zeros_like(image)` and copy a block of `image` into a shifted block of it. This is the
# augmentation `make mnist` applies to every training image; the picture below the check shows
# your function at work.

# %%
def shift_image(image, dy, dx):
    ### BEGIN SOLUTION
    out = np.zeros_like(image)
    h, w = image.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        image[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out
    ### END SOLUTION


check("6.4", shift_image)
moves = [(0, 0), (-2, 0), (2, 0), (0, -2), (0, 2), (2, 2)]
digit = X_train_raw[0].reshape(28, 28)
plotting.plot_digit_grid(np.stack([shift_image(digit, dy, dx) for dy, dx in moves]),
                         captions=[f"{dy:+d}, {dx:+d}" for dy, dx in moves], ncols=6,
                         title="shift_image(digit, dy, dx) for the (dy, dx) above each tile")
plt.show()

# %% [markdown]
# ### Exercise 6.5 — the four steps in one function
# The whole course in six lines. Write `train_step(model, loss_layer, X, y, lr)` that does ONE
# step of plain gradient descent (no momentum) on the batch `X, y` and returns the loss measured
# before the update: forward pass (`model.forward`), loss (`loss_layer.forward(scores, y)`),
# backpropagation (`model.backward(loss_layer.backward())`), update — for every
# `key, p in model.params.items()`, move `p` against `model.grads[key]`, in place (`p -= ...`), as in
# section 4. Below the check, your function trains a fresh network for three epochs of
# mini-batches.

# %%
def train_step(model, loss_layer, X, y, lr):
    ### BEGIN SOLUTION
    scores = model.forward(X)                   # 1. forward pass (chapter 3)
    loss = loss_layer.forward(scores, y)        # 2. loss (chapter 1)
    model.backward(loss_layer.backward())       # 3. backpropagation (chapters 2-3)
    for key, p in model.params.items():         # 4. update (chapter 4)
        p -= lr * model.grads[key]
    return loss
    ### END SOLUTION


check("6.5", train_step)
net, net_loss = MLP([784, 64, 10], rng=rng), SoftmaxCrossEntropy()
for epoch in range(1, 4):
    batch_losses = [train_step(net, net_loss, X_batch, y_batch, lr=0.1)
                    for X_batch, y_batch in iterate_minibatches(X_train, y_train, 64, rng=rng)]
    print(f"epoch {epoch}: mean loss {np.mean(batch_losses):.3f}, "
          f"validation accuracy {training.evaluate(net, X_val, y_val):.1%}")

# %% [markdown]
# ### Exercise 6.6 — early stopping with patience
# Write `early_stop(val_losses, patience)`. `val_losses` is a list with the validation loss of
# each epoch, in order — the first entry is epoch **1**. Return the pair
# `(best_epoch, stop_epoch)`, following the rule of `fit(..., early_stopping=patience)`
# (section 6):
# - an epoch *improves* when its loss is strictly lower than every loss before it (an equal loss
#   does not count);
# - training stops after the epoch that completes `patience` epochs **in a row** without an
#   improvement; if that never happens it runs to the end (`stop_epoch = len(val_losses)`);
# - `best_epoch` is the epoch with the lowest loss among the epochs that were run.
#
# Do not change the list. Below the check, your function is compared with what `fit` did in
# section 6.

# %%
def early_stop(val_losses, patience):
    ### BEGIN SOLUTION
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, value in enumerate(val_losses, start=1):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)
    ### END SOLUTION


check("6.6", early_stop)
print(f"your rule on the 30-epoch run of section 6: {early_stop(wide_history.val_loss, 5)}; "
      f"fit(..., early_stopping=5): ({stopped_history.best_epoch}, {stopped_history.epochs})")

# %% [markdown]
# ### Exercise 6.7 — a stratified validation split
# Section 1 let scikit-learn carve the validation set. Write it yourself:
# `stratified_split(y, val_fraction, rng)` gets the labels `y` (shape `(N,)`), a fraction such as
# `1/8` and a NumPy `Generator`, and returns `(train_idx, val_idx)`, two 1-D arrays of **indices**
# into `y` (not masks, not labels). For every class `k` separately: take the indices where
# `y == k` (`np.flatnonzero`), shuffle them with `rng.permutation`, put the first
# `round(val_fraction * count)` of them into the validation part and the rest into the training
# part. Every index ends up in exactly one part; all randomness comes from `rng`; `y` is not
# changed. Below the check, your split of the 4,000 training images is compared with section 1's.

# %%
def stratified_split(y, val_fraction, rng):
    ### BEGIN SOLUTION
    train_parts, val_parts = [], []
    for k in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == k))
        n_val = round(val_fraction * len(idx))
        val_parts.append(idx[:n_val])
        train_parts.append(idx[n_val:])
    return np.concatenate(train_parts), np.concatenate(val_parts)
    ### END SOLUTION


check("6.7", stratified_split)
my_train_idx, my_val_idx = stratified_split(y_all, 1 / 8, rng)
print(f"your split: {len(my_train_idx):,} + {len(my_val_idx):,} images, validation per digit "
      f"{np.bincount(y_all[my_val_idx], minlength=10).tolist()}")
print(f"section 1 (train_test_split): {len(train_idx):,} + {len(val_idx):,} images, validation "
      f"per digit {np.bincount(y_val, minlength=10).tolist()}")

# %% [markdown]
# **Going further (no check):**
# 1. Train the section-5 network without normalising (`X_train_raw` as float) and the same
#    learning rate — what does `fit` report (chapter 5)?
# 2. Try hidden widths 32, 128 and 512, or two hidden layers (`MLP([784, 256, 128, 10])`): how do
#    the training and validation curves change?
# 3. Give your `train_step` momentum (chapter 4: keep one momentum buffer per parameter, $b \leftarrow \mu b + g$) and
#    compare three epochs with and without it.
# 4. Train the section-5 network on the *centred* pixels (subtract `mean_image` from the training,
#    validation and test images). Does it reach a different validation accuracy? Which learning
#    rates now train, and which did before?
# 5. In section 6, try weight decay 0.001 and 0.1, and patience 1 and 10. Which gives the lowest
#    validation loss — and why is choosing it on the *test* set a mistake?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary
#
# | English | 日本語 | meaning here |
# |---|---|---|
# | handwritten digit | 手書き数字 | a scanned 0–9 written by hand; MNIST's images |
# | training data | 訓練データ（学習データ） | the examples the weights are fitted to |
# | test data | テストデータ | held-out examples, never trained on and looked at once, to estimate accuracy on new data |
# | validation data | 検証データ | examples carved from the training data, not trained on, used to watch training and choose settings (learning rate, width, epochs…) |
# | accuracy | 認識精度（正解率） | fraction of examples classified correctly |
# | confusion matrix | 混同行列 | counts of (true class, predicted class) pairs; the diagonal is correct |
# | misclassification | 誤分類 | an example whose predicted class is not its true class |
# | normalisation | 正規化 | rescaling inputs to a range of order one, here $x/255$ |
# | pixel | 画素（ピクセル） | one grey value of an image, 0…255 |
# | overfitting | 過学習 | fitting the training data much better than new data |
# | early stopping | 早期終了（Early Stopping） | stopping when the validation loss stops improving, keeping the best epoch's weights |
# | patience | 許容エポック数（patience） | (course term) epochs in a row without improvement before early stopping stops |
# | weight decay | Weight decay（荷重減衰） | adding $\lambda\theta$ to every gradient: the gradient of the penalty $\frac{\lambda}{2}\lVert\theta\rVert^2$ |
# | regularisation | 正則化 | any change to training that reduces overfitting |
# | centring | 中心化 | subtracting the mean image from every input |
# | eigenvalue | 固有値 | the curvature $\lambda_i$ along one principal direction |
# | Hessian | ヘッセ行列 | the matrix of second derivatives; $A$ for a quadratic |
# | generalisation | 汎化 | doing well on data not seen in training |
# | learning curve | 学習曲線 | loss or accuracy plotted against the epoch |
# | mini-batch | ミニバッチ | a small random subset of the training data |
# | epoch | エポック | one pass over the whole training set |
# | momentum | Momentum（モーメンタム） | a buffer that accumulates past gradients and keeps the parameters moving |
# | data augmentation | データ拡張 | training on slightly altered copies (e.g. shifted images) |
# | stratified split | 層化分割（層化抽出） | a split that keeps each class's share equal in both parts |
# | multi-layer perceptron (MLP) | 多層パーセプトロン | fully connected layers with activations between them |
# | forward propagation | 順伝播 | computing the output from the input, layer by layer |
# | loss function / cross-entropy (error) | 損失関数 / 交差エントロピー誤差 | step 2: one number for how wrong the output is (chapter 1) |
# | chain rule | 連鎖律 | derivatives of a composition multiply: $\frac{dy}{dx} = \frac{dy}{du}\frac{du}{dx}$ |
# | backpropagation | 誤差逆伝播法（逆伝播） | reverse-mode automatic differentiation of a network's loss |
# | gradient descent | 勾配降下法 | repeat $\theta \leftarrow \theta - \eta\nabla L(\theta)$ |
# | learning rate | 学習率 | the step size $\eta$ |

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Where to go next
#
# You have built every piece of a neural network from zero and trained one on real data: the loss
# (chapter 1), the chain rule and automatic differentiation (chapter 2), layers with `forward` and
# `backward` (chapter 3), gradient descent on mini-batches with momentum and Adam (chapter 4) and
# the learning rate and its schedules (chapter 5). Everything that follows builds on exactly these
# pieces:
#
# - **Convolutional networks (CNNs).** Our MLP sees 784 unrelated numbers; it does not know that
#   a digit moved by one pixel is the same digit (section 8). A convolutional layer slides one small
#   set of weights over the whole image, so it builds that in; a small CNN passes 99 % on MNIST.
#   Its `backward` is derived exactly like `Linear`'s in chapter 3.
# - **Better optimisers and regularisation.** Chapter 4's Adam is the usual first choice for large
#   networks; its common variant AdamW shrinks the weights directly instead of adding the weight
#   decay $\lambda\theta$ of section 6 to the gradient, where Adam's per-parameter scaling would
#   weaken it. Dropout joins early stopping and weight decay (section 6) against overfitting.
# - **Frameworks with automatic differentiation.** PyTorch and JAX compute the `backward` of any
#   program for you — chapter 2's `Value.backward()`, for arrays and on GPUs. One difference
#   bites everyone once: PyTorch's `loss.backward()` *adds* the new gradients to the ones already
#   stored in each parameter's `.grad` (so that gradients of several losses can be summed), while
#   our `backward` overwrites `model.grads`. Forget `optimizer.zero_grad()` and every step uses the
#   sum of all gradients so far. Every piece has a name you now know:
#
# | this course | PyTorch | JAX (with its libraries Optax and Flax) |
# |---|---|---|
# | `softmax_cross_entropy(logits, targets)` (ch. 1) | `torch.nn.functional.cross_entropy(logits, targets)` | `optax.softmax_cross_entropy_with_integer_labels` |
# | `Value.backward()` (ch. 2), `model.backward(...)` (ch. 3) | `loss.backward()` — it **adds** into each `.grad`: call `optimizer.zero_grad()` before every step | `jax.grad(loss_fn)(params)` (returns fresh gradients) |
# | `Linear(784, 128)` (ch. 3) | `torch.nn.Linear(784, 128)` (stores $W^\top$) | `flax.nnx.Linear(784, 128, rngs=...)` |
# | `SGD(lr, momentum=0.9, weight_decay=0.01)` (ch. 4, 6) | `torch.optim.SGD(params, lr, momentum=0.9, weight_decay=0.01)` | `optax.chain(optax.add_decayed_weights(0.01), optax.sgd(lr, momentum=0.9))` |
# | `Adam(lr)` (ch. 4) | `torch.optim.Adam(params, lr)` | `optax.adam(lr)` |
# | `cosine_annealing(lr0, total_steps)` (ch. 5) | `torch.optim.lr_scheduler.CosineAnnealingLR` | `optax.cosine_decay_schedule` |
# | `training.fit(...)` (ch. 5) | your own loop of the four steps (section 4) | the same, with `jax.jit` |
# | `fit(..., early_stopping=5)` (ch. 6) | your loop, keeping `copy.deepcopy(model.state_dict())` of the best epoch | your loop, keeping the best `params` |
# | `train_test_split(..., stratify=y)` (ch. 6) | the same scikit-learn call, or `torch.utils.data.random_split` (not stratified) | the same scikit-learn call |
#
# A good next exercise: rewrite section 5 in PyTorch — about twenty lines — and check that it
# reaches the same held-out accuracy. Further reading: Michael Nielsen, *Neural Networks and Deep
# Learning* (free online); *Dive into Deep Learning* (d2l.ai, free online, with code in PyTorch
# and JAX); 斎藤康毅『ゼロから作る Deep Learning』 (O'Reilly Japan), whose layer classes look much
# like ours; and Andrej Karpathy's video series *Neural Networks: Zero to Hero*, which starts from
# a scalar autodiff engine like chapter 2's.
#
# **Back to the start:** [Chapter 1 — Loss functions](01_loss_functions.ipynb)
