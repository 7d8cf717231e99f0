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
# # Chapter 1 — Loss functions: measuring how wrong a network is
#
# **What you will learn**
# - where the loss sits in a neural network, right after forward propagation;
# - the mean squared error (MSE) and its gradient, derived and checked numerically;
# - how sigmoid and softmax turn scores (logits) into probabilities, and the sigmoid's slope;
# - cross-entropy, binary and categorical, from probabilities and from logits;
# - why a naive softmax overflows and how the log-sum-exp trick fixes it;
# - why classifiers are trained with cross-entropy rather than MSE: the gradient of MSE through a
#   sigmoid vanishes exactly when the network is most wrong;
# - where the gradient of the loss goes next: the first step of backpropagation.
#
# **What you need**: Python and NumPy basics, and the idea of a derivative (the derivatives of
# $x^2$, $e^x$ and $\log x$). No earlier chapter.
#
# **Recap — what a network does.** A neural network is a function with adjustable numbers in it, its
# *weights* and *biases*. Given an input (say, the 784 pixels of a handwritten digit) it computes,
# layer after layer, an output: ten scores, one per digit. This left-to-right computation is called
# **forward propagation**. Learning means changing the weights so that the outputs get better. To
# do that we first need one number that says how bad the outputs are right now: the **loss**.
# This chapter is about that number; the next five are about making it smaller.
#
# **The road ahead: one learning step in four parts.** (1) *forward propagation* computes the
# output; (2) the *loss* measures how wrong it is (this chapter); (3) *backpropagation* (逆伝播)
# sends the error backwards through the network with the chain rule (連鎖律), giving the gradient of
# the loss for every weight (chapters 2–3); (4) *gradient descent* moves every weight a little
# against its gradient, by a step set by the *learning rate* (学習率) (chapters 4–5). Chapter 6 runs
# all four steps on a real handwritten digit, then trains a network on thousands of them.

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
from course_lib.gradcheck import numerical_derivative, numerical_gradient, relative_error

rng = course_lib.setup_notebook(seed=0, lang="en")  # lang="ja": messages and plots in Japanese

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
# The second property is less obvious than it looks; section 7 shows a loss that fails it.
#
# **Notation used in every chapter.** A batch holds $N$ examples, one per row.
#
# | symbol | meaning | shape |
# |---|---|---|
# | $\hat y$, $y$ | a prediction and its target, for regression (any real numbers) | same shape |
# | $C$ | number of classes of a classifier | |
# | $z$ | **logits**: the raw scores of the last layer, any real numbers | $(N, C)$ |
# | $p$ | probabilities computed from the logits, each row sums to 1 | $(N, C)$ |
# | $y_n$ | the integer label (true class) of example $n$, in $0, \dots, C-1$ | $(N,)$ |
# | $t$ | the same labels as one-hot rows: 1 at the true class, 0 elsewhere | $(N, C)$ |
#
# The library accepts classification targets either way, as integer labels `(N,)` or one-hot
# rows `(N, C)`.

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
# term by term — only the $i$-th term depends on $\hat y_i$, and $\frac{d}{du}u^2 = 2u$:
#
# $$
# \frac{\partial\,\mathrm{MSE}}{\partial \hat y_i} = \frac{1}{M}\, 2(\hat y_i - y_i) = \frac{2(\hat y_i - y_i)}{M}.
# $$
#
# The gradient is proportional to the error: a prediction that is too big is pushed down, one that is
# too small is pushed up, and the push is stronger the further off it is. Here is the library code
# (the first line of each function only checks its inputs — numbers, both of the same shape — and
# returns them as float arrays; every function of the library starts with such a check, so that a
# mistake is reported where it was made):

# %%
course_lib.show_source(losses.mse)
course_lib.show_source(losses.mse_grad)

# %% [markdown]
# A quick example: three house prices (in units of 100,000) predicted by some model.

# %%
y_true = np.array([3.0, 1.5, 4.0])
y_pred = np.array([2.5, 2.0, 4.0])
print(f"MSE  = {losses.mse(y_pred, y_true):.4f}")
print(f"grad = {np.array2string(losses.mse_grad(y_pred, y_true), precision=4)}")

