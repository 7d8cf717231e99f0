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
# # Chapter 3 — Backpropagation: the chain rule, one layer at a time
#
# **What you will learn**
# - how the chain rule of chapter 2 works on whole arrays: a **layer** with a `forward` and a
#   `backward`;
# - the gradients of a linear layer, $dW = X^\top\delta$, $db = \sum_n \delta_n$,
#   $dX = \delta W^\top$, derived with index notation and checked by their shapes;
# - the slopes of sigmoid, tanh and ReLU, and the fused softmax–cross-entropy gradient $(p - t)/N$;
# - a two-layer network worked forward and backward by hand, then with the library's layers;
# - how to check every gradient numerically, and why nobody trains with numerical gradients;
# - the error signal $\delta$ travelling backwards;
# - Jacobians, and why backpropagation multiplies by them without ever building them
#   (vector–Jacobian products, the softmax Jacobian $\mathrm{diag}(p) - pp^\top$);
# - how to initialise the weights (symmetry, the variance argument behind Xavier and He) and how
#   the wrong scale makes gradients vanish or explode;
# - how to choose an activation function, and the three advantages of backpropagation.
#
# **What you need**: chapter 1 (losses, softmax, cross-entropy) and chapter 2 (the chain rule,
# numerical derivatives, the `Value` engine). NumPy matrix products (`A @ B`, `.T`, `.sum(axis=0)`).
#
# **Recap — chapter 2.** A derivative measures sensitivity: how much the output moves when an input
# is nudged. The chain rule multiplies the local sensitivities along a computational graph, and
# reverse mode applies it from the output back to the inputs, so that **one backward pass** gives
# the derivative of the loss with respect to **every** input. We built this as a scalar engine,
# `Value`, in which every single number is a node, and we checked it against central differences
# $\big(f(x+h) - f(x-h)\big)/2h$.

# %%
# Running on Google Colab? Install the course library first (this does nothing anywhere else).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://github.com/backprop-from-zero/backprop-from-zero"], check=True)

# %%
# %matplotlib inline
import time

import matplotlib.pyplot as plt
import numpy as np
from scipy.linalg import block_diag
from sklearn.datasets import load_digits, make_regression

import course_lib
from course_lib import losses, plotting
from course_lib.autodiff import Value, topological_order
from course_lib.exercises import check
from course_lib.gradcheck import check_layer, numerical_gradient, relative_error
from course_lib.layers import Linear, MSELoss, ReLU, Sigmoid, Softmax, SoftmaxCrossEntropy, Tanh
from course_lib.network import MLP, Sequential

rng = course_lib.setup_notebook(seed=0, lang="en")  # lang="ja": messages and plots in Japanese

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. From scalars to arrays
#
# The `Value` engine makes one graph node per number. A small MNIST network,
# 784 → 128 → 10, has 101,770 parameters; pushing **one** image through it creates about
# 200,000 multiplications and additions, so 200,000 Python objects — and a training batch holds
# a hundred images. Far too slow.
#
# The fix changes the *bookkeeping*, not the mathematics: group the numbers into arrays and make
# each **layer** one node of a much coarser graph. Each layer keeps the promise that every `Value`
# operation kept — a forward formula and its local derivative side by side:
#
# ```
#  forward:    x ──► [ layer ] ──► y          y = layer.forward(x)        (cache what backward needs)
#  backward:  dL/dx ◄── [ layer ] ◄── dL/dy   dL/dx = layer.backward(dL/dy)   (and dL/dW in layer.grads)
# ```
#
# The gradient arriving from above, $\delta = \partial L/\partial y$, is called the **error
# signal** of the layer. It has exactly the shape of $y$: one number per example and per unit,
# saying how much the loss would change if that output moved. `backward` turns it into the error
# signal of the layer below, $\partial L/\partial x$, and into the gradients of the layer's own
# parameters. Backpropagation is nothing more than calling `backward` on every layer, last to first.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. The linear layer
#
# A linear (fully connected, affine) layer maps a batch $X$ of $N$ rows with $D_{in}$ features to
# $N$ rows with $D_{out}$ features:
#
# $$
# Y = XW + b, \qquad X: (N, D_{in}),\quad W: (D_{in}, D_{out}),\quad b: (D_{out},),\quad Y: (N, D_{out}).
# $$
#
# Matrix calculus is easiest done one number at a time. In index notation
#
# $$
# y_{nj} = \sum_i x_{ni} W_{ij} + b_j .
# $$
#
# The loss depends on $W_{ij}$ only through the outputs $y_{nk}$, so by the chain rule (summing over
# every path, as with fan-out in chapter 2)
#
# $$
# \frac{\partial L}{\partial W_{ij}} = \sum_{n}\sum_{k} \underbrace{\frac{\partial L}{\partial y_{nk}}}_{\delta_{nk}}
# \frac{\partial y_{nk}}{\partial W_{ij}} .
# $$
#
# Now $\partial y_{nk}/\partial W_{ij}$ is $x_{ni}$ when $k = j$ and $0$ otherwise (the weight
# $W_{ij}$ only feeds output $j$). The sum over $k$ collapses:
#
# $$
# \frac{\partial L}{\partial W_{ij}} = \sum_n x_{ni}\,\delta_{nj} = (X^\top \delta)_{ij}
# \quad\Longrightarrow\quad dW = X^\top \delta .
# $$
#
# The same steps give the other two: $\partial y_{nk}/\partial b_j = [k = j]$ and
# $\partial y_{nk}/\partial x_{mi} = W_{ik}\,[n = m]$, so
#
# $$
# \frac{\partial L}{\partial b_j} = \sum_n \delta_{nj} \;\Longrightarrow\; db = \sum_n \delta_n,
# \qquad
# \frac{\partial L}{\partial x_{ni}} = \sum_k \delta_{nk} W_{ik} = (\delta W^\top)_{ni}
# \;\Longrightarrow\; dX = \delta W^\top .
# $$
#
# The bias is added to every row, so its gradient **sums** over the batch: each example pushes it.

# %% [markdown] slideshow={"slide_type": "subslide"}
# **Shapes are a free check.** A gradient always has the shape of the thing it differentiates:
# $dW$ must be $(D_{in}, D_{out})$ like $W$. From $X: (N, D_{in})$ and $\delta: (N, D_{out})$ the
# *only* product with that shape is $X^\top\delta$ — $(D_{in}, N)\cdot(N, D_{out})$. Likewise
# $dX$ must be $(N, D_{in})$, and only $\delta W^\top$ fits. If you forget a formula, rebuild it
# from the shapes. Here the three products are drawn to scale for $N = 4$, $D_{in} = 3$,
# $D_{out} = 2$:

# %%
plotting.plot_backward_shapes(n=4, n_in=3, n_out=2)
plt.show()

# %% [markdown]
# The library's `Linear` is these formulas and nothing else. `forward` caches the input `x` —
# all that `backward` needs — and `backward` never writes into its argument or into the cache:

# %%
course_lib.show_source(Linear.forward)
course_lib.show_source(Linear.backward)

# %% [markdown]
# A quick run with $N = 4$ examples, 3 inputs and 2 outputs; `grad_out` stands for whatever
# $\delta$ arrives from the layers above:

# %%
linear = Linear(3, 2, rng=rng)
X_small = rng.normal(size=(4, 3))
Y_small = linear.forward(X_small)
delta = rng.normal(size=Y_small.shape)
dX_small = linear.backward(delta)
for name, array in [("X", X_small), ("W", linear.params["W"]), ("Y", Y_small), ("δ", delta),
                    ("dW", linear.grads["W"]), ("db", linear.grads["b"]), ("dX", dX_small)]:
    print(f"{name:>2}: shape {array.shape}")
print("dW == X.T @ δ:", np.allclose(linear.grads["W"], X_small.T @ delta))

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. Activation functions and their slopes
#
# Between linear layers sits an elementwise **non-linearity** $a = f(z)$, the activation function.
# Why at all? Because two linear layers in a row are one linear layer:
#
# $$
# (XW_1 + b_1)\,W_2 + b_2 = X\,\underbrace{(W_1W_2)}_{W} + \underbrace{(b_1W_2 + b_2)}_{b} ,
# $$
#
# and by induction so is a stack of any depth. Numerically, with two random layers:

