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
# # Chapter 4 — Gradient descent: walking downhill on the loss
#
# **What you will learn**
# - the update rule $\theta \leftarrow \theta - \eta\,\nabla L(\theta)$, and what it does in one
#   and two dimensions;
# - how to read a loss surface from its contour lines, and why an elongated (ill-conditioned)
#   bowl makes gradient descent zig-zag — the **condition number**;
# - batch, stochastic and mini-batch gradient descent: the same rule with cheaper, noisier
#   gradients;
# - momentum, and how it straightens the zig-zag;
# - per-parameter learning rates — AdaGrad, RMSProp, Adam — what they fix and what they do not;
# - that gradient descent on linear regression lands on the closed-form least-squares answer;
# - how to write a training loop by hand — forward, loss, backward, update — and watch a
#   classifier's decision boundary take shape.
#
# **What you need**: chapters 1–3 (loss functions, the chain rule, backpropagation), and a little
# linear algebra: the dot product, the **Hessian** (the matrix of second derivatives) and the
# **eigenvalues and eigenvectors** of a symmetric matrix — section 2 recalls what it uses.
#
# **Recap — chapter 3.** Backpropagation gives us, in one backward pass, the gradient of the loss
# with respect to every weight and bias of a network: each layer turns the error signal $\delta$
# coming from above into gradients for its own parameters ($dW = X^\top\delta$, $db = \sum\delta$)
# and an error signal for the layer below ($\delta W^\top$). We checked every one of these against
# numerical derivatives. What we have not done yet is *use* the gradients. This chapter does:
# the gradient says which way the loss goes up, so we step the other way — again and again.

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

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_moons, make_regression
from sklearn.linear_model import LinearRegression

import course_lib
from course_lib import layers, losses, optim, plotting
from course_lib.exercises import check
from course_lib.network import MLP

rng = course_lib.setup_notebook(seed=0, lang="en")  # lang="ja": messages and plots in Japanese

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The update rule
#
# Imagine standing on a hillside in thick fog, wanting to get to the valley. You cannot see the
# valley, but you can feel the slope under your feet. A sensible plan: take a step in the
# steepest downhill direction, feel the slope again, repeat.
#
# For a loss $L(\theta)$ of parameters $\theta$, the steepest *uphill* direction is the gradient
# $\nabla L(\theta)$. Why? Take a small step of length $s$ in the direction of a unit vector $u$
# ($\lVert u\rVert = 1$). To first order the loss changes by $s\,\nabla L(\theta)\cdot u$, so the
# slope in direction $u$ is $\nabla L\cdot u$, and by the Cauchy–Schwarz inequality
#
# $$
# \nabla L\cdot u \;\le\; \lVert\nabla L\rVert\,\lVert u\rVert = \lVert\nabla L\rVert,
# \quad\text{with equality exactly when } u \text{ points along } \nabla L .
# $$
#
# So $\nabla L$ points steepest uphill, its length is that steepest slope, and $-\nabla L$ points
# steepest downhill (slope $-\lVert\nabla L\rVert$). The directions with $\nabla L\cdot u = 0$ keep the
# loss constant to first order: they run along the **contour line** through $\theta$ (the line of
# equal loss), so the gradient is perpendicular to the contour lines. On the bowl
# $f(x) = \tfrac12(x_1^2 + 4x_2^2)$:

# %%
f_demo, grad_demo = optim.quadratic(np.diag([1.0, 4.0]))
phi = np.radians(np.arange(15, 360, 30))
on_contour = np.column_stack([2 * np.cos(phi), np.sin(phi)])  # points where f = 2
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2), gridspec_kw={"width_ratios": [1.25, 1]})
plotting.plot_contours(f_demo, (-3, 3), (-2, 2), ax=axes[0], levels=[0.5, 2, 4.5, 8],
                       minimum=[0, 0], title="The gradient is perpendicular to the contour lines")
plotting.plot_gradient_arrows(grad_demo, on_contour, ax=axes[0], length=0.7,
                              label="∇f: steepest uphill")
axes[0].legend(loc="upper right", fontsize=9)
point = on_contour[1]
axes[0].plot(*point, "o", ms=13, mfc="none", mec="k", mew=1.5)  # the point of the right panel
plotting.plot_directional_slopes(grad_demo(point), ax=axes[1])
axes[1].set_title(f"Slope in every direction at ({point[0]:.2f}, {point[1]:.2f})")
fig.tight_layout()
plt.show()

g_point = grad_demo(point)
directions = np.radians(np.arange(3600) / 10)  # 3600 unit vectors, 0.1 degree apart
slopes = np.column_stack([np.cos(directions), np.sin(directions)]) @ g_point
steepest = np.degrees(directions[slopes.argmax()])
tangent = np.array([-2 * np.sin(phi[1]), np.cos(phi[1])])  # along the contour line at the point
print(f"steepest slope over 3600 directions: {slopes.max():.4f}, at {steepest:.1f}°")
print(f"|∇f| = {np.linalg.norm(g_point):.4f}, and ∇f points at "
      f"{np.degrees(np.arctan2(g_point[1], g_point[0])):.1f}°")
print(f"∇f · (tangent of the contour line) = {abs(g_point @ tangent):.3f}")

# %% [markdown]
# The largest slope over all directions is $\lVert\nabla f\rVert$ = 3.1623, found in the gradient's
# direction (63.4°), and the gradient has no component along the contour line. So gradient descent is
#
# $$
# \theta_{t+1} = \theta_t - \eta\, \nabla L(\theta_t),
# $$
#
# where the **learning rate** $\eta > 0$ (Greek "eta"; `lr` in the code) sets the step size, and
# the subscript $t$ counts the steps (not to be confused with the one-hot targets $t$ of
# chapters 1 and 3). $\theta$ stands for *all* the parameters at once — for a network, every
# $W$ and $b$ of chapter 3, each updated with its own gradient $dW$, $db$ from backpropagation.
#
# Why does this go down? For a small step $\Delta\theta$, the first-order Taylor expansion says
# $L(\theta + \Delta\theta) \approx L(\theta) + \nabla L(\theta)^\top \Delta\theta$. With
# $\Delta\theta = -\eta\nabla L$ this is
#
# $$
# L(\theta_{t+1}) \approx L(\theta_t) - \eta\,\lVert \nabla L(\theta_t)\rVert^2 \;\le\; L(\theta_t):
# $$
#
# the loss decreases as long as the step is small enough for the linear approximation to hold,
# and the gradient is not already zero. The step is $\eta$ times the *slope*, so steps shrink
# automatically near the bottom, where the slope flattens. Here is the library's version, which
# records every point it visits:

# %%
course_lib.show_source(optim.gradient_descent)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### One dimension
#
# Take $f(x) = x^2$, so $f'(x) = 2x$ and the update is
# $x_{t+1} = x_t - \eta \cdot 2x_t = (1 - 2\eta)\,x_t$. With $\eta = 0.1$ every step multiplies
# $x$ by $0.8$: the distance to the minimum shrinks geometrically.

# %%
def parabola(x):
    return x**2


def parabola_grad(x):
    return 2 * x


path_1d = optim.gradient_descent(parabola_grad, np.array([4.0]), lr=0.1, steps=12)
for t in range(4):
    x_t = path_1d[t, 0]
    print(f"step {t}: x = {x_t:.4f}   slope f'(x) = {parabola_grad(x_t):+.4f}   "
          f"step -lr*f'(x) = {-0.1 * parabola_grad(x_t):+.4f}")
predicted = 4.0 * 0.8**12
print(f"after 12 steps: x = {path_1d[-1, 0]:.6f}, predicted 4 * 0.8**12 = {predicted:.6f}")


# %% [markdown]
# Most losses are not a single bowl. The function
# $g(x) = \tfrac14 x^4 - x^2 + \tfrac12 x$ has two valleys; gradient descent goes down into
# whichever valley it starts above — it only ever sees the local slope, so it can end in a
# **local minimum** that is not the lowest point.

# %%
def two_valleys(x):
    return 0.25 * x**4 - x**2 + 0.5 * x


