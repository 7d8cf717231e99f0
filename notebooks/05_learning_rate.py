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
# # Chapter 5 — The learning rate: how big a step?
#
# **What you will learn**
# - what a learning rate that is too small, good, too large or diverging looks like — on a
#   quadratic bowl and on a real network;
# - why gradient descent on a quadratic converges exactly when $0 < \eta < 2/\lambda_{\max}$,
#   derived from the eigen-decomposition of the Hessian — and experiments that land right on it;
# - how momentum moves that limit to $2(1+\mu)/\lambda_{\max}$ (and Nesterov momentum elsewhere);
# - how to measure the curvature of a real network's loss with Hessian-vector products, what
#   happens to it during training (the "edge of stability"), and why networks have saddle points;
# - learning-rate schedules: step decay, exponential decay, cosine annealing and warm-up;
# - how the batch size and the learning rate go together (the linear-scaling rule);
# - the LR range test, a quick way to choose a rate for a new problem;
# - a training loop, `fit`, that records a `History` and stops with `TrainingDiverged` when the
#   rate is too large.
#
# **What you need**: chapters 1–4 (loss functions, the chain rule, backpropagation, gradient
# descent). A little linear algebra: eigenvalues and eigenvectors of a symmetric matrix.
#
# **Recap — chapter 4.** Gradient descent repeats $\theta \leftarrow \theta - \eta\,\nabla L(\theta)$.
# On a quadratic bowl every eigen-direction shrinks by a factor $|1 - \eta\lambda_i|$ per step, so an
# elongated (ill-conditioned) bowl makes it zig-zag; mini-batches make each step cheaper but noisy,
# and momentum smooths the path. Every run in chapter 4 used a learning rate $\eta$ picked by hand.
# This chapter is about that one number: what goes wrong when it is off, where exactly the
# boundary between learning and blowing up lies, and how to pick and change it.

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

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits

import course_lib
from course_lib import curvature, plotting, schedules, training
from course_lib.exercises import check
from course_lib.layers import SoftmaxCrossEntropy
from course_lib.network import MLP
from course_lib.optim import SGD, gradient_descent
from course_lib.schedules import critical_learning_rate
from course_lib.training import TrainingDiverged, evaluate, fit

rng = course_lib.setup_notebook(seed=0, lang="en")  # lang="ja": messages and plots in Japanese

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. Four learning rates on a bowl
#
# Take the quadratic bowl $f(x) = \tfrac12 x^\top H x$ in two dimensions, with its minimum at
# $x^* = 0$. Its **Hessian** $H$ (the matrix of second derivatives; chapter 4 called it $A$) has
# eigenvalues 10 and 1, and its axes are turned by 30°: the bowl is steep in one direction and
# shallow in the other.
# We start gradient descent at the same point with four learning rates and take 20 steps each.

# %%
theta = np.pi / 6
R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
H = R @ np.diag([10.0, 1.0]) @ R.T  # eigenvalues 10 and 1, eigenvectors = columns of R
x0 = np.array([-3.0, 1.0])
print("H =")
print(np.round(H, 4))

four_rates = [0.02, 0.1, 0.195, 0.21]
fig, axes = plotting.plot_quadratic_grid(
    H, x0, four_rates, steps=20,
    titles=[f"{name}: η = {lr}" for name, lr in
            zip(["too small", "good", "too large", "diverging"], four_rates)])
plt.show()

# %% [markdown]
# - **Too small** ($\eta = 0.02$): every step goes the right way, but after 20 steps we are still far
#   from the minimum — wasted computation.
# - **Good** ($\eta = 0.1$): straight down the steep direction, then along the valley floor —
#   steady progress without any zig-zag.
# - **Too large** ($\eta = 0.195$): each step overshoots the valley floor and lands almost as high
#   on the other side; the zig-zag shrinks, but slowly.
# - **Diverging** ($\eta = 0.21$): each overshoot lands *higher* up the opposite wall than the
#   step started, the next step is longer still, and the path leaves the picture.
#
# Between 0.195 and 0.21 lies a sharp boundary. How far from the minimum does each run end? We add
# a fifth rate, 0.182, that the next section will single out:

# %%
for lr in four_rates[:2] + [0.182] + four_rates[2:]:
    end = gradient_descent(lambda x: H @ x, x0, lr, 20)[-1]
    print(f"η = {lr:<5}  distance to the minimum after 20 steps: {np.linalg.norm(end):8.4f}"
          f"   (start: {np.linalg.norm(x0):.4f})")

# %% [markdown]
# So what does "good" mean? Not "fastest": $\eta = 0.182$ zig-zags across the valley and still ends
# five times closer than $\eta = 0.1$. We called 0.1 good because it gives the fastest **steady**
# descent: the steep direction is finished in a single step and no coordinate ever overshoots, so
# the loss falls at every step, smoothly — what you want when each step is noisy and expensive. A rate
# like 0.182 is **fastest overall** on this bowl: it accepts a zig-zag in the steep direction to move
# faster along the shallow one. Section 2 explains both numbers.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The theory: converge iff $\eta < 2/\lambda_{\max}$
#
# **Intuition.** In the steep direction the slope is large, so a step of the same $\eta$ moves far.
# Once the move is more than *twice* the distance to the valley floor, we land higher than we
# started — and the next step is even longer. The steepest direction sets the limit.
#
# **Derivation.** Write the error $e_t = x_t - x^*$. The gradient of
# $f(x) = \tfrac12 (x - x^*)^\top H (x - x^*)$ is $\nabla f(x) = H(x - x^*) = H e$, so one step gives
#
# $$
# e_{t+1} = e_t - \eta H e_t = (I - \eta H)\, e_t
# \qquad\Longrightarrow\qquad e_t = (I - \eta H)^t\, e_0 .
# $$
#
# $H$ is symmetric, so it has an orthonormal basis of eigenvectors: $H = Q \Lambda Q^\top$ with
# $Q^\top Q = I$ and $\Lambda = \mathrm{diag}(\lambda_1, \dots, \lambda_d)$. In that basis the
# coordinates $c_t = Q^\top e_t$ do not mix:
#
# $$
# c_{t+1} = Q^\top (I - \eta Q \Lambda Q^\top) e_t = (I - \eta \Lambda)\, c_t
# \qquad\Longrightarrow\qquad c_{t,i} = (1 - \eta\lambda_i)^t\, c_{0,i} .
# $$
#
# Each eigen-direction is multiplied by its own **contraction factor** $1 - \eta\lambda_i$ at every
# step. It shrinks to zero iff $|1 - \eta\lambda_i| < 1$, i.e. $0 < \eta\lambda_i < 2$. For every
# direction at once (with all $\lambda_i > 0$):
#
# $$
# \boxed{\;0 < \eta < \frac{2}{\lambda_{\max}}\;}
# $$
#
# This is the limit for **plain** gradient descent. With momentum (chapter 4) each step also
# carries part of the previous one, and the limit moves to $2(1+\mu)/\lambda_{\max}$ for momentum
# $\mu$ — section 3 derives it and measures it.
#
# The right-hand side is the **critical learning rate**. Between $1/\lambda_{\max}$ and
# $2/\lambda_{\max}$ the factor of the steepest direction is negative: the error changes sign at
# every step — the zig-zag of "too large". The slowest direction shrinks by $1 - \eta\lambda_{\min}$,
# so the best constant rate balances the two ends, $\eta^* = 2/(\lambda_{\min} + \lambda_{\max})$.
#
# **Why this matters for networks.** Near a minimum, any smooth loss looks like a quadratic whose
# Hessian is the matrix of second derivatives of the loss with respect to the weights. The same
# limit holds there: the sharpest direction of the loss surface decides how large $\eta$ can be.
#
# The library computes the critical rate from the eigenvalues (`eigvalsh` is the eigen-solver for
# symmetric matrices; it returns the eigenvalues in ascending order):