# %%
lin_rng = np.random.default_rng(3)  # its own generator: the later sections' numbers stay as they were
lin1, lin2 = Linear(5, 8, rng=lin_rng), Linear(8, 3, rng=lin_rng)
lin1.params["b"][...] = lin_rng.normal(size=8)  # non-zero biases, so that b1 @ W2 matters
lin2.params["b"][...] = lin_rng.normal(size=3)
X_lin = lin_rng.normal(size=(6, 5))
two_layers = lin2.forward(lin1.forward(X_lin))
W_one = lin1.params["W"] @ lin2.params["W"]
b_one = lin1.params["b"] @ lin2.params["W"] + lin2.params["b"]
print(f"two linear layers vs the one layer (W1 W2, b1 W2 + b2): "
      f"max difference {np.max(np.abs(two_layers - (X_lin @ W_one + b_one))):.0e}")

# %% [markdown]
# The same up to round-off. Depth without non-linearity buys nothing: a 3-layer linear network
# still draws straight lines. Below, three randomly initialised networks 1 → 32 → 32 → 32 → 1 per
# panel: without an activation every one of them computes a straight line; with tanh or ReLU
# between the layers they bend (ReLU: piecewise straight, with a kink wherever a unit switches).

# %%
x_line = np.linspace(-3, 3, 201)[:, None]
random_nets = {}
for label, make_activation in [("no activation: linear", None), ("tanh", Tanh), ("ReLU", ReLU)]:
    outputs = []
    for seed in range(3):
        net_rng = np.random.default_rng(seed)
        layers = []
        for d_in, d_out in [(1, 32), (32, 32), (32, 32), (32, 1)]:
            layers.append(Linear(d_in, d_out, rng=net_rng, init="he"))
            layers[-1].params["b"][...] = net_rng.normal(size=d_out) * 0.5
            if make_activation is not None and d_out != 1:
                layers.append(make_activation())
        outputs.append(Sequential(*layers).forward(x_line)[:, 0])
    random_nets[label] = outputs
plotting.plot_random_functions(x_line[:, 0], random_nets)
plt.show()

# %% [markdown]
# So the activation is what makes depth worth having. It is elementwise: $a_{nj}$ depends only on
# $z_{nj}$, so the chain rule has a single path and the backward pass is an elementwise product:
#
# $$
# \frac{\partial L}{\partial z_{nj}} = \frac{\partial L}{\partial a_{nj}}\, f'(z_{nj})
# \qquad\text{i.e.}\qquad \delta_z = \delta_a \odot f'(z).
# $$
#
# | activation | $f(z)$ | $f'(z)$ | cheapest thing to cache |
# |---|---|---|---|
# | sigmoid | $\sigma(z) = 1/(1+e^{-z})$ | $\sigma(z)\,(1-\sigma(z))$ | the output $\sigma(z)$ |
# | tanh | $\tanh z$ | $1 - \tanh^2 z$ | the output $\tanh z$ |
# | ReLU | $\max(z, 0)$ | $1$ if $z > 0$, else $0$ | the boolean mask $z > 0$ |
#
# The sigmoid's derivative follows from $\sigma(z) = (1+e^{-z})^{-1}$:
# $\sigma'(z) = e^{-z}/(1+e^{-z})^2 = \sigma(z)\cdot\frac{e^{-z}}{1+e^{-z}} = \sigma(z)(1-\sigma(z))$.
# Both sigmoid and tanh can be differentiated from their own output, so that is what they cache.
#
# Below, the curves come from the layers' `forward`, and the slopes from their `backward` called
# with $\delta = 1$ — the library itself draws its derivatives.

# %%
plotting.plot_activations()
plt.show()

# %% [markdown]
# Two things to remember from this picture. ReLU passes the error signal through unchanged
# wherever the unit is active, and blocks it completely elsewhere. The sigmoid's slope is never
# above $0.25$: every sigmoid layer the signal crosses shrinks it by at least a factor of four —
# sections 11–12 show what that does to a deep network, and how much the initial weights can
# make up for it.

# %%
course_lib.show_source(Sigmoid)

# %%
course_lib.show_source(ReLU)

# %% [markdown]
# `ReLU.backward` returns `np.multiply(g, mask)`, a **new** array. The classic version writes
# `dout[mask] = 0` into its argument — a bug waiting to happen when the caller still needs
# `dout`. Our sigmoid is also written so that it never overflows: `np.exp(-abs(x))` is at most 1.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Softmax and cross-entropy, fused
#
# The last layer outputs scores (logits) $z$; chapter 1 turned them into probabilities
# $p = \mathrm{softmax}(z)$ and a loss $L = -\frac1N\sum_n\sum_c t_{nc}\log p_{nc}$ with one-hot
# targets $t$. We could backpropagate through the two steps separately, but together they have a
# remarkably simple gradient. For one example (drop $n$), with $\log p_c = z_c - \log\sum_k e^{z_k}$:
#
# $$
# \frac{\partial \log p_c}{\partial z_j} = [c = j] - \frac{e^{z_j}}{\sum_k e^{z_k}} = [c = j] - p_j ,
# $$
#
# $$
# \frac{\partial}{\partial z_j}\Big(-\sum_c t_c \log p_c\Big)
# = -\sum_c t_c\big([c=j] - p_j\big) = -t_j + p_j\underbrace{\sum_c t_c}_{=1} = p_j - t_j .
# $$
#
# With the mean over the batch:
#
# $$
# \boxed{\;\frac{\partial L}{\partial z} = \frac{p - t}{N}\;}
# $$
#
# Predicted probability minus target, nothing else: no exponentials to differentiate, no division
# by a tiny $p$. That is why the library fuses them into one loss layer, `SoftmaxCrossEntropy`.
# Its `forward` caches $p$ and the targets; its `backward` takes no argument (the loss is the end of
# the chain, $\partial L/\partial L = 1$):

# %%
course_lib.show_source(SoftmaxCrossEntropy.backward)

# %% [markdown]
# Chapter 1's example: the network says "7", the truth is "3". The error signal at the scores is
# positive where probability was given to a wrong class (push that score down) and negative at
# the true class (push it up):

# %%
scores_73 = np.log(np.array([[0.02, 0.02, 0.02, 0.14, 0.02, 0.02, 0.02, 0.70, 0.02, 0.02]]))
sce = SoftmaxCrossEntropy()
loss_73 = sce.forward(scores_73, np.array([3]))
grad_73 = sce.backward()
print(f"loss = {loss_73:.4f}   (= -log 0.14)")
print("dL/dz =", np.array2string(grad_73[0], precision=2))
numeric_73 = numerical_gradient(lambda z: SoftmaxCrossEntropy().forward(z, np.array([3])), scores_73)
print(f"matches central differences (relative error < 1e-7): {relative_error(grad_73, numeric_73) < 1e-7}")

# %%
fig, ax = plt.subplots(figsize=(8, 3.2))
digits = np.arange(10)
ax.bar(digits - 0.2, np.exp(scores_73[0]), width=0.4, label="p = softmax(z)", color="C0")
ax.bar(digits + 0.2, grad_73[0], width=0.4, label="dL/dz = p − t", color="C3")
ax.axhline(0, color="black", lw=0.8)
ax.set_xticks(digits)
ax.set(xlabel="digit (class)", ylabel="value",
       title='"7" predicted, "3" true: the error signal at the scores')
ax.legend(loc="upper left")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. A two-layer network, by hand
#
# Now the whole chain: four 8×8 handwritten digits from scikit-learn (64 pixels each), a hidden
# layer of 16 ReLU units and 10 scores:
#
# $$
# Z_1 = XW_1 + b_1,\quad A_1 = \mathrm{relu}(Z_1),\quad Z_2 = A_1W_2 + b_2,\quad
# L = \mathrm{CE}(\mathrm{softmax}(Z_2), t).
# $$
#
# We build the network with the library (to get initial weights), then take **copies** of its
# weights and do the forward and backward passes with plain NumPy — every line below is one
# equation from sections 2–4.
#
# **The parameter keys.** `MLP([64, 16, 10])` is the chain `Sequential(Linear(64, 16), ReLU(),
# Linear(16, 10))`, and `model.params` is one dict for all of its arrays, keyed
# `"<position of the layer in the chain>.<name in the layer>"`: `"0.W"` is the `W` of layer 0 (the
# first `Linear`), `"2.W"` the `W` of layer 2 (the second `Linear`). Position 1, the ReLU, has no
# parameters, so there is no `"1.…"` key. `model.grads` uses the same keys.