def two_valleys_grad(x):
    return x**3 - 2 * x + 0.5


fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
plotting.plot_descent_1d(parabola, path_1d, ax=axes[0], xlim=(-4.5, 4.5), label=r"$\eta = 0.1$")
axes[0].set_title(r"$f(x) = x^2$: steps shrink near the bottom")
axes[0].legend()
for x0, color in [(-2.3, "tab:blue"), (2.3, "tab:red")]:
    path = optim.gradient_descent(two_valleys_grad, np.array([x0]), lr=0.05, steps=30)
    plotting.plot_descent_1d(two_valleys, path, ax=axes[1], xlim=(-2.5, 2.5), color=color,
                             label=f"start {x0:+.1f} → ends at {path[-1, 0]:+.3f}")
axes[1].set_title("Two valleys: where you start decides where you end")
axes[1].legend(loc="upper center")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Two dimensions: loss surfaces and the condition number
#
# With two parameters the loss is a surface over the plane. We draw it like a hiking map, with
# **contour lines** joining points of equal loss. The gradient is always perpendicular to the
# contour lines (section 1), so a gradient step crosses them at right angles.
#
# The simplest surface is a quadratic bowl
#
# $$
# f(x) = \tfrac12\, x^\top A\, x, \qquad \nabla f(x) = A x,
# $$
#
# with a symmetric positive-definite matrix $A$. Two facts from linear algebra, recalled:
# - The **Hessian** of $f$ is the matrix of its second derivatives,
#   $H_{ij} = \partial^2 f/\partial x_i\,\partial x_j$ — the curvature, as the gradient is the slope.
#   For this quadratic $H = A$ at every point.
# - A symmetric matrix has real **eigenvalues** $\lambda_i$ and orthonormal **eigenvectors** $u_i$,
#   $A u_i = \lambda_i u_i$. Along $u_i$ the bowl is the parabola $\tfrac12\lambda_i s^2$: $\lambda_i$ is
#   its curvature in that direction. *Positive definite* means every $\lambda_i > 0$ — the bowl
#   curves upwards in every direction, and its minimum is the origin.
#
# Take $A$ diagonal, $A = \mathrm{diag}(\lambda_1, \lambda_2)$ — for any symmetric $A$ we can rotate
# the axes to its eigenvectors to get this form. The update $x_{t+1} = x_t - \eta A x_t$ then
# splits into two independent 1-D problems:
#
# $$
# x_{t+1,i} = (1 - \eta\lambda_i)\, x_{t,i}, \qquad i = 1, 2 .
# $$
#
# Each coordinate shrinks by its own factor $|1 - \eta\lambda_i|$. The steep direction (large
# $\lambda$) needs a small $\eta$ to stay stable ($\eta < 2/\lambda_{\max}$; chapter 5 studies
# this), while the shallow direction (small $\lambda$) wants a large $\eta$ to make progress.
# As $\eta$ grows, the shallow factor $1 - \eta\lambda_{\min}$ falls, while the steep factor
# $|1 - \eta\lambda_{\max}|$ rises again once $\eta > 1/\lambda_{\max}$ (the step overshoots).
# The larger of the two (the slower direction) is smallest where they are equal,
# $1 - \eta\lambda_{\min} = \eta\lambda_{\max} - 1$: the best compromise
# $\eta = 2/(\lambda_{\min} + \lambda_{\max})$ shrinks both by
#
# $$
# 1 - \frac{2\lambda_{\min}}{\lambda_{\min} + \lambda_{\max}}
# = \frac{\lambda_{\max} - \lambda_{\min}}{\lambda_{\max} + \lambda_{\min}}
# = \frac{\kappa - 1}{\kappa + 1} \text{ per step, where } \kappa = \frac{\lambda_{\max}}{\lambda_{\min}}
# $$
#
# is the **condition number** of $A$. $\kappa \approx 1$: a round bowl, fast. $\kappa \gg 1$: a
# long narrow valley, slow — the steep direction overshoots back and forth while the shallow
# direction crawls. Let us see it, with the library's `quadratic` helper:

# %%
course_lib.show_source(optim.quadratic)

# %%
x_start = np.array([-4.5, 2.0])
bowls = {"well-conditioned, κ = 2": np.diag([1.0, 2.0]),
         "ill-conditioned, κ = 20": np.diag([1.0, 20.0])}
fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
curves = {}
for ax, (name, A) in zip(axes[:2], bowls.items()):
    f, grad = optim.quadratic(A)
    lam = np.linalg.eigvalsh(A)
    lr = 2 / (lam.min() + lam.max())
    path = optim.gradient_descent(grad, x_start, lr=lr, steps=25)
    plotting.plot_contours(f, (-5, 1.5), (-2.5, 2.5), ax=ax, levels=np.geomspace(0.05, 60, 12),
                           minimum=[0, 0], title=f"{name}, η = {lr:.3f}")
    plotting.plot_trajectory(path, ax=ax, label="gradient descent")
    curves[name] = f(path)
    kappa = lam.max() / lam.min()
    ratio = np.linalg.norm(path[11]) / np.linalg.norm(path[10])
    print(f"{name}: |x| shrinks by {ratio:.4f} per step; (κ-1)/(κ+1) = {(kappa - 1) / (kappa + 1):.4f}")
plotting.plot_descent_losses(curves, ax=axes[2], xlabel="step t", ylabel="f(x_t)",
                              title="Loss per step (log scale)")
axes[2].set_ylim(1e-12, 1e2)
fig.tight_layout()
plt.show()

# %% [markdown]
# The measured shrink factor is exactly $(\kappa-1)/(\kappa+1)$: $1/3$ for the round bowl (the loss
# falls by a factor of 9 per step) but $0.905$ for the narrow one. On the right the loss curves
# are straight lines on the log scale — **linear convergence** — and their slopes are set by
# $\kappa$ alone. Real networks have loss surfaces with condition numbers in the thousands or more,
# which is why plain gradient descent can be slow and why the tricks of sections 5 and 6 exist.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. A curved valley: Rosenbrock's function
#
# Quadratic bowls are straight valleys. The **Rosenbrock function**
# $f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$ is a classic test with a curved, banana-shaped valley
# whose floor is almost flat; its minimum is $f(1, 1) = 0$. The gradient, derived by the chain
# rule, is $\big(-2(1 - x) - 400\,x\,(y - x^2),\; 200\,(y - x^2)\big)$.

# %%
course_lib.show_source(optim.rosenbrock_grad)

# %%
rosen_path = optim.gradient_descent(optim.rosenbrock_grad, np.array([-1.2, 1.0]), lr=0.0015,
                                    steps=5000)
rosen_loss = optim.rosenbrock(rosen_path)
fig, axes = plt.subplots(1, 2, figsize=(12, 4.4), gridspec_kw={"width_ratios": [1.3, 1]})
plotting.plot_contours(optim.rosenbrock, (-1.6, 1.6), (-0.6, 1.7), ax=axes[0],
                       levels=np.geomspace(0.01, 300, 14), minimum=[1, 1],
                       title="Rosenbrock, η = 0.0015, 5000 steps")
