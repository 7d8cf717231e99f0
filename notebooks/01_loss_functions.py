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
# # Chapter 1 — Loss functions: measuring how wrong a network is
#
# **What you will learn**
# - where the loss sits in a neural network, right after forward propagation;
# - the mean squared error (MSE) and its gradient, derived and checked numerically;
# - how sigmoid and softmax turn scores into probabilities;
# - cross-entropy, binary and categorical, from probabilities and from raw scores (logits);
# - why a naive softmax overflows and how the log-sum-exp trick fixes it;
# - why classifiers are trained with cross-entropy rather than MSE.
#
# **What you need**: Python and NumPy basics, and the idea of a derivative. No earlier chapter.
#
# **Recap — what a network does.** A neural network is a function with adjustable numbers in it, its
# *weights* and *biases*. Given an input (say, the 784 pixels of a handwritten digit) it computes,
# layer after layer, an output: ten scores, one per digit. This left-to-right computation is called
# **forward propagation**. Learning means changing the weights so that the outputs get better. To
# do that we first need one number that says how bad the outputs are right now: the **loss**.
# This chapter is about that number; the next five are about making it smaller.

# %%
# Running on Google Colab? Install the course library first (this does nothing anywhere else).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://github.com/backprop-from-zero/backprop-from-zero"], check=True)

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import course_lib
from course_lib import losses, plotting
from course_lib.exercises import check
from course_lib.gradcheck import numerical_gradient, relative_error

rng = course_lib.setup_notebook(seed=0)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Where the loss sits
#
# ```
#  input x ──► layer 1 ──► layer 2 ──► … ──► output ŷ ──► loss L(ŷ, y) ◄── target y
#             └──────────── forward propagation ────────────┘
# ```
#
# The network never sees "right" or "wrong" — it only sees the loss, a single number
# $L(\hat y, y) \ge 0$ that is small when the output $\hat y$ is close to the target $y$. Training
# follows the slope of $L$ with respect to every weight (chapters 2–4), so a loss must be
# 1. **zero (minimal) exactly when the prediction is right**, and
# 2. **differentiable**, with a slope that still points the right way when the prediction is very wrong.
#
# The second property is less obvious than it looks; section 6 shows a loss that fails it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Mean squared error
#
# For a batch of predictions $\hat y$ and targets $y$ with $M$ numbers in total (rows × columns),
#
# $$
# \mathrm{MSE}(\hat y, y) = \frac{1}{M}\sum_{i=1}^{M} (\hat y_i - y_i)^2 .
# $$
#
# Each term is a parabola in $\hat y_i$ with its minimum (zero) at $\hat y_i = y_i$. Differentiating
# term by term — only the $i$-th term depends on $\hat y_i$:
#
# $$
# \frac{\partial\,\mathrm{MSE}}{\partial \hat y_i} = \frac{1}{M}\, 2(\hat y_i - y_i) = \frac{2(\hat y_i - y_i)}{M}.
# $$
#
# The gradient is proportional to the error: a prediction that is too big is pushed down, one that is
# too small is pushed up, and the push is stronger the further off it is. Here is the library code:

# %%
course_lib.show_source(losses.mse)
course_lib.show_source(losses.mse_grad)

# %% [markdown]
# A quick example: three house prices (in units of 100,000) predicted by some model.

# %%
y_true = np.array([3.0, 1.5, 4.0])
y_pred = np.array([2.5, 2.0, 4.0])
print(f"MSE  = {losses.mse(y_pred, y_true):.4f}")
print(f"grad = {np.round(losses.mse_grad(y_pred, y_true), 4)}")

# %% [markdown]
# The first prediction is too low, so its gradient is negative (increase it); the second too
# high (decrease it); the third is exact and gets no push at all.
#
# **Check the derivation numerically.** A central difference
# $\big(L(\hat y + h e_i) - L(\hat y - h e_i)\big) / 2h$ estimates each partial derivative without
# any calculus (chapter 2 explains why it works and how accurate it is). If our formula is right the
# two agree to about seven digits:

# %%
y_pred_batch = rng.normal(size=(4, 3))
y_true_batch = rng.normal(size=(4, 3))
analytic = losses.mse_grad(y_pred_batch, y_true_batch)
numeric = numerical_gradient(lambda p: losses.mse(p, y_true_batch), y_pred_batch)
err = relative_error(analytic, numeric)
print(f"relative error analytic vs numerical: below 1e-7? {err < 1e-7}")

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
pred = np.linspace(-1, 3, 200)
ax.plot(pred, (pred - 1.0) ** 2, lw=2, label=r"loss $(\hat y - 1)^2$")
ax.plot(pred, 2 * (pred - 1.0), lw=2, ls="--", label=r"gradient $2(\hat y - 1)$")
ax.axvline(1.0, color="gray", lw=1)
ax.annotate("target y = 1", (1.0, 3.2), xytext=(1.15, 3.2))
ax.set(xlabel=r"prediction $\hat y$", ylabel="value", ylim=(-4, 4),
       title="MSE for one prediction: a parabola, its slope a line")