# %%
digits_X, digits_y = load_digits(return_X_y=True)
digits_X = digits_X / 16.0  # pixel values 0..16 -> 0..1
X4, y4 = digits_X[:4], digits_y[:4]

model = MLP([64, 16, 10], activation="relu", rng=rng)
print(model)
print("keys:", list(model.params))
W1, b1 = model.params["0.W"].copy(), model.params["0.b"].copy()
W2, b2 = model.params["2.W"].copy(), model.params["2.b"].copy()

# forward
Z1 = X4 @ W1 + b1
A1 = np.maximum(Z1, 0)
Z2 = A1 @ W2 + b2
P = losses.softmax(Z2)
T = losses.one_hot(y4, 10)
L = -np.sum(T * np.log(P)) / len(X4)

# backward, from the loss down
dZ2 = (P - T) / len(X4)   # fused softmax-cross-entropy
dW2 = A1.T @ dZ2          # Linear 2
db2 = dZ2.sum(axis=0)
dA1 = dZ2 @ W2.T
dZ1 = dA1 * (Z1 > 0)      # ReLU
dW1 = X4.T @ dZ1          # Linear 1
db1 = dZ1.sum(axis=0)
print(f"loss = {L:.4f}")

# %% [markdown]
# The shape table: every gradient has the shape of its quantity, which is a good way to catch a
# missing transpose before it becomes a silent broadcasting bug.

# %%
table = [("X", X4, None), ("W1", W1, dW1), ("b1", b1, db1), ("Z1", Z1, dZ1), ("A1", A1, dA1),
         ("W2", W2, dW2), ("b2", b2, db2), ("Z2", Z2, dZ2)]
print(f"{'quantity':<9}{'shape':<10}{'gradient':<11}{'shape':<10}formula")
formulas = {"W1": "X.T @ dZ1", "b1": "dZ1.sum(0)", "Z1": "dA1 * (Z1 > 0)", "A1": "dZ2 @ W2.T",
            "W2": "A1.T @ dZ2", "b2": "dZ2.sum(0)", "Z2": "(P - T) / N"}