plotting.plot_trajectory(rosen_path, ax=axes[0], marker="", lw=2)
for t, offset in [(10, (2, 12)), (100, (8, -6)), (1000, (10, -14)), (5000, (-64, 4))]:
    axes[0].annotate(f"t={t}", rosen_path[t], xytext=offset, textcoords="offset points",
                     fontsize=10, color="tab:red", fontweight="bold",
                     bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    axes[0].plot(*rosen_path[t], "o", color="tab:red", ms=5)
axes[0].set(xlabel="x", ylabel="y")
axes[1].loglog(np.arange(1, len(rosen_loss)), rosen_loss[1:], lw=2)
axes[1].set(xlabel="step t (log scale)", ylabel="f(x, y) (log scale)",
            title="Fast into the valley, slow along it")
fig.tight_layout()
plt.show()
for t in [10, 100, 1000, 5000]:
    print(f"step {t:>4}: (x, y) = ({rosen_path[t, 0]:.3f}, {rosen_path[t, 1]:.3f})   f = {rosen_loss[t]:.2e}")
side = np.sign(rosen_path[:, 1] - rosen_path[:, 0] ** 2)  # +1 above the floor y = x², -1 below
print(f"steps that end on the other side of the valley floor y = x² than the step before: "
      f"{(np.flatnonzero(side[1:] != side[:-1]) + 1).tolist()}")

# %% [markdown]
# The first steps fall steeply into the valley and zig-zag across it: each of the first seven
# steps ends on the other side of the valley floor $y = x^2$ than the one before, like the narrow
# bowl of section 2. Then the path settles on one side (it crosses once more, at step 509, as it
# passes $x \approx 0$, where the floor turns upwards), and the walk along the nearly flat, curving floor takes thousands of steps. Across the valley the surface is very steep, along it
# very flat — a huge *local* condition number. A larger $\eta$ does not help: it overshoots
# across the valley and bounces from wall to wall (try $\eta = 0.003$: after 5000 steps $f$ is
# still about 0.3, hundreds of times worse).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Batch, stochastic and mini-batch gradient descent
#
# A training loss is an average over the $N$ training examples,
#
# $$
# L(\theta) = \frac1N \sum_{n=1}^{N} \ell_n(\theta),\qquad
# \nabla L(\theta) = \frac1N \sum_{n=1}^{N} \nabla \ell_n(\theta),
# $$
#
# so one exact gradient costs $N$ per-example gradient evaluations — 60,000 for MNIST (chapter 6),
# just to take a single step. Three ways to spend that effort:
#
# | method | gradient from | steps per epoch | each step |
# |---|---|---|---|
# | **batch** GD | all $N$ examples | 1 | exact, expensive |
# | **stochastic** GD (SGD) | 1 random example | $N$ | cheap, very noisy |
# | **mini-batch** GD | $B$ random examples | $\lceil N/B \rceil$ | a compromise |
#
# One **epoch** is one pass over the training data. A note on letters: in chapters 1–3 the batch
# we passed to a loss was always the whole data set, so its $N$ rows were all the examples. From
# now on $N$ is the size of the training set and $B$ the size of a mini-batch; the loss layers
# average over the rows they are given, so on a mini-batch their $1/N$ becomes $1/B$.
#
# A mini-batch gradient $g_B = \frac1B\sum_{n\in \mathcal{B}}\nabla\ell_n$ over a random set
# $\mathcal{B}$ of $B$ examples is an *unbiased* estimate of $\nabla L$: on average over the random
# draw it equals $\nabla L$. An epoch uses every example once, so at a *fixed* $\theta$ the plain
# average of an epoch's batch gradients is exactly $\nabla L$ — but only when $B$ divides $N$:
# otherwise the last, smaller batch gets a full batch's weight. (During training $\theta$ moves
# after every batch, so there it holds only approximately.)
#
# How noisy is $g_B$? Its error $g_B - \nabla L$ is the average of $B$ per-example errors
# $\nabla\ell_n - \nabla L$, whose mean square over the data set we call
# $\sigma^2 = \frac1N\sum_n \lVert\nabla\ell_n - \nabla L\rVert^2$. For $B$ examples drawn independently
# the mean squared error would be $\sigma^2/B$. Drawn *without repetition* from $N$ examples, as
# `iterate_minibatches` does, it is a little smaller:
#
# $$
# \mathbb{E}\,\lVert g_B - \nabla L\rVert^2 = \frac{\sigma^2}{B}\cdot\frac{N - B}{N - 1},
# $$
#
# the **finite-population correction** of sampling theory (at $B = N$ the error is zero, as it must
# be). So the root-mean-square (RMS) error shrinks like $1/\sqrt{B}$. In practice "SGD" usually means the mini-batch version. The library
# cuts the data into shuffled mini-batches, one epoch per call: `iterate_minibatches` checks its
# arguments at once (so a mistake is reported where you made it), draws one random permutation,
# and hands over to a small generator that slices it into batches.

# %%
course_lib.show_source(optim.iterate_minibatches)
course_lib.show_source(optim._batches)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### A problem to compare them on: linear regression
#
# We fit $\hat y = Xw$ with two weights to data from scikit-learn's `make_regression`, under
# the mean squared error of chapter 1. By the chain rule (chapter 3, a `Linear` layer without
# bias), $\partial L/\partial w = X^\top\, \partial L/\partial \hat y$:

# %%
X_reg, y_reg = make_regression(n_samples=256, n_features=2, noise=20.0, random_state=0)
y_reg = y_reg / y_reg.std()  # targets of size about 1, so the numbers stay readable


def loss_and_grad(w, X, y):
    """Mean squared error of the linear model X @ w, and its gradient with respect to w (2,)."""
    y_pred = X @ w
    return losses.mse(y_pred, y), X.T @ losses.mse_grad(y_pred, y)


w_best = np.linalg.lstsq(X_reg, y_reg, rcond=None)[0]
print(f"X: {X_reg.shape}, y: {y_reg.shape}, least-squares weights w* = {np.round(w_best, 4)}")

# %% [markdown]
# First the noise itself. At $w = 0$ we compare the exact gradient with mini-batch estimates of
# it — about 3,200 of them for each batch size — and their RMS error with the formula:

# %%
w0 = np.zeros(2)
N = len(X_reg)
_, full_grad = loss_and_grad(w0, X_reg, y_reg)
per_example = np.array([loss_and_grad(w0, X_reg[n:n + 1], y_reg[n:n + 1])[1] for n in range(N)])
sigma = np.sqrt(np.mean(np.sum((per_example - full_grad) ** 2, axis=1)))
print(f"exact gradient at w = 0: {np.round(full_grad, 3)};  σ of single examples = {sigma:.3f}")
print("  B   mean of the estimates   RMS error   σ/√B·√((N−B)/(N−1))   "
      "σ/√B (no correction)")
for batch_size in [1, 4, 16, 64]:
    epochs_needed = max(1, 3200 * batch_size // N)  # about 3,200 mini-batches for every B
    estimates = np.array([loss_and_grad(w0, Xb, yb)[1]
                          for _ in range(epochs_needed)
                          for Xb, yb in optim.iterate_minibatches(X_reg, y_reg, batch_size,
                                                                  rng=rng)])
    rms = np.sqrt(np.mean(np.sum((estimates - full_grad) ** 2, axis=1)))
    predicted = sigma / np.sqrt(batch_size) * np.sqrt((N - batch_size) / (N - 1))
    print(f"{batch_size:>3}   {np.array2string(estimates.mean(axis=0), precision=3):<22}"
          f"  {rms:9.3f}   {predicted:19.3f}   {sigma / np.sqrt(batch_size):20.3f}")

# One epoch at the fixed w = 0: is the plain mean of its batch gradients the exact gradient?
for batch_size in [16, 100]:
    batches = list(optim.iterate_minibatches(X_reg, y_reg, batch_size, rng=rng))
    grads = np.array([loss_and_grad(w0, Xb, yb)[1] for Xb, yb in batches])
    sizes = np.array([len(yb) for _, yb in batches])
    plain = grads.mean(axis=0)
    weighted = sizes @ grads / N  # each batch weighted by its size
    print(f"B = {batch_size:>3}: batches of sizes {sizes.tolist()[-3:]} (last three);  "
          f"|plain mean - grad L| = {np.linalg.norm(plain - full_grad):.3f},  "
          f"|size-weighted mean - grad L| = {np.linalg.norm(weighted - full_grad):.3f}")

# %% [markdown]
# The estimates average to the exact gradient (unbiased) whatever $B$ is, and their RMS error
# follows $\sigma/\sqrt{B}\cdot\sqrt{(N-B)/(N-1)}$ to within 2% — the rest is the chance of 3,200
# random draws (for $B = 1$ every epoch visits each example once, so the match is exact).
# Quadrupling $B$ halves the error, and a little more than halves it as $B$ approaches $N$:
# without the correction, $\sigma/\sqrt{B}$ is 17% too large at $B = 64$, where each batch is a
# quarter of the data. The last two lines show the epoch average at a fixed $w$: with $B = 16$,
# which divides $N = 256$, the plain mean of the 16 batch gradients is the exact gradient; with
# $B = 100$ the batches hold 100, 100 and 56 examples, the plain mean is off by 0.024, and
# weighting each batch by its size repairs it.
#
# Now train with each method from $w = 0$ for the same number of epochs — the same number of
# per-example gradient evaluations — and record the full training loss after every update:

# %%
def train_linear(batch_size, lr, epochs, rng):
    """Mini-batch gradient descent on loss_and_grad; returns the path of w and the loss per update."""
    w = np.zeros(2)
    path, loss_history = [w.copy()], [loss_and_grad(w, X_reg, y_reg)[0]]
    for epoch in range(epochs):
        for Xb, yb in optim.iterate_minibatches(X_reg, y_reg, batch_size, rng=rng):
            _, grad = loss_and_grad(w, Xb, yb)
            w -= lr * grad
            path.append(w.copy())
            loss_history.append(loss_and_grad(w, X_reg, y_reg)[0])
    return np.array(path), np.array(loss_history)


epochs, lr = 10, 0.02
runs = {"batch (B = 256)": train_linear(256, lr, epochs, rng),
        "mini-batch (B = 16)": train_linear(16, lr, epochs, rng),
        "stochastic (B = 1)": train_linear(1, lr, epochs, rng)}
best_loss = loss_and_grad(w_best, X_reg, y_reg)[0]
for name, (path, loss_history) in runs.items():
    updates_per_epoch = (len(loss_history) - 1) // epochs
    last_epoch = loss_history[-updates_per_epoch:]
    print(f"{name:<20} {len(path) - 1:>4} updates   loss during the last epoch: "
          f"{last_epoch.min():.4f} to {last_epoch.max():.4f}   (least squares: {best_loss:.4f})")
print("\ntraining loss after update t:" + "".join(f"{t:>8}" for t in range(1, 9)))
for name, (path, loss_history) in runs.items():
    print(f"{name:<29}" + "".join(f"{value:8.3f}" for value in loss_history[1:9]))

# %%
# The MSE of a linear model is a quadratic bowl in w: mean((Xw - y)^2) = ½ wᵀAw - bᵀw + mean(y²)
# with A = 2XᵀX/N and b = 2Xᵀy/N — so optim.quadratic draws its contour map.
surface, _ = optim.quadratic(2 * X_reg.T @ X_reg / len(X_reg), 2 * X_reg.T @ y_reg / len(X_reg))
fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), gridspec_kw={"width_ratios": [1, 1.1, 1.1]})
plotting.plot_contours(lambda W: surface(W) + np.mean(y_reg**2), (-0.1, 1.0), (-0.1, 1.0),
                       ax=axes[0], levels=np.geomspace(0.115, 1.5, 12), minimum=w_best,
                       title="Paths in weight space")