# %%
course_lib.show_source(critical_learning_rate)

# %%
lams = np.linalg.eigvalsh(H)
crit = critical_learning_rate(H)
print(f"eigenvalues of H: {np.array2string(lams, precision=4)}")
print(f"critical rate 2/λ_max = {crit:.4f}")
print(f"best constant rate 2/(λ_min + λ_max) = {2 / (lams[0] + lams[-1]):.4f}")

# %% [markdown]
# The best constant rate is the 0.182 of section 1. There the steep and the shallow direction shrink
# by the same factor, $(\lambda_{\max} - \lambda_{\min})/(\lambda_{\max} + \lambda_{\min}) = 9/11
# \approx 0.82$ per step (the steep one with a minus sign: the zig-zag). At $\eta = 0.1 = 1/\lambda_{\max}$
# the steep direction vanishes after one step, but the shallow one only shrinks by $1 - 0.1 = 0.9$
# per step: after 20 steps $0.9^{20} \approx 0.12$ against $0.82^{20} \approx 0.02$. (Only part of
# $x_0$ lies along the shallow direction, so the distances of section 1 differ by a factor of five
# rather than six.)
#
# The contraction factor $|1 - \eta\lambda|$ of each direction as a function of $\eta$: each curve
# dips to 0 at $\eta = 1/\lambda$ and climbs back to 1 at $\eta = 2/\lambda$ (for $\lambda = 1$ both
# points lie far off to the right, so its curve only falls here). Past the dashed line the steep
# direction's factor exceeds 1 and gradient descent diverges. The dot is the best constant rate:
# where the two curves cross, the slower of the two directions shrinks fastest.

# %%
plotting.plot_contraction_factors(H)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Just below and just above
#
# If the theory is exact, 1 % on either side of $2/\lambda_{\max}$ must make the difference between
# converging and diverging. Here are both runs, 300 steps each, on the same figure:

# %%
near = [0.99 * crit, 1.01 * crit]
plotting.plot_distance_to_minimum(H, x0, near, steps=300,
                                  labels=[f"η = 0.99 · 2/λmax = {near[0]:.4f}",
                                          f"η = 1.01 · 2/λmax = {near[1]:.4f}"])
plt.show()

# %% [markdown]
# Below the line the steep direction shrinks by $|1 - 0.99 \cdot 2| = 0.98$ per step, above it grows by
# $1.02$ per step: after 300 steps that is $0.98^{300} \approx 0.002$ against $1.02^{300} \approx 380$.
# (The shallow direction, factor $1 - 0.2 \cdot 1 \approx 0.8$, has all but vanished after a few
# dozen steps: that is the bend at the start of both curves.) The measured factor per step at the
# end of each run:

# %%
for lr in near:
    path = gradient_descent(lambda x: H @ x, x0, lr, 300)
    dist = np.linalg.norm(path, axis=1)
    print(f"η = {lr / crit:.2f} · 2/λmax: distance ratio per step at the end {dist[-1] / dist[-2]:.4f};"
          f"  theory |1 - ηλ_max| = {abs(1 - lr * lams[-1]):.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measuring the critical rate
#
# Now forget the formula and *measure* the boundary on a random 5-dimensional bowl: run gradient
# descent for 5,000 steps and call the rate "converging" if it ends nearer the minimum than it
# started. It converges at a small rate and diverges at a large one, so the boundary lies in
# between: halve the interval 30 times (bisection).

# %%
Q, _ = np.linalg.qr(rng.normal(size=(5, 5)))           # a random orthonormal basis
H5 = Q @ np.diag(rng.uniform(0.5, 8.0, size=5)) @ Q.T   # random symmetric positive-definite
x5 = rng.normal(size=5)


def converges(hessian, x_start, lr, steps=5000):
    """Does gradient descent end closer to the minimum (0) than it started? (False for inf/NaN.)"""
    end = gradient_descent(lambda x: hessian @ x, x_start, lr, steps)[-1]
    return bool(np.linalg.norm(end) < np.linalg.norm(x_start))


lo, hi = 0.001, 10.0
print(f"converges at η = {lo}: {converges(H5, x5, lo)};  at η = {hi}: {converges(H5, x5, hi)}")
for _ in range(30):
    mid = (lo + hi) / 2
    if converges(H5, x5, mid):
        lo = mid
    else:
        hi = mid
measured = (lo + hi) / 2
theory = critical_learning_rate(H5)
print(f"eigenvalues of H5: {np.array2string(np.linalg.eigvalsh(H5), precision=4)}")
print(f"theory    2/λ_max = {theory:.5f}")
print(f"measured (bisection on real runs) = {measured:.5f}")
print(f"agree within 0.1 %: {abs(measured / theory - 1) < 1e-3}")

# %% [markdown]
# The experiment lands on the formula. (The tiny remaining gap is real: just above $2/\lambda_{\max}$
# the steep direction grows so slowly that 5,000 steps are not enough to overtake the shrinking of
# the others; with more steps the measured value creeps down to the theoretical one.)

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Momentum moves the limit: $2(1+\mu)/\lambda_{\max}$
#
# Chapter 4's momentum keeps a buffer $b$ of past gradients. In PyTorch's form (the rule of the
# library's `SGD(lr, momentum)`):
#
# $$
# b_{t+1} = \mu\, b_t + \nabla f(x_t), \qquad x_{t+1} = x_t - \eta\, b_{t+1}, \qquad b_0 = 0 .
# $$
#
# **Derivation.** On the quadratic, the eigen-directions again do not mix, so take one of them, with
# eigenvalue $\lambda$ and coordinate $x_t$: $\nabla f = \lambda x_t$. From the update,
# $\eta\, b_{t+1} = x_t - x_{t+1}$ and $\eta\, b_t = x_{t-1} - x_t$; putting both into
# $\eta b_{t+1} = \mu\,\eta b_t + \eta\lambda x_t$ eliminates the buffer:
#
# $$
# x_{t+1} = (1 + \mu - \eta\lambda)\, x_t - \mu\, x_{t-1} ,
# $$
#
# Polyak's **heavy ball**: a plain step plus $\mu$ times the previous step. A two-term recurrence
# is solved by $x_t = r^t$ with $r^2 - (1 + \mu - \eta\lambda)\, r + \mu = 0$, and it converges iff
# both roots have $|r| < 1$. For $r^2 + a r + c$ with real $a, c$ that holds iff $|c| < 1$ and
# $|a| < 1 + c$ (the Schur–Cohn, or Jury, test). Here $c = \mu < 1$, and the second condition reads
# $|1 + \mu - \eta\lambda| < 1 + \mu$, that is $0 < \eta\lambda < 2(1 + \mu)$. For every direction:
#
# $$
# \boxed{\;0 < \eta < \frac{2(1+\mu)}{\lambda_{\max}}\quad\text{(heavy-ball momentum)}\;}
# $$
#
# At $\mu = 0$ this is section 2's bound; at $\mu = 0.9$ the limit is $3.8/\lambda_{\max}$, almost
# twice as high.
#
# **Nesterov momentum** (`nesterov=True` in PyTorch) steps by $\eta\,(\nabla f(x_t) + \mu\, b_{t+1})$
# instead: it looks one buffer-step ahead. Eliminating the buffer the same way gives
# $x_{t+1} = (1+\mu)(1-\eta\lambda)\, x_t - \mu(1-\eta\lambda)\, x_{t-1}$, and the same test
# ($|a| < 1 + c$ with $a = -(1+\mu)(1-\eta\lambda)$, $c = \mu(1-\eta\lambda)$) fails first on the
# overshooting side, $\eta\lambda > 1$, where it reads $(1+\mu)(\eta\lambda - 1) < 1 - \mu(\eta\lambda - 1)$:
#
# $$
# \boxed{\;0 < \eta < \frac{2(1+\mu)}{(1+2\mu)\,\lambda_{\max}}\quad\text{(Nesterov)}\;}
# $$
#
# Nesterov's limit goes *down* as $\mu$ grows: $2/\lambda_{\max}$ at $\mu = 0$, $1.36/\lambda_{\max}$
# at $\mu = 0.9$. Two formulas — let the experiment decide. The function below runs PyTorch's rule on
# the bowl `H5` of section 2 for many (rate, momentum) pairs at once, one row per run:

# %%
def momentum_runs(hessian, x_start, lrs, momentums, steps, nesterov=False):
    """SGD with momentum (PyTorch's rule) on f(x) = ½ xᵀHx; row k of the result is run k's end."""
    lr, mu = np.asarray(lrs)[:, None], np.asarray(momentums)[:, None]
    x = np.tile(x_start, (len(lr), 1))
    b = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):   # diverging runs overflow to inf/NaN
        for _ in range(steps):
            g = x @ hessian                              # ∇f = Hx for every run (H symmetric)
            b = mu * b + g
            x = x - lr * (g + mu * b if nesterov else b)
    return x