for name, value, grad in table:
    grad_shape = "" if grad is None else str(grad.shape)
    grad_name = "" if grad is None else "d" + name
    print(f"{name:<9}{str(value.shape):<10}{grad_name:<11}{grad_shape:<10}{formulas.get(name, '(not needed)')}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **The same with the layers.** `Sequential.backward` is the loop "last layer first". Its heart is
# two lines, `for layer in reversed(...)` and `grad_out = layer.backward(grad_out)`: that loop *is*
# backpropagation. The other lines treat the first layer apart, so that it can skip $dL/dx$ when
# asked (`input_grad=False`: training needs the parameter gradients, not the gradient for the
# pixels):

# %%
course_lib.show_source(Sequential.backward)

# %%
loss_layer = SoftmaxCrossEntropy()
L_lib = loss_layer.forward(model.forward(X4), y4)
model.backward(loss_layer.backward())
print(f"loss: by hand {L:.6f}, layers {L_lib:.6f}")
by_hand = {"0.W": dW1, "0.b": db1, "2.W": dW2, "2.b": db2}
for key, grad in by_hand.items():
    print(f"{key}: by hand == layers? {np.allclose(grad, model.grads[key], rtol=1e-12, atol=1e-15)}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Gradient checking, every layer
#
# Derivations go wrong, and a wrong gradient does not crash: the network just learns badly. So
# every backward pass in this course is checked against central differences (chapter 2) — every
# layer, the two loss layers, and a whole network.
#
# **The random-projection trick.** A numerical gradient needs a *scalar* function, but a layer
# maps an array to an array: its derivative is a whole Jacobian matrix $J$ (section 10), one row
# per output entry — checking it row by row would take one numerical gradient per output entry.
# So `check_layer(layer, x)` draws one fixed random array $r$ of the output's shape (called `G` in
# the code) and checks the single scalar
#
# $$
# \ell(x) = \langle r, \text{layer}(x)\rangle = \sum r \odot \text{layer}(x),
# \qquad \frac{\partial \ell}{\partial x} = J^\top r .
# $$
#
# The error signal of $\ell$ at the layer's output is exactly $r$, so `backward(r)` must return
# $J^\top r$, and `grads` must hold $\partial\ell/\partial W$ — both compared with central
# differences of the one scalar $\ell$. Because $r$ is random, every entry of $J$ enters $\ell$ with
# its own random weight, so a wrong entry changes $J^\top r$ (with probability 1). With $r$ all
# ones, mistakes could cancel: a backward pass that swapped two output columns would still pass.
# One scalar function tests the whole Jacobian:

# %%
course_lib.show_source(check_layer)

# %% [markdown]
# Why random? Here is a buggy `Linear` whose `backward` swaps the two columns of $\delta$ before
# using them. Checked through $\ell = \langle r, \text{layer}(x)\rangle$ with $r$ all ones, the bug
# is invisible (swapping two columns of ones changes nothing); with a random $r$ it is obvious:

# %%
class SwappedLinear(Linear):
    """A deliberately wrong Linear: backward swaps the two columns of the error signal."""

    def backward(self, grad_out, input_grad=True):
        return super().backward(grad_out[:, ::-1], input_grad)


bug_rng = np.random.default_rng(4)  # its own generator: the later sections' numbers stay as they were
buggy, x_bug = SwappedLinear(4, 2, rng=bug_rng), bug_rng.normal(size=(5, 4))
for name, r in [("r all ones", np.ones((5, 2))), ("r random", bug_rng.normal(size=(5, 2)))]:
    buggy.forward(x_bug)
    dx_bug = buggy.backward(r)
    numeric_bug = numerical_gradient(lambda x: np.sum(buggy.forward(x) * r), x_bug)
    print(f"{name:<10}: relative error of dL/dx {relative_error(dx_bug, numeric_bug):.0e}")

# %% [markdown]
# One subtlety: ReLU has a kink at 0, where the derivative is undefined and central differences
# straddle the corner. A freshly built network has zero biases, so if every unit of a ReLU layer
# is off for some example, the next layer's pre-activations for it are exactly 0 — right on the
# kink. We therefore give the biases random values before checking (a trained network has non-zero
# biases anyway).

# %%
X_check = rng.normal(size=(5, 4))
checks = {}
for name, layer in [("Linear", Linear(4, 3, rng=rng)), ("ReLU", ReLU()), ("Sigmoid", Sigmoid()),
                    ("Tanh", Tanh()), ("Softmax", Softmax())]:
    for what, err in check_layer(layer, X_check, rng=rng).items():
        checks[f"{name}: {what}"] = err

labels_check = rng.integers(0, 3, size=5)
scores_check = rng.normal(size=(5, 3))
loss_check = SoftmaxCrossEntropy()
loss_check.forward(scores_check, labels_check)
numeric = numerical_gradient(lambda z: SoftmaxCrossEntropy().forward(z, labels_check), scores_check)
checks["SoftmaxCE: scores"] = relative_error(loss_check.backward(), numeric)

targets_check = rng.normal(size=(5, 3))
mse_check = MSELoss()
mse_check.forward(scores_check, targets_check)
numeric = numerical_gradient(lambda y: MSELoss().forward(y, targets_check), scores_check)
checks["MSELoss: scores"] = relative_error(mse_check.backward(), numeric)

mlp_check = MLP([4, 8, 6, 3], activation="relu", rng=rng)
for key, value in mlp_check.params.items():
    if key.endswith(".b"):
        value[...] = rng.normal(size=value.shape) * 0.5
for what, err in check_layer(mlp_check, X_check, rng=rng).items():
    checks[f"MLP 4-8-6-3: {what}"] = err

for what, err in checks.items():
    verdict = "pass" if err <= 1e-7 else "FAIL"
    print(f"{what:<18} {verdict}   (relative error below 1e-9: {err < 1e-9})")

# %% [markdown]
# Every error is far below the $10^{-7}$ threshold; the chart shows them on a log scale, between
# about $10^{-12}$ and $10^{-10}$ — ten or more digits of agreement, about what central differences
# with $h = 10^{-5}$ can deliver in float64 (chapter 2: truncation error $\sim h^2$, round-off
# $\sim \varepsilon/h$). A wrong formula gives errors near 1.

# %%
plotting.plot_gradcheck_errors(checks)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Two independent implementations, one answer
#
# Chapter 2's `Value` engine knows nothing about matrices: it differentiates one number at a time.
# The layers know nothing about graphs of scalars. If both give the same gradients for the same
# network, we can trust both. A tiny network: 3 inputs, 4 tanh units, 2 scores, 2 examples,
# softmax cross-entropy.

# %%
tiny = MLP([3, 4, 2], activation="tanh", rng=rng)
tiny.params["0.b"][...] = rng.normal(size=4) * 0.5  # non-zero biases: a less special test case
X_tiny, y_tiny = rng.normal(size=(2, 3)), np.array([0, 1])
tiny_loss = SoftmaxCrossEntropy()
L_layers = tiny_loss.forward(tiny.forward(X_tiny), y_tiny)
tiny.backward(tiny_loss.backward())

# the same network as a graph of scalars
V = {key: [[Value(float(w)) for w in row] for row in np.atleast_2d(p)] for key, p in tiny.params.items()}
total = Value(0.0)
for x_row, label in zip(X_tiny, y_tiny):
    hidden = [sum((float(x_row[i]) * V["0.W"][i][j] for i in range(3)), V["0.b"][0][j]).tanh()
              for j in range(4)]
    scores = [sum((hidden[j] * V["2.W"][j][k] for j in range(4)), V["2.b"][0][k]) for k in range(2)]
    log_sum_exp = sum(s.exp() for s in scores).log()
    total = total + (log_sum_exp - scores[label])  # -log softmax of the true class
L_values = total / len(X_tiny)
L_values.backward()

print(f"loss: layers {L_layers:.10f}, Value {L_values.data:.10f}")
for key in tiny.params:
    value_grads = np.array([[v.grad for v in row] for row in V[key]]).reshape(tiny.params[key].shape)
    print(f"{key}: same gradient? {np.allclose(value_grads, tiny.grads[key], rtol=1e-10, atol=1e-14)}")
print(f"graph size: {len(topological_order(L_values))} scalar nodes vs {len(tiny.layers)} layers")

# %% [markdown]
# The same numbers to ten digits, from two programs that share no code — and the scalar graph of
# this toy network already has 162 nodes, where the layer version has three layers.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. The error signal flowing backwards
#
# Let us watch $\delta$ on its way down a deeper network, 64 → 32 → 32 → 10 with ReLU, on 16
# digits. We run `Sequential.backward`'s loop ourselves so that we can keep the error signal
# after every layer:

# %%
X16, y16 = digits_X[:16], digits_y[:16]
net = MLP([64, 32, 32, 10], activation="relu", rng=rng)
net_loss = SoftmaxCrossEntropy()
net_loss.forward(net.forward(X16), y16)

delta = net_loss.backward()  # dL/d(scores)
deltas = [delta]
for layer in reversed(net.layers):  # Linear 3, ReLU 2, Linear 2, ReLU 1, Linear 1
    delta = layer.backward(delta)   # dL/d(this layer's input)
    deltas.append(delta)
names = ["scores", "Linear 3 input", "ReLU 2 input", "Linear 2 input", "ReLU 1 input", "x (pixels)"]
for name, d in zip(names, deltas):
    print(f"dL/d({name}):{'':<{16 - len(name)}} shape {str(d.shape):<9} norm {np.linalg.norm(d):.3f}")

# %%
plotting.plot_error_signals(deltas, titles=names)
plt.suptitle("The error signal δ, from the loss (left) back to the pixels (right); red > 0, blue < 0")
plt.show()

# %% [markdown]
# Read it left to right; each panel has its own colour scale, shown by the colour bar under it
# (the norms in the titles compare the panels). At the scores, each row is $(p - t)/N$: one blue cell per example at the
# true digit, red where probability went to wrong digits. Each `Linear` mixes the signal across
# units ($\delta W^\top$); each `ReLU` zeroes it wherever its unit was off — compare "ReLU 2 input"
# with "Linear 3 input": same pattern, with holes. Finally $dL/dx$ tells us which pixels of each
# image would change the loss most: not needed for training, but the basis of saliency maps
# (`backward(..., input_grad=False)` skips it when training).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 9. Why not just use numerical gradients?
#
# Central differences need two forward passes **per parameter**: $2P$ forward passes for a
# network with $P$ parameters. Backpropagation needs one forward and one backward pass, whatever
# $P$ is — and a backward pass costs about two forward passes (each `Linear` does one matrix
# product forward and two backward, `dW = X.T @ δ` and `dX = δ @ W.T`), so about three forward
# passes' worth of work in all. (Chapter 2 counted one chain-rule step per scalar operation and
# found reverse mode at exactly twice one evaluation; inside a matrix layer a backward step does
# twice the arithmetic of a forward one, hence 3 here. Either way: a small constant, independent
# of $P$.) Let us count — and time — both, for networks 64 → H → 10 of
# growing width $H$.

# %%
X32, y32 = digits_X[:32], digits_y[:32]
widths = [2, 4, 8, 16, 32, 64]
n_params, forward_passes, seconds_numeric, seconds_backprop = [], [], [], []
for hidden in widths:
    net_h = MLP([64, hidden, 10], rng=rng)
    loss_h = SoftmaxCrossEntropy()
    calls = [0]

    def loss_fn(_):
        calls[0] += 1
        return loss_h.forward(net_h.forward(X32), y32)

    start = time.perf_counter()
    for param in net_h.params.values():
        numerical_gradient(loss_fn, param)
    seconds_numeric.append(time.perf_counter() - start)
    repeats = []
    for _ in range(10):  # backprop is fast: keep the best of 10 runs
        start = time.perf_counter()
        loss_h.forward(net_h.forward(X32), y32)
        net_h.backward(loss_h.backward())
        repeats.append(time.perf_counter() - start)
    seconds_backprop.append(min(repeats))
    n_params.append(sum(p.size for p in net_h.params.values()))
    forward_passes.append(calls[0])

for hidden, p, count in zip(widths, n_params, forward_passes):
    print(f"H = {hidden:>2}: P = {p:>4} parameters, numerical gradient {count:>4} forward passes, "
          "backprop 1 forward + 1 backward")

# %% [markdown]
# The counts are exact and grow like $2P$. The times depend on your machine, so the next cell's
# printed ratios are not checked by the notebook tests (its figure shows the same story).

# %%
# NBVAL_IGNORE_OUTPUT
# wall-clock timings differ from machine to machine and run to run
fig, (ax_count, ax_time) = plt.subplots(1, 2, figsize=(11, 3.8))
plotting.plot_gradient_cost(n_params, {"numerical: 2P forward passes": forward_passes,
                                       "backprop: 1 forward + 1 backward": [2] * len(n_params)},
                            ax=ax_count, ylabel="passes through the network", title="Counted")
plotting.plot_gradient_cost(n_params, {"numerical gradient": seconds_numeric,
                                       "backprop": seconds_backprop},
                            ax=ax_time, ylabel="seconds per full gradient", title="Timed (this machine)")
plt.show()
print(f"numerical / backprop time at P = {n_params[-1]}: {seconds_numeric[-1] / seconds_backprop[-1]:.0f}x")

# %% [markdown]
# (At these sizes backprop's time is mostly Python's fixed overhead per layer, hence the flat line;
# for big layers it grows like one forward pass, still independent of how many gradients it
# delivers.) For the 101,770 parameters of the small MNIST network, numerical gradients would need 203,540
# forward passes **per training step**. Backprop's cost stays a small constant number of passes —
# the reverse-mode advantage of chapter 2, now on arrays. Numerical gradients remain what they
# were: the referee, used on tiny inputs to check the fast code.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 10. Jacobians and vector–Jacobian products
#
# Why is the backward pass so cheap? A layer maps an array $x$ to an array $y$, and its full
# derivative is the **Jacobian**: one row per output entry, one column per input entry,
# $J_{kl} = \partial y_k/\partial x_l$ (both arrays flattened). On a batch:
#
# | layer | input $x$ | output $y$ | Jacobian $\partial y/\partial x$ | structure |
# |---|---|---|---|---|
# | `Linear` | $(N, D_{in})$ | $(N, D_{out})$ | $(N D_{out}) \times (N D_{in})$ | block diagonal: $N$ copies of $W^\top$ |
# | sigmoid / tanh / ReLU | $(N, D)$ | $(N, D)$ | $(N D) \times (N D)$ | diagonal: the slopes $f'(z)$ |
# | `Softmax` | $(N, C)$ | $(N, C)$ | $(N C) \times (N C)$ | block diagonal: $\mathrm{diag}(p_n) - p_n p_n^\top$ per row |
#
# The chain rule on arrays reads $\partial L/\partial x = J^\top\,\partial L/\partial y$, or, with
# $\delta$ as a row vector, $\delta^\top J$: a **vector–Jacobian product** (VJP). That product is
# all that `backward` must deliver — and it never needs $J$ itself. To look at the Jacobians, we
# build them anyway for tiny sizes. Calling `backward` with a one-hot $\delta = e_k$ returns
# $e_k^\top J$, row $k$ of $J$; so the explicit Jacobian costs one backward call **per output
# entry**, and we compare it with the formula in the table:

# %%
def jacobian_by_backward(layer, x):
    """The explicit Jacobian d layer(x) / dx: row k is backward(e_k), e_k one-hot."""
    y = layer.forward(x)
    return np.array([layer.backward(e.reshape(y.shape)).ravel() for e in np.eye(y.size)])


x_jac = rng.normal(size=(4, 3))
lin_jac = Linear(3, 2, rng=rng)
J_linear = jacobian_by_backward(lin_jac, x_jac)
J_relu = jacobian_by_backward(ReLU(), x_jac)
softmax_layer = Softmax()
J_softmax = jacobian_by_backward(softmax_layer, x_jac)
p_jac = softmax_layer.forward(x_jac)
formulas_jac = {
    "Linear": np.kron(np.eye(4), lin_jac.params["W"].T),    # N copies of W.T on the diagonal
    "ReLU": np.diag((x_jac > 0).ravel().astype(float)),     # the slopes on the diagonal
    "Softmax": block_diag(*[np.diag(p) - np.outer(p, p) for p in p_jac]),
}
for name, J in [("Linear", J_linear), ("ReLU", J_relu), ("Softmax", J_softmax)]:
    print(f"{name:<8} Jacobian {str(J.shape):<8} = formula of the table: "
          f"{np.allclose(J, formulas_jac[name], rtol=1e-12, atol=1e-15)}")

# %% [markdown]
# The fourth panel below is the Jacobian of **broadcasting** the bias: $b$ of shape $(3,)$ copied
# to all $N = 4$ rows, $(N D) \times D$ — four identity matrices stacked. Look at how much of every
# Jacobian is zero:

# %%
J_broadcast = np.tile(np.eye(3), (4, 1))  # d(broadcast b)_{nj} / d b_i = [i = j], for every n
plotting.plot_jacobians({"Linear(3, 2): dY/dX": J_linear, "ReLU: dA/dZ": J_relu,
                         "Softmax (C = 3): dP/dZ": J_softmax, "broadcast b to 4 rows": J_broadcast})
plt.show()

# %% [markdown]
# Every zero is an output that does not depend on an input — example $n$'s output never depends
# on example $m$'s input. `backward` exploits that structure and only does the non-zero work:
# `δ @ W.T` for `Linear`, `δ * f'(z)` for the activations. For the first layer of the MNIST
# network of chapter 6, 784 → 128, on a batch of 100 images:

# %%
N_mnist, d_in_mnist, d_out_mnist = 100, 784, 128
jacobian_entries = (N_mnist * d_out_mnist) * (N_mnist * d_in_mnist)
vjp_work = N_mnist * d_out_mnist * d_in_mnist
print(f"explicit Jacobian: {N_mnist * d_out_mnist:,} × {N_mnist * d_in_mnist:,} = {jacobian_entries:.1e} entries, "
      f"{jacobian_entries * 8 / 1e9:.0f} GB in float64; δ @ J costs {jacobian_entries:.1e} multiply-adds")
print(f"VJP δ @ W.T:       no Jacobian stored, {vjp_work:.1e} multiply-adds "
      f"({jacobian_entries // vjp_work}× less: the zeros between the N blocks are never touched)")

# %% [markdown] slideshow={"slide_type": "subslide"}
# **The softmax Jacobian.** The one activation of this chapter that is not elementwise: every
# probability of a row depends on every score of that row. From $p_i = e^{z_i}/\sum_k e^{z_k}$ the
# quotient rule gives $\partial p_i/\partial z_j = p_i\,([i = j] - p_j)$, that is
#
# $$
# J = \mathrm{diag}(p) - p\,p^\top \quad (C \times C,\ \text{symmetric}), \qquad
# \Big(J^\top g\Big)_j = \sum_i g_i\,p_i\big([i=j] - p_j\big) = p_j\Big(g_j - \sum_i g_i p_i\Big)
# $$
#
# for the upstream gradient $g = \partial L/\partial p$ of one row. So the VJP is
# $p \odot (g - \langle g, p\rangle)$: $O(C)$ work per row instead of the $O(C^2)$ of building $J$.
# That is what the standalone layer `Softmax` does (we checked it against the explicit Jacobian
# above, and `check_layer` checked it in section 6):

# %%
course_lib.show_source(Softmax)

# %% [markdown]
# Followed by a cross-entropy on the probabilities, $L = -\frac1N\sum_{n,c} t_{nc}\log p_{nc}$
# with $\partial L/\partial p = -t/(Np)$, the softmax VJP must give back the fused gradient
# $(p - t)/N$ of section 4 — the long way round, through $1/p$:

# %%
labels_sm = rng.integers(0, 3, size=4)
T_sm = losses.one_hot(labels_sm, 3)
P_sm = softmax_layer.forward(x_jac)
via_softmax = softmax_layer.backward(-T_sm / (len(x_jac) * P_sm))  # dL/dp = -t / (N p)
fused_sm = SoftmaxCrossEntropy()
fused_sm.forward(x_jac, labels_sm)
print(f"Softmax.backward(-t / (N p)) vs fused (p - t)/N: relative error "
      f"{relative_error(via_softmax, fused_sm.backward()):.0e}")

# %% [markdown]
# The same to round-off. The fused layer is still the one to use for classification: no
# division by $p$, which can round to 0.
#
# **Broadcast in forward, sum in backward.** The bias panel above explains $db = \sum_n\delta_n$.
# In $Y = XW + b$ the vector $b$ is broadcast: copied to each of the $N$ rows. Copying is a linear
# map whose Jacobian is $N$ stacked identities; its transpose **adds** them, so its VJP is
# $\sum_n \delta_{n}$. Nothing special about biases: whatever is broadcast on the way forward is
# summed on the way back. And the other way round: a sum on the way forward (the softmax
# denominator $\sum_k e^{z_k}$, the mean in a loss) becomes a broadcast on the way back — the one
# number $\langle g, p\rangle$ subtracted from every entry of the row. Checked with central
# differences:

# %%
b_demo, delta_demo = rng.normal(size=3), rng.normal(size=(4, 3))
numeric_db = numerical_gradient(lambda b: np.sum(delta_demo * np.broadcast_to(b, (4, 3))), b_demo)
print(f"d<δ, broadcast(b)>/db vs δ.sum(axis=0): relative error "
      f"{relative_error(numeric_db, delta_demo.sum(axis=0)):.0e}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 11. Initialisation: where the weights start
#
# **Symmetry.** Why random weights at all? Suppose every weight starts at the same value. Then all
# hidden units of a layer compute the same output, receive the same error signal and — since
# $dW = X^\top\delta$ — the same gradient, so after the update they are still equal. By induction
# they stay identical **forever**: a layer of many units behaves like one. Here a network
# 64 → 4 → 10 with tanh is trained on 200 digits for 50 steps of gradient descent (chapter 4),
# once from all weights 0.1 and once from random weights:

# %%
X200, y200 = digits_X[:200], digits_y[:200]


def train_from(equal_start, steps=50, lr=0.5):
    """Gradient descent on a 64 -> 4 -> 10 tanh network, from equal or random weights."""
    sym_net = MLP([64, 4, 10], activation="tanh", rng=np.random.default_rng(2))
    if equal_start:
        for key, value in sym_net.params.items():
            value[...] = 0.1 if key.endswith(".W") else 0.0
    sym_loss = SoftmaxCrossEntropy()
    for _ in range(steps):
        loss = sym_loss.forward(sym_net.forward(X200), y200)
        sym_net.backward(sym_loss.backward())
        for key, value in sym_net.params.items():
            value -= lr * sym_net.grads[key]
    return sym_net, loss


first_layer_W = {}
for label, equal_start in [("equal start (all 0.1)", True), ("random start (Xavier)", False)]:
    sym_net, sym_loss_value = train_from(equal_start)
    W = sym_net.params["0.W"]
    spread = np.max(np.abs(W - W[:, :1]))  # largest difference from unit 1's weights
    first_layer_W[label] = W.copy()
    print(f"{label:<22} loss after 50 steps {sym_loss_value:.3f}; "
          f"largest difference between the 4 hidden units' weights: {spread:.2g}")

# %%
plotting.plot_unit_weights(first_layer_W)
plt.suptitle("Incoming weights of the 4 hidden units after training, as 8×8 images")
plt.show()

# %% [markdown]
# From the equal start the four units are identical to the last bit after 50 steps, and the loss
# has barely moved from $\ln 10 \approx 2.303$ (guessing); from the random start each unit has
# learned its own pattern. Random initial weights **break the symmetry** (biases may start at
# zero: the random weights already make the units differ).
#
# **Scale: the variance argument.** Random, but how large? Take one unit of a layer,
# $z_j = \sum_{i=1}^{D_{in}} a_i W_{ij}$, with independent weights of mean 0 and variance $s^2$,
# independent of the inputs $a_i$. Then
#
# $$
# \text{forward:}\quad \mathrm{Var}(z_j) = D_{in}\, s^2\, \mathbb{E}[a_i^2] .
# $$
#
# With tanh, near 0 $a \approx z$, so the signal keeps its size from layer to layer when
# $D_{in}s^2 = 1$. With ReLU, half of a symmetric $z$ is set to zero, $\mathbb{E}[a^2] =
# \frac12\mathrm{Var}(z)$, so it takes $D_{in}s^2 = 2$. On the way back, $\delta^a_i = \sum_j W_{ij}
# \delta^z_j$ and $\delta^z = \delta^a \odot f'(z)$ give the mirror image, with $D_{out}$ instead of
# $D_{in}$:
#
# $$
# \text{backward:}\quad \mathrm{Var}(\delta^a_i) = D_{out}\, s^2\, \mathbb{E}[f'(z)^2]\,
# \mathrm{Var}(\delta^a_{\text{next layer}}) .
# $$
#
# - **Xavier / Glorot** (Glorot & Bengio, 2010), for tanh ($f' \approx 1$ near 0): forward wants
#   $s^2 = 1/D_{in}$, backward $s^2 = 1/D_{out}$; the compromise $s = \sqrt{2/(D_{in} + D_{out})}$.
# - **He** (He et al., 2015), for ReLU ($\mathbb{E}[f'^2] = \frac12$): $s = \sqrt{2/D_{in}}$, the
#   forward condition (they show that either one is enough in practice).
# - **Sigmoid**: near 0, $\sigma(z) \approx \frac12 + z/4$ — slope $\frac14$, so the backward
#   condition needs $s$ **four times** the Xavier value (the factor the Theano deep-learning
#   tutorials used after Glorot & Bengio). And its outputs are centred at $\frac12$, not 0, which
#   no choice of $s$ repairs.
#
# `Linear(..., init=...)` takes `"he"`, `"xavier"` or a number (the standard deviation itself).
# `MLP` uses He before ReLU and Xavier before tanh **and** sigmoid — the right scale for tanh, not
# for the sigmoid, as the next section shows.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 12. Vanishing and exploding gradients: a fair comparison
#
# Each `Linear` multiplies the error signal by $W^\top$ on its way down, each activation by its
# slope $f'(z)$; the variance argument says the scale of $W$ decides whether the product stays near
# 1. So a fair comparison gives every activation its **right** scale — and, to see what goes wrong,
# a **wrong** one. Ten hidden layers (64 → 32 ×10 → 10), the same random draws for every set-up,
# 64 digits, one forward and one backward pass; we keep every hidden layer's activations and every
# $dL/dW$:

# %%
X64, y64 = digits_X[:64], digits_y[:64]


def xavier(d_in, d_out):
    return np.sqrt(2 / (d_in + d_out))


def he(d_in, d_out):
    return np.sqrt(2 / d_in)


setups = {  # label: (activation layer, standard deviation of W for a layer d_in -> d_out)
    "sigmoid, 4×Xavier (right)": (Sigmoid, lambda d_in, d_out: 4 * xavier(d_in, d_out)),
    "sigmoid, Xavier (wrong)": (Sigmoid, xavier),
    "tanh, Xavier (right)": (Tanh, xavier),
    "tanh, std 1 (wrong)": (Tanh, lambda d_in, d_out: 1.0),
    "relu, He (right)": (ReLU, he),
    "relu, Xavier (wrong)": (ReLU, xavier),
}
sizes = [64] + [32] * 10 + [10]
signals, grad_norms = {}, {}
for label, (make_activation, std) in setups.items():
    deep_rng = np.random.default_rng(1)  # the same random numbers for every set-up
    layers = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        layers += [Linear(d_in, d_out, rng=deep_rng, init=std(d_in, d_out)), make_activation()]
    deep = Sequential(*layers[:-1])  # no activation after the last Linear: it outputs the scores
    signals[label] = plotting.collect_layer_signals(deep, SoftmaxCrossEntropy(), X64, y64)
    norms = [np.linalg.norm(g) for g in signals[label]["weight_grads"]]
    grad_norms[label] = norms
    acts = signals[label]["activations"]
    print(f"{label:<26} ‖dL/dW‖ first {norms[0]:.1e}, last {norms[-1]:.1e}, first/last "
          f"{norms[0] / norms[-1]:.1e};  std of activations: layer 1 {acts[0].std():.3f}, "
          f"layer 10 {acts[-1].std():.3f}")
flat = signals["sigmoid, Xavier (wrong)"]["activations"]
print("sigmoid, Xavier: how much one unit's output varies over the 64 images (std, mean over units): "
      + ", ".join(f"layer {k + 1} {flat[k].std(axis=0).mean():.0e}" for k in (0, 4, 9)))

# %% [markdown]
# The histograms show, layer by layer (dark: next to the input, yellow: next to the loss), the
# activation values and the sizes of the weight gradients on a log scale:

# %%
plotting.plot_layer_histograms(signals)
plt.show()

# %% [markdown]
# How to read them:
# - **sigmoid, Xavier**: the activations huddle around $\frac12$, where the slope is about $\frac14$,
#   so every layer divides the gradient by about four: the gradient histograms march to the left,
#   layer after layer. The comb in the deeper layers is real: each spike is one unit whose output
#   is almost the same for all 64 images (it varies by $10^{-7}$ in layer 10, printed above) — the
#   information about the input fades on the way forward too. **4×Xavier** spreads the
#   activations over $(0, 1)$ and keeps the gradients within two powers of ten of each other.
# - **tanh, Xavier**: activations spread around 0, gradients of one size in all layers. **Std 1**
#   is far too large ($D_{in}s^2 = 32$): the units **saturate** at $\pm1$, and the gradients grow
#   towards the input instead of shrinking — the weights' factor $\sqrt{32}$ per layer outweighs
#   the small slopes.
# - **ReLU, He**: the non-zero activations keep their spread from layer to layer. **Xavier** gives
#   only $D_{in}s^2 = 1$ where ReLU needs 2, so each layer halves the variance: after ten layers
#   the activations are about $2^{10/2} = 32$ times smaller (0.005 against 0.135 above).
#
# The same runs as one number per layer, $\|dL/dW\|$:

# %%
fig, ax = plt.subplots(figsize=(10, 4))
plotting.plot_gradient_norms(grad_norms, ax=ax, title="Gradient norm per layer, 10 hidden layers")
plt.show()

# %% [markdown]
# With Xavier weights the sigmoid network's first layer receives a gradient about a million times
# smaller than its last ($1.3 \cdot 10^{-6}$): gradient descent (chapter 4) would leave the early
# layers untouched — the **vanishing gradient** problem that stalled deep networks for years. But
# with its right scale, 4×Xavier, the ratio is $1.1 \cdot 10^{-2}$: **the initial scale accounts
# for four of the six powers of ten**, the sigmoid itself (saturation at 0 and 1, outputs centred
# at $\frac12$) for the last two. Tanh with Xavier and ReLU with He keep the first/last ratio
# within a factor of 3. Wrong scales fail in both directions: too small and the signal fades
# (sigmoid, ReLU with Xavier), too large and it saturates or explodes (tanh with std 1: the
# gradients grow 70-fold towards the input — **exploding gradients**).

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 13. Choosing an activation function
#
# | | sigmoid | tanh | ReLU |
# |---|---|---|---|
# | range | $(0, 1)$ | $(-1, 1)$ | $[0, \infty)$ |
# | outputs centred at 0 | no ($\frac12$) | yes | no (but half are exactly 0) |
# | largest slope | $\frac14$, at 0 | $1$, at 0 | $1$, for every $z > 0$ |
# | saturates (slope ≈ 0) | both tails, $\lvert z\rvert \gtrsim 5$ | both tails, $\lvert z\rvert \gtrsim 3$ | never for $z > 0$; slope exactly 0 for $z < 0$ |
# | typical failure | vanishing gradients | saturation when the weights are too large | **dead units** |
# | its initialisation | 4×Xavier | Xavier | He |
# | cost per entry | an exponential and a division | an exponential (inside `tanh`) | one comparison |
#
# **Dead units.** A ReLU unit whose pre-activation is negative for every input outputs 0 for all
# of them, so its slope — and every gradient through it — is 0: no update can revive it. One
# step that is too large can throw many units there at once. The same network 64 → 64 → 10 with
# ReLU, trained for 30 steps on 500 digits with a moderate and a far too large learning rate; for
# each hidden unit, the fraction of the 500 images on which it is active:

# %%
X500, y500 = digits_X[:500], digits_y[:500]
activity = {}
for lr in [0.5, 3.0]:
    relu_net = MLP([64, 64, 10], activation="relu", rng=np.random.default_rng(0))
    relu_loss = SoftmaxCrossEntropy()
    for _ in range(30):
        loss = relu_loss.forward(relu_net.forward(X500), y500)
        relu_net.backward(relu_loss.backward())
        for key, value in relu_net.params.items():
            value -= lr * relu_net.grads[key]
    Z_hidden = X500 @ relu_net.params["0.W"] + relu_net.params["0.b"]
    activity[f"learning rate {lr}"] = np.mean(Z_hidden > 0, axis=0)
    dead = np.all(Z_hidden <= 0, axis=0)
    print(f"learning rate {lr}: loss {loss:.3f}, dead units {dead.sum()} of 64")

# %%
plotting.plot_unit_activity(activity)
plt.show()

# %% [markdown]
# With learning rate 0.5, 4 of the 64 units died along the way; with 3.0, 60 of them — the first
# steps threw their pre-activations below zero for every image, and the loss is stuck above
# $\ln 10 \approx 2.30$, the loss of guessing. Those units will never come back.
#
# The cost row, measured: forward and backward through each activation on a million numbers
# (timings vary from machine to machine, so this cell's output is not checked).

# %%
# NBVAL_IGNORE_OUTPUT
# wall-clock timings differ from machine to machine and run to run
z_big = rng.normal(size=(1000, 1000))
for name, layer in [("sigmoid", Sigmoid()), ("tanh", Tanh()), ("ReLU", ReLU())]:
    repeats = []
    for _ in range(5):
        start = time.perf_counter()
        layer.backward(np.ones_like(layer.forward(z_big)))
        repeats.append(time.perf_counter() - start)
    print(f"{name:<8} forward + backward on 10^6 numbers: {min(repeats) * 1e3:.1f} ms")

# %% [markdown]
# **How to choose.**
# - Hidden layers: start with **ReLU** and He initialisation — no saturation for active units,
#   the cheapest to compute, the default of modern networks. If many units die, lower the
#   learning rate (chapter 5).
# - **tanh** with Xavier when you want bounded, zero-centred hidden values (it is still common in
#   recurrent networks).
# - **sigmoid** for an *output* that is a probability (binary classification, chapter 1) — not
#   for hidden layers, for the reasons of section 12. For several classes the output is a softmax,
#   fused into the loss.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 14. Three advantages of backpropagation
#
# Everything this chapter measured, in three points.
#
# **1. Efficiency.** For $P$ parameters, numerical gradients cost $2P$ forward passes; backprop
# one forward and one backward pass, whatever $P$ (section 9; chapter 2 counted it for scalars):

# %%
print(f"P = {n_params[-1]:,}: numerical gradient {forward_passes[-1]:,} forward passes; "
      "backprop 1 forward + 1 backward (about 3 forward passes of work)")
print(f"MNIST network, P = 101,770: numerical gradient {2 * 101_770:,} forward passes per step")

# %% [markdown]
# Section 10 showed where the saving comes from: each layer multiplies by its Jacobian through a
# vector–Jacobian product and never builds it.
#
# **2. Generality.** Nothing in `backward` knew that we were classifying digits. The same layers
# and the same call `model.backward(loss.backward())` train a **regression** with `MSELoss`
# (chapter 1) — here a network 3 → 16 → 1 on scikit-learn's `make_regression`, checked once more
# against central differences:

# %%
X_reg, y_reg = make_regression(n_samples=20, n_features=3, noise=5.0, random_state=0)
y_reg = (y_reg / y_reg.std())[:, None]  # targets as a column (N, 1), of unit scale
reg_net, mse_layer = MLP([3, 16, 1], activation="tanh", rng=rng), MSELoss()
mse_layer.forward(reg_net.forward(X_reg), y_reg)
reg_net.backward(mse_layer.backward())  # the very same call as for classification
for key, param in reg_net.params.items():
    numeric = numerical_gradient(lambda _: MSELoss().forward(reg_net.forward(X_reg), y_reg), param)
    print(f"regression, {key}: backprop vs central differences, relative error "
          f"below 1e-7: {relative_error(reg_net.grads[key], numeric) < 1e-7}")

# %% [markdown]
# **3. Automatic differentiation.** Backpropagation is reverse-mode automatic differentiation
# (chapter 2) with coarser nodes: section 7 got the same gradients, to ten digits, from chapter 2's
# scalar `Value` engine and from the layers. A layer is one node of the graph whose `backward` is
# its vector–Jacobian product. Deep-learning frameworks work the same way: each operation records
# how to compute its VJP, and `loss.backward()` runs them in reverse order — so you write only the
# forward pass, and the gradients of any network, for any loss, come out of one backward sweep.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - A **layer** is a node of a coarse computational graph: `forward(x)` caches what it needs,
#   `backward(δ)` returns $\partial L/\partial x$ and stores the parameter gradients. A network's
#   backward pass calls them last to first — that is backpropagation.
# - Linear $Y = XW + b$: $dW = X^\top\delta$, $db = \sum_n\delta_n$, $dX = \delta W^\top$. Every
#   gradient has the shape of its quantity; the shapes alone pin the formulas down.
# - Activations multiply the error signal elementwise by their slope: $\sigma(1-\sigma)$,
#   $1-\tanh^2$, or the ReLU mask.
# - Softmax + cross-entropy together have the gradient $(p - t)/N$.
# - Check every backward pass against central differences (relative error $< 10^{-7}$), and when
#   possible against a second, independent implementation.
# - Numerical gradients cost $2P$ forward passes for $P$ parameters; backprop costs one forward and
#   one backward pass (about three forward passes of work), whatever $P$.
# - `backward` is a **vector–Jacobian product** $\delta^\top J$: it never builds the Jacobian
#   (block diagonal for `Linear`, diagonal for activations, $\mathrm{diag}(p) - pp^\top$ per row for
#   softmax). What is broadcast forward is summed backward — hence $db = \sum_n \delta_n$.
# - Initial weights must be random (equal weights keep units identical forever) and of the right
#   scale: the variance argument gives Xavier $\sqrt{2/(D_{in}+D_{out})}$ for tanh, He
#   $\sqrt{2/D_{in}}$ for ReLU, four times Xavier for the sigmoid.
# - With the wrong scale, gradients vanish or explode with depth; most of the deep sigmoid
#   network's "million times" gap came from the scale, the rest from the sigmoid itself.
# - A non-linearity is what makes depth useful. For hidden layers, ReLU (+ He) is the default;
#   watch for dead units. Sigmoid belongs at a binary output.
# - Backpropagation is efficient, general (classification and regression alike) and is reverse-mode
#   automatic differentiation on coarse nodes.
#
# **Next:** chapter 4 uses these gradients to change the weights — gradient descent.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Write your answer in the exercise cell, then run it: `check` says whether it passes or gives a hint. In this copy each exercise cell already holds a reference solution — try the exercise yourself before you read it (`make student` writes copies with a placeholder in its place).
#
# ### Exercise 3.1 — sigmoid backward
# Write `sigmoid_backward(out, grad_out)` returning $\partial L/\partial x$, given the cached
# output `out` $= \sigma(x)$ and the error signal `grad_out` $= \partial L/\partial\sigma(x)$ (both of
# any equal shape). Do not modify the arguments.

# %%
def sigmoid_backward(out, grad_out):
    ### BEGIN SOLUTION
    return grad_out * out * (1 - out)
    ### END SOLUTION


check("3.1", sigmoid_backward)

# %% [markdown]
# ### Exercise 3.2 — the linear layer's three gradients
# Write `linear_backward(x, W, grad_out)` for $y = xW + b$, returning the tuple `(dx, dW, db)`.
# Shapes: `x` $(N, D_{in})$, `W` $(D_{in}, D_{out})$, `grad_out` $(N, D_{out})$. Hint: start
# from the shapes each result must have.

# %%
def linear_backward(x, W, grad_out):
    ### BEGIN SOLUTION
    return grad_out @ W.T, x.T @ grad_out, grad_out.sum(axis=0)
    ### END SOLUTION


check("3.2", linear_backward)

# %% [markdown]
# ### Exercise 3.3 — a two-layer network, backward
# Write `two_layer_backward(X, y, W1, b1, W2, b2)` for the network of section 5
# (Linear → ReLU → Linear → softmax cross-entropy, integer labels `y`), returning the dict
# `{"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}`. Use NumPy and `losses` only, not the layers:
# redo the forward pass, then follow the backward lines of section 5 (`losses.one_hot` or
# `losses.softmax_cross_entropy_grad` give you `dZ2`). The check notices if the layers are called.

# %%
def two_layer_backward(X, y, W1, b1, W2, b2):
    ### BEGIN SOLUTION
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    dZ2 = losses.softmax_cross_entropy_grad(A1 @ W2 + b2, y)
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}
    ### END SOLUTION


check("3.3", two_layer_backward)

# %% [markdown]
# ### Exercise 3.4 — softmax backward, without the Jacobian
# Write `softmax_backward(p, grad_out)`: given the probabilities `p` $= \mathrm{softmax}(z)$ of shape
# $(N, C)$ (one row per example) and `grad_out` $= \partial L/\partial p$ of the same shape, return
# $\partial L/\partial z$. Each row is the vector–Jacobian product with $\mathrm{diag}(p) - pp^\top$
# (section 10) — compute it **without building any $C \times C$ matrix** (the check measures the
# memory your function allocates for $C = 2000$), and do not modify the arguments.

# %%
def softmax_backward(p, grad_out):
    ### BEGIN SOLUTION
    return p * (grad_out - (grad_out * p).sum(axis=1, keepdims=True))
    ### END SOLUTION


check("3.4", softmax_backward)

# %% [markdown]
# ### Exercise 3.5 — He initialisation
# Write `he_init(fan_in, fan_out, rng)` returning the initial weight matrix `W` of shape
# `(fan_in, fan_out)` of a `Linear` layer followed by a ReLU: random (section 11: no symmetry),
# centred at 0, with the standard deviation of the variance argument for ReLU, drawn from the
# generator `rng` you are given (the same seed must give the same weights).

# %%
def he_init(fan_in, fan_out, rng):
    ### BEGIN SOLUTION
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    ### END SOLUTION


check("3.5", he_init)

# %% [markdown]
# ### Exercise 3.6 — dead ReLU units
# Write `dead_units(W, b, X)` for a layer $z = XW + b$ followed by a ReLU: return a boolean array
# with one entry per unit (shape `(units,)`), `True` where the unit is **dead** on the batch `X` —
# its ReLU outputs 0 for every example, so no gradient passes through it (section 13). Mind the
# edge case $z = 0$ exactly.

# %%
def dead_units(W, b, X):
    ### BEGIN SOLUTION
    return np.all(X @ W + b <= 0, axis=0)
    ### END SOLUTION


check("3.6", dead_units)

# %% [markdown]
# **Going further (no check):**
# 1. Repeat section 12 with ReLU and `init=1.0` (standard deviation 1 in every layer). What
#    happens to the activations, to the loss and to the gradients? What does that say about
#    initialisation?
# 2. Section 11 broke the symmetry with random weights. Would random **biases** with equal
#    weights be enough? Try it with `train_from` and explain with $dW = X^\top\delta$.
# 3. Section 13's large learning rate killed ReLU units. Count the dead units of the
#    `relu, Xavier (wrong)` and `relu, He (right)` networks of section 12 on the 64 digits with
#    your `dead_units`. Are freshly initialised networks affected?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary
#
# | English | 日本語 | meaning here |
# |---|---|---|
# | backpropagation | 誤差逆伝播法（逆伝播） | reverse-mode automatic differentiation of a network's loss |
# | forward propagation | 順伝播 | computing the output from the input, layer by layer |
# | layer | レイヤ（層） | one step of the network with a `forward` and a `backward` |
# | linear (fully connected) layer | Linearレイヤ（全結合層、ゼロつくの Affine レイヤ） | $Y = XW + b$ |
# | weight | 重み | the matrix $W$ of a linear layer |
# | bias | バイアス | the vector $b$ added to every row |
# | activation function | 活性化関数 | the elementwise nonlinearity between linear layers |
# | error signal | 誤差信号 | the gradient of the loss with respect to an output, e.g. $(p - t)/N$ |
# | gradient check | 勾配確認 | comparing backprop with central differences |
# | central difference | 中心差分 | $(f(x+h) - f(x-h))/2h$ |
# | shape | 形状（シェイプ） | the size of an array along each axis, e.g. $(N, D_{in})$ |
# | vanishing gradient | 勾配消失 | gradients shrinking layer by layer towards the input |
# | exploding gradient | 勾配爆発 | gradients growing layer by layer towards the input |
# | non-linearity | 非線形性 | what an activation adds; without it a stack of layers is one linear map |
# | saturation | 飽和 | a sigmoid's flat region, where its slope is almost zero |
# | dead unit (dying ReLU) | 死んだユニット（dying ReLU） | a ReLU unit that is off for every input, so its gradient is always 0 |
# | Jacobian (matrix) | ヤコビ行列 | all partial derivatives $\partial y_k/\partial x_l$ of a layer's outputs by its inputs |
# | vector–Jacobian product | ベクトル・ヤコビ積（VJP） | $\delta^\top J$: what `backward` computes, without building $J$ |
# | broadcast | ブロードキャスト | copying an array along a new axis (forward); its backward is a sum |
# | symmetry breaking | 対称性の破れ（対称性を崩す） | random initial weights, so that units can learn different things |
# | activation distribution | アクティベーション分布 | the histogram of a layer's activation values |
# | variance | 分散 | the mean squared deviation; the quantity Xavier and He keep constant |
# | sigmoid / tanh / ReLU | シグモイド関数 / tanh 関数（双曲線正接関数） / ReLU関数 | the three activations of this chapter |
# | softmax cross-entropy | ソフトマックス関数と交差エントロピー誤差（ゼロつくの Softmax-with-Loss レイヤ） | the fused loss with gradient $(p - t)/N$ |
# | weight initialisation | 重みの初期値 | the random starting weights: He for ReLU, Xavier for tanh, 4×Xavier for sigmoid |
# | He / Xavier initialisation | Heの初期値 / Xavierの初期値 | standard deviation $\sqrt{2/D_{in}}$ / $\sqrt{2/(D_{in}+D_{out})}$ |
#
# **Next chapter:** [Chapter 4 — Gradient descent](04_gradient_descent.ipynb): now that we have
# every gradient, we use them to change the weights.