colors = {"batch (B = 256)": "tab:blue", "mini-batch (B = 16)": "tab:green",
          "stochastic (B = 1)": "tab:red"}
for name, (path, _) in reversed(list(runs.items())):
    plotting.plot_trajectory(path, ax=axes[0], color=colors[name], marker="",
                             lw=0.8 if "B = 1)" in name else 2)
axes[0].set(xlabel="$w_1$", ylabel="$w_2$")
for name, (path, loss_history) in reversed(list(runs.items())):  # batch GD drawn last, on top
    updates = np.arange(1, len(loss_history))
    axes[1].plot(updates, loss_history[1:], color=colors[name], lw=1.5, label=name)
    axes[2].plot(np.arange(len(loss_history)) * epochs / (len(loss_history) - 1), loss_history,
                 color=colors[name], lw=1.2, label=name)
axes[1].set(xscale="log", xlabel="update number (log scale)", ylabel="training loss",
            title="Per update")
axes[2].set(xlabel="epochs  (= gradient evaluations / N)", ylabel="training loss",
            title="Per epoch: equal work")
for ax in axes[1:]:
    ax.axhline(best_loss, color="k", ls=":", lw=1, label="least squares")
    ax.set_ylim(0, 1.05)
axes[2].legend(fontsize=9)
fig.suptitle(f"Batch, mini-batch and stochastic gradient descent, η = {lr}, {epochs} epochs")
fig.tight_layout()
plt.show()

# %% [markdown]
# Read the three panels together:
# - **left**: batch GD (blue) walks smoothly straight down the bowl, but after 10 epochs it has
#   made only 10 steps and is still on its way. SGD (red) stumbles about, each step following
#   one example's opinion, and keeps jittering around the minimum (the star);
# - **middle**, per update: batch GD follows the exact gradient. From the same point, a noisy
#   step does worse *on average*: for this quadratic loss its expected loss is higher by exactly
#   $\tfrac{\eta^2}{2}\,\mathbb{E}[e^\top H e]$, with $e = g_B - \nabla L$ the gradient's error and $H$ the
#   Hessian. But not at every update — a lucky batch can point closer to the minimum: in the
#   printed losses the mini-batch run is lower than batch GD after update 2, and the stochastic
#   run after updates 4 and 8. And each batch update costs 256 gradient evaluations;
# - **right**, per epoch (equal work): SGD makes 256 updates in the time batch GD makes one, so
#   it is far ahead early on. With a constant learning rate it then hovers above the minimum
#   (dotted line) at a noise floor. Mini-batches (green) are the compromise: nearly as fast per
#   epoch, much less noisy — and on real hardware a batch of 16–256 examples costs hardly more
#   than one example, thanks to vectorised matrix products.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. Momentum
#
# Back to the narrow valley of section 2, where the steep direction bounces from wall to wall
# while the shallow direction crawls. **Momentum** (the "heavy ball" method) lets the
# parameters remember past gradients in a **momentum buffer** $b$:
#
# $$
# b_{t+1} = \mu\, b_t + \nabla L(\theta_t), \qquad \theta_{t+1} = \theta_t - \eta\, b_{t+1},
# \qquad b_0 = 0,
# $$
#
# with $0 \le \mu < 1$ (typically 0.9). Unrolling the recursion,
# $b_{t+1} = \sum_{k=0}^{t} \mu^k\, \nabla L(\theta_{t-k})$: the step is an
# exponentially weighted sum of past gradients.
# - Where the gradients keep pointing the same way (along the valley), they add up: the step
#   grows towards $\eta/(1-\mu)$ times the gradient — ten times larger for $\mu = 0.9$.
# - Where they flip sign every step (across the valley), they cancel, and the zig-zag is damped.
#
# Many textbooks write the same method with a *velocity* $v = -\eta\, b$ in parameter units:
# $v_{t+1} = \mu v_t - \eta\nabla L(\theta_t)$, $\theta_{t+1} = \theta_t + v_{t+1}$. While $\eta$ stays
# constant the two give the same steps; when a schedule (chapter 5) changes $\eta$, the buffer
# form above — the one PyTorch's `torch.optim.SGD` uses, and so does ours — rescales the whole
# remembered step at once. With $\mu = 0$ this is plain gradient descent.
#
# The library's `SGD` (with PyTorch's rules and defaults, including Nesterov momentum and the
# weight decay of chapter 6) works on anything that has dicts `params` and `grads` with the same
# keys — a network, a single layer, or the tiny "model" below — and updates the parameters in
# place. All the optimizers of this chapter share one
# `step`, which hands every parameter array, its gradient and its saved state to the
# optimizer's own update rule `_update`:

# %%
course_lib.show_source(optim.SGD.step)
course_lib.show_source(optim.SGD._update)


# %%
class Point:
    """The smallest model SGD accepts: one parameter vector x, and its gradient."""

    def __init__(self, x0):
        self.params = {"x": np.array(x0, dtype=float)}
        self.grads = {"x": np.zeros_like(self.params["x"])}