mus = np.array([0.0, 0.25, 0.5, 0.75, 0.9])
lam_max5 = np.linalg.eigvalsh(H5)[-1]
limits = {}
for name, nesterov in (("heavy ball", False), ("Nesterov", True)):
    lo, hi = np.full(len(mus), 0.001), np.full(len(mus), 10.0)
    for _ in range(25):                                  # bisection, for all μ at once
        mid = (lo + hi) / 2
        ends = momentum_runs(H5, x5, mid, mus, steps=2000, nesterov=nesterov)
        with np.errstate(over="ignore", invalid="ignore"):
            converged = np.linalg.norm(ends, axis=1) < np.linalg.norm(x5)  # NaN: diverged
        lo, hi = np.where(converged, mid, lo), np.where(converged, hi, mid)
    limits[name] = (lo + hi) / 2 * lam_max5              # in units of 1/λ_max

theory = {"heavy ball": lambda mu: 2 * (1 + mu), "Nesterov": lambda mu: 2 * (1 + mu) / (1 + 2 * mu)}
print("largest stable η × λ_max     heavy ball            Nesterov")
print("   μ                       measured  theory     measured  theory")
for k, mu in enumerate(mus):
    print(f"  {mu:4.2f}                      {limits['heavy ball'][k]:6.3f}  {theory['heavy ball'](mu):6.3f}"
          f"      {limits['Nesterov'][k]:6.3f}  {theory['Nesterov'](mu):6.3f}")
plotting.plot_momentum_limits(mus, limits, theory)
plt.show()

# %% [markdown]
# Both formulas hold: the bisection lands on the heavy-ball line and on the Nesterov curve (within
# the small finite-run gap of section 2). Two lessons:
#
# - **A higher limit is not a licence for larger steps.** Along a shallow direction the buffer
#   piles up about $1/(1-\mu)$ gradients, so each step moves roughly $\eta/(1-\mu)$ times the
#   gradient — ten times as far at $\mu = 0.9$. That is why, in practice, switching momentum on
#   usually goes with a *smaller* $\eta$.
# - The limit depends on the optimizer, not only on the loss: "$2/\lambda_{\max}$" is a property of
#   plain gradient descent.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. The same four regimes on a network
#
# A network's loss is not a quadratic, but it behaves the same way. We train a small MLP
# (64 → 32 → 10, ReLU) to recognise the 8×8 handwritten digits of scikit-learn's `load_digits`
# (1,797 images), with mini-batches of 32, for 10 epochs, at learning rates spread over five
# orders of magnitude. The training loop is the library's `fit` (section 7 shows it): forward,
# loss, backward, update, for every mini-batch.

# %%
X_digits, y_digits = load_digits(return_X_y=True)
X_digits = X_digits / 16.0                      # pixel values 0..16 -> 0..1
order = rng.permutation(len(X_digits))
train, val = order[:1297], order[1297:]
X_train, y_train = X_digits[train], y_digits[train]
X_val, y_val = X_digits[val], y_digits[val]
loss = SoftmaxCrossEntropy()
print(f"train {X_train.shape}, validation {X_val.shape}, classes {np.unique(y_digits).size}")

# %%
grid = [0.003, 0.03, 0.3, 3.0, 100.0]
curves, models = {}, {}
for lr in grid:
    model = models[lr] = MLP([64, 32, 10], rng=rng)
    try:
        history = fit(model, loss, SGD(lr), X_train, y_train, epochs=10, batch_size=32, rng=rng,
                      validation=(X_val, y_val), progress=False)
        curves[f"η = {lr:g}"] = history.step_loss
        print(f"η = {lr:<6g} final training loss {history.train_loss[-1]:.2f}, "
              f"validation accuracy {history.val_accuracy[-1]:.0%}")
    except TrainingDiverged as err:
        curves[f"η = {lr:g} (diverged)"] = err.history.step_loss
        print(f"η = {lr:<6g} diverged at step {err.step}")

ax = plotting.plot_loss_curves(curves, ylim=(0.05, 20))
ax.axhline(np.log(10), color="0.5", ls=":", lw=1)
ax.text(ax.get_xlim()[1], np.log(10), "chance: log 10 ", ha="right", va="bottom", color="0.4")
ax.set_title("MLP on digits: training loss for five learning rates")
plt.show()

# %% [markdown]
# - $\eta = 0.003$ is **too small**: ten epochs in, the loss has only crept from its starting
#   value $\log 10 \approx 2.3$ (a uniform guess over 10 classes) to about 2.1.
# - $\eta = 0.03$ learns, slowly; $\eta = 0.3$ is **good**: the loss falls fast and keeps falling.
# - $\eta = 3$ is **too large**: after a jump the loss settles at $\log 10$ — the network predicts
#   the same probabilities for every image. The huge first steps pushed the ReLU units into the
#   region where they output 0 for every input ("dead" units, whose gradient is 0 for ever).
#   It did not blow up, but it will never learn.
# - $\eta = 100$ **diverges**: the loss explodes within a few steps and leaves the plot (✕).
#   `fit` noticed and stopped.
#
# **Check the "dead units" explanation.** A ReLU unit is dead when its input is negative for
# every example, so it outputs 0 for all of them:

# %%
def dead_fraction(model, X):
    """Fraction of the first hidden layer's ReLU units that output 0 for every row of X."""
    hidden = model.layers[1].forward(model.layers[0].forward(X))  # Linear, then ReLU
    return float(np.mean(np.all(hidden == 0, axis=0)))


for lr in (0.3, 3.0):
    print(f"η = {lr}: {dead_fraction(models[lr], X_train):.0%} of the 32 hidden units are dead")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. The curvature of the network's loss