ax.legend(loc="lower right")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. From scores to probabilities: sigmoid and softmax
#
# A classifier's last layer produces raw scores $z$, called **logits**, which can be any real
# numbers. To read them as probabilities we squash them:
#
# - two classes (yes/no): the **sigmoid** $\sigma(z) = 1/(1 + e^{-z})$ maps one logit to $p \in (0, 1)$;
# - $C$ classes: the **softmax** maps a row of $C$ logits to $C$ probabilities that sum to one,
#
# $$
# \mathrm{softmax}(z)_c = \frac{e^{z_c}}{\sum_{j=1}^{C} e^{z_j}} .
# $$
#
# Exponentials make every entry positive and keep the order of the scores; dividing by the sum
# normalises. Softmax is **shift-invariant**: adding the same constant $a$ to every logit multiplies
# numerator and denominator by $e^{a}$, which cancels. Only differences between logits matter.

# %%
z = np.array([[2.0, 1.0, 0.1]])
p = losses.softmax(z)
print(f"logits        {z[0]}")
print(f"softmax       {np.round(p[0], 4)}   sum = {p.sum():.4f}")
print(f"softmax(z+100) {np.round(losses.softmax(z + 100)[0], 4)}   (same: shift-invariant)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Cross-entropy
#
# If the network says the true class has probability $p$, how surprised should it be? Information
# theory's answer is $-\log p$: zero surprise when $p = 1$, unbounded surprise as $p \to 0$. Averaged
# over a batch of $N$ examples with one-hot targets $t$ (a 1 at the true class, 0 elsewhere), this is
# the **categorical cross-entropy**
#
# $$
# \mathrm{CE}(p, t) = -\frac{1}{N}\sum_{n=1}^{N}\sum_{c=1}^{C} t_{nc}\log p_{nc}
#                   = -\frac{1}{N}\sum_{n=1}^{N}\log p_{n,\,y_n}.
# $$
#
# Because $t$ is one-hot, only the probability of the *true* class counts. It is also the negative
# log-likelihood of the labels under the model: minimising cross-entropy is maximum likelihood.
# For two classes with $p = \sigma(z)$ and $t \in \{0, 1\}$ it becomes the **binary cross-entropy**
# $-\big(t\log p + (1-t)\log(1-p)\big)$.

# %%
course_lib.show_source(losses.cross_entropy)

# %%
probs = np.array([[0.7, 0.2, 0.1],
                  [0.1, 0.1, 0.8]])
labels = np.array([0, 1])
print(f"cross-entropy with int labels: {losses.cross_entropy(probs, labels):.4f}")
print(f"same with one-hot targets:     {losses.cross_entropy(probs, losses.one_hot(labels, 3)):.4f}")
print(f"by hand, -(log 0.7 + log 0.1)/2 = {-(np.log(0.7) + np.log(0.1)) / 2:.4f}")
p_yes = np.array([0.9, 0.2, 0.6])
t_yes = np.array([1.0, 0.0, 1.0])
print(f"binary cross-entropy:          {losses.binary_cross_entropy(p_yes, t_yes):.4f}")

# %%
plotting.plot_mse_vs_cross_entropy()
plt.show()

# %% [markdown]
# Squared error can never exceed 1 for a probability, however wrong. Cross-entropy grows without
# bound as the probability of the truth goes to zero: a confident mistake is very expensive.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. The network says "7", the truth is "3"
#
# The example this course grew from: a digit classifier looks at an image of a **3** and answers
# **7** with 70 % confidence, giving the true class 3 only 14 %, and 2 % to every other digit.
# How wrong is that, according to each loss?

# %%
probs_73 = np.full(10, 0.02)
probs_73[7], probs_73[3] = 0.70, 0.14
target_3 = losses.one_hot(np.array([3]), 10)

mse_73 = losses.mse(probs_73[None, :], target_3)
ce_73 = losses.cross_entropy(probs_73[None, :], np.array([3]))
print(f"prediction: digit {probs_73.argmax()}   truth: digit 3   sum of probabilities = {probs_73.sum():.2f}")
print(f"MSE against the one-hot target: {mse_73:.4f}")
print(f"cross-entropy = -log(0.14)    : {ce_73:.4f}")

fig, ax = plt.subplots(figsize=(7, 3))
plotting.plot_class_probabilities(probs_73, true_class=3, ax=ax, title='The network says "7", the truth is "3"')
plt.show()

# %% [markdown]
# Now suppose one training step moves 20 points of probability from "7" to "3". Both losses drop,
# but cross-entropy reacts far more, because it looks at the true class's probability on a log scale:

# %%
better = probs_73.copy()
better[7], better[3] = 0.50, 0.34
for name, p_vec in [("before", probs_73), ("after", better)]:
    m = losses.mse(p_vec[None, :], target_3)
    c = losses.cross_entropy(p_vec[None, :], np.array([3]))
    print(f"{name:>6}: p(3) = {p_vec[3]:.2f}   MSE = {m:.4f}   cross-entropy = {c:.4f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Logits, overflow, and the log-sum-exp trick
#
# In practice we never compute `softmax` and then `log` separately. Logits can be large: here is
# what a naive softmax does with logits of ±1000 (`exp(1000)` is beyond the largest float64,
# about $1.8\times 10^{308}$):

# %%
def naive_softmax(z):
    e = np.exp(z)  # the textbook formula, straight from the definition
    return e / e.sum(axis=-1, keepdims=True)


big = np.array([[1000.0, 0.0, -1000.0]])
with np.errstate(all="ignore"):  # silence the warnings, look at the numbers
    print(f"naive softmax: {naive_softmax(big)[0]}")
    print(f"naive log of it: {np.log(naive_softmax(big))[0]}")

# %% [markdown]
# `inf / inf` is `nan`, and one `nan` in a loss poisons every weight it touches. The fix uses
# shift-invariance: subtract the row maximum $m = \max_j z_j$ first. Then
#
# $$
# \log \mathrm{softmax}(z)_c = z_c - \log\sum_j e^{z_j} = (z_c - m) - \log\sum_j e^{z_j - m}.
# $$
#
# Every exponent $z_j - m$ is $\le 0$, so $e^{z_j - m} \in (0, 1]$: no overflow, and the largest
# term is exactly 1, so the sum is $\ge 1$ and its log never sees zero. This is the
# **log-sum-exp trick**, and `softmax_cross_entropy` works directly from logits through it:

# %%
course_lib.show_source(losses.log_softmax)
course_lib.show_source(losses.softmax_cross_entropy)

# %%
print(f"stable softmax:     {losses.softmax(big)[0]}")
print(f"stable log_softmax: {losses.log_softmax(big)[0]}")
print(f"loss if the truth is class 0: {losses.softmax_cross_entropy(big, np.array([0])):.4f}")
print(f"loss if the truth is class 2: {losses.softmax_cross_entropy(big, np.array([2])):.1f}")

# %% [markdown]
# Finite and exact: a network that is certain of the wrong answer by 2000 logit units pays a
# loss of 2000, not `nan`.
#
# ### The gradient of softmax + cross-entropy
#
# With $p = \mathrm{softmax}(z)$ and $L = -\sum_c t_c \log p_c$ for one example, use
# $\log p_c = z_c - \log\sum_j e^{z_j}$:
#
# $$
# \frac{\partial L}{\partial z_k} = -t_k + \Big(\sum_c t_c\Big)\frac{e^{z_k}}{\sum_j e^{z_j}} = p_k - t_k ,
# $$
#
# since the targets sum to 1. Averaged over a batch of $N$: $\;\partial L/\partial z = (p - t)/N$.
# The error signal is just "predicted minus true" — the same simple form as MSE on a linear
# output. Checked against central differences:

# %%
logits = rng.normal(size=(5, 4)) * 3
labels = rng.integers(0, 4, size=5)
analytic = losses.softmax_cross_entropy_grad(logits, labels)
numeric = numerical_gradient(lambda z: losses.softmax_cross_entropy(z, labels), logits)
print(f"relative error below 1e-7? {relative_error(analytic, numeric) < 1e-7}")
print(f"each row of the gradient sums to 0: {np.allclose(analytic.sum(axis=1), 0)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Why cross-entropy, not MSE, for classification
#
# Take one output unit $p = \sigma(z)$ whose target is 1, and suppose it is confidently wrong:
# $z = -8$, so $p \approx 0.0003$. The gradient with respect to the logit is
#
# - MSE: $\;\dfrac{\partial}{\partial z}(\sigma(z) - 1)^2 = 2(\sigma(z) - 1)\,\sigma(z)(1 - \sigma(z))$ — the
#   factor $\sigma(z)(1-\sigma(z))$ is almost zero when the sigmoid **saturates**;
# - cross-entropy: $\;\dfrac{\partial}{\partial z}\big(-\log\sigma(z)\big) = \sigma(z) - 1 \approx -1$ — the
#   saturating factor cancels.

# %%
for z_val in [-8.0, -2.0, 0.0, 2.0]:
    s = 1 / (1 + np.exp(-z_val))
    g_mse = 2 * (s - 1) * s * (1 - s)
    g_ce = s - 1
    print(f"z = {z_val:+.0f}   p = {s:.4f}   dMSE/dz = {g_mse:+.5f}   dCE/dz = {g_ce:+.5f}")

plotting.plot_saturation()
plt.show()

# %% [markdown]
# With MSE, the more wrong the unit is, the *less* it learns — it can stay stuck. Cross-entropy
# pushes hardest exactly where the mistake is worst. That is why every classifier in this course
# (and almost every one in practice) uses softmax + cross-entropy.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The loss turns the output of forward propagation into one number to minimise; it is zero
#   (minimal) at the target and must have a useful slope everywhere.
# - MSE $=\frac1M\sum(\hat y - y)^2$, gradient $2(\hat y - y)/M$ — for regression.
# - Softmax turns logits into probabilities; it is shift-invariant.
# - Cross-entropy $-\log p_{\text{true}}$ punishes confident mistakes without bound; with softmax its
#   gradient with respect to the logits is $(p - t)/N$.
# - Compute it from logits with log-sum-exp: naive softmax overflows at logits around 710.
# - MSE on a sigmoid output has a vanishing gradient when the unit is confidently wrong;
#   cross-entropy does not.
#
# **Next:** chapter 2 asks how the slope of the loss reaches every weight deep inside the network —
# the chain rule.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Write your answer between the `### BEGIN SOLUTION` and `### END SOLUTION` lines (in the student
# copy those lines hold a placeholder), then run the cell: `check` tells you whether it passes or
# gives a hint.
#
# ### Exercise 1.1 — the MSE gradient
# Write `my_mse_grad(y_pred, y_true)` returning $\partial\,\mathrm{MSE}/\partial \hat y$ for arrays of
# any shape. Do not call `losses.mse_grad`.

# %%
def my_mse_grad(y_pred, y_true):
    ### BEGIN SOLUTION
    return 2.0 * (y_pred - y_true) / y_pred.size
    ### END SOLUTION


check("1.1", my_mse_grad)

# %% [markdown]
# ### Exercise 1.2 — a stable log-softmax
# Write `my_log_softmax(z)` for a 2-D array of logits `(N, C)`, row by row. It must stay finite for
# logits like ±1000.

# %%
def my_log_softmax(z):
    ### BEGIN SOLUTION
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    ### END SOLUTION


check("1.2", my_log_softmax)

# %% [markdown]
# ### Exercise 1.3 — "7" versus "3", by hand
# For the output of section 5 (0.70 on "7", 0.14 on "3", 0.02 elsewhere) with true digit 3,
# compute the cross-entropy as a number, using only `np.log`.

# %%
### BEGIN SOLUTION
ce_by_hand = -np.log(0.14)
### END SOLUTION
check("1.3", ce_by_hand)

# %% [markdown]
# ### Exercise 1.4 — the fused gradient
# Write `my_sce_grad(logits, labels)` returning $\partial L/\partial z$ of the mean softmax
# cross-entropy for logits `(N, C)` and integer labels `(N,)`. You may use `losses.softmax` and
# `losses.one_hot`.

# %%
def my_sce_grad(logits, labels):
    ### BEGIN SOLUTION
    n, c = logits.shape
    return (losses.softmax(logits) - losses.one_hot(labels, c)) / n
    ### END SOLUTION


check("1.4", my_sce_grad)

# %% [markdown]
# **Going further (no check):** plot `losses.softmax(z / T)` for the logits `[2, 1, 0.1]` and
# temperatures `T` from 0.1 to 10. What happens to the probabilities as `T` grows or shrinks?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary
#
# | English | 日本語 | meaning here |
# |---|---|---|
# | loss function | 損失関数 | one number measuring how wrong the outputs are |
# | error function | 誤差関数 | another name for the loss function |
# | mean squared error (MSE) | 平均二乗誤差 | mean of squared differences; for regression |
# | cross-entropy | 交差エントロピー | $-\log$ of the probability given to the true class |
# | forward propagation | 前向き伝播（順伝播） | computing the output from the input, layer by layer |
# | logit | ロジット | a raw score before softmax/sigmoid |
# | softmax function | ソフトマックス関数 | turns logits into probabilities that sum to 1 |
# | sigmoid function | シグモイド関数 | squashes one logit into (0, 1) |
# | one-hot vector | ワンホットベクトル | 1 at the true class, 0 elsewhere |
# | gradient | 勾配 | the vector of partial derivatives of the loss |
# | overflow | オーバーフロー | a number too large for the float type (becomes `inf`) |
# | log-sum-exp trick | log-sum-exp トリック | subtracting the max before `exp` to stay finite |
# | saturation | 飽和 | a sigmoid's flat region, where its slope is almost zero |
# | weight / bias | 重み / バイアス | the adjustable numbers of a network |
#
# **Next chapter:** [Chapter 2 — The chain rule](02_chain_rule.ipynb)