def run_sgd(grad_fn, x0, optimizer, steps):
    """Apply `optimizer` to a Point for `steps` steps; return the path, shape (steps + 1, 2)."""
    point = Point(x0)
    path = [point.params["x"].copy()]
    for _ in range(steps):
        point.grads["x"] = grad_fn(point.params["x"])
        optimizer.step(point)
        path.append(point.params["x"].copy())
    return np.array(path)


A_narrow = np.diag([1.0, 20.0])
f_narrow, grad_narrow = optim.quadratic(A_narrow)
steps = 60
runs_momentum = {
    "plain GD, η = 0.095": run_sgd(grad_narrow, x_start, optim.SGD(lr=0.095), steps),
    "momentum μ = 0.7, η = 0.03": run_sgd(grad_narrow, x_start, optim.SGD(lr=0.03, momentum=0.7),
                                          steps),
}
path_colors = ["tab:red", "tab:blue"]
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3), gridspec_kw={"width_ratios": [1.4, 1]})
plotting.plot_contours(f_narrow, (-5, 1.5), (-2.5, 2.5), ax=axes[0],
                       levels=np.geomspace(0.05, 60, 12), minimum=[0, 0],
                       title=f"The narrow valley (κ = 20), {steps} steps each")
for (name, path), color in zip(runs_momentum.items(), path_colors):
    plotting.plot_trajectory(path, ax=axes[0], label=name, color=color)
axes[0].legend(loc="lower right", fontsize=9)
plotting.plot_descent_losses({name: f_narrow(path) for name, path in runs_momentum.items()},
                             ax=axes[1], xlabel="step t", ylabel="f(x_t)", title="Loss per step",
                             colors=path_colors)
plt.show()
for name, path in runs_momentum.items():
    first = int(np.argmax(f_narrow(path) < 1e-3))
    print(f"{name:<28} first step with f < 1e-3: {first}   f after {steps} steps: "
          f"{f_narrow(path[-1]):.1e}")

# %% [markdown]
# Plain gradient descent, even with its best learning rate, bounces across the valley and
# creeps along it. With momentum the path makes one wide swing, the cross-valley oscillation is
# gentler and dies out, and the accumulated momentum carries the point along the valley floor:
# it reaches $f < 10^{-3}$ after 31 steps instead of 53. Theory agrees: with the best constant
# settings the error shrinks per step by
# $(\kappa - 1)/(\kappa + 1)$ without momentum but by $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$ with it —
# for $\kappa = 10^4$, $0.9998$ versus $0.98$: a hundred times fewer steps.
#
# A hand check of the update with $\eta = 0.1$, $\mu = 0.9$, starting at $\theta = 1$ with
# gradients $2$ and then $-1$: $b_1 = 2$, $\theta_1 = 1 - 0.1\cdot 2 = 0.8$;
# $b_2 = 0.9\cdot 2 + (-1) = 0.8$, $\theta_2 = 0.8 - 0.1\cdot 0.8 = 0.72$ — the second gradient
# points the other way, but the buffer still carries the parameter forward. (`optim.SGD` also
# offers `nesterov=True`, Nesterov's variant, which steps with $\nabla L + \mu b$ — a look at
# where the momentum is about to carry the parameters; chapter 5 compares the two.)

# %%
hand = Point([1.0])
sgd_momentum = optim.SGD(lr=0.1, momentum=0.9)
for g in [2.0, -1.0]:
    hand.grads["x"] = np.array([g])
    sgd_momentum.step(hand)
    print(f"gradient {g:+.1f}: buffer b {sgd_momentum.state['x']['momentum_buffer'][0]:+.4f}, "
          f"theta {hand.params['x'][0]:.4f}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. A learning rate per parameter: AdaGrad, RMSProp, Adam
#
# Momentum fights the zig-zag by averaging steps. A second idea goes after its cause: one learning
# rate shared by all parameters. In the valley $f = \tfrac12(x_1^2 + 20x_2^2)$ the gradient is
# $(x_1, 20x_2)$: at the same distance from the minimum, $x_2$'s slope is 20 times $x_1$'s, so a
# step size that is safe for $x_2$ is 20 times too timid for $x_1$. We do not know the curvature
# of a network's loss, but we do see its gradients — so give **every parameter its own step
# size**, small where gradients have been large and large where they have been small. All the
# operations below are element-wise: each parameter (each entry of every $W$ and $b$) keeps its
# own running statistics.
#
# - **AdaGrad** (Duchi, Hazan & Singer, 2011) divides by the root of the *sum* of all squared
#   gradients so far: $s \leftarrow s + g^2$, $\theta \leftarrow \theta - \eta\, g/(\sqrt{s} + \varepsilon)$.
#   The first step is $\eta\,\mathrm{sign}(g)$ in every coordinate, whatever the gradient's size.
#   But $s$ only grows, so the steps keep shrinking (like $1/\sqrt{t}$ for steady gradients).
# - **RMSProp** (Hinton, 2012) uses a moving *average* instead,
#   $v \leftarrow \alpha v + (1-\alpha) g^2$ with $\alpha = 0.99$: the scale follows recent gradients
#   and the steps do not die out. ($v$ starts at 0, so the first step is
#   $\eta\, g/\sqrt{0.01\,g^2} = 10\,\eta$ per coordinate.)
# - **Adam** (Kingma & Ba, 2015) combines both ideas: momentum on the gradient, $m \leftarrow
#   \beta_1 m + (1-\beta_1) g$, and RMSProp's scale, $v \leftarrow \beta_2 v + (1-\beta_2) g^2$
#   ($\beta_1 = 0.9$, $\beta_2 = 0.999$). Both averages start at 0, so early on they are too small by
#   the factors $1-\beta_1^t$ and $1-\beta_2^t$ (after one step $m = 0.1\,g$). **Bias correction**
#   divides them out, $\hat m = m/(1-\beta_1^t)$, $\hat v = v/(1-\beta_2^t)$, and the step is
#   $\theta \leftarrow \theta - \eta\,\hat m/(\sqrt{\hat v} + \varepsilon)$: about $\eta$ per coordinate at first.
#
# $\varepsilon$ (1e-10 for AdaGrad, 1e-8 for the others) only guards against dividing by zero. The
# library follows the update rules and defaults PyTorch documents for `torch.optim.Adagrad`,
# `RMSprop` and `Adam`; here are the three rules:

# %%
course_lib.show_source(optim.AdaGrad._update)
course_lib.show_source(optim.RMSProp._update)
course_lib.show_source(optim.Adam._update)

# %% [markdown]
# Back in the narrow valley, each with a learning rate that makes its first step move every
# coordinate by about 1 ($\eta = 1$ for AdaGrad and Adam, $\eta = 0.1$ for RMSProp), next to the two
# runs of section 5. Adam runs twice: with its default $\beta_1 = 0.9$, and with $\beta_1 = 0.7$, the
# momentum section 5 used. The last column repeats every run on the *same* valley turned by 45°.

# %%
def rotated(A, degrees):
    """The same bowl turned by `degrees`: R A Rᵀ, with R the rotation matrix."""
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    R = np.array([[c, -s], [s, c]])
    return R @ A @ R.T


def make_optimizers():
    """Fresh optimizers (each keeps per-parameter state, so every run needs its own)."""
    return {"plain GD, η = 0.095": optim.SGD(lr=0.095),
            "momentum μ = 0.7, η = 0.03": optim.SGD(lr=0.03, momentum=0.7),
            "AdaGrad, η = 1": optim.AdaGrad(lr=1.0),
            "RMSProp, η = 0.1": optim.RMSProp(lr=0.1),
            "Adam, η = 1": optim.Adam(lr=1.0),
            "Adam, η = 1, β1 = 0.7": optim.Adam(lr=1.0, betas=(0.7, 0.999))}


f_turned, grad_turned = optim.quadratic(rotated(A_narrow, 45))
runs_adaptive = {name: run_sgd(grad_narrow, x_start, opt, steps)
                 for name, opt in make_optimizers().items()}
runs_turned = {name: run_sgd(grad_turned, x_start, opt, steps)
               for name, opt in make_optimizers().items()}
adaptive_colors = ["tab:red", "tab:blue", "tab:orange", "tab:green", "tab:purple", "0.2"]

fig, axes = plt.subplots(1, 2, figsize=(13, 4.3), gridspec_kw={"width_ratios": [1.4, 1]})
plotting.plot_contours(f_narrow, (-5, 1.5), (-2.5, 2.5), ax=axes[0],
                       levels=np.geomspace(0.05, 60, 12), minimum=[0, 0],
                       title=f"Per-parameter step sizes in the narrow valley, {steps} steps")
for (name, path), color in list(zip(runs_adaptive.items(), adaptive_colors))[2:]:
    wide = name.startswith("AdaGrad")  # drawn wide and pale: RMSProp's path runs on top of it
    plotting.plot_trajectory(path, ax=axes[0], label=name, color=color, ms=0 if wide else 2.5,
                             lw=6 if wide else 1.2, alpha=0.45 if wide else 0.9)
axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8)
plotting.plot_descent_losses({name: f_narrow(path) for name, path in runs_adaptive.items()},
                             ax=axes[1], xlabel="step t", ylabel="f(x_t)", title="Loss per step",
                             colors=adaptive_colors)