#
# Section 2 promised that near a minimum a network's loss is locally a quadratic bowl, so its
# sharpest direction limits $\eta$. Can we measure that sharpness, $\lambda_{\max}$ of the Hessian,
# for our network? It has $P = 2{,}410$ weights and biases, so its Hessian has $P^2 \approx 5.8$
# million entries — and for a network with a million weights, $10^{12}$. We never build it. Two ideas
# make it cheap:
#
# **1. Hessian-vector products.** For any direction $v$ in weight space, $Hv$ is the derivative of
# the gradient along $v$: $Hv = \frac{d}{dr}\nabla L(\theta + r v)\big|_{r=0}$. Pearlmutter (1994)
# pushes this derivative, the "R-operator" $\mathcal R\{\cdot\} = \frac{d}{dr}(\cdot)\big|_{r=0}$,
# through the forward and the backward pass, layer by layer, with the chain and product rules:
# for a linear layer $z = aW + b$, $\mathcal R\{z\} = \mathcal R\{a\}W + aV_W + V_b$; for an
# activation $h = \sigma(z)$, $\mathcal R\{h\} = \sigma'(z)\,\mathcal R\{z\}$; and backwards,
# $\mathcal R\{a^\top\delta\} = \mathcal R\{a\}^\top\delta + a^\top\mathcal R\{\delta\}$, and so on.
# The cost is about that of two backward passes, and the result is exact. (A simpler recipe,
# $(\nabla L(\theta + \epsilon v) - \nabla L(\theta - \epsilon v))/2\epsilon$, also costs two
# backward passes, but it fails for ReLU networks: when the tiny step moves a ReLU's input across 0,
# the gradient jumps and the difference explodes. The library uses it only for layers without an
# R-rule.)
#
# **2. Power iteration.** Write $v = \sum_i c_i q_i$ in the eigenvectors of $H$. Then
# $H^k v = \sum_i c_i \lambda_i^k q_i$: the term with the largest $|\lambda_i|$ wins, and repeating
# $v \leftarrow Hv/\lVert Hv\rVert$ turns $v$ towards its eigenvector, while $v^\top H v$ approaches
# its eigenvalue. Each iteration is one Hessian-vector product.

# %%
course_lib.show_source(curvature.hessian_power_iteration)

# %% [markdown]
# We use full-batch gradient descent on 256 training images (so that "the loss" is one fixed
# function, without mini-batch noise) and measure $\lambda_{\max}$ at initialisation. The estimate
# settles within a few dozen iterations:

# %%
X_small, y_small = X_train[:256], y_train[:256]
net0 = MLP([64, 32, 10], rng=rng)
for iters in (2, 5, 10, 20, 50):
    estimate = curvature.top_hessian_eigenvalue(net0, loss, X_small, y_small, iters=iters,
                                                rng=np.random.default_rng(1))
    print(f"{iters:3d} power iterations: λ_max ≈ {estimate:.4f}")
lam0, v_top = curvature.hessian_power_iteration(net0, loss, X_small, y_small, iters=100)
crit_net = 2 / lam0
print(f"λ_max at initialisation = {lam0:.3f}, so 2/λ_max = {crit_net:.3f}")

# %% [markdown]
# Now train copies of this network with plain gradient descent at rates from half to two and a half
# times $2/\lambda_{\max}$, 200 steps each, and count how often the loss goes *up* from one step to
# the next. The loop is the four steps of every chapter (full batch, so no `fit`):

# %%
def train_full_batch(model, lr, steps, track_every=0, v=None):
    """Gradient descent on (X_small, y_small); every `track_every` steps also measure λ_max.

    Returns the loss of every step, and the steps and values of the sharpness measurements
    (power iteration warm-started from the previous vector v: 4 iterations suffice).
    """
    optimizer = SGD(lr)
    losses, tracked_steps, sharpness = [], [], []
    for step in range(steps):
        if track_every and step % track_every == 0:
            lam, v = curvature.hessian_power_iteration(model, loss, X_small, y_small, iters=4, v0=v)
            tracked_steps.append(step)
            sharpness.append(lam)
        losses.append(loss.forward(model.forward(X_small), y_small))   # forward
        model.backward(loss.backward())                                 # backward
        optimizer.step(model)                                           # update
    return np.array(losses), tracked_steps, sharpness


factors = [0.5, 0.75, 1.0, 1.5, 2.0, 2.5]
for f in factors:
    losses_f, _, _ = train_full_batch(copy.deepcopy(net0), f * crit_net, 200)
    rises = int(np.sum(np.diff(losses_f) > 0))
    print(f"η = {f:4.2f} × 2/λ_max = {f * crit_net:.3f}:  loss after 200 steps {losses_f[-1]:.3f},"
          f"  it went up at {rises:3d} of 199 steps")

lo, hi = 0.5, 1.5                       # bisection: the largest η whose loss falls at every step
for _ in range(7):
    mid = (lo + hi) / 2
    losses_f, _, _ = train_full_batch(copy.deepcopy(net0), mid * crit_net, 200)
    lo, hi = (mid, hi) if np.all(np.diff(losses_f) < 0) else (lo, mid)
print(f"the loss falls at every one of 200 steps up to η ≈ {lo:.2f} × 2/λ_max = {lo * crit_net:.3f}")

# %% [markdown]
# The limit measured at the start marks where training stops **settling**: by bisection, the loss
# falls at every one of the 200 steps up to $0.90 \times 2/\lambda_{\max}$, and at
# $1.0\times$ it already goes up now and then (a little below the formula, because the sharpness
# grows in the first steps, as we are about to see). But it is not where training fails: up to
# $2\times$ the loss still ends low, although the quadratic theory says "diverges". Only at
# $2.5\times$ is the run lost (loss 1.164 after 200 steps). The reason: a network is not a fixed
# quadratic — its curvature changes as the weights move.
#
# **The sharpness during training.** Track $\lambda_{\max}$ every other step (four power
# iterations each, warm-started from the previous vector) at three rates: well below, just below and
# well above $2/\lambda_{\max}$ of the start:

# %%
tracked = {}
for f in (0.4, 0.9, 1.5):
    losses_f, steps_f, sharp_f = train_full_batch(copy.deepcopy(net0), f * crit_net, 200,
                                                  track_every=2, v=v_top)
    tracked[f * crit_net] = (losses_f, steps_f, sharp_f)
    print(f"η = {f * crit_net:.3f} (2/η = {2 / (f * crit_net):.2f}): sharpness at the start "
          f"{sharp_f[0]:.2f}, highest {max(sharp_f):.2f} (step {steps_f[int(np.argmax(sharp_f))]}),"
          f" at the end {sharp_f[-1]:.2f}")
axes = plotting.plot_sharpness(tracked)
axes[0].set_title("full-batch gradient descent, 256 digits")
axes[1].set_title("sharpness λ_max: dashed lines at 2/η")
plt.show()

