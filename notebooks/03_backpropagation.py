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
# - the error signal $\delta$ travelling backwards, and how it vanishes in a deep sigmoid network.
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
from sklearn.datasets import load_digits

import course_lib
from course_lib import losses, plotting
from course_lib.autodiff import Value, topological_order
from course_lib.exercises import check
from course_lib.gradcheck import check_layer, numerical_gradient, relative_error
from course_lib.layers import Linear, MSELoss, ReLU, Sigmoid, SoftmaxCrossEntropy, Tanh
from course_lib.network import MLP, Sequential

rng = course_lib.setup_notebook(seed=0)

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
# Between linear layers sits an elementwise nonlinearity $a = f(z)$ (without it, a stack of
# linear layers would collapse into one). Elementwise means $a_{nj}$ depends only on $z_{nj}$, so
# the chain rule has a single path and the backward pass is an elementwise product:
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
# section 10 shows what that does to a deep network.

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

# %%
digits_X, digits_y = load_digits(return_X_y=True)
digits_X = digits_X / 16.0  # pixel values 0..16 -> 0..1
X4, y4 = digits_X[:4], digits_y[:4]

model = MLP([64, 16, 10], activation="relu", rng=rng)
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
# **The same with the layers.** `Sequential.backward` is the loop "last layer first" — the whole of
# backpropagation in three lines:

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
# `check_layer(layer, x)` picks a fixed random $G$, defines the scalar $L = \sum(\text{layer}(x)
# \odot G)$ — whose error signal is exactly $G$ — and compares `backward(G)` and `grads` with
# numerical gradients for the input and for every parameter:

# %%
course_lib.show_source(check_layer)

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
                    ("Tanh", Tanh())]:
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
plt.suptitle("The error signal δ, from the loss (left) back to the pixels (right); red > 0, blue < 0",
             y=1.04)
plt.show()

# %% [markdown]
# Read it left to right. At the scores, each row is $(p - t)/N$: one blue cell per example at the
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
# ## 10. Vanishing gradients: deep sigmoid vs ReLU
#
# Each activation multiplies the error signal by its slope $f'(z)$ on the way down. The sigmoid's
# slope is at most $0.25$, so after ten sigmoid layers the signal has been multiplied by at most
# $0.25^{10} \approx 10^{-6}$ (the weights can only partly make up for it). ReLU's slope is exactly
# 1 for active units.
#
# The size of the starting weights matters too, since every `Linear` multiplies δ by $W^\top$.
# `MLP` draws them from a normal distribution whose standard deviation keeps the signal's size
# roughly constant from layer to layer: $\sqrt{2/D_{in}}$ (**He initialisation**) before a ReLU,
# which zeroes about half of its inputs, and $\sqrt{2/(D_{in} + D_{out})}$ (**Xavier/Glorot**)
# before a sigmoid or tanh. Here are three 10-hidden-layer networks (64 → 32 ×10 → 10), one per
# activation, each with its usual initialisation, on the same 64 digits, with the norm of $dL/dW$
# of every layer:

# %%
X64, y64 = digits_X[:64], digits_y[:64]
grad_norms = {}
for activation in ["sigmoid", "tanh", "relu"]:
    deep = MLP([64] + [32] * 10 + [10], activation=activation, rng=np.random.default_rng(1))
    deep_loss = SoftmaxCrossEntropy()
    deep_loss.forward(deep.forward(X64), y64)
    deep.backward(deep_loss.backward())
    norms = [np.linalg.norm(deep.grads[k]) for k in deep.grads if k.endswith(".W")]
    grad_norms[activation] = norms
    print(f"{activation:<8} ‖dL/dW‖: last layer {norms[-1]:.2e}, first layer {norms[0]:.2e}, "
          f"first/last = {norms[0] / norms[-1]:.1e}")

# %%
plotting.plot_gradient_norms(grad_norms, title="Gradient norm per layer, 10 hidden layers")
plt.show()

# %% [markdown]
# With sigmoids the first layer receives a gradient about a million times smaller than the last
# one: gradient descent (chapter 4) would leave the early layers essentially untouched. This is
# the **vanishing gradient** problem that stalled deep networks for years; ReLU (together with
# its He initialisation) keeps the gradient at the same scale in every layer. Tanh holds up too:
# its slope is 1 at 0 (four times the sigmoid's best), and with Xavier initialisation its units
# stay away from the flat tails — its gradients only fade once the units saturate.

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
# - In a deep sigmoid network the gradient shrinks layer by layer (vanishing gradients); ReLU
#   with He initialisation keeps it alive.
#
# **Next:** chapter 4 uses these gradients to change the weights — gradient descent.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Write your answer between the `### BEGIN SOLUTION` and `### END SOLUTION` lines (in the student
# copy those lines hold a placeholder), then run the cell: `check` tells you whether it passes or
# gives a hint.
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
# `losses.softmax_cross_entropy_grad` give you `dZ2`).

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
# **Going further (no check):** repeat section 10 with `Linear(..., init=1.0)` weights
# (build the `Sequential` yourself). Do ReLU gradients now explode? What does that say about
# initialisation?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary
#
# | English | 日本語 | meaning here |
# |---|---|---|
# | backpropagation | 逆伝播（誤差逆伝播法） | the chain rule applied layer by layer, from the loss back to the input |
# | forward propagation | 前向き伝播（順伝播） | computing the output from the input, layer by layer |
# | layer | 層 | one step of the network with a `forward` and a `backward` |
# | linear (fully connected) layer | 全結合層（Affine レイヤ） | $Y = XW + b$ |
# | weight | 重み | the matrix $W$ of a linear layer |
# | bias | バイアス | the vector $b$ added to every row |
# | activation function | 活性化関数 | the elementwise nonlinearity between linear layers |
# | error signal | 誤差信号 | $\delta = \partial L/\partial(\text{a layer's output})$ |
# | gradient check | 勾配確認 | comparing backprop with central differences |
# | central difference | 中心差分 | $(f(x+h) - f(x-h))/2h$ |
# | shape | 形状（シェイプ） | the size of an array along each axis, e.g. $(N, D_{in})$ |
# | vanishing gradient | 勾配消失 | gradients shrinking layer by layer towards the input |
# | sigmoid / tanh / ReLU | シグモイド関数 / tanh 関数（双曲線正接関数） / ReLU（ランプ関数） | the three activations of this chapter |
# | softmax cross-entropy | ソフトマックス交差エントロピー（Softmax-with-Loss） | the fused loss with gradient $(p - t)/N$ |
# | weight initialisation | 重みの初期値（初期化） | the random starting weights: He for ReLU, Xavier for sigmoid/tanh |
# | He / Xavier initialisation | He の初期値 / Xavier の初期値 | standard deviation $\sqrt{2/D_{in}}$ / $\sqrt{2/(D_{in}+D_{out})}$ |
#
# **Next chapter:** [Chapter 4 — Gradient descent](04_gradient_descent.ipynb): now that we have
# every gradient, we use them to change the weights.