# %% [markdown]
# The first prediction is too low, so its gradient is negative (increase it); the second too
# high (decrease it); the third is exact and gets no push at all.
#
# **Two conventions you will meet in books.** *Mean or sum?* With the mean, the loss and its
# gradient keep the same scale whatever the batch size: with a sum, 1,000 examples would give a
# gradient about 100 times larger than 10 examples. Every loss in this course is a mean. That does
# not make the batch size irrelevant: the *expected* gradient of a random batch is the same for
# any batch size $B$, but its variance shrinks like $1/B$, so a small batch gives a noisier
# gradient and the best step size still depends on $B$ (chapter 4 measures that noise and what it
# does to the steps, chapter 5 how the batch size and the step size go together). *Why no ½?*
# Many texts define
# $\frac{1}{2}\sum(\hat y - y)^2$ so that the 2 of the derivative cancels. That changes the
# gradient by a constant factor, not its direction; our MSE is the plain mean, so its gradient
# keeps the 2.
#
# **Check the derivation numerically.** A central difference
# $\big(L(\hat y + h e_i) - L(\hat y - h e_i)\big) / 2h$ — nudge one entry up and down by a tiny $h$
# and measure how much the loss changes — estimates each partial derivative without any calculus
# (chapter 2 explains why it works and how accurate it is). Two helpers from `course_lib.gradcheck`
# do the bookkeeping, and we use them all through the course:
#
# - `numerical_gradient(f, x)` returns the array of central differences of the scalar function `f`
#   at the array `x`, one entry at a time (with $h = 10^{-5}$), and puts `x` back as it was;
#   `numerical_derivative(f, x)` does the same for a function of one number;
# - `relative_error(a, b)` is $\lVert a - b\rVert / \max(\lVert a\rVert, \lVert b\rVert)$ (Euclidean
#   norms over all entries), roughly "how many digits agree": $10^{-7}$ means about seven.
#
# Central differences are themselves only accurate to about ten digits (chapter 2 shows why), so
# a relative error below $10^{-7}$ is our threshold for "the formula is right"; a wrong formula
# gives errors around $10^{-1}$ or more. If our formula is right the two agree:

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

# %% [markdown]
# Left of the target the slope is negative, right of it positive: moving $\hat y$ *against* the
# slope always moves it towards the target. That is all gradient descent (chapter 4) will do.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. From scores to probabilities: sigmoid and softmax
#
# MSE suits numbers like prices. A classifier instead answers "which class?", and its last layer
# produces raw scores $z$, the **logits**, which can be any real numbers. To read them as
# probabilities we squash them.
#
# **Two classes (yes/no): the sigmoid.** One logit $z$ becomes the probability of "yes",
#
# $$
# \sigma(z) = \frac{1}{1 + e^{-z}} \in (0, 1), \qquad \sigma(0) = \tfrac12,\quad
# \sigma(z) \to 1 \text{ as } z \to \infty,\quad \sigma(z) \to 0 \text{ as } z \to -\infty .
# $$
#
# We will need its slope. Write $\sigma(z) = (1 + e^{-z})^{-1}$ and differentiate the outer
# power and the inner exponential:
#
# $$
# \sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2}
#            = \underbrace{\frac{1}{1 + e^{-z}}}_{\sigma(z)}\cdot\underbrace{\frac{e^{-z}}{1 + e^{-z}}}_{1 - \sigma(z)}
#            = \sigma(z)\,\big(1 - \sigma(z)\big).
# $$
#
# (The second factor is $1 - \sigma(z)$ because $\frac{e^{-z}}{1 + e^{-z}} = \frac{(1 + e^{-z}) - 1}{1 + e^{-z}} = 1 - \frac{1}{1 + e^{-z}}$.)
# The slope is largest at $z = 0$, where it is $\frac12\cdot\frac12 = \frac14$, and almost zero
# once $|z|$ is more than about 4: there the sigmoid is **saturated**, flat. Remember this flatness —
# it is the villain of section 7.

# %%
def sigmoid(z):
    """The textbook formula; fine for the moderate logits used here (chapter 3 has an overflow-proof layer)."""
    return 1 / (1 + np.exp(-z))