# %% [markdown]
# - At $\eta = 0.28$ ($2/\eta = 7.13$, far away) the sharpness climbs from 2.85 to 3.82 — Cohen et
#   al. call this **progressive sharpening** — never gets near $2/\eta$, and the loss falls smoothly.
# - At $\eta = 0.631$, just below the start's limit, the sharpness climbs past $2/\eta = 3.17$ to
#   4.22 by step 12. At once the loss stops falling steadily: the steep direction has become unstable
#   and the run zig-zags in it. The zig-zag throws the weights to where the surface is flatter:
#   the sharpness falls back and stays just below $2/\eta$ for a few dozen steps, while the loss goes
#   on falling, with a bump.
# - At $\eta = 1.05$ (1.5 × the start's limit) the start is already unstable: for about 30 steps
#   loss and sharpness jump around; then the run lands where $\lambda_{\max}$ is just below
#   $2/\eta = 1.90$ and stays there for a while.
#
# Gradient descent *adapts the curvature to the learning rate*: the sharpness cannot stay above
# $2/\eta$, and left alone it rises until it meets it. Cohen et al. ("Gradient descent on neural
# networks typically occurs at the edge of stability", ICLR 2021) named this the **edge of
# stability**. So $2/\lambda_{\max}$ at the start is not a wall for a network — but a rate far above
# it throws the weights so far that they never recover (the ReLU units die, as in section 4).
# Later, all three curves fall: as the cross-entropy loss approaches 0 the softmax saturates and the
# whole surface flattens.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Saddle points: negative curvature
#
# A quadratic bowl curves up in every direction. A network's loss does not: at initialisation its
# Hessian has **negative** eigenvalues too — directions in which the loss curves *down*, like a
# horse's saddle (up along the horse, down towards the stirrups). Power iteration on
# $H - \lambda_{\max} I$, whose eigenvalues $\lambda_i - \lambda_{\max}$ are all $\le 0$, finds the one
# of largest magnitude, $\lambda_{\min} - \lambda_{\max}$ (`bottom_hessian_eigenvalue`):

# %%
lam_min0 = curvature.bottom_hessian_eigenvalue(net0, loss, X_small, y_small, iters=200, lam_max=lam0)
trained = copy.deepcopy(net0)
train_full_batch(trained, 0.5 * crit_net, 200)
lam_max_t = curvature.top_hessian_eigenvalue(trained, loss, X_small, y_small, iters=100)
lam_min_t = curvature.bottom_hessian_eigenvalue(trained, loss, X_small, y_small, iters=200,
                                                lam_max=lam_max_t)
print(f"at initialisation:      λ_min = {lam_min0:8.4f},  λ_max = {lam0:.3f}")
print(f"after 200 steps of GD:  λ_min = {lam_min_t:8.4f},  λ_max = {lam_max_t:.3f}")

# %% [markdown]
# At initialisation the most negative eigenvalue is $-0.536$: the network starts at a saddle-like
# point, curving down in some directions about a fifth as strongly as it curves up in the steepest.
# After 200 steps of gradient descent the negative curvature has all but vanished: training has
# moved into a bowl-shaped region. (Power iteration on the shifted matrix converges slowly when many
# eigenvalues crowd near the bottom; more iterations can only make the value more negative.)
#
# The simplest saddle is $f(x, y) = x^2 - y^2$: the origin has gradient 0, but it is a minimum along
# $x$ and a maximum along $y$. Gradient descent multiplies $x$ by $1 - 2\eta$ and $y$ by $1 + 2\eta$
# per step: it slides down towards the saddle in $x$ and away from it in $y$ — slowly at first, if
# $y$ starts tiny. Near the saddle the gradient almost vanishes, and the run seems stuck:

# %%
plotting.plot_saddle([[1.5, 0.3], [1.5, 0.01], [1.5, 1e-4]], lr=0.1, steps=60)
plt.show()

# %% [markdown]
# The closer the start lies to the line $y = 0$, the longer the plateau: from $y = 10^{-4}$ it takes
# about $\ln(10^4)/\ln(1.2) \approx 50$ steps just to get away. In a network, such plateaus look
# like a loss that stalls and then suddenly drops again. Gradient descent does escape (any tiny
# component along a negative-curvature direction grows by $1 + \eta|\lambda|$ per step, and
# mini-batch noise supplies such components), but it can lose time on the way.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. The training loop, and divergence caught
#
# From now on (and in chapter 6) the four steps live in one function, `fit`. Before every step it
# asks the **schedule** (section 8) for the learning rate; it checks the loss at every step and the
# weights at the end of every epoch, and records everything in a `History`:

# %%
course_lib.show_source(fit)

# %% [markdown]
# A diverging run must never hand back a model full of NaN as if nothing happened. Instead
# `fit` raises `TrainingDiverged`, saying where and at which rate — and suggesting what to do:

# %% tags=["raises-exception"]
model = MLP([64, 32, 10], rng=rng)
fit(model, loss, SGD(100.0), X_train, y_train, epochs=5, batch_size=32, rng=rng)

# %% [markdown]
# The exception also carries the details, and the history up to the failure (that is how the
# diverged curve in section 4 was drawn):

# %%
try:
    fit(MLP([64, 32, 10], rng=rng), loss, SGD(100.0), X_train, y_train, epochs=5, batch_size=32,
        rng=rng, progress=False)
except TrainingDiverged as err:
    print(f"epoch {err.epoch}, step {err.step}, learning rate {err.lr:g}")
    print("losses up to the failure:", ", ".join(f"{v:.4g}" for v in err.history.step_loss))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. Schedules: changing the rate during training
#
# One rate for the whole run is a compromise: early on, far from a minimum, large steps make fast
# progress; late, near a minimum, the noise of mini-batch gradients keeps a large rate bouncing
# around (chapter 4's noise floor) and smaller steps settle lower. A **learning-rate schedule**
# $\eta_t$ makes the rate a function of the step $t$:
#
# | schedule | $\eta_t$ |
# |---|---|
# | constant | $\eta_0$ |
# | step decay | $\eta_0 \cdot \text{drop}^{\lfloor t / \text{every} \rfloor}$ |
# | exponential decay | $\eta_0\, \gamma^{t}$ |
# | cosine annealing | $\eta_{\min} + (\eta_0 - \eta_{\min})\,\tfrac12\big(1 + \cos(\pi \min(t, T)/T)\big)$ |
# | warm-up | $\eta_{\text{target}} \cdot (t+1)/(w+1)$ for the first $w$ steps, then the wrapped schedule |
#
# **Warm-up** does the opposite of decay at the very beginning: it starts small and ramps up.
# A fresh network sits on a steep, chaotic part of the loss surface where a large rate does harm
# (we just saw dead ReLU units); a few small steps first bring it to calmer ground.
# Each schedule is a small function of the step:

# %%
course_lib.show_source(schedules.cosine_annealing)
course_lib.show_source(schedules.warmup)

# %%
epochs = 15
steps_per_epoch = math.ceil(len(X_train) / 32)
total = epochs * steps_per_epoch
lr0 = 1.5
candidates = {
    "constant": schedules.constant(lr0),
    "step decay (×0.5 every 4 epochs)": schedules.step_decay(lr0, 0.5, 4 * steps_per_epoch),
    "exponential decay (to 1 % at the end)": schedules.exponential_decay(lr0, 0.01 ** (1 / total)),
    "cosine annealing": schedules.cosine_annealing(lr0, total),
    "warm-up (2 epochs) + cosine": schedules.warmup(schedules.cosine_annealing(lr0, total),
                                                    2 * steps_per_epoch),
}
print(f"exponential decay: γ = 0.01 ** (1/{total}) = {0.01 ** (1 / total):.5f} per step")
for name, schedule in candidates.items():
    print(f"{name:38s} η at steps 0, 50, 200, {total - 1}: "
          + ", ".join(f"{schedule(t):.3f}" for t in (0, 50, 200, total - 1)))