axes[1].legend(fontsize=8)
plt.show()

print(f"{'':<27}{'first step':>15}{'first step':>13}{'f after':>10}{'f after 60, valley':>20}")
print(f"{'':<27}{'(Δx1, Δx2)':>15}{'with f<1e-3':>13}{'60 steps':>10}{'turned by 45°':>20}")
for name, path in runs_adaptive.items():
    below = np.flatnonzero(f_narrow(path) < 1e-3)
    first_below = str(below[0]) if below.size else "never"
    dx = path[1] - path[0]
    print(f"{name:<27}{f'({dx[0]:+.2f}, {dx[1]:+.2f})':>15}{first_below:>13}"
          f"{f_narrow(path[-1]):>10.1e}{f_turned(runs_turned[name][-1]):>20.1e}")


# %% [markdown]
# Read the first-step column first. Plain GD moves $x_2$ nearly nine times as far as $x_1$ ($-3.80$ against
# $+0.43$) and overshoots across the valley; the three adaptive methods move both coordinates by
# exactly 1 — dividing by the size of each coordinate's own gradient has undone the factor of 20.
# AdaGrad and RMSProp then run down the valley without a zig-zag (their paths almost coincide;
# AdaGrad's is the wide pale line under RMSProp's) and reach $f < 10^{-3}$ after 33 and 31 steps,
# like momentum, instead of 53. Adam with its default $\beta_1 = 0.9$ never gets there in 60 steps:
# its momentum carries it past the minimum again and again, and it circles it ($f = 7.7\cdot10^{-3}$
# after 60 steps). In this noiseless bowl 0.9 is too much momentum — for SGD too (try it in
# section 5). With $\beta_1 = 0.7$, Adam is the fastest of all: 28 steps, $f = 1.0\cdot10^{-9}$ after 60.
#
# The last column is the catch. Turn the same valley by 45° and its steep and shallow directions
# no longer line up with the coordinates $x_1, x_2$, so a scale per coordinate cannot see them:
# AdaGrad and RMSProp end far behind plain GD (0.49 and 0.40 against $6.9\cdot10^{-4}$). Plain GD
# and momentum treat every direction alike, so turning the valley changes them only through
# where the start point falls ($1.9\cdot10^{-4} \to 6.9\cdot10^{-4}$ and $3.1\cdot10^{-8} \to
# 2.1\cdot10^{-8}$). Per-parameter step sizes repair badly *scaled parameters*, not every kind of
# ill-conditioning. Networks have both kinds — and gradients whose sizes differ by orders of
# magnitude between layers and weights, which is where Adam, momentum plus a scale per parameter,
# earns its place as a common first choice. Section 8 tries it on a network.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Gradient descent finds the least-squares solution
#
# For linear regression we do not actually need gradient descent. Write the bias as one more
# weight: $X_1$ is $X$ with a column of ones appended, $\theta = (w, b)$, and $\hat y = X_1\theta$.
# The gradient of the MSE (chapter 1) is
#
# $$
# \nabla_\theta \frac1N\lVert X_1\theta - y\rVert^2 = \frac2N X_1^\top (X_1\theta - y),
# $$
#
# and setting it to zero gives the **normal equations** $X_1^\top X_1\,\theta = X_1^\top y$, solved
# directly by `np.linalg.lstsq`. That makes it the perfect test: gradient descent on the same loss
# must land on the same answer. Differentiating once more, the Hessian is the constant matrix
# $2X_1^\top X_1/N$: the loss is exactly a quadratic bowl, and section 2 tells us how fast
# gradient descent will get there.
#
# This time we use the real chapter 3 pieces: a `Linear` layer is the model ($\hat y = XW + b$),
# `MSELoss` the loss, and `SGD` updates `W` and `b` — no network needed, since a layer also has
# `params` and `grads` dicts.

# %%
X_lin, y_lin = make_regression(n_samples=500, n_features=5, noise=10.0, bias=30.0, random_state=1)
y_lin = (y_lin / y_lin.std())[:, None]  # (N, 1): one output column, as a Linear layer produces

# Closed form: least squares with a column of ones for the bias.
X1 = np.hstack([X_lin, np.ones((len(X_lin), 1))])
theta_lstsq = np.linalg.lstsq(X1, y_lin[:, 0], rcond=None)[0]
sk = LinearRegression().fit(X_lin, y_lin[:, 0])
print(f"lstsq weights {np.round(theta_lstsq[:-1], 4)}, bias {theta_lstsq[-1]:.4f}")
print(f"sklearn LinearRegression agrees with lstsq: "
      f"{np.allclose(np.append(sk.coef_, sk.intercept_), theta_lstsq)}")

# How fast should gradient descent be? Section 2: each eigen-direction shrinks by |1 - lr*λ|.
lam_lin = np.linalg.eigvalsh(2 * X1.T @ X1 / len(X1))
slowest = np.max(np.abs(1 - 0.2 * lam_lin))
print(f"eigenvalues of the Hessian 2 X1ᵀX1 / N: {np.array2string(lam_lin, precision=2)}")
print(f"with lr = 0.2 every direction shrinks by {slowest:.3f} or better per step")
print(f"after 300 steps at most a fraction {slowest**300:.0e} of the starting error is left")

# Gradient descent: full batch, 300 steps.
regressor = layers.Linear(5, 1, rng=rng)
mse_loss = layers.MSELoss()
gd = optim.SGD(lr=0.2)
for step in range(300):
    loss = mse_loss.forward(regressor.forward(X_lin), y_lin)  # forward + loss
    regressor.backward(mse_loss.backward())                   # backward: fills regressor.grads
    gd.step(regressor)                                        # update W and b in place
theta_gd = np.append(regressor.params["W"][:, 0], regressor.params["b"])

TOLERANCE = 1e-8
max_diff = np.max(np.abs(theta_gd - theta_lstsq))
print(f"gradient descent weights {np.round(theta_gd[:-1], 4)}, bias {theta_gd[-1]:.4f}")
print(f"max |theta_GD - theta_lstsq| < {TOLERANCE:.0e}: {max_diff < TOLERANCE}")

# %% [markdown]
# After 300 full-batch steps the two agree to better than $10^{-8}$ in every weight — in fact to
# the last digits of float64 rounding, as the factor $0.674^{300}$ predicts, but $10^{-8}$ is
# the tolerance we state, a margin that holds on any machine. The bowl is well-conditioned (the
# features of `make_regression` are independent with variance 1, so the eigenvalues of the Hessian
# are all close to 2, $\kappa \approx 1.5$), and a few hundred steps are plenty.
#
# With **mini-batches** and a constant learning rate the story of section 4 repeats: the
# parameters get close quickly, then jitter around the answer instead of settling on it.

