# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
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
# - the four steps of learning — forward pass, loss, backpropagation, update — computed by hand
#   on ONE image, watching its prediction move after a single step;
# - training a multi-layer perceptron (MLP) with mini-batch SGD, momentum and a cosine schedule,
#   and reading its loss and accuracy curves;
# - judging a classifier: held-out accuracy, the confusion matrix, its most confident mistakes,
#   and what its first layer has learned;
# - how our from-scratch network compares with scikit-learn's `MLPClassifier`.
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
import math
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix
from sklearn.neural_network import MLPClassifier

import course_lib
from course_lib import datasets, losses, plotting, schedules, training
from course_lib.exercises import check
from course_lib.gradcheck import numerical_derivative
from course_lib.layers import SoftmaxCrossEntropy
from course_lib.network import MLP
from course_lib.optim import SGD

rng = course_lib.setup_notebook(seed=0)

# %% [markdown]
# **Which data?** The parameter below picks the data set. `"subset"` (the default) uses 5,000 real
# MNIST digits that ship with the course, so this notebook runs offline and prints the same numbers
# everywhere. Change it to `"full"` for all 70,000 images: the four original files are read from the
# folder in the environment variable `COURSE_MNIST_DIR`, or downloaded once (about 11 MB) into
# `~/.cache/course_lib/mnist`. Training then takes a minute or two and the printed numbers change.
# For the full data there is also a tuned command-line run: `make mnist` (section 10).

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
(X_train_raw, y_train), (X_test_raw, y_test) = datasets.load_mnist(KIND)
print(f"training images: {X_train_raw.shape}, dtype {X_train_raw.dtype}")
print(f"training labels: {y_train.shape}, dtype {y_train.dtype}")
print(f"test images:     {X_test_raw.shape}")
print(f"first ten labels: {y_train[:10].tolist()}")

# %% [markdown]
# The **test** images are kept aside: the network never trains on them, so its accuracy there
# estimates how it will do on digits it has never seen. (A careful project also splits off a
# *validation* set from the training data to choose settings such as the learning rate; here we
# fixed the settings beforehand and simply watch the test set.)

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
# favouring it, and accuracy would flatter it. Here every digit has the same share:

# %%
plotting.plot_class_balance(y_train, y_test, names=["training", "test"])
plt.title("images per digit")
plt.show()
counts = np.bincount(y_train, minlength=10)
print(f"training images per digit: min {counts.min()}, max {counts.max()}")
print(f"always guessing the most common digit would score {counts.max() / counts.sum():.1%}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Pixels, and why we normalise them
#
# What values does a network actually receive? Most pixels are pure background:

# %%
pixels = X_train_raw.ravel()
print(f"pixel values from {pixels.min()} to {pixels.max()}, mean {pixels.mean():.1f}, "
      f"standard deviation {pixels.std():.1f}")
print(f"background (exactly 0): {np.mean(pixels == 0):.1%}   full ink (255): {np.mean(pixels == 255):.1%}")

fig, ax = plt.subplots(figsize=(6.5, 3.2))
ax.hist(pixels, bins=64, log=True, color="tab:gray")
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
# $\frac1N X^\top X$ of input products. Multiply every input by 255 and this matrix grows by
# $255^2 = 65{,}025$ — so does $\lambda_{\max}$, and the largest usable learning rate shrinks by
# the same factor. Unscaled inputs also make the first weights' gradients $X^\top\delta$ 255 times
# larger than those of later layers, so no single learning rate suits them all. Let's measure:

# %%
course_lib.show_source(datasets.normalize)

# %%
X_train = datasets.normalize(X_train_raw, dtype=np.float64)
X_test = datasets.normalize(X_test_raw, dtype=np.float64)
print(f"after normalising: values from {X_train.min():.1f} to {X_train.max():.1f}, "
      f"mean {X_train.mean():.4f}, dtype {X_train.dtype}")

sample = X_train_raw[:2000].astype(np.float64)
lam_raw = np.linalg.eigvalsh(sample.T @ sample / len(sample))[-1]
lam_norm = np.linalg.eigvalsh((sample / 255).T @ (sample / 255) / len(sample))[-1]
print(f"largest eigenvalue of XᵀX/N: raw pixels {lam_raw:,.0f}, normalised {lam_norm:.2f}")
print(f"ratio {lam_raw / lam_norm:,.0f} (= 255² = {255**2:,}): the critical learning rate "
      f"2/λ_max drops from {2 / lam_norm:.3f} to {2 / lam_raw:.1e}")

# %% [markdown]
# We keep the `uint8` originals (`X_train_raw`) for pictures and train on the normalised
# `float64` copies. (Float32 would halve memory and double speed — `make mnist` uses it — but
# float64 keeps this notebook's printed digits identical on every machine.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The four steps on ONE image
#
# Every chapter so far was about one part of a single learning step. Here they are together, on a
# single training image, with a fresh network: an MLP $784 \to 128 \to 10$,
#
# $$
# h = \mathrm{ReLU}(x W_1 + b_1), \qquad z = h W_2 + b_2, \qquad p = \mathrm{softmax}(z),
# $$
#
# with $W_1$ of shape (784, 128) and $W_2$ of shape (128, 10): ten scores $z$ (logits), one per digit.

# %%
model = MLP([784, 128, 10], rng=rng)
loss_layer = SoftmaxCrossEntropy()
print(model)
x, t = X_train[:1], y_train[:1]  # ONE image as a batch of one row: shape (1, 784)
print(f"the image: shape {x.shape}, true digit {t[0]}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 1 — forward pass: scores, probabilities, a predicted digit
#
# The untrained network's weights are random, so its probabilities are close to uniform
# ($1/10$ each) and its "prediction" — the digit with the largest score — is a guess.

# %%
scores = model.forward(x)
probs = losses.softmax(scores)[0]
print(f"scores (logits): {np.array2string(scores[0], precision=3)}")
print(f"probabilities:   {np.array2string(probs, precision=3)}")
print(f"predicted digit {probs.argmax()} (probability {probs.max():.3f}); "
      f"the truth is {t[0]} (probability {probs[t[0]]:.3f})")

fig, (ax_img, ax_p) = plt.subplots(1, 2, figsize=(8, 2.8), gridspec_kw={"width_ratios": [1, 2.2]})
plotting.plot_digit(X_train_raw[0], title=f"true digit {t[0]}", ax=ax_img)
plotting.plot_digit_probabilities(probs, label=t[0], ax=ax_p, title="untrained network")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 2 — the loss
#
# Cross-entropy (chapter 1) is minus the log of the probability given to the true digit,
# $L = -\log p_t$: about $\log 10 \approx 2.30$ for a uniform guess, 0 for a certain right answer.

# %%
loss_before = loss_layer.forward(scores, t)
print(f"loss L = -log p[{t[0]}] = {-np.log(probs[t[0]]):.4f}   (loss layer: {loss_before:.4f})")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 3 — backpropagation: one gradient for every parameter
#
# `loss_layer.backward()` returns $\partial L/\partial z = p - \text{onehot}(t)$ (divided by the batch
# size, here 1), and `model.backward` carries it back through the layers (chapter 3):
# $\partial L/\partial W_2 = h^\top\delta_2$, $\delta_1 = (\delta_2 W_2^\top) \odot [xW_1 + b_1 > 0]$,
# $\partial L/\partial W_1 = x^\top\delta_1$. One backward pass, costing about as much as the forward
# pass, delivers every partial derivative at once:

# %%
model.backward(loss_layer.backward())
print(f"{'parameter':10}{'shape':>12}{'gradient shape':>17}{'entries':>10}{'|gradient|':>12}")
for key, p in model.params.items():
    g = model.grads[key]
    print(f"{key:10}{str(p.shape):>12}{str(g.shape):>17}{g.size:>10,}{np.linalg.norm(g):>12.4f}")
print(f"in total {sum(p.size for p in model.params.values()):,} partial derivatives from one backward pass")

# %% [markdown]
# Each gradient has exactly the shape of its parameter. Many entries of `0.W` are zero: a weight
# from a background pixel ($x_i = 0$) does not influence this image's loss at all. As in
# chapters 2–3 we can check one entry against a central difference:

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
print(f"dL/dW2[{i}, {j}]: backprop {model.grads['2.W'][i, j]:.5f}, central difference {numeric:.5f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Step 4 — one update, and the prediction moves
#
# Gradient descent moves every parameter a little against its gradient,
# $\theta \leftarrow \theta - \eta\,\partial L/\partial\theta$ (chapter 4). One step with $\eta = 0.01$:

# %%
SGD(lr=0.01).step(model)
scores_after = model.forward(x)
probs_after = losses.softmax(scores_after)[0]
loss_after = loss_layer.forward(scores_after, t)
print(f"loss {loss_before:.4f} -> {loss_after:.4f}")
print(f"probability of the true digit {t[0]}: {probs[t[0]]:.3f} -> {probs_after[t[0]]:.3f}")
print(f"predicted digit: {probs.argmax()} -> {probs_after.argmax()}")

fig, axes = plt.subplots(1, 2, figsize=(10, 2.8), sharey=True)
plotting.plot_digit_probabilities(probs, label=t[0], ax=axes[0], title="before the step")
plotting.plot_digit_probabilities(probs_after, label=t[0], ax=axes[1], title="after ONE step")
plt.show()

# %% [markdown]
# One step on one image already moved the probability towards the right digit. But a step that
# fits one image perfectly would wreck the others: real training averages the gradient over a
# **mini-batch** of images and takes many small steps, visiting the whole training set once per
# **epoch**.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Training on all the training images
#
# `training.fit` (chapter 5) repeats the four steps on shuffled mini-batches of 64 images, with
# momentum 0.9 (chapter 4) and a cosine schedule that takes the learning rate from 0.1 down to 0
# over 15 epochs (chapter 5). After every epoch it evaluates the held-out test images and prints a
# line, so you can watch it learn. A fresh network:

# %%
model = MLP([784, 128, 10], rng=rng)
W1_start = model.layers[0].params["W"].copy()  # kept to see what training changed (section 8)
epochs, batch_size, lr = 15, 64, 0.1
total_steps = epochs * math.ceil(len(X_train) / batch_size)
schedule = schedules.cosine_annealing(lr, total_steps=total_steps)

start = time.perf_counter()
history = training.fit(model, SoftmaxCrossEntropy(), SGD(lr, momentum=0.9), X_train, y_train,
                       epochs=epochs, batch_size=batch_size, rng=rng, schedule=schedule,
                       validation=(X_test, y_test))
seconds_ours = time.perf_counter() - start

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Loss and accuracy curves

# %%
axes = plotting.plot_history(history)
axes[0].set_title("loss per epoch")
axes[1].set_title("accuracy per epoch")
axes[1].set_ylim(0.75, 1.01)
for ax, where in zip(axes, ["upper right", "lower right"]):
    ax.legend(["training images", "held-out test images"], loc=where)
    ax.set_xticks(range(1, epochs + 1, 2))
plt.show()

# %%
accuracy = training.evaluate(model, X_test, y_test)
print(f"final training accuracy:  {history.train_accuracy[-1]:.1%}")
print(f"final held-out accuracy:  {accuracy:.1%}  ({round(accuracy * len(y_test))} of {len(y_test)} test images)")

# %% [markdown]
# Reading the curves: the training loss keeps falling towards zero and the training accuracy
# approaches 100 %, while the held-out loss flattens after a few epochs and the held-out accuracy
# stalls several points lower. The network has started to memorise its 4,000 training images —
# **overfitting**. With only 400 examples per digit that gap is expected; more data (the full
# 60,000 images), data augmentation (section 10) or regularisation close it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Which digits get confused? The confusion matrix
#
# One accuracy number hides *which* mistakes are made. The **confusion matrix** $C$ counts, for
# every true digit $i$ (row) and predicted digit $j$ (column), how many test images of $i$ were
# classified as $j$. The diagonal holds the correct answers; everything else is a mistake.

# %%
predicted = model.predict(X_test)
C = confusion_matrix(y_test, predicted)
fig, ax = plt.subplots(figsize=(5.8, 5.2))
ConfusionMatrixDisplay(C, display_labels=range(10)).plot(ax=ax, colorbar=False, cmap="Blues")
ax.set_title("held-out test images: true vs predicted digit")
ax.grid(False)
plt.show()

off_diagonal = C - np.diag(np.diag(C))
worst_true, worst_pred = np.unravel_index(np.argmax(off_diagonal), C.shape)
print(f"correct per digit: {np.diag(C).tolist()} out of {C.sum(axis=1).tolist()}")
print(f"most frequent confusion: {off_diagonal.max()} images of {worst_true} read as {worst_pred}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. The most confidently wrong digits
#
# Which mistakes is the network *most sure* of? Sort the misclassified test images by the
# probability the network gave its (wrong) answer:

# %%
probs_test = losses.softmax(model.forward(X_test))
confidence = probs_test.max(axis=1)
wrong = np.flatnonzero(predicted != y_test)
most_confident = wrong[np.argsort(-confidence[wrong], kind="stable")][:12]
print(f"{len(wrong)} test images misclassified; the 12 most confident mistakes, with the "
      "probability of the wrong answer:")
print(", ".join(f"{confidence[k]:.2f}" for k in most_confident))
plotting.plot_digit_grid(X_test_raw[most_confident], labels=y_test[most_confident],
                         predictions=predicted[most_confident], ncols=6,
                         title="predicted digit (true digit)")
plt.show()

# %% [markdown]
# Several of these are genuinely ambiguous or badly written — a human might hesitate too. Others
# show the limits of a network that sees pixels, not strokes: it has no notion that a digit shifted
# or slanted a little is still the same digit.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. What did the first layer learn?
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

# %% [markdown]
# The weights still carry much of their random start, especially near the border: border pixels are
# always background ($x_i = 0$), so their weights receive zero gradient (step 3 above) and never
# move. The change made by training is smooth and concentrated in the middle, where the ink is: not
# whole digits, but blurry stroke detectors — blobs, bars and edges. The second layer combines
# these 128 responses into ten digit scores.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9. The same network in scikit-learn
#
# scikit-learn's `MLPClassifier` implements the same model: 128 ReLU units, softmax cross-entropy,
# SGD with momentum 0.9, mini-batches of 64, 15 epochs, no weight penalty (`alpha=0`). Two details
# differ: it keeps the learning rate constant (we used a cosine schedule) and initialises the
# weights uniformly (Glorot) rather than with He's normal initialisation. It warns that 15 epochs
# did not "converge" — expected, and silenced here.

# %%
sk_model = MLPClassifier(hidden_layer_sizes=(128,), activation="relu", solver="sgd",
                         learning_rate_init=lr, momentum=0.9, nesterovs_momentum=False,
                         batch_size=batch_size, max_iter=epochs, alpha=0.0, random_state=0)
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    sk_model.fit(X_train, y_train)
seconds_sklearn = time.perf_counter() - start
accuracy_sklearn = sk_model.score(X_test, y_test)
print(f"{'':14}{'held-out accuracy':>18}")
print(f"{'course_lib':14}{accuracy:>18.1%}")
print(f"{'scikit-learn':14}{accuracy_sklearn:>18.1%}")

# %% [markdown]
# The two land within about a percentage point of each other: same model, same data, different
# random start. Both are plain NumPy underneath, so their speed is similar too (timings vary from
# machine to machine, so they are not part of the checked output):

# %%
# NBVAL_IGNORE_OUTPUT
# wall-clock timings depend on the machine and on what else it is doing
print(f"training time: course_lib {seconds_ours:.2f} s, scikit-learn {seconds_sklearn:.2f} s")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10. The full data set: `make mnist`
#
# With 4,000 training images the network overfits at about 94 % held-out accuracy. With all 60,000
# it does far better. Set `KIND = "full"` at the top and re-run this notebook, or run the tuned
# full-data training from a terminal:
#
# ```
# make mnist                              # or: python -m course_lib.mnist --help
# ```
#
# It trains an MLP 784-256-10 in float32 for 20 epochs (about 15–30 s on two cores) and reaches
# about **98.9 %** test accuracy on the 10,000 test images. It adds one cheap trick, **data
# augmentation**: every time a training image is used it is shifted by a random pixel (−1, 0 or +1
# in each direction). A digit moved by one pixel is still the same digit, so the network cannot
# memorise exact pixel positions — the weakness seen in section 7. Exercise 6.4 writes that shift.
# The loader behind `KIND = "full"` reads the original IDX files — a short header of big-endian
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
# - Normalise inputs ($x/255$): raw pixels would multiply the curvature $\lambda_{\max}$ by 65,025
#   and shrink the usable learning rate by the same factor.
# - One learning step = forward pass → loss → backpropagation (a gradient of the same shape for each
#   of the 101,770 parameters) → update; even one step moves the prediction towards the truth.
# - Mini-batch SGD with momentum and a cosine schedule trains the MLP in about a second here; the
#   gap between training and held-out curves is overfitting.
# - Accuracy is one number; the confusion matrix and the most confident mistakes show *which*
#   digits fail and why; first-layer weights are stroke templates.
# - The from-scratch network matches scikit-learn's `MLPClassifier`; on all 60,000 images with a
#   little augmentation it reaches ≈ 98.9 %.
#
# **Next:** the course ends here — see the section "Where to go next" below.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Write your answer between the `### BEGIN SOLUTION` and `### END SOLUTION` lines (in the student
# copy that region raises `NotImplementedError`), then run the cell: `check` tells you whether it
# works, or gives a hint.

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
# digit and columns = predicted digit, like scikit-learn's `confusion_matrix`. Then compare it with
# `C` from section 6.

# %%
def my_confusion_matrix(y_true, y_pred):
    ### BEGIN SOLUTION
    C = np.zeros((10, 10), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C
    ### END SOLUTION


check("6.3", my_confusion_matrix)

# %% [markdown]
# ### Exercise 6.4 — shift a digit (data augmentation)
# Write `shift_image(image, dy, dx)` for a 28×28 array: move the picture `dy` pixels down and `dx`
# pixels right (negative values: up and left), filling the uncovered border with zeros; pixels
# pushed past the edge disappear. Hint: `np.roll` wraps pixels around — slice instead. This is the
# augmentation `make mnist` applies to every training image.

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

# %% [markdown]
# **Going further (no check):** train the section-5 network without normalising (`X_train_raw`
# as float) and the same learning rate — what does `fit` report? Then try hidden widths 32, 128 and
# 512, or two hidden layers (`MLP([784, 256, 128, 10])`): how do the training and held-out curves
# change?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary
#
# | English | 日本語 | meaning here |
# |---|---|---|
# | handwritten digit | 手書き数字 | a scanned 0–9 written by hand; MNIST's images |
# | training data | 訓練データ | the examples the weights are fitted to |
# | test data | テストデータ | held-out examples, never trained on, to estimate accuracy on new data |
# | validation data | 検証データ | held-out examples used to choose settings (learning rate, width…) |
# | accuracy | 正解率（精度） | fraction of examples classified correctly |
# | confusion matrix | 混同行列 | counts of (true class, predicted class) pairs |
# | normalisation | 正規化 | rescaling inputs to a range of order one, here $x/255$ |
# | pixel | 画素（ピクセル） | one grey value of an image, 0…255 |
# | overfitting | 過学習 | fitting the training data much better than new data |
# | mini-batch | ミニバッチ | the small group of examples averaged in one update |
# | epoch | エポック | one pass over all the training data |
# | data augmentation | データ拡張 | training on slightly altered copies (e.g. shifted images) |
# | stratified split | 層化分割 | a split that keeps each class's share equal in both parts |
# | multi-layer perceptron (MLP) | 多層パーセプトロン | fully connected layers with activations between them |
# | forward propagation / backpropagation | 順伝播 / 逆伝播 | computing outputs / gradients, layer by layer |
#
# ## Where to go next
#
# You have built every piece of a neural network from zero — loss, chain rule, backpropagation,
# gradient descent, learning-rate schedules — and trained one on real data. Next steps:
# convolutional networks (which build in the fact that a shifted digit is the same digit),
# optimisers such as Adam, regularisation (weight decay, dropout), and a framework with automatic
# differentiation on tensors, such as PyTorch, whose `loss.backward()` you can now read as the
# `Value.backward()` of chapter 2 — for arrays.
#
# **Back to the start:** [Chapter 1 — Loss functions](01_loss_functions.ipynb)