ax = plotting.plot_schedules(candidates, total)
for epoch in range(1, epochs):
    ax.axvline(epoch * steps_per_epoch, color="0.9", lw=0.6, zorder=0)
ax.set_title(f"{total} steps = {epochs} epochs × {steps_per_epoch} mini-batches (thin lines: epochs)")
plt.show()

# %% [markdown]
# A peak rate of 1.5 is bold for this network: section 4 showed that 3 kills it. To compare the
# schedules fairly, every run starts from **the same initial weights** and sees **the same
# mini-batches**; only the schedule differs. (`fit` sets `optimizer.lr = schedule(step)` before
# every step.)

# %%
initial_model = MLP([64, 32, 10], rng=rng)
batch_seed = int(rng.integers(2**31))
schedule_curves = {}
for name, schedule in candidates.items():
    model = copy.deepcopy(initial_model)
    history = fit(model, loss, SGD(lr0), X_train, y_train, epochs=epochs, batch_size=32,
                  rng=np.random.default_rng(batch_seed), schedule=schedule,
                  validation=(X_val, y_val), progress=False)
    schedule_curves[name] = history.step_loss
    # Coarse rounding on purpose: at a peak rate this high the runs are on the edge of chaos, and
    # the third digit of the loss depends on the CPU's floating-point kernels.
    print(f"{name:38s} final loss {history.train_loss[-1]:.1f}, "
          f"validation accuracy {history.val_accuracy[-1]:4.0%}, "
          f"dead units {dead_fraction(model, X_train):.0%}")

ax = plotting.plot_loss_curves(schedule_curves)
ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), ncol=2, fontsize=9, frameon=False)
ax.set_title(f"same network, same batches, peak η = {lr0}", pad=62)
plt.show()

# %% [markdown]
# What decides the outcome is the rate during the **first few hundred steps**, when the fresh
# network is most fragile:
# - **constant**, **step decay** (first drop only after 4 epochs) and **cosine annealing** (still
#   above 1.1 at step 200) keep the rate near 1.5 for a long time early on. Most hidden units die
#   (the last column), and lowering the rate later cannot revive them: step decay claws back only
#   part of the way (loss 1.6), and cosine annealing none of it (loss 2.3, chance level).
# - **exponential decay** is already down to 1.03 after 50 steps and 0.34 after 200: the early
#   steps are large but the rate falls before the damage is complete.
# - **warm-up** starts tiny and learns fast while its rate is small (the dip near step 50). When the
#   rate reaches the peak, training is shaken (the bump around step 100, where more units die), but
#   enough units are alive to carry on, and as the cosine anneals the loss falls low.
#
# The exact numbers change with the seed (try another), but in our trials the two schedules that
# keep the early steps moderate always came out on top. With a safe peak rate (try `lr0 = 0.3`) all
# five work and the differences are small: schedules matter most when you push the rate to its
# limit — which is where training is fastest.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9. Batch size and learning rate
#
# A mini-batch gradient $g_B$ is the mean of $B$ per-example gradients: an unbiased estimate of the
# full gradient $g$ whose variance falls like $1/B$ (chapter 4, section 4 derived it and measured it).
# One step moves the weights by $\eta\, g_B$, so its random part has variance $\propto \eta^2/B$ —
# and over a stretch of training of fixed length $\eta \times (\text{steps})$ the noise adds up to a
# variance $\propto \eta/B$. That ratio, the "noise scale" of SGD, is what the batch size and the
# learning rate share. First, the $1/B$, measured at initialisation on the training set:

# %%
noise_net = MLP([64, 32, 10], rng=rng)
g_full = curvature.flat_gradient(noise_net, loss, X_train, y_train)
for B in (8, 32, 128):
    errors = [np.sum((curvature.flat_gradient(noise_net, loss, X_train[idx], y_train[idx]) - g_full) ** 2)
              for idx in (rng.choice(len(X_train), size=B, replace=False) for _ in range(200))]
    print(f"B = {B:3d}: mean |g_B − g|² = {np.mean(errors):.3f},  B × that = {B * np.mean(errors):.1f}")

# %% [markdown]
# The squared error of the mini-batch gradient falls like $1/B$: $B$ times it stays about constant.
# (It is a little lower for $B = 128$ because the examples of a batch are drawn without
# replacement from 1,297: the variance carries chapter 4's finite-population correction
# $(N - B)/(N - 1)$, 0.90 for $B = 128$.)
#
# **The linear-scaling rule** (Goyal et al., 2017, "Accurate, large minibatch SGD"): when you
# multiply the batch size by $k$, multiply the learning rate by $k$ too. Then $\eta/B$ — the noise
# — stays the same, and an epoch, which now has $k$ times fewer steps, still covers the same
# distance $\eta \times (\text{steps})$. Goyal et al. add a **warm-up**: the rate climbs linearly
# over the first 5 epochs, because a fresh network cannot take the full large rate at once.
#
# We test it on the digits: $B = 16, 64, 256$ with $\eta = 0.1, 0.4, 1.6$ (proportional to $B$), 20
# epochs each from the same initial weights and the same shuffles, with and without a 5-epoch
# warm-up, and as a control $B = 256$ with the unscaled $\eta = 0.1$:

# %%
scale_init = MLP([64, 32, 10], rng=rng)
scale_seed = int(rng.integers(2**31))
setups = [(16, 0.1, False), (64, 0.4, False), (64, 0.4, True), (256, 1.6, False), (256, 1.6, True),
          (256, 0.1, False)]
loss_curves = {}
for B, lr, warm in setups:
    steps_per_epoch_B = math.ceil(len(X_train) / B)
    schedule = schedules.warmup(schedules.constant(lr), 5 * steps_per_epoch_B) if warm else None
    model = copy.deepcopy(scale_init)
    history = fit(model, loss, SGD(lr), X_train, y_train, epochs=20, batch_size=B,
                  rng=np.random.default_rng(scale_seed), schedule=schedule,
                  validation=(X_val, y_val), progress=False)
    label = f"B = {B}, η = {lr:g}" + (", warm-up" if warm else "")
    loss_curves[label] = history.train_loss
    print(f"{label:26s} {20 * steps_per_epoch_B:5d} steps: final training loss "
          f"{history.train_loss[-1]:.2f}, validation accuracy {history.val_accuracy[-1]:.0%}")
ax = plotting.plot_epoch_curves(loss_curves, ylabel="training loss", logy=True, legend_loc="outside")
ax.set_title("linear scaling: η ∝ B, same number of epochs")
plt.show()

# %% [markdown]
# - From $B = 16$ to $B = 64$ the rule works: with a four times larger rate the run reaches the same
#   training loss, 0.07, in four times fewer steps (420 instead of 1,640) — the two curves lie on
#   top of each other. (Their final validation accuracies differ more, 97% and 93%: the accuracy
#   after a single epoch jumps by a few percent from epoch to epoch, as in section 10's figure.)
#   Warm-up only delays the descent by a few epochs here (final loss 0.08 against 0.07):
#   $\eta = 0.4$ is safe from the start, so there is nothing to protect.
# - At $B = 256$ the rule asks for $\eta = 1.6$: 2.3 times the limit $2/\lambda_{\max} = 0.70$ that
#   section 5 measured at the start for this kind of network, and past the 2× up to which
#   full-batch gradient descent still trained. The run dies at the chance level; with the warm-up
#   it fares better but still fails. Not scaling ($\eta = 0.1$) is safe, but slow.
#
# So the linear-scaling rule holds only as long as the scaled rate stays below the curvature limit;
# beyond that batch size, larger batches stop paying off (McCandlish et al., 2018, call it the
# *critical batch size*). Goyal et al. trained a ResNet-50 on ImageNet with $B = 8{,}192$ before
# that happened — a 1,297-image data set reaches it much sooner.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10. The LR range test: choosing a rate for a new problem
#
# For a network we do not know $\lambda_{\max}$ of the Hessian. A cheap experiment stands in for it
# (Leslie Smith's **LR range test**): train a throw-away copy of the model for a hundred or so
# mini-batches while the rate grows exponentially from tiny to huge, and record the loss at each
# step. At first nothing happens (too small), then the loss falls faster and faster, then it
# bottoms out and explodes (too large). A good rate is where the smoothed loss falls fastest — or,
# more cautiously, a tenth of the rate at the minimum.