# %%
regressor_mb = layers.Linear(5, 1, rng=rng)
sgd = optim.SGD(lr=0.05)
for epoch in range(30):
    for Xb, yb in optim.iterate_minibatches(X_lin, y_lin, 25, rng=rng):
        mse_loss.forward(regressor_mb.forward(Xb), yb)
        regressor_mb.backward(mse_loss.backward())
        sgd.step(regressor_mb)
theta_mb = np.append(regressor_mb.params["W"][:, 0], regressor_mb.params["b"])
print(f"mini-batch SGD (B = 25, 30 epochs): max |theta - theta_lstsq| = "
      f"{np.max(np.abs(theta_mb - theta_lstsq)):.1e}")

# %% [markdown]
# Close (a few thousandths), not exact: to settle, SGD needs a learning rate that *decreases* over
# time — the schedules of chapter 5.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Training a classifier by hand
#
# Everything comes together on a small two-class problem: scikit-learn's `make_moons`, two
# interleaved half-circles that no straight line can separate. The model is a multi-layer
# perceptron $2 \to 16 \to 16 \to 2$ with ReLU (chapter 3), the loss softmax cross-entropy
# (chapter 1), the optimizer `SGD` with momentum (this chapter). The training loop is four lines,
# repeated for every mini-batch of every epoch:
#
# 1. **forward**: scores of the batch;
# 2. **loss**: one number for how wrong they are;
# 3. **backward**: gradients of the loss for every weight (backpropagation);
# 4. **update**: a small step against the gradients.
#
# Chapter 5 packs this loop into a `fit` function; here we write it out.

# %%
X_moons, y_moons = make_moons(n_samples=400, noise=0.2, random_state=0)
X_train, y_train = X_moons[:300], y_moons[:300]
X_test, y_test = X_moons[300:], y_moons[300:]

model = MLP([2, 16, 16, 2], activation="relu", rng=rng)
loss_fn = layers.SoftmaxCrossEntropy()
optimizer = optim.SGD(lr=0.1, momentum=0.9)

xx, yy, grid = plotting.decision_grid(X_train)
snapshot_steps = {0, 3, 10, 25, 50, 100, 250}
snapshots, epoch_losses = [], []
step = 0
for epoch in range(60):
    for X_batch, y_batch in optim.iterate_minibatches(X_train, y_train, 32, rng=rng):
        if step in snapshot_steps:  # remember the model's view of the plane at this moment
            accuracy = np.mean(model.predict(X_train) == y_train)
            snapshots.append((f"step {step}: train acc {accuracy:.0%}", model.forward(grid)))
        scores = model.forward(X_batch)              # 1. forward
        loss = loss_fn.forward(scores, y_batch)      # 2. loss
        model.backward(loss_fn.backward())           # 3. backward
        optimizer.step(model)                        # 4. update
        step += 1
    epoch_losses.append(loss_fn.forward(model.forward(X_train), y_train))

train_acc = np.mean(model.predict(X_train) == y_train)
snapshots.append((f"step {step} (end): train acc {train_acc:.0%}", model.forward(grid)))
test_acc = np.mean(model.predict(X_test) == y_test)
print(f"{step} updates in 60 epochs; training loss {epoch_losses[0]:.3f} after epoch 1, "
      f"{epoch_losses[-1]:.3f} after epoch 60")
print(f"accuracy: train {train_acc:.1%}, test {test_acc:.1%} (100 held-out points)")

# %%
plotting.plot_decision_boundary_steps(xx, yy, snapshots, X_train, y_train, ncols=4)
plt.show()

# %% [markdown]
# At step 0 the randomly initialised network has no opinion yet: its two scores are nearly equal
# everywhere (pale shading, probabilities close to 0.5), so the 0.5 line wanders through the plane
# along the kinks of its ReLU pieces, and 60 % of the training points land on the right side by
# chance. Three updates later one boundary splits the moons roughly (81 %); by step 25 it is a
# bent line, and over the next few hundred steps it wraps around the tips of the moons (97 %).
# Every change you see was made by the four-line loop above:
# forward, loss, backward, update. The shading is the predicted probability of class 1 (red),
# and the black line is where it crosses 0.5.

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Which optimizer?
#
# The loop does not care which optimizer performs step 4. Here the same network — the same
# initial weights, the same mini-batches in the same order — trains four times: with plain SGD,
# with momentum (as above), and with Adam at $\eta = 0.01$ and at its default $\eta = 0.001$. Note that
# Adam's $\eta$ is not comparable to SGD's: it is roughly the length of each parameter's step,
# whatever the size of the gradient, where SGD's step is $\eta$ *times* the gradient.

# %%
def train_moons(optimizer, epochs=60, seed=1):
    """Train a copy of `initial_model` on the moons; return the training loss after each epoch."""
    net = copy.deepcopy(initial_model)
    batch_rng = np.random.default_rng(seed)  # the same mini-batches for every optimizer
    history = []
    for epoch in range(epochs):
        for X_batch, y_batch in optim.iterate_minibatches(X_train, y_train, 32, rng=batch_rng):
            loss_fn.forward(net.forward(X_batch), y_batch)
            net.backward(loss_fn.backward())
            optimizer.step(net)
        history.append(loss_fn.forward(net.forward(X_train), y_train))
    return np.array(history)


initial_model = MLP([2, 16, 16, 2], activation="relu", rng=rng)
moons_runs = {"SGD, η = 0.1": train_moons(optim.SGD(lr=0.1)),
              "SGD + momentum 0.9, η = 0.1": train_moons(optim.SGD(lr=0.1, momentum=0.9)),
              "Adam, η = 0.01": train_moons(optim.Adam(lr=0.01)),
              "Adam, η = 0.001 (default)": train_moons(optim.Adam())}
epochs_axis = np.arange(1, 61)
fig, ax = plt.subplots(figsize=(7, 4))
plotting.plot_descent_losses({name: (epochs_axis, h) for name, h in moons_runs.items()}, ax=ax,
                             xlabel="epoch", ylabel="training loss (log scale)",
                             title="The same network, four optimizers",
                             colors=["tab:red", "tab:blue", "tab:purple", "plum"])
plt.show()
print(f"{'training loss after epoch':<30}" + "".join(f"{e:>7}" for e in (1, 5, 10, 20, 60)))
for name, h in moons_runs.items():
    print(f"{name:<30}" + "".join(f"{h[e - 1]:7.3f}" for e in (1, 5, 10, 20, 60)))

# %% [markdown]
# Momentum and Adam at $\eta = 0.01$ end at 0.076 and 0.062 after 60 epochs, against 0.103 for plain
# SGD. Momentum gets low first but noisily — its curve jumps about (0.095 after epoch 10, 0.112
# after epoch 20) — while Adam's falls smoothly. At its default $\eta = 0.001$ Adam moves each
# weight by only about 0.001 per step, far too little for this problem: 0.262 after 60 epochs. A
# default learning rate is a starting point, not a guarantee; chapter 5 is about choosing it.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - Gradient descent repeats $\theta \leftarrow \theta - \eta\nabla L(\theta)$; for a small enough
#   learning rate $\eta$ each step lowers the loss, and steps shrink near a minimum as the slope
#   flattens. It finds a *local* minimum — where you start matters.
# - On a quadratic bowl each eigen-direction shrinks by $|1 - \eta\lambda_i|$; the condition
#   number $\kappa = \lambda_{\max}/\lambda_{\min}$ sets the speed, $(\kappa-1)/(\kappa+1)$ per step at
#   best. Ill-conditioned problems zig-zag across narrow valleys and crawl along them
#   (Rosenbrock's curved valley too).
# - The gradient of an average loss can be estimated from a random mini-batch: unbiased, with an
#   RMS error $\sigma/\sqrt{B}\cdot\sqrt{(N-B)/(N-1)}$ when drawn without repetition. Batch GD's steps
#   are exact (the best on average per update, though not at every update), SGD's the cheapest;
#   mini-batches are the practical compromise. With a constant $\eta$, SGD hovers at a noise floor.
# - Momentum $b \leftarrow \mu b + g,\ \theta \leftarrow \theta - \eta b$ accumulates consistent
#   gradients and cancels oscillating ones, straightening the zig-zag.
# - AdaGrad, RMSProp and Adam give every parameter its own step size, dividing by a running size
#   of its gradients; Adam adds momentum and bias correction. They undo badly scaled parameters
#   (a valley along the axes), not a valley turned away from them.
# - On linear regression, gradient descent reaches the closed-form least-squares solution (here
#   to better than $10^{-8}$).
# - Training a network is a loop: forward, loss, backward, update — with an optimizer's `step`
#   (`SGD`, `Adam`, …) doing the update for every parameter.
#
# **Next:** chapter 5 studies the one number we have been choosing by hand — the learning rate:
# when it is too small, too large, exactly when gradient descent diverges, and how to change it
# during training.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Write your answer in the exercise cell, then run it: `check` says whether it passes or gives a
# hint. In this copy each exercise cell already holds a reference solution — try the exercise
# yourself before you read it (`make student` writes copies with a placeholder in its place).
#
# ### Exercise 4.1 — one gradient-descent step
# Write `gd_step(p, g, lr)` returning the parameters after one gradient-descent step, for
# parameters `p` and gradient `g` (arrays of the same shape) and learning rate `lr`.