z_points = np.array([-6.0, -2.0, 0.0, 2.0, 6.0])
slope_formula = sigmoid(z_points) * (1 - sigmoid(z_points))
slope_numeric = np.array([numerical_derivative(sigmoid, z0) for z0 in z_points])
print(f"z                    {np.array2string(z_points, precision=4)}")
print(f"sigma(z)             {np.array2string(sigmoid(z_points), precision=4)}")
print(f"sigma(z)(1-sigma(z)) {np.array2string(slope_formula, precision=4)}")
print(f"matches central differences: {relative_error(slope_formula, slope_numeric) < 1e-7}")

plotting.plot_sigmoid()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# **$C$ classes: the softmax.** A row of $C$ logits becomes $C$ probabilities that sum to one
# (the sum over $j$ runs over all $C$ classes),
#
# $$
# \mathrm{softmax}(z)_c = \frac{e^{z_c}}{\sum_{j} e^{z_j}} .
# $$
#
# The exponential makes every entry positive and keeps the order of the scores (a bigger logit
# always gets a bigger probability); dividing by the sum normalises. Step by step, for four
# logits:

# %%
plotting.plot_softmax_steps([2.0, 1.0, 0.1, -1.0])
plt.show()

# %% [markdown]
# Softmax is **shift-invariant**: adding the same constant $a$ to every logit multiplies numerator
# and denominator by $e^{a}$, which cancels. Only *differences* between logits matter. And the
# sigmoid is nothing but a two-class softmax whose first logit is fixed at 0:
# $\mathrm{softmax}([0, z])_1 = \frac{e^{z}}{e^0 + e^{z}} = \frac{1}{e^{-z} + 1} = \sigma(z)$.