# %%
course_lib.show_source(schedules.lr_range_test)

# %%
lrs, range_losses = schedules.lr_range_test(
    lambda: MLP([64, 32, 10], rng=rng), loss, X_train, y_train, rng=rng,
    lr_min=1e-4, lr_max=100.0, num_steps=150, batch_size=32)
chosen = schedules.suggest_learning_rate(lrs, range_losses)
cautious = schedules.suggest_learning_rate(lrs, range_losses, rule="min/10")
print(f"{len(lrs)} steps, stopped at η = {lrs[-1]:.3g} (the loss exploded)")
print(f"steepest descent of the smoothed loss at η = {chosen:.3g};  a tenth of the minimum: {cautious:.3g}")

ax = plotting.plot_lr_range_test(lrs, range_losses, suggested=chosen)
ax.set_title("LR range test: MLP on digits")
plt.show()

# %% [markdown]
# The chosen rate sits where the curve is steepest, safely below where it turns up. It agrees with
# section 4, where 0.3 was good and 3 was too large. Now train a fresh model with it. With
# `progress=True` (the default) `fit` prints one line per epoch:

# %%
model = MLP([64, 32, 10], rng=rng)
history = fit(model, loss, SGD(chosen), X_train, y_train, epochs=10, batch_size=32, rng=rng,
              validation=(X_val, y_val))
print(history)
print(f"validation accuracy: {evaluate(model, X_val, y_val):.1%}")

# %%
axes = plotting.plot_history(history)
axes[0].set_title("loss per epoch")
axes[1].set_title("accuracy per epoch")
plt.show()

# %% [markdown]
# The training accuracy is measured on each mini-batch as it is seen, during the epoch (no extra
# pass over the data), so in the first epoch it lags behind the validation accuracy, which is
# measured with the weights at the end of the epoch.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 11. Try it: a slider for the learning rate
#
# Move the slider (a logarithmic scale) and watch the path on the bowl of section 1 change from
# creeping, to smooth, to zig-zag, to flying off once $\eta$ passes $2/\lambda_{\max} = 0.2$.
# (The slider needs a live Jupyter kernel; the static figure below tells the same story.) The
# cell draws the figure once and shows it through a *display handle*; whenever the slider moves,
# `redraw` draws the new run on the same axes and updates that display in place.

# %%
import ipywidgets as widgets
from IPython.display import display

slider = widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=-0.5, step=0.02, description="η")
fig, ax = plt.subplots(figsize=(4.5, 4.5))
plotting.plot_quadratic_descent(H, x0, slider.value, steps=20, ax=ax)
plt.close(fig)  # not shown at the end of the cell: the display below shows it and is redrawn


def redraw(change):
    """Called by the slider whenever its value changes: draw the run again, in place."""
    ax.clear()
    plotting.plot_quadratic_descent(H, x0, change["new"], steps=20, ax=ax)
    view.update(fig)


slider.observe(redraw, names="value")
display(slider)
view = display(fig, display_id=True)

# %% [markdown]
# **The same story without a kernel:** eight rates from $0.005$ to $0.21$, as fractions of the
# critical rate.

# %%
static_rates = crit * np.array([0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 1.05])
fig, axes = plotting.plot_quadratic_grid(H, x0, static_rates, steps=20, ncols=4,
                                         titles=[f"η = {lr:.3g}" for lr in static_rates])
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A learning rate that is **too small** wastes steps; a **good** one descends fast; a **too
#   large** one overshoots and zig-zags (or, in a network, kills units and gets stuck); beyond a
#   sharp boundary the run **diverges**.
# - On a quadratic with Hessian $H = Q\Lambda Q^\top$, each eigen-direction is multiplied by
#   $1 - \eta\lambda_i$ per step, so gradient descent converges iff $0 < \eta < 2/\lambda_{\max}$
#   (`critical_learning_rate`). Runs at $0.99\times$ converge, at $1.01\times$ diverge, and a
#   bisection on real runs measures the same boundary.
# - With momentum $\mu$ the limit is $2(1+\mu)/\lambda_{\max}$ (heavy ball) and
#   $2(1+\mu)/((1+2\mu)\lambda_{\max})$ (Nesterov) — derived from a two-term recurrence and measured.
# - Near a minimum a network's loss is locally quadratic: the sharpest direction limits the rate.
#   `curvature.hessian_vector_product` multiplies by the Hessian at the cost of two backward passes,
#   and power iteration turns that into $\lambda_{\max}$ (`top_hessian_eigenvalue`) and the most
#   negative eigenvalue (`bottom_hessian_eigenvalue`).
# - On our digits network the loss falls at every step up to about $0.9 \times 2/\lambda_{\max}$
#   (measured at the start), and training still works up to $2\times$: the sharpness is not fixed — it
#   rises during training and, at larger rates, is pushed back to about $2/\eta$ (the **edge of
#   stability**). At initialisation the Hessian also has negative eigenvalues: **saddle** directions,
#   near which gradient descent slows down.
# - Mini-batch noise grows like $\eta/B$: the linear-scaling rule (multiply $\eta$ by $k$ with the
#   batch) keeps it fixed, and works as long as the scaled rate stays below the curvature limit.
# - Schedules (`step_decay`, `exponential_decay`, `cosine_annealing`) lower the rate during
#   training; `warmup` ramps it up first. At a bold peak rate, keeping the first few hundred steps
#   moderate — by warming up or by decaying early — is what lets the network survive.
# - The LR range test (`lr_range_test` + `suggest_learning_rate`) finds a good rate in one short run.
# - `fit` runs the loop, records a `History`, and raises `TrainingDiverged` — naming the epoch, step
#   and rate — instead of returning NaN weights.
#
# **Next:** chapter 6 puts everything together on MNIST: 784 pixels, 10 digits, and `fit`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Write your answer in the exercise cell, then run it: `check` says whether it passes or gives a hint. In this copy each exercise cell already holds a reference solution — try the exercise yourself before you read it (`make student` writes copies with a placeholder in its place).

# %% [markdown]
# ### Exercise 5.1 — the critical rate of a Hessian
# Write `my_critical_rate(H)` returning the largest learning rate for which gradient descent on
# $\tfrac12 x^\top H x$ converges, for a symmetric positive-definite `H`. Hint: `np.linalg.eigvalsh`.

# %%
def my_critical_rate(H):
    ### BEGIN SOLUTION
    return 2.0 / np.linalg.eigvalsh(H)[-1]
    ### END SOLUTION


check("5.1", my_critical_rate)