# %%
def gd_step(p, g, lr):
    ### BEGIN SOLUTION
    return p - lr * g
    ### END SOLUTION


check("4.1", gd_step)

# %% [markdown]
# ### Exercise 4.2 — the momentum update
# Write `momentum_step(p, b, g, lr, momentum)` returning the pair `(p_new, b_new)` of the momentum
# method of section 5 — the parameters and the momentum buffer after one step, in PyTorch's form
# (do not use `optim.SGD`).

# %%
def momentum_step(p, b, g, lr, momentum):
    ### BEGIN SOLUTION
    b_new = momentum * b + g
    return p - lr * b_new, b_new
    ### END SOLUTION


check("4.2", momentum_step)

# %% [markdown]
# ### Exercise 4.3 — how many mini-batches?
# Write `num_batches(n, batch_size)` returning how many mini-batches `iterate_minibatches` yields
# per epoch for `n` examples — an `int`. How many updates does one epoch of MNIST's 60,000 images
# take with `batch_size=64`?

# %%
def num_batches(n, batch_size):
    ### BEGIN SOLUTION
    return -(-n // batch_size)
    ### END SOLUTION


check("4.3", num_batches)

# %% [markdown]
# ### Exercise 4.4 — least squares in closed form
# Write `least_squares(X, y)` for inputs `X` `(N, d)` and targets `y` `(N,)`, returning the pair
# `(w, b)` — weights `(d,)` and bias (a number) — that minimise the mean squared error of
# `X @ w + b`. Hint: add a column of ones to `X` and use `np.linalg.lstsq`.

# %%
def least_squares(X, y):
    ### BEGIN SOLUTION
    X1 = np.hstack([X, np.ones((len(X), 1))])
    theta = np.linalg.lstsq(X1, y, rcond=None)[0]
    return theta[:-1], theta[-1]
    ### END SOLUTION


check("4.4", least_squares)

# %% [markdown]
# ### Exercise 4.5 — one Adam step by hand
# Write `adam_step(p, m, v, g, t, lr, beta1, beta2, eps)` returning the triple
# `(p_new, m_new, v_new)` after Adam's update number `t` (counting from 1) of parameters `p` with
# gradient `g`, where `m` and `v` are the two moving averages after step `t - 1` (zeros before the
# first step). Include the bias correction, and add `eps` after the square root, as in section 6.
# Write it from the formulas: do not use `optim.Adam`.

# %%
def adam_step(p, m, v, g, t, lr, beta1, beta2, eps):
    ### BEGIN SOLUTION
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
    ### END SOLUTION


check("4.5", adam_step)

# %% [markdown]
# **Going further (no check):**
# 1. In section 8, plain SGD ends 60 epochs at a higher training loss than SGD with momentum.
#    How many epochs does it need to get as low (`train_moons(optim.SGD(lr=0.1), epochs=...)`)?
#    And what happens to the 2-D paths of section 5 with `momentum=0.95`?
# 2. In section 6, RMSProp's first step is $10\eta$ per coordinate but Adam's is $\eta$. Which line
#    of `Adam._update` makes the difference? What would RMSProp's first step be with `alpha=0.9`?
# 3. Section 6 turned the valley by 45°. At which angles do AdaGrad and RMSProp get their advantage
#    over plain GD back, and why? Check with `rotated(A_narrow, 90)`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary
#
# | English | 日本語 | meaning here |
# |---|---|---|
# | gradient descent | 勾配降下法 | repeat $\theta \leftarrow \theta - \eta\nabla L(\theta)$ |
# | learning rate | 学習率 | the step size $\eta$ |
# | update rule | 更新式 | the formula that computes the new parameters |
# | loss surface | 損失曲面 | the loss as a function of the parameters, drawn as a landscape |
# | contour line | 等高線 | a line of equal loss on the map of a loss surface |
# | local minimum / global minimum | 局所最小値 / 大域的最小値 | lowest point nearby / lowest point overall |
# | Hessian | ヘッセ行列 | the matrix of second derivatives; $A$ for a quadratic |
# | eigenvalue | 固有値 | the curvature $\lambda_i$ along one principal direction |
# | eigenvector | 固有ベクトル | a direction $u_i$ with $Au_i = \lambda_i u_i$: a principal axis of the bowl |
# | positive definite | 正定値 | every eigenvalue $> 0$: the bowl curves upwards in every direction |
# | Cauchy–Schwarz inequality | コーシー・シュワルツの不等式 | $a\cdot u \le \lVert a\rVert\lVert u\rVert$, equality when $u \parallel a$ |
# | directional derivative | 方向微分 | the slope $\nabla L\cdot u$ in the direction of a unit vector $u$ |
# | condition number | 条件数 | $\kappa = \lambda_{\max}/\lambda_{\min}$: how elongated the valley is |
# | convergence | 収束 | the parameters settling at a minimum |
# | linear convergence | 線形収束 | the error shrinks by a constant factor per step: a straight line on a log scale |
# | trajectory | 軌跡 | the sequence of points $\theta_0, \theta_1, \dots$ gradient descent visits |
# | batch gradient descent | バッチ勾配降下法 | each step uses the gradient over all examples |
# | stochastic gradient descent (SGD) | 確率的勾配降下法（SGD） | each step uses one (or a few) random examples |
# | mini-batch | ミニバッチ | a small random subset of the training data |
# | unbiased estimate | 不偏推定量 | a random estimate whose average is the exact value (here: $g_B$ of $\nabla L$) |
# | batch size | バッチサイズ | number of examples processed together; activation memory grows with it |
# | root mean square (RMS) | 二乗平均平方根（RMS） | $\sqrt{\text{mean of the squares}}$: the typical size of an error |
# | finite-population correction | 有限母集団修正 | the factor $(N-B)/(N-1)$ for sampling without repetition |
# | epoch | エポック | one pass over the whole training set |
# | momentum | Momentum（モーメンタム） | a buffer that accumulates past gradients and keeps the parameters moving |
# | Nesterov momentum | Nesterov のモーメンタム | momentum that steps with $\nabla L + \mu b$, looking ahead |
# | adaptive learning rate | 適応的学習率 | a step size per parameter, set from its own past gradients (AdaGrad, RMSProp, Adam) |
# | bias correction | バイアス補正 | Adam's division by $1-\beta^t$, undoing the zero start of its averages |
# | least squares | 最小二乗法 | minimising the sum of squared errors |
# | closed-form solution | 閉形式解（解析解） | an answer given by a formula, without iterating |
# | normal equations | 正規方程式 | $X^\top X\theta = X^\top y$, the least-squares condition |
# | decision boundary | 決定境界 | where a classifier switches from one class to the other |
# | training loop | 学習ループ | forward, loss, backward, update — repeated |
#
# **Next chapter:** [Chapter 5 — The learning rate](05_learning_rate.ipynb): how big a step — too
# small, good, too large, diverging — and how to change it during training.