# %%
z = np.array([[2.0, 1.0, 0.1, -1.0]])
p = losses.softmax(z)
print(f"{'logits z':<18}{np.array2string(z[0], precision=4)}")
print(f"{'softmax(z)':<18}{np.array2string(p[0], precision=4)}   sum = {p.sum():.4f}")
print(f"{'softmax(z + 100)':<18}{np.array2string(losses.softmax(z + 100)[0], precision=4)}   (the same: shift-invariant)")
print(f"{'softmax([0, 2])':<18}{np.array2string(losses.softmax(np.array([0.0, 2.0])), precision=4)}"
      f"   sigmoid(2) = {sigmoid(2.0):.4f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Cross-entropy
#
# If the network says the true class has probability $p$, how surprised should it be? Information
# theory's answer is $-\log p$ (natural log): zero surprise when $p = 1$, unbounded surprise as
# $p \to 0$. Averaged over a batch of $N$ examples with one-hot targets $t$, this is the
# **categorical cross-entropy**
#
# $$
# \mathrm{CE}(p, t) = -\frac{1}{N}\sum_{n=1}^{N}\sum_{c} t_{nc}\log p_{nc}
#                   = -\frac{1}{N}\sum_{n=1}^{N}\log p_{n,\,y_n},
# $$
#
# where $y_n$ is the true class of example $n$. Because $t$ is one-hot, the inner sum has a single
# non-zero term: only the probability of the *true* class counts. Cross-entropy is also the
# negative log-likelihood of the labels under the model — the probability the model gives to the
# whole batch of right answers is $\prod_n p_{n,y_n}$, and the log turns that product into a sum —
# so minimising cross-entropy is maximum-likelihood estimation.

# %%
course_lib.show_source(losses.cross_entropy)

# %% [markdown]
# The floor at `1e-12` keeps `log(0) = -inf` out of the result; section 6 shows why the real
# cure is to never form the probabilities at all.
#
# **Two classes: binary cross-entropy.** With $C = 2$ the probabilities are $p$ for class 1 and
# $1 - p$ for class 0, and the one-hot target is $(1 - t, t)$ with $t \in \{0, 1\}$. The double sum
# becomes, per example,
#
# $$
# \mathrm{BCE}(p, t) = -\big(t\log p + (1-t)\log(1-p)\big),
# $$
#
# which is $-\log p$ when $t = 1$ and $-\log(1 - p)$ when $t = 0$: again minus the log of the
# probability given to the truth. The library averages it over all elements:

# %%
course_lib.show_source(losses.binary_cross_entropy)

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
print(f"by hand, -(log 0.9 + log(1 - 0.2) + log 0.6)/3 = {-(np.log(0.9) + np.log(1 - 0.2) + np.log(0.6)) / 3:.4f}")

# %% [markdown]
# How do the two losses compare on the same mistake? Take one output whose target is 1 and let the
# probability $p$ it gives to the truth run from 0 to 1:

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
# The MSE sums ten squared differences — $0.86^2$ at the "3", $0.70^2$ at the "7", $0.02^2$ eight
# times — and divides by 10. The cross-entropy looks at one number only, $p_3 = 0.14$.
#
# One number on its own says little; compare four possible outputs for the same image of a 3:

# %%
spread = np.full(10, 0.86 / 9)  # 0.14 on "3", the rest spread evenly over the nine wrong digits
spread[3] = 0.14
sure_7 = np.full(10, 1e-4)  # certain it is a "7"
sure_7[7] = 1 - 9e-4
right_3 = probs_73.copy()  # the same numbers, but the big one on the right digit
right_3[7], right_3[3] = 0.14, 0.70
outputs = [('says "7" (above)', probs_73), ("same p(3), rest spread out", spread),
           ('certain it is "7"', sure_7), ('says "3" (right)', right_3)]
for name, p_vec in outputs:
    m = losses.mse(p_vec[None, :], target_3)
    c = losses.cross_entropy(p_vec[None, :], np.array([3]))
    print(f"{name:<27} p(3) = {p_vec[3]:.4f}   MSE = {m:.4f}   cross-entropy = {c:.4f}")

# %% [markdown]
# - Cross-entropy cares about one thing: the probability given to the truth. The first two outputs
#   both give the "3" only 14 %, so they get the same cross-entropy; MSE prefers the second just
#   because its wrong guesses are spread out.
# - MSE on probabilities is **bounded**: with a one-hot target it can never exceed $2/C = 0.2$.
#   The network that is *certain* of the wrong digit scores 0.1998 against 0.1233 for the hesitant
#   one, 1.6 times as much — and 0.1998 is already the ceiling: however sure the mistake, MSE
#   cannot charge more. Cross-entropy charges 9.21 against 1.97, 4.7 times as much, and would keep
#   growing as $p(3)$ shrinks further.
# - Both losses are small for the right answer, as they should be.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Logits, overflow, and the log-sum-exp trick
#
# In practice we never compute `softmax` and then `log` separately. Logits can be large, and
# $e^{z}$ overflows the largest float64 (about $1.8\times 10^{308}$) as soon as $z > 709.78$. Here
# is what the textbook softmax does with logits of ±1000:

# %%
def naive_softmax(z):
    e = np.exp(z)  # the textbook formula, straight from the definition
    return e / e.sum(axis=-1, keepdims=True)


big = np.array([[1000.0, 0.0, -1000.0]])
with np.errstate(all="ignore"):  # silence the warnings, look at the numbers
    print(f"naive softmax:   {naive_softmax(big)[0]}")
    print(f"naive log of it: {np.log(naive_softmax(big))[0]}")

# %% [markdown]
# $e^{1000}$ is `inf`, `inf / inf` is `nan`, and one `nan` in a loss poisons every weight it
# touches. (Very negative logits fail the other way: $e^{-1000}$ underflows to 0, and $\log 0 = -\infty$.)
# The fix uses shift-invariance: subtract the row maximum $m = \max_j z_j$ first. Then
#
# $$
# \log \mathrm{softmax}(z)_c = z_c - \log\sum_j e^{z_j} = (z_c - m) - \log\sum_j e^{z_j - m}.
# $$
#
# Every exponent $z_j - m$ is $\le 0$, so $e^{z_j - m} \in (0, 1]$: no overflow, and the largest
# term is exactly 1, so the sum is $\ge 1$ and its log never sees zero. This is the
# **log-sum-exp trick**. `softmax` uses the same shift, and `softmax_cross_entropy` works directly
# from the logits through `log_softmax`:

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

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### The gradient of softmax + cross-entropy
#
# For one example, write $\mathrm{LSE}(z) = \log\sum_j e^{z_j}$, so that
# $\log p_c = z_c - \mathrm{LSE}(z)$. The derivative of LSE is the softmax itself:
#
# $$
# \frac{\partial\,\mathrm{LSE}}{\partial z_k} = \frac{1}{\sum_j e^{z_j}}\cdot e^{z_k} = p_k
# \qquad\Longrightarrow\qquad
# \frac{\partial \log p_c}{\partial z_k} = [c = k] - p_k ,
# $$
#
# where $[c = k]$ is 1 if $c = k$ and 0 otherwise. With $L = -\sum_c t_c \log p_c$:
#
# $$
# \frac{\partial L}{\partial z_k} = -\sum_c t_c\big([c = k] - p_k\big)
#   = -t_k + p_k\underbrace{\sum_c t_c}_{=1} = p_k - t_k .
# $$
#
# Averaged over a batch of $N$: $\;\partial L/\partial z = (p - t)/N$. The error signal is just
# "predicted minus true" — the same simple form as MSE on a plain output. Each row of it sums to
# zero: probability can only be moved between classes, not created. Checked against central
# differences:

# %%
course_lib.show_source(losses.softmax_cross_entropy_grad)

# %%
logits = rng.normal(size=(5, 4)) * 3
labels = rng.integers(0, 4, size=5)
analytic = losses.softmax_cross_entropy_grad(logits, labels)
numeric = numerical_gradient(lambda z: losses.softmax_cross_entropy(z, labels), logits)
print(f"relative error below 1e-7? {relative_error(analytic, numeric) < 1e-7}")
print(f"each row of the gradient sums to 0: {np.allclose(analytic.sum(axis=1), 0)}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Binary cross-entropy from logits
#
# The same care is needed with a sigmoid. With $p = \sigma(z)$, the two logs simplify:
# $-\log\sigma(z) = \log(1 + e^{-z})$, and since $1 - \sigma(z) = \frac{e^{-z}}{1 + e^{-z}} = \frac{1}{1 + e^{z}}$,
# also $-\log(1 - \sigma(z)) = \log(1 + e^{z})$. Using $\log(1 + e^{-z}) = \log(1 + e^{z}) - z$,
#
# $$
# \mathrm{BCE}(z, t) = t\log(1 + e^{-z}) + (1 - t)\log(1 + e^{z}) = \log(1 + e^{z}) - t\,z .
# $$
#
# $\log(1 + e^{z}) = \log(e^0 + e^z)$ is a log-sum-exp of the two numbers $0$ and $z$, so the same
# trick makes it safe: $\log(1 + e^{z}) = \max(z, 0) + \log\big(1 + e^{-|z|}\big)$. Its derivative is
# $\frac{e^z}{1 + e^z} = \sigma(z)$, hence
#
# $$
# \frac{\partial\,\mathrm{BCE}}{\partial z} = \sigma(z) - t \qquad (\text{divided by } N \text{ for the mean}),
# $$
#
# "predicted minus true" once more. Why bother? Because in float64, $\sigma(40)$ is *exactly* 1,
# so $1 - \sigma(40) = 0$ and its log is $-\infty$. Working from probabilities, the library can only
# floor them at $10^{-12}$, which caps the loss at $-\log 10^{-12} \approx 27.6$ — and a capped loss
# is flat, with no gradient left. From logits there is nothing to cap. Since the sigmoid is a
# two-class softmax ($\sigma(z) = \mathrm{softmax}([0, z])_1$, section 3), `softmax_cross_entropy`
# on the logit pairs $[0, z]$ computes it the stable way. Two details of the code below:
#
# - `np.stack([zeros, z], axis=1)` turns the $N$ logits into an $(N, 2)$ array whose row $n$ is
#   $[0, z_n]$: column 0 is class "no" (probability $1 - \sigma(z_n)$), column 1 class "yes"
#   (probability $\sigma(z_n)$);
# - `softmax_cross_entropy` wants class *labels*, integers `(N,)` (section 1). A 0/1 target $t_n$ is
#   exactly the index of the true column, 0 for "no" and 1 for "yes"; the targets are stored as
#   floats (0.0, 1.0), so `t.astype(int)` turns them into the labels 0 and 1.

# %%
z_wrong = np.array([-40.0, 40.0])  # both confidently wrong by 40 logit units
t_wrong = np.array([1.0, 0.0])
p_wrong = sigmoid(z_wrong)
pairs = np.stack([np.zeros_like(z_wrong), z_wrong], axis=1)  # logits [0, z]: softmax gives [1 - σ(z), σ(z)]
print(f"sigma(40) == 1.0 exactly: {p_wrong[1] == 1.0}    sigma(-40) = {p_wrong[0]:.2e}")
print(f"BCE from probabilities: {losses.binary_cross_entropy(p_wrong, t_wrong):.2f}   (capped at -log(1e-12))")
print(f"BCE from logits:        {losses.softmax_cross_entropy(pairs, t_wrong.astype(int)):.2f}   (the true value)")

z_check = rng.normal(size=6) * 3
t_check = rng.integers(0, 2, size=6)
numeric = numerical_gradient(
    lambda zz: losses.softmax_cross_entropy(np.stack([np.zeros_like(zz), zz], axis=1), t_check), z_check)
analytic = (sigmoid(z_check) - t_check) / z_check.size
print(f"gradient (sigma(z) - t)/N matches central differences: {relative_error(analytic, numeric) < 1e-7}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Why cross-entropy, not MSE, for classification
#
# Take one sigmoid output $p = \sigma(z)$ whose target is 1, and suppose it is confidently wrong:
# $z = -8$, so $p \approx 0.0003$. Each loss is a function of a function of $z$, so its derivative
# is (derivative of the outer function) × (derivative of the inner one) — the chain rule, which
# chapter 2 takes apart. With $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ from section 3:
#
# - MSE, $L = (\sigma(z) - 1)^2$, outer function $u^2$:
#
#   $$\frac{dL}{dz} = 2(\sigma(z) - 1)\cdot\sigma(z)\big(1 - \sigma(z)\big).$$
#
#   The factor $\sigma(z)(1-\sigma(z))$ is almost zero when the sigmoid **saturates**.
# - Cross-entropy, $L = -\log\sigma(z)$, outer function $-\log u$ with derivative $-1/u$:
#
#   $$\frac{dL}{dz} = -\frac{1}{\sigma(z)}\cdot\sigma(z)\big(1 - \sigma(z)\big) = \sigma(z) - 1 .$$
#
#   The saturating factor cancels — this is the $\sigma(z) - t$ of section 6 with $t = 1$.

# %%
for z_val in [-8.0, -2.0, -np.log(2), 0.0, 2.0]:  # -ln 2: where p = 1/3
    s = sigmoid(z_val)
    g_mse = 2 * (s - 1) * s * (1 - s)
    g_ce = s - 1
    print(f"z = {z_val:+.2f}   p = {s:.4f}   dMSE/dz = {g_mse:+.5f}   dCE/dz = {g_ce:+.5f}")

numeric_mse = numerical_derivative(lambda zz: (sigmoid(zz) - 1) ** 2, -2.0)
numeric_ce = numerical_derivative(lambda zz: -np.log(sigmoid(zz)), -2.0)
print(f"central differences at z = -2: dMSE/dz = {numeric_mse:+.5f}   dCE/dz = {numeric_ce:+.5f}")

# %%
fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(11, 4))
plotting.plot_losses_through_sigmoid(ax=ax_loss)
plotting.plot_saturation(ax=ax_grad)
fig.tight_layout()
plt.show()

# %% [markdown]
# With MSE, $|dL/dz| = 2p(1 - p)^2$ (with $p = \sigma(z)$). It is largest at $p = 1/3$
# ($z = -\ln 2 \approx -0.69$, the dot on the right), where it is $8/27 \approx 0.30$: setting its
# derivative $2(1 - p)(1 - 3p)$ to zero gives $p = 1/3$. Right of the peak the push fades because the
# unit is nearly right, as it should. **Left of the peak, once the unit gives the truth less than a
# third, the more wrong it is, the *less* it learns**: its loss sits on a plateau. What that means
# for training: follow the slope downhill, $z \leftarrow z - \eta\,\frac{dL}{dz}$ with step
# size $\eta = 1$ (chapter 4 is all about this rule), starting from $z = -8$, and count the steps
# until the unit finally says "yes" ($p > 0.5$):

# %%
def steps_until_right(grad, z_start=-8.0, lr=1.0, max_steps=100_000):
    z_now = z_start
    for step in range(max_steps):
        if sigmoid(z_now) > 0.5:
            return step
        z_now -= lr * grad(z_now)
    return max_steps


print(f"MSE:           {steps_until_right(lambda zz: 2 * (sigmoid(zz) - 1) * sigmoid(zz) * (1 - sigmoid(zz)))} steps")
print(f"cross-entropy: {steps_until_right(lambda zz: sigmoid(zz) - 1)} steps")

# %% [markdown]
# The same happens with softmax and ten classes. Make the "7 vs 3" network *certain* of its
# mistake (`sure_7` from section 5) and look at the gradient with respect to the logit of the
# true class, "3" (MSE through softmax has no library gradient, so we take central differences):

# %%
logits_sure_7 = np.log(sure_7)[None, :]  # logits whose softmax is sure_7
grad_mse_softmax = numerical_gradient(lambda zz: losses.mse(losses.softmax(zz), target_3), logits_sure_7)
grad_ce_softmax = losses.softmax_cross_entropy_grad(logits_sure_7, np.array([3]))
print(f"dL/dz_3 with MSE on softmax:   {grad_mse_softmax[0, 3]:+.6f}")
print(f"dL/dz_3 with cross-entropy:    {grad_ce_softmax[0, 3]:+.6f}")

# %% [markdown]
# Cross-entropy pushes hardest exactly where the mistake is worst. That is why every classifier in
# this course (and almost every one in practice) uses softmax + cross-entropy, and MSE is kept for
# regression, where the output is not squashed.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Where the gradient goes next
#
# Three pairings of output and loss have appeared, and all three give a gradient of the same
# form with respect to the last layer's output before any squashing (the logits):
#
# | task | last step | loss | gradient w.r.t. the logits / prediction |
# |---|---|---|---|
# | regression | none, $\hat y = z$ | MSE | $2(\hat y - y)/M$ |
# | yes / no | sigmoid, $p = \sigma(z)$ | binary cross-entropy | $(p - t)/N$ |
# | one of $C$ classes | softmax, $p = \mathrm{softmax}(z)$ | cross-entropy | $(p - t)/N$ |
#
# "Prediction minus target", scaled. This gradient is where **backpropagation** starts. The loss
# sits at the end of forward propagation, so its gradient is the first **error signal**: it says
# how each output should move. The weights are further back; the gradient must travel to them.
#
# A one-weight taste: the model $\hat y_i = w\,x_i$ changes its outputs when $w$ changes, at the rate
# $\partial\hat y_i/\partial w = x_i$. The loss changes at the rate $\partial L/\partial\hat y_i$ per unit of
# $\hat y_i$, so
#
# $$
# \frac{\partial L}{\partial w} = \sum_i \frac{\partial L}{\partial \hat y_i}\,\frac{\partial \hat y_i}{\partial w}
#                               = \sum_i \frac{\partial L}{\partial \hat y_i}\,x_i .
# $$

# %%
x_data = np.array([1.0, 2.0, 3.0])
y_data = np.array([2.0, 4.0, 6.5])
w = 1.5
dL_dyhat = losses.mse_grad(w * x_data, y_data)  # the error signal at the output
dL_dw = np.sum(dL_dyhat * x_data)  # carried one step back, to the weight
dL_dw_numeric = numerical_derivative(lambda w_: losses.mse(w_ * x_data, y_data), w)
print(f"dL/dyhat = {np.array2string(dL_dyhat, precision=4)}")
print(f"dL/dw from the error signal: {dL_dw:.4f}   central difference: {dL_dw_numeric:.4f}")

# %% [markdown]
# The gradient is negative: a bigger $w$ would lower the loss (the data follow $y \approx 2x$). Chapter 2
# turns this one step into a rule — the chain rule — and automates it on any computation.
# Chapter 3 applies it layer by layer to carry $(p - t)/N$ from the loss back to every weight of a
# network; chapter 4 uses the result to change the weights.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The loss turns the output of forward propagation into one number to minimise; it is zero
#   (minimal) at the target and must have a useful slope everywhere.
# - MSE $=\frac1M\sum(\hat y - y)^2$, gradient $2(\hat y - y)/M$ — for regression.
# - Sigmoid turns one logit into a probability, $\sigma'(z) = \sigma(z)(1 - \sigma(z)) \le \frac14$, flat
#   for large $|z|$. Softmax turns $C$ logits into probabilities; it is shift-invariant, and the sigmoid
#   is its two-class case.
# - Cross-entropy $-\log p_{\text{true}}$ (binary: $-[t\log p + (1-t)\log(1-p)]$) punishes confident
#   mistakes without bound; it is the negative log-likelihood of the labels.
# - Compute it from logits: log-sum-exp for softmax, $\log(1 + e^z) - tz$ for the sigmoid. A naive
#   softmax overflows once a logit exceeds about 710, and probabilities clipped before the log cap the loss.
# - With softmax or sigmoid, the gradient of cross-entropy with respect to the logits is $(p - t)/N$.
# - MSE on a sigmoid or softmax output has a vanishing gradient when the unit is confidently wrong;
#   cross-entropy does not.
# - The gradient of the loss with respect to the output is the first error signal of
#   backpropagation; the chain rule carries it back to the weights.
#
# **Next:** chapter 2 asks how the slope of the loss reaches every weight deep inside the network —
# the chain rule.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Write your answer in the exercise cell, then run it: `check` says whether it passes or gives a hint. In this copy each exercise cell already holds a reference solution — try the exercise yourself before you read it (`make student` writes copies with a placeholder in its place).
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
# logits like ±1000 (section 6). Do not call `losses.log_softmax` or `losses.softmax`.

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
# `losses.one_hot`, but not `losses.softmax_cross_entropy_grad`.

# %%
def my_sce_grad(logits, labels):
    ### BEGIN SOLUTION
    n, c = logits.shape
    return (losses.softmax(logits) - losses.one_hot(labels, c)) / n
    ### END SOLUTION


check("1.4", my_sce_grad)

# %% [markdown]
# ### Exercise 1.5 — binary cross-entropy from logits
# Write `my_bce_with_logits(z, t)` returning the mean binary cross-entropy of $\sigma(z)$ against
# 0/1 targets `t` (two arrays of the same, any shape), computed from the logits `z` as in
# section 6. It must return the exact value, not `inf`, `nan` or a capped number, for logits like
# ±1000. Hint: `np.log1p(x)` computes $\log(1 + x)$.

# %%
def my_bce_with_logits(z, t):
    ### BEGIN SOLUTION
    return np.mean(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) - t * z)
    ### END SOLUTION


check("1.5", my_bce_with_logits)

# %% [markdown]
# **Going further (no check):** plot `losses.softmax(z / T)` for the logits `[2, 1, 0.1, -1]` and
# temperatures `T` from 0.1 to 10. What happens to the probabilities as `T` grows or shrinks? Which
# limit looks like `argmax`?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary
#
# | English | 日本語 | meaning here |
# |---|---|---|
# | loss function | 損失関数 | one number measuring how wrong the outputs are |
# | error function / cost function | 誤差関数 / コスト関数 | other names for the loss function |
# | mean squared error (MSE) | 平均二乗誤差（MSE） | mean of squared differences; for regression |
# | cross-entropy (error) | 交差エントロピー誤差 | $-\log$ of the probability given to the true class, averaged |
# | binary cross-entropy | 二値交差エントロピー誤差 | cross-entropy for yes/no outputs: $-[t\log p + (1-t)\log(1-p)]$ |
# | forward propagation | 順伝播 | computing the output from the input, layer by layer |
# | regression / classification | 回帰 / 分類 | predicting numbers / predicting a class |
# | logit | ロジット | a raw score before softmax/sigmoid |
# | softmax function | ソフトマックス関数 | turns $C$ logits into probabilities that sum to 1 |
# | sigmoid function | シグモイド関数 | squashes one logit into (0, 1) |
# | one-hot vector | one-hot表現 | 1 at the true class, 0 elsewhere |
# | label / target | 正解ラベル / 教師データ（目標値） | the right answer the output is compared with |
# | likelihood / maximum likelihood | 尤度 / 最尤推定 | probability of the data under the model / choosing the model that maximises it |
# | gradient | 勾配 | the vector of partial derivatives of the loss |
# | error signal | 誤差信号 | the gradient of the loss with respect to an output, e.g. $(p - t)/N$ |
# | overflow / underflow | オーバーフロー / アンダーフロー | a number too large (`inf`) / too small (0) for the float type |
# | log-sum-exp trick | log-sum-exp トリック | subtracting the max before `exp` to stay finite |
# | saturation | 飽和 | a sigmoid's flat region, where its slope is almost zero |
# | weight / bias | 重み / バイアス | the adjustable numbers of a network |
#
# **Next chapter:** [Chapter 2 — The chain rule](02_chain_rule.ipynb): how the gradient of the loss
# reaches every weight.