# %% [markdown]
# ### Exercise 5.2 — the contraction factor of each eigen-direction
# Write `contraction_factors(H, lr)` returning the array of factors $1 - \eta\lambda_i$ by which one
# gradient-descent step multiplies the error along each eigenvector, in the order of
# `np.linalg.eigvalsh` (smallest eigenvalue first). Keep the sign. Which factor decides convergence?

# %%
def contraction_factors(H, lr):
    ### BEGIN SOLUTION
    return 1.0 - lr * np.linalg.eigvalsh(H)
    ### END SOLUTION


check("5.2", contraction_factors)

# %% [markdown]
# ### Exercise 5.3 — a step-decay schedule
# Write `my_step_decay(lr0, drop, every)` returning a *function* `schedule(step) -> lr` that keeps
# `lr0` for steps `0 … every-1`, then multiplies the rate by `drop` every `every` steps.

# %%
def my_step_decay(lr0, drop, every):
    ### BEGIN SOLUTION
    def schedule(step):
        return lr0 * drop ** (step // every)

    return schedule
    ### END SOLUTION


check("5.3", my_step_decay)

# %% [markdown]
# ### Exercise 5.4 — gradient descent in closed form
# Section 2 showed $e_t = (I - \eta H)^t e_0$. Write `gd_closed_form(H, x0, lr, t)` returning $x_t$
# (minimum at 0) **without a loop over steps** (no `for`/`while` over `t`, no recursion, no call to
# `gradient_descent`; the check reads your code): diagonalise $H = Q\Lambda Q^\top$ with
# `np.linalg.eigh`, scale each coordinate $Q^\top x_0$ by $(1 - \eta\lambda_i)^t$, and rotate back.

# %%
def gd_closed_form(H, x0, lr, t):
    ### BEGIN SOLUTION
    lam, Q = np.linalg.eigh(H)
    return Q @ ((1.0 - lr * lam) ** t * (Q.T @ x0))
    ### END SOLUTION


check("5.4", gd_closed_form)

# %% [markdown]
# ### Exercise 5.5 — the critical rate from Hessian-vector products
# Section 5 never built the Hessian: it only multiplied by it. For a small model you *can* build it
# from products. Write `critical_rate_from_hvp(hvp, n)`, where `hvp(v)` returns $Hv$ for one flat
# vector `v` of length `n` (like `curvature.hessian_vector_product` with the model and data fixed).
# Build $H$ column by column — column $j$ is $H e_j$ — with **exactly `n` calls** to `hvp`, and
# return the critical rate $2/\lambda_{\max}$. Careful: away from a minimum $H$ may have negative
# eigenvalues (section 6).

# %%
def critical_rate_from_hvp(hvp, n):
    ### BEGIN SOLUTION
    H = np.column_stack([hvp(e) for e in np.eye(n)])
    return 2.0 / np.linalg.eigvalsh(H)[-1]
    ### END SOLUTION


check("5.5", critical_rate_from_hvp)

# %% [markdown]
# ### Exercise 5.6 — the momentum limit
# Write `momentum_limit(lam_max, momentum, nesterov=False)` returning the largest stable learning
# rate on a quadratic with top eigenvalue `lam_max` for PyTorch-style momentum (section 3) — heavy
# ball, or Nesterov when `nesterov=True`. What is it for $\mu = 0.5$ and $\lambda_{\max} = 10$?

# %%
def momentum_limit(lam_max, momentum, nesterov=False):
    ### BEGIN SOLUTION
    if nesterov:
        return 2 * (1 + momentum) / ((1 + 2 * momentum) * lam_max)
    return 2 * (1 + momentum) / lam_max
    ### END SOLUTION


check("5.6", momentum_limit)

# %% [markdown]
# **Going further (no check):**
# 1. Repeat the bisection of section 2 with 200 and with 20,000 steps instead of 5,000. How does the
#    measured critical rate move, and why?
# 2. Run an LR range test with `momentum=0.9`: does the suggested rate go up or down? Why, given
#    that momentum's stability limit (section 3) is *higher*?
# 3. Use `critical_rate_from_hvp` on `MLP([4, 5, 3], rng=rng)` with 20 random points and labels and
#    compare with `2 / curvature.top_hessian_eigenvalue(...)`. When do the two disagree?
# 4. Section 5's runs used the cross-entropy loss. Repeat the sharpness tracking with `MSELoss` on
#    one-hot targets (Cohen et al.'s favourite): does the sharpness stay at $2/\eta$ longer?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary
#
# | English | 日本語 | meaning here |
# |---|---|---|
# | learning rate | 学習率 | the step size $\eta$ |
# | learning-rate schedule | 学習率スケジュール | a rule $t \mapsto \eta_t$ that changes the rate during training |
# | convergence | 収束 | the parameters settling at a minimum |
# | divergence | 発散 | the iterates (and the loss) grow without bound |
# | eigenvalue / eigenvector | 固有値 / 固有ベクトル | $Hv = \lambda v$: a direction $H$ only stretches, and by how much |
# | eigen-decomposition | 固有値分解 | $H = Q\Lambda Q^\top$ for a symmetric $H$ |
# | Hessian | ヘッセ行列 | the matrix of second derivatives; $A$ for a quadratic |
# | critical learning rate | 臨界学習率 | (course term) $2/\lambda_{\max}$: the largest rate that converges on a quadratic |
# | contraction factor | 縮小率 | (course term) $1 - \eta\lambda_i$, the per-step factor along an eigenvector |
# | condition number | 条件数 | $\kappa = \lambda_{\max}/\lambda_{\min}$: how elongated the valley is |
# | step decay | ステップ減衰 | multiply the rate by a factor every few epochs |
# | exponential decay | 指数減衰 | multiply the rate by $\gamma$ at every step |
# | cosine annealing | コサインアニーリング | lower the rate along half a cosine |
# | warm-up | ウォームアップ | ramp the rate up from small values at the start |
# | LR range test | 学習率レンジテスト | (course term) one short run with a growing rate, to choose a rate |
# | epoch | エポック | one pass over the whole training set |
# | mini-batch | ミニバッチ | a small random subset of the training data |
# | dead ReLU | 死んだ ReLU（dying ReLU） | a unit whose input is negative for every example, so its gradient is 0 |
# | bisection | 二分法 | halving an interval that contains the answer, again and again |
# | momentum | Momentum（モーメンタム） | a buffer that accumulates past gradients and keeps the parameters moving |
# | Nesterov momentum | Nesterov のモーメンタム | momentum that steps with $\nabla L + \mu b$, looking ahead |
# | Hessian-vector product | ヘッセ行列・ベクトル積 | $Hv$, computed without building $H$ |
# | power iteration | べき乗法 | repeat $v \leftarrow Hv/\lVert Hv\rVert$ to find the eigenvalue of largest magnitude |
# | sharpness | 鋭さ（シャープネス） | $\lambda_{\max}$ of the loss's Hessian |
# | edge of stability | 安定性の縁 | (course term) training where the sharpness hovers near $2/\eta$ |
# | saddle point | 鞍点 | a point with zero gradient that curves up in some directions and down in others |
# | batch size | バッチサイズ | number of examples processed together; activation memory grows with it |
# | linear-scaling rule | 線形スケーリング則 | multiply the rate by $k$ when the batch grows by $k$ |
# | initial value | 初期値 | the weights before training (initialisation) |
#
# **Next chapter:** [Chapter 6 — MNIST](06_mnist.ipynb): the four steps on real handwritten
# digits, end to end.
