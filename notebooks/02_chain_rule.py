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
# # Chapter 2 — The chain rule: how a change travels through a computation
#
# **What you will learn**
# - the derivative as *sensitivity*: nudge an input, watch the output move;
# - numerical derivatives — forward and central differences — and how to choose the step $h$
#   (truncation error against round-off error);
# - the chain rule on a composition of functions, checked numerically;
# - computational graphs, where every operation knows its own *local gradient*;
# - `Value`, a tiny reverse-mode automatic-differentiation engine: built, drawn and tested;
# - fan-out: why the gradients of a shared sub-expression add up;
# - forward mode against reverse mode, measured: why ONE backward pass gives the gradient of
#   every parameter — the idea behind backpropagation;
# - what reverse mode pays for it — memory, measured as depth and batch size grow — and gradient
#   checkpointing, the remedy.
#
# **What you need**: chapter 1 (loss functions and their gradients); the derivatives of
# $x^n$, $e^x$, $\log x$ and $\tanh x$; Python classes.
#
# **Recap — chapter 1.** A loss turns the network's output into one number $L$ that is small when the
# prediction is good: the mean squared error $\frac1M\sum(\hat y - y)^2$ for regression,
# cross-entropy $-\log p_{\text{true}}$ for classification. We derived the gradient of the loss with
# respect to the network's *output* — $2(\hat y - y)/M$ for MSE, $(p - t)/N$ for softmax
# cross-entropy — and checked it against central differences. But training changes the *weights*,
# which sit layers away from the output. How does the slope of the loss reach them? Through the
# chain rule, applied to the computation one operation at a time.

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

import matplotlib.pyplot as plt
import numpy as np

import course_lib
from course_lib import memory, plotting
from course_lib.autodiff import Value, count_operations, forward_mode_derivative, topological_order
from course_lib.exercises import check
from course_lib.gradcheck import numerical_derivative, numerical_gradient, relative_error
from course_lib.network import MLP

rng = course_lib.setup_notebook(seed=0, lang="en")  # lang="ja": messages and plots in Japanese

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 1. The derivative as sensitivity
#
# Training asks one question over and over: *if I change this weight a little, how much does the
# loss change?* That ratio — change of output per change of input, for a very small change — is the
# derivative. For a function $f$ and a small step $h$,
#
# $$
# f(x + h) \approx f(x) + f'(x)\,h, \qquad
# f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}.
# $$
#
# $f'(x)$ is the **sensitivity** of $f$ at $x$: an output that reacts three times as strongly as
# its input has $f'(x) = 3$; one that does not react at all has $f'(x) = 0$; a negative derivative
# means the output moves the other way. Geometrically, the fraction is the slope of a *secant*
# through two points of the curve, and as $h$ shrinks the secant turns into the *tangent*.
#
# Take $f(x) = x^3 - 3x + 1$ at $x_0 = 1.5$. By the power rule, $f'(x) = 3x^2 - 3$, so
# $f'(1.5) = 3.75$.

# %%
def f_cubic(x):
    return x**3 - 3 * x + 1


x0 = 1.5
plotting.plot_secants(f_cubic, x0, hs=(1.0, 0.5, 0.1), xlim=(0.2, 2.6))
plt.title("Secants approach the tangent as h shrinks")
plt.show()

# %%
for h in [1.0, 0.1, 0.01, 0.001]:
    slope = (f_cubic(x0 + h) - f_cubic(x0)) / h
    print(f"h = {h:<6}  (f(x0+h) - f(x0)) / h = {slope:.4f}")
print("exact f'(1.5) = 3 * 1.5**2 - 3 = 3.75")

# %% [markdown]
# **Sensitivity in action.** The derivative predicts the effect of a small nudge without
# recomputing $f$: moving $x$ from 1.5 to 1.51 should change $f$ by about $3.75 \times 0.01$.

# %%
predicted = f_cubic(x0) + 3.75 * 0.01
print(f"computed  f(1.51)                 = {f_cubic(1.51):.5f}")
print(f"predicted f(1.5) + f'(1.5) * 0.01 = {predicted:.5f}")
print(f"difference = {abs(f_cubic(1.51) - predicted):.5f}  (of order h^2: the next Taylor term)")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 2. Numerical derivatives: forward against central differences
#
# The fraction above is the **forward difference**. A computer can evaluate it for any function,
# with no calculus at all — which makes it the perfect *referee* for derivatives we work out by
# hand. How accurate is it? Expand $f$ around $x$ (Taylor series):
#
# $$
# f(x \pm h) = f(x) \pm h f'(x) + \tfrac{h^2}{2} f''(x) \pm \tfrac{h^3}{6} f'''(x) + \dots
# $$
#
# **Forward difference.** Subtract $f(x)$ and divide by $h$:
#
# $$
# \frac{f(x+h) - f(x)}{h} = f'(x) + \underbrace{\tfrac{h}{2} f''(x) + \dots}_{\text{truncation error} \;\propto\; h}
# $$
#
# **Central difference.** Subtract the two expansions: the even terms cancel,
#
# $$
# \frac{f(x+h) - f(x-h)}{2h} = f'(x) + \underbrace{\tfrac{h^2}{6} f'''(x) + \dots}_{\text{truncation error} \;\propto\; h^2}
# $$
#
# so halving $h$ divides the error by 2 for the forward difference but by 4 for the central one.
#
# Why not take $h = 10^{-15}$ then? Because a computer stores about 16 significant digits, and
# $f(x+h) - f(x)$ subtracts two nearly equal numbers: for very small $h$ the rounding errors win.
# The figure below shows both effects; the box explains them in detail.
#
# > **Optional — skip on first reading.** *Round-off, and the best step $h$.*
# > A float64 stores about 16 significant digits:
# > each $f(\cdot)$ carries a relative error around $\varepsilon \approx 2.2\times10^{-16}$, and
# > $f(x+h) - f(x)$ subtracts two nearly equal numbers, so those errors survive while the difference
# > itself shrinks. Dividing by $h$ blows them up: the **round-off error** grows like
# > $\varepsilon |f| / h$. The total error of the central difference is therefore about
# >
# > $$
# > E(h) \approx \frac{h^2}{6}|f'''(x)| + \frac{\varepsilon |f(x)|}{h},
# > \qquad\text{smallest at}\quad h^* = \Big(\frac{3\varepsilon |f|}{|f'''|}\Big)^{1/3}
# > $$
# >
# > (set $E'(h) = \frac{h}{3}|f'''| - \frac{\varepsilon|f|}{h^2}$ to zero), and for the forward difference
# > $E(h) \approx \frac{h}{2}|f''| + \frac{2\varepsilon|f|}{h}$, smallest at $h^* = 2\sqrt{\varepsilon |f| / |f''|}$.
# > For $f = \exp$ these give $h^* \approx 9\times10^{-6}$ (central) and $3\times10^{-8}$ (forward).
#
# The library's `numerical_derivative` is the central difference:

# %%
course_lib.show_source(numerical_derivative)

# %% [markdown]
# Let us measure both errors for $f = \exp$ (where $f = f' = f'' = f'''$, so the predictions are
# easy) for 113 step sizes between $10^{-15}$ and $10^{-1}$. Round-off is erratic from one $x$ to
# the next, so we average the relative error over 101 points $x \in [0.5, 1.5]$.

# %%
eps = np.finfo(np.float64).eps
hs = np.logspace(-15, -1, 113)
xs = np.linspace(0.5, 1.5, 101)


def mean_relative_error(derivative_estimate):
    """Mean over xs of |estimate - exp(x)| / exp(x), for every step size in hs."""
    return np.array([np.mean([abs(derivative_estimate(x, h) - math.exp(x)) / math.exp(x) for x in xs])
                     for h in hs])


forward_err = mean_relative_error(lambda x, h: (math.exp(x + h) - math.exp(x)) / h)
central_err = mean_relative_error(lambda x, h: numerical_derivative(math.exp, x, h))
# the predicted errors, relative (f = f'' = f''' = f' for exp, so |f| / |f'| = 1)
forward_model = hs / 2 + 2 * eps / hs
central_model = hs**2 / 6 + eps / hs

ax = plotting.plot_step_errors(hs, {"forward": forward_err, "central": central_err},
                               models={"forward": forward_model, "central": central_model}, default_h=1e-5)
ax.set_title("Numerical derivative of exp: error against step size h")
ax.set_ylabel("mean relative error")
ax.text(1e-13, 1e-9, "round-off\n∝ ε / h", ha="center", fontsize=10)
ax.text(3e-3, 3e-11, "truncation\n∝ h (forward)\n∝ h² (central)", ha="center", fontsize=10)
plt.show()

# %%
for name, err, h_theory in [("forward", forward_err, 2 * math.sqrt(eps)),
                            ("central", central_err, (3 * eps) ** (1 / 3))]:
    best = hs[np.argmin(err)]
    print(f"{name:>7}: best h measured {best:.0e}   predicted h* = {h_theory:.1e}   "
          f"smallest error {err.min():.0e}")
at_default = central_err[np.argmin(abs(np.log(hs / 1e-5)))]
print(f"central difference at the default h = 1e-5: error {at_default:.0e}")

# %% [markdown]
# Both curves are V-shaped on the log-log plot: slope $-1$ on the left (round-off), slope $+1$
# (forward) or $+2$ (central) on the right (truncation), exactly as predicted. The lessons:
#
# - the central difference is far better: its error bottoms out at about $5\times10^{-12}$
#   (**11 correct digits**) at $h \approx 7\times10^{-6}$, where the model of the box predicts
#   $h^* \approx 9\times10^{-6}$; the forward difference reaches only $5\times10^{-9}$ (8 digits), at
#   $h \approx 10^{-8}$;
# - the bottom of the V is flat, so the exact optimum hardly matters: the round number next to it,
#   $h = 10^{-5}$ (the dotted line), still gives $2\times10^{-11}$, about 11 digits. That is the
#   default of the library's `numerical_derivative` and `numerical_gradient`;
# - smaller is **not** better: at $h = 10^{-12}$ only about four digits are still right — round-off
#   has eaten the rest;
# - so the course's `gradcheck` uses central differences with $h = 10^{-5}$, and a relative error
#   below $10^{-7}$ counts as "the gradient is right" (a wrong formula gives $10^{-1}$ or more).
#
# Numerical derivatives have one big drawback, which section 7 measures: they cost two evaluations
# of $f$ **per input**. A network with a million weights would need two million forward passes
# for one gradient.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 3. The chain rule on a composition
#
# Most functions we meet are *compositions* of simple steps. If $y = g(u)$ and $u = h(x)$, then a
# small change $\Delta x$ causes $\Delta u \approx h'(x)\,\Delta x$, which causes
# $\Delta y \approx g'(u)\,\Delta u \approx g'(u)\,h'(x)\,\Delta x$. Sensitivities **multiply**:
#
# $$
# \frac{dy}{dx} = \frac{dy}{du}\cdot\frac{du}{dx}.
# $$
#
# If $u$ reacts 3 times as strongly as $x$, and $y$ 2 times as strongly as $u$, then $y$ reacts
# 6 times as strongly as $x$. With more steps, more factors:
# $\frac{dy}{dx} = \frac{dy}{du_k}\cdots\frac{du_2}{du_1}\frac{du_1}{dx}$.
#
# **A neuron's loss.** One input $x$, one weight $w$, a sigmoid output and a squared error
# against the target $t$:
#
# $$
# z = w x, \qquad p = \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad L = (p - t)^2 .
# $$
#
# Each step has a simple derivative: $\frac{\partial z}{\partial w} = x$,
# $\frac{dp}{dz} = \sigma(z)(1 - \sigma(z))$ (differentiate $(1 + e^{-z})^{-1}$ and simplify), and
# $\frac{dL}{dp} = 2(p - t)$. The chain rule multiplies them:
#
# $$
# \frac{dL}{dw} = \underbrace{2(p - t)}_{dL/dp}\;\underbrace{\sigma(z)(1-\sigma(z))}_{dp/dz}\;\underbrace{x}_{dz/dw}.
# $$

# %%
x_in, t_target, w = 1.5, 1.0, 0.8


def neuron_loss(w):
    z = w * x_in
    p = 1 / (1 + math.exp(-z))
    return (p - t_target) ** 2


z = w * x_in
p = 1 / (1 + math.exp(-z))
dL_dp, dp_dz, dz_dw = 2 * (p - t_target), p * (1 - p), x_in
print(f"z = {z:.4f}   p = {p:.4f}   L = {neuron_loss(w):.4f}")
print(f"dL/dp = {dL_dp:.4f}   dp/dz = {dp_dz:.4f}   dz/dw = {dz_dw:.4f}")
print(f"chain rule:      dL/dw = {dL_dp * dp_dz * dz_dw:.6f}")
print(f"central difference:    {numerical_derivative(neuron_loss, w):.6f}")

# %% [markdown]
# Agreement to every printed digit. Notice what the chain rule needed: the value of every
# intermediate quantity ($z$, $p$) from the forward computation, and one small local derivative
# per step. That observation is the whole of automatic differentiation.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 4. Computational graphs and local gradients
#
# Write the computation as a **computational graph**: one node per elementary operation, arrows
# from each operation's inputs to its output. Every operation knows only its **local gradient** —
# the derivative of its output with respect to each of its inputs, e.g.
#
# | operation | output | local gradients |
# |---|---|---|
# | add | $a + b$ | $\partial/\partial a = 1,\;\; \partial/\partial b = 1$ |
# | multiply | $a\,b$ | $\partial/\partial a = b,\;\; \partial/\partial b = a$ |
# | power ($k$ a number) | $a^k$ | $k\,a^{k-1}$ |
# | exp | $e^a$ | $e^a$ |
# | log | $\log a$ | $1/a$ |
# | tanh | $\tanh a$ | $1 - \tanh^2 a$ |
# | sigmoid | $\sigma(a)$ | $\sigma(a)(1 - \sigma(a))$ |
# | ReLU | $\max(a, 0)$ | $1$ if $a > 0$, else $0$ |
#
# The chain rule on a graph then reads: *the gradient of the output with respect to a node is the
# sum, over the arrows leaving that node, of (local gradient on the arrow) × (gradient of the node
# the arrow points to)*. Starting from $\partial L / \partial L = 1$ at the output and walking the
# arrows backwards fills in every gradient — the **backward pass**.
#
# Here is the neuron of section 3 as a graph, built with the `Value` class of the next section. Blue
# numbers on the arrows are local gradients; each box shows its value (`data`) and
# $\partial L / \partial(\text{node})$ (`grad`). Follow the path from `L` back to `w`: multiply the
# blue numbers along the way and you get `w`'s grad.

# %%
w_node, x_node = Value(0.8, label="w"), Value(1.5, label="x")
z_node = w_node * x_node
z_node.label = "z = w·x"
p_node = z_node.sigmoid()
p_node.label = "p = σ(z)"
error_node = p_node - 1.0  # p - t, with the target t = 1
error_node.label = "p − t"
loss_node = error_node**2
loss_node.label = "L"
loss_node.backward()

plotting.draw_graph(loss_node, show_local_grads=True, title="L = (σ(w·x) − 1)²")
plt.show()
print(f"w.grad = {w_node.grad:.6f}   (section 3: {dL_dp * dp_dz * dz_dw:.6f})")

# %% [markdown]
# Reading the graph right to left: `L` has grad 1; the square's local gradient $2(p - t) \approx
# -0.46$ gives `p − t` that grad; the subtraction (an addition of the constant $-t = -1$, the small
# white box) passes it on unchanged, local gradient 1; the sigmoid multiplies by
# $\sigma(1-\sigma) \approx 0.18$; the product hands `w` the factor $x = 1.5$ and `x` the factor
# $w = 0.8$. Each grad is the grad to its right times the blue number between them — the chain rule,
# one step at a time.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 5. `Value`: a reverse-mode automatic-differentiation engine
#
# `course_lib.autodiff.Value` wraps one number. Every arithmetic operation on a `Value` returns a
# new `Value` that remembers its inputs (`children`), its operation (`op`) and a small function
# giving its local gradients. The design follows Andrej Karpathy's *micrograd*. Each **primitive**
# computes its forward value `out`, then hands `_node` the new node's children, the name of the
# operation, and a `lambda` returning the local gradients (one per child) — the forward formula
# and its derivative side by side. The source below calls three small helpers of the module:
#
# - `_node(out, children, op, local_grads)` creates the result `Value` with `data = out` and stores
#   `children`, `op` and the `local_grads` function in it (and counts one operation, for section 7);
# - `_as_value(other, op)` returns `other` if it is already a `Value`, wraps a plain number in a
#   *constant* `Value` (the small white boxes of the graphs), and raises a `TypeError` naming the
#   operator `op` for anything else (a string, `None`, …);
# - `_negated(other, op)` returns $-$`other` for subtraction: a number becomes the constant
#   $-$number (no extra node), a `Value` becomes `-other`, i.e. `other * -1`.

# %%
course_lib.show_source(Value.__add__)
course_lib.show_source(Value.__mul__)
course_lib.show_source(Value.tanh)
course_lib.show_source(Value.sigmoid)

# %% [markdown]
# Everything else is **derived**: a one-liner in terms of the primitives, so it needs no gradient
# code of its own. Subtraction is addition of a negation, division is multiplication by a power
# $-1$, and the *reflected* forms (`2 * v`, `1 - v`, `2 / v`, which Python routes to `__rmul__`,
# `__rsub__`, `__rtruediv__`) reuse the same operations:

# %%
course_lib.show_source(Value.__sub__)
course_lib.show_source(Value.__rsub__)
course_lib.show_source(Value.__truediv__)
course_lib.show_source(Value.__rtruediv__)

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### `backward()`: the chain rule, once per node
#
# The backward pass must handle a node only after **every** node that uses it is done — its grad
# is complete only then. A *topological order* (each node after its children) read backwards
# guarantees that. `backward()` gets that order, sets every grad of the graph to 0, puts 1 at the
# output, and walks backwards applying the rule of section 4 — `child.grad += local * node.grad`:

# %%
course_lib.show_source(Value.backward)
course_lib.show_source(topological_order)

# %% [markdown]
# The classic two-input neuron $o = \tanh(x_1 w_1 + x_2 w_2 + b)$ (micrograd's example), drawn after
# `backward()`. The odd-looking bias is chosen so that $n = 0.8814$ and $o = \tanh n = 1/\sqrt2$,
# which makes the local gradient of the tanh a round number: $1 - o^2 = 0.5$.

# %%
x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
b = Value(6.8813735870195432, label="b")
x1w1, x2w2 = x1 * w1, x2 * w2
x1w1.label, x2w2.label = "x1·w1", "x2·w2"
n = x1w1 + x2w2 + b
n.label = "n"
o = n.tanh()
o.label = "o"
o.backward()

plotting.draw_graph(o, title="o = tanh(x1·w1 + x2·w2 + b)")
plt.show()

# %% [markdown]
# The $0.5$ of the tanh reaches every node left of it unchanged, because addition passes gradients
# through (local gradient 1). Then each product swaps its inputs: `w1` gets $0.5 \cdot x_1 = 1$, `x1`
# gets $0.5 \cdot w_1 = -1.5$. Since $x_2 = 0$, `w2` cannot influence the output (its grad is 0) —
# but `x2` can: its grad is $0.5 \cdot w_2 = 0.5$.
#
# **Check against central differences**, treating the neuron as a function of its five inputs:

# %%
inputs = [x1, x2, w1, w2, b]


def neuron(point):
    """The same neuron as a plain function of its five inputs (x1, x2, w1, w2, b)."""
    a1, a2, v1, v2, bias = (Value(float(v)) for v in point)
    return (a1 * v1 + a2 * v2 + bias).tanh().data


numeric = numerical_gradient(neuron, np.array([v.data for v in inputs]))
for v, g in zip(inputs, numeric):
    print(f"{v.label:>2}: backward {v.grad:+.6f}   central difference {g:+.6f}")
print(f"relative error below 1e-7? {relative_error([v.grad for v in inputs], numeric) < 1e-7}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Two pitfalls, fixed
#
# **Deep graphs.** micrograd sorts the graph with a *recursive* function, and Python refuses to
# recurse more than about a thousand levels deep. A recurrent network unrolled over many time
# steps, or simply `sum()` over thousands of numbers, builds graphs far deeper than that. Our
# `topological_order` uses an explicit stack instead. Here is a chain 10,000 operations deep, and
# a recursive walk of it for comparison:

# %%
x_deep = Value(0.5, label="x")
y_deep = x_deep
for _ in range(5000):
    y_deep = y_deep * 0.999 + 0.001  # two operations per step


def depth_recursive(node):
    return 1 + max((depth_recursive(c) for c in node.children), default=0)


try:
    depth_recursive(y_deep)
except RecursionError as err:
    print(f"a recursive walk fails: {type(err).__name__}")
y_deep.backward()
print(f"iterative: {len(topological_order(y_deep)):,} nodes (operations and their constants) sorted, "
      f"dy/dx = {x_deep.grad:.6f} (exact 0.999**5000 = {0.999**5000:.6f})")

# %% [markdown]
# **Calling `backward()` twice.** Because of fan-out (next section) gradients are *accumulated*
# with `+=`. If they were not reset first, a second `backward()` would double every gradient.
# Ours resets the grads of the whole graph before accumulating, so repeating it is harmless. The
# flip side, written in its docstring: gradients of two *different* outputs are not summed for you —
# to differentiate `loss1 + loss2`, build that sum and call `backward()` on it.

# %%
first = [v.grad for v in inputs]
o.backward()
print(f"same grads after a second backward(): {[v.grad for v in inputs] == first}")

# %% [markdown]
# **Wrong operands** are reported clearly instead of failing somewhere deep inside:

# %%
for attempt in [lambda: Value(2.0) + "3", lambda: None * Value(2.0), lambda: Value(2.0) ** Value(2.0),
                lambda: Value(-1.0).log()]:
    try:
        attempt()
    except (TypeError, ValueError) as err:
        print(f"{type(err).__name__}: {err}")

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 6. Fan-out: gradients add up
#
# What if a value is used more than once? Take $f(x, y) = x\,y + x$: the input $x$ feeds both the
# product and the sum. A small change $\Delta x$ now travels along **two paths** to $f$, and both
# contributions arrive:
#
# $$
# \Delta f \approx \underbrace{y\,\Delta x}_{\text{through } x y} + \underbrace{1\cdot\Delta x}_{\text{directly}}
# \quad\Longrightarrow\quad \frac{\partial f}{\partial x} = y + 1 .
# $$
#
# This is the **multivariable chain rule**: when a node fans out to several consumers, its gradient
# is the *sum* over the paths. It is the reason `backward()` uses `child.grad += ...` rather than
# `=`: each consumer adds its share.

# %%
x_fan, y_fan = Value(3.0, label="x"), Value(-2.0, label="y")
xy = x_fan * y_fan
xy.label = "x·y"
f_fan = xy + x_fan
f_fan.label = "f"
f_fan.backward()

plotting.draw_graph(f_fan, show_local_grads=True, title="x is used twice: its grad is the sum of two paths")
plt.show()
print(f"path through x·y: y = {y_fan.data:.1f};  direct path: 1;  sum = {y_fan.data + 1:.1f}")
print(f"x.grad from backward() = {x_fan.grad:.1f}")

# %% [markdown]
# With `=` instead of `+=` the second path would overwrite the first and `x.grad` would be $-2$ or
# $1$ — both wrong. Fan-out is everywhere in a network: every input feeds every neuron of the first
# layer, and every weight is used once per example of a batch. In chapter 3 the sums over fan-out
# become matrix products such as $dW = X^\top\delta$.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 7. Forward mode against reverse mode
#
# The chain rule multiplies local gradients along paths, and a product can be evaluated in any
# order. Two orders matter.
#
# - **Forward mode** starts at ONE input $x_i$ and pushes forward, through the graph in the order
#   of the computation, the *tangent* "how much does this node move when $x_i$ moves". One pass
#   gives $\partial f/\partial x_i$ for that single input — and the derivatives of **all outputs**.
# - **Reverse mode** starts at ONE output $f$ and pushes backward the *gradient* "how much does $f$
#   move when this node moves". One pass gives $\partial f / \partial x_i$ for **all inputs** — but
#   for that single output.
#
# A loss has one output and as many inputs as the network has parameters, which is why training uses
# reverse mode. Both modes use the very same local gradients; `forward_mode_derivative` walks the
# same graph inputs-first:

# %%
course_lib.show_source(forward_mode_derivative)

# %%
for v in inputs:
    print(f"{v.label:>2}: forward mode {forward_mode_derivative(o, v):+.6f}   reverse mode {v.grad:+.6f}")

# %% [markdown] slideshow={"slide_type": "subslide"}
# ### Measured: the cost of a full gradient
#
# Take a neuron with $n$ weights and a squared-error loss, $L(w) = (\tanh(\sum_i w_i x_i) - 0.5)^2$,
# and compute $\nabla_w L$ three ways, counting the work with `count_operations()`: every operation
# evaluated in a forward pass, and every node whose local gradients are applied (a *chain-rule
# step*). Counts, unlike timings, are the same on every machine.
#
# - **central differences**: $2n$ evaluations of $L$;
# - **forward mode**: one forward pass, then one tangent pass per weight, $n$ in all;
# - **reverse mode**: one forward pass and one backward pass.

# %%
def neuron_mse(weights, x_data):
    return (sum(w * x for w, x in zip(weights, x_data)).tanh() - 0.5) ** 2


n_inputs = np.array([1, 2, 5, 10, 20, 50, 100, 200])
costs = {"one evaluation of L": [], "reverse mode": [], "forward mode": [], "central differences": []}
for n_w in n_inputs:
    x_data, w0 = rng.normal(size=n_w), rng.normal(size=n_w) / np.sqrt(n_w)
    with count_operations() as reverse:
        weights = [Value(v) for v in w0]
        loss = neuron_mse(weights, x_data)
        loss.backward()
    reverse_grad = [v.grad for v in weights]
    with count_operations() as forward:
        weights = [Value(v) for v in w0]
        loss = neuron_mse(weights, x_data)
        forward_grad = [forward_mode_derivative(loss, v) for v in weights]
    with count_operations() as central:
        numeric_grad = numerical_gradient(lambda w: neuron_mse([Value(v) for v in w], x_data).data, w0)
    assert relative_error(reverse_grad, forward_grad) < 1e-12  # the same numbers, another order
    assert relative_error(reverse_grad, numeric_grad) < 1e-7
    costs["one evaluation of L"].append(reverse.evaluations)
    costs["reverse mode"].append(reverse.total)
    costs["forward mode"].append(forward.total)
    costs["central differences"].append(central.total)

print(f"{'n':>4} {'one eval of L':>14} {'reverse':>9} {'forward':>9} {'central diff':>13}   reverse / one eval")
for i, n_w in enumerate(n_inputs):
    one, rev, fwd, cen = (costs[k][i] for k in costs)
    print(f"{n_w:>4} {one:>14,} {rev:>9,} {fwd:>9,} {cen:>13,}   {rev / one:.1f}")

# %%
ax = plotting.plot_autodiff_cost(n_inputs, costs, reference="one evaluation of L")
ax.set_title("Work for the full gradient of a loss with n inputs")
plt.show()

# %% [markdown]
# All three methods agree on the gradient (the `assert` above checks it), but not on the price.
# One evaluation of $L$ costs $2n + 3$ operations. Reverse mode costs twice that *in this count*,
# for every $n$, because the count gives one unit to each forward operation and one to each
# backward chain-rule step. Counting arithmetic instead gives more: the backward step of a
# product $a\,b$ computes two products (one per input, $b\cdot g$ and $a\cdot g$) and two additions into
# the `grad`s, where the forward pass computed one product. Counted in multiply-adds, a backward
# pass costs about 1–2 forward passes, so forward + backward is about **2–3 times** one forward pass
# (chapter 3, section 9 counts about 3 for matrix layers: one matrix product forward, two
# backward). The honest summary: reverse mode costs **a small constant** times one evaluation,
# whatever $n$.
#
# Forward mode and central differences pay one (or two) full passes **per input**, so their cost
# grows like $n^2$ — at $n = 200$ they are about 100 and 200 times more expensive than reverse mode,
# and the gap keeps widening. For a network with a million weights, reverse mode still costs one
# forward and one backward pass; the others cost a million passes. What reverse mode pays instead
# is **memory**: the backward pass needs every value the forward pass computed (section 8).
#
# This is **automatic differentiation** (自動微分): not symbolic algebra on formulas, and not
# numerical approximation, but the exact chain rule applied to the operations the program actually
# ran, at a cost of a small constant times the forward computation. **Backpropagation** (逆伝播) is
# reverse-mode automatic differentiation applied to the loss of a neural network. Forward mode wins
# in the opposite situation — few inputs, many outputs — and both are used in practice.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## 8. What reverse mode costs: memory
#
# Look back at section 3: to get $dL/dw$ the chain rule needed $p$ and $z$ from the forward pass.
# Every local gradient needs some forward value — a product needs its *other* input, the tanh its
# output, ReLU the sign of its input. Reverse mode starts only when the forward pass is finished,
# and walks it backwards, so it must **keep every such value** until the backward pass has used it.
# The `Value` engine keeps the whole graph alive (each node holds its children). Forward mode does
# not: it carries the tangent along with the values, so a layer's values can be dropped as soon as
# the next layer has been computed.
#
# With arrays (chapter 3) each layer keeps its **forward cache**: a `Linear` layer its input $X$,
# shape $(N, \text{in})$, for $dW = X^\top\delta$; a `ReLU` its mask $x > 0$, one byte per entry.
# `course_lib.memory` adds up the bytes of those cached arrays (their `nbytes`): exact counts, the
# same on every machine, unlike the memory a process happens to use.

# %%
course_lib.show_source(memory.cached_arrays)
course_lib.show_source(memory.cached_bytes)

# %% [markdown]
# A small network, `MLP([784, 256, 256, 10])` (ReLU between the layers, float64), after one forward
# pass of a batch of 64 inputs (random numbers standing in for 784-pixel images):

# %%
model = MLP([784, 256, 256, 10], rng=rng)
X_batch = rng.normal(size=(64, 784))
model.forward(X_batch)
for i, layer in enumerate(model.layers):
    for a in memory.cached_arrays(layer):
        print(f"layer {i} {type(layer).__name__:<6} keeps {str(a.shape):<10} {str(a.dtype):<7} "
              f"{a.nbytes:>9,} bytes")
print(f"{'total kept for the backward pass':<42}{memory.cached_bytes(model):>9,} bytes")
print(f"formula 64 · (8·(784 + 256 + 256) + 1·(256 + 256)) = {64 * (8 * (784 + 256 + 256) + 256 + 256):,}")

# %% [markdown]
# **Measured as the network grows.** `memory_profile` runs the forward pass layer by layer and
# reports three numbers: what reverse mode keeps (all caches); what forward mode needs at most at
# once (one layer's input and output, each with its tangent); and what **gradient checkpointing**
# keeps (below). We stack hidden layers of width 256 (inputs of width 256 too, so every layer is
# alike), first with a batch of 128 and 1 to 64 hidden layers, then at 16 hidden layers with
# batches of 16 to 1,024:

# %%
depths = np.array([1, 2, 4, 8, 16, 32, 64])
by_depth = {"reverse mode (backprop)": [], "gradient checkpointing": [], "forward mode": []}
for depth in depths:
    net = MLP([256] * (depth + 1) + [10], rng=rng)
    profile = memory.memory_profile(net, rng.normal(size=(128, 256)))
    for key, name in zip(by_depth, ["reverse", "checkpointing", "forward_mode"]):
        by_depth[key].append(profile[name])

batch_sizes = np.array([16, 64, 256, 1024])
by_batch = {"reverse mode (backprop)": [], "gradient checkpointing": [], "forward mode": []}
net = MLP([256] * 17 + [10], rng=rng)
for batch in batch_sizes:
    profile = memory.memory_profile(net, rng.normal(size=(batch, 256)))
    for key, name in zip(by_batch, ["reverse", "checkpointing", "forward_mode"]):
        by_batch[key].append(profile[name])

print(f"{'hidden layers':>13} {'reverse':>10} {'checkpoint':>11} {'forward':>9}   (MiB, batch 128)")
for i, depth in enumerate(depths):
    print(f"{depth:>13} " + " ".join(f"{by_depth[k][i] / 2**20:>{w}.2f}" for k, w in zip(by_depth, (10, 11, 9))))
print(f"{'batch size':>13} {'reverse':>10} {'checkpoint':>11} {'forward':>9}   (MiB, 16 hidden layers)")
for i, batch in enumerate(batch_sizes):
    print(f"{batch:>13} " + " ".join(f"{by_batch[k][i] / 2**20:>{w}.2f}" for k, w in zip(by_batch, (10, 11, 9))))

# %%
fig, (ax_depth, ax_batch) = plt.subplots(1, 2, figsize=(12, 4.3))
plotting.plot_activation_memory(depths, by_depth, "hidden layers (width 256)", ax=ax_depth,
                                title="Memory kept vs depth (batch 128)")
plotting.plot_activation_memory(batch_sizes, by_batch, "batch size", ax=ax_batch,
                                title="Memory kept vs batch size (16 hidden layers)")
fig.tight_layout()
plt.show()

# %% [markdown]
# Reverse mode's memory grows **linearly with the depth and linearly with the batch size**: 64
# times the hidden layers, 34 times the bytes (the input and output layers are a fixed part);
# 64 times the batch, 64 times the bytes. Forward mode's does not grow with depth at all — it
# grows with the batch like everything else — but forward mode needs one pass per parameter
# (section 7).
# This is the real price of backpropagation. For the small networks of this course it is a few
# to a few tens of MiB; for large networks the stored activations, more than the weights, are often
# what fills a GPU's memory, and they are why the batch size cannot simply be raised.
#
# **The remedy: gradient checkpointing** (Chen, Xu, Zhang & Guestrin 2016, *Training Deep Nets with
# Sublinear Memory Cost*, arXiv:1604.06174). Cut the $L$ layers into segments of $k$ layers; on the
# forward pass keep only the input of each segment (a *checkpoint*) and throw the caches away. On
# the backward pass, recompute one segment's forward pass from its checkpoint, backpropagate
# through it, free it, move to the previous segment. The memory is about $L/k$ checkpoints plus
# $k$ layers of caches, smallest for $k \approx \sqrt{L}$: memory $\sim 2\sqrt{L}$ layers instead of
# $L$. In the figure (segments of $\sqrt{L}$ layers, rounded) 64 times the depth costs 8.3 times the
# bytes — the square root of 64 is 8. The price is time: every segment's forward pass runs twice,
# about one extra forward pass in all (roughly a third more work, if forward + backward costs about
# three forward passes). PyTorch offers it as `torch.utils.checkpoint`.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Summary
#
# - The derivative is a sensitivity: $f(x + h) \approx f(x) + f'(x)\,h$.
# - Numerical derivatives need no calculus. The central difference $\frac{f(x+h) - f(x-h)}{2h}$ has
#   truncation error $\propto h^2$ (forward: $\propto h$) and round-off error $\propto \varepsilon/h$;
#   the best step is near $10^{-5}$ (measured $7\times10^{-6}$; the library's default is the round
#   $10^{-5}$), giving about 11 correct digits (forward: 8, at $h \approx 10^{-8}$).
# - The chain rule: sensitivities multiply along a composition, $\frac{dy}{dx} = \frac{dy}{du}\frac{du}{dx}$.
# - A computational graph stores the forward values; each operation supplies only its local
#   gradients. The backward pass visits the nodes in reverse topological order and applies
#   `child.grad += local * node.grad`.
# - Fan-out: a value used several times receives the **sum** of the gradients from all its uses.
# - Reverse mode gives the gradient with respect to all $n$ inputs for one forward plus one
#   backward pass — a small constant times the cost of one forward pass (2 counting nodes, about
#   2–3 counting arithmetic); forward mode and numerical differences cost $n$ passes.
#   Backpropagation is reverse-mode automatic differentiation.
# - Its price is memory: every intermediate value of the forward pass is kept until the backward
#   pass has used it — bytes growing with depth × batch size × width, where forward mode keeps
#   one layer. Gradient checkpointing trades recomputation for memory (about $\sqrt{L}$ layers
#   stored instead of $L$).
#
# **Next:** chapter 3 goes from scalars to arrays: the same chain rule, one layer at a time.

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Exercises
#
# Write your answer in the exercise cell, then run it: `check` says whether it passes or gives a hint. In this copy each exercise cell already holds a reference solution — try the exercise yourself before you read it (`make student` writes copies with a placeholder in its place).
#
# ### Exercise 2.1 — central difference
# Write `central_difference(f, x, h=1e-5)` returning the central-difference estimate of $f'(x)$ for
# a function `f` of one float. Do not call `numerical_derivative`.

# %%
def central_difference(f, x, h=1e-5):
    ### BEGIN SOLUTION
    return (f(x + h) - f(x - h)) / (2 * h)
    ### END SOLUTION


check("2.1", central_difference)

# %% [markdown]
# ### Exercise 2.2 — a local gradient
# The **softplus** function $\mathrm{softplus}(x) = \log(1 + e^x)$ is a smooth version of ReLU. Derive
# its derivative with the chain rule (outer function $\log u$, inner $u = 1 + e^x$) and write
# `softplus_grad(x)` returning it for a float `x`. Simplify: which function from this chapter is it?
# It must work for every float, $x = \pm 800$ included: $e^{800}$ overflows a float64 (chapter 1,
# section 6), so arrange the formula to exponentiate only numbers $\le 0$.

# %%
def softplus_grad(x):
    ### BEGIN SOLUTION
    if x >= 0:
        return 1 / (1 + math.exp(-x))  # e^x / (1 + e^x), top and bottom divided by e^x
    e = math.exp(x)  # x < 0: e^x < 1, cannot overflow
    return e / (1 + e)  # = sigmoid(x)
    ### END SOLUTION


check("2.2", softplus_grad)

# %% [markdown]
# ### Exercise 2.3 — a gradient by hand
# For one example with input $x = 1.5$ and target $t = 0.5$, a tanh neuron has the loss
# $L(w, b) = \big(\tanh(wx + b) - t\big)^2$. Derive $\partial L/\partial w$ and $\partial L/\partial b$
# by hand as in section 3 (name the intermediate steps $z = wx + b$ and $a = \tanh z$) and write
# `grad_by_hand(w, b)` returning the pair `(dL_dw, dL_db)` as floats. The check compares it with
# `Value.backward()` at random points.

# %%
def grad_by_hand(w, b):
    x, t = 1.5, 0.5
    ### BEGIN SOLUTION
    a = math.tanh(w * x + b)
    dL_dz = 2 * (a - t) * (1 - a**2)  # dL/da * da/dz
    return dL_dz * x, dL_dz  # dz/dw = x, dz/db = 1
    ### END SOLUTION


check("2.3", grad_by_hand)

# %% [markdown]
# ### Exercise 2.4 — a gradient with the engine
# Write `gradient(f, xs)`: given a function `f` that takes a list of `Value`s and returns one
# `Value`, and a list of floats `xs`, return the list of partial derivatives
# $\partial f / \partial x_i$ at `xs`, using ONE `backward()` call in all, whatever the number of
# inputs (the check counts the calls). Some of the test functions use an input several times
# (fan-out).

# %%
def gradient(f, xs):
    ### BEGIN SOLUTION
    values = [Value(x) for x in xs]
    f(values).backward()
    return [v.grad for v in values]
    ### END SOLUTION


check("2.4", gradient)

# %% [markdown]
# ### Exercise 2.5 — predict the memory
# Write `predict_cached_bytes(layer_sizes, batch_size)` returning the number of bytes that
# `memory.cached_bytes(model)` reports after one forward pass of a batch of `batch_size` examples
# through `model = MLP(layer_sizes)` (ReLU between the layers, float64). Work it out from what each
# layer keeps (section 8), without building a network. Then use it: how many MiB does
# `MLP([784, 1000, 1000, 1000, 10])` keep for a batch of 512?

# %%
def predict_cached_bytes(layer_sizes, batch_size):
    ### BEGIN SOLUTION
    linear_inputs = sum(layer_sizes[:-1])  # each Linear keeps its input: N × in floats of 8 bytes
    relu_masks = sum(layer_sizes[1:-1])  # each ReLU keeps x > 0: N × width booleans of 1 byte
    return batch_size * (8 * linear_inputs + 1 * relu_masks)
    ### END SOLUTION


check("2.5", predict_cached_bytes)
print(f"MLP([784, 1000, 1000, 1000, 10]), batch 512: "
      f"{predict_cached_bytes([784, 1000, 1000, 1000, 10], 512) / 2**20:.1f} MiB")

# %% [markdown]
# **Going further (no check):** add a `sin` primitive to a copy of `Value` (forward `math.sin`,
# local gradient `math.cos`) and verify $\frac{d}{dx}\sin(x^2) = 2x\cos(x^2)$ with `backward()`.
# Then time `forward_mode_derivative` against `backward()` for $n = 1000$ inputs on your machine.
# Finally, for the network of section 8 with 64 hidden layers (129 layers), call
# `memory.memory_profile(net, X, segment=k)` for `k` from 1 to 129: which segment length keeps the
# least memory, and how does it compare with $\sqrt{129} \approx 11$? What do `k = 1` and `k = 129` mean?

# %% [markdown] slideshow={"slide_type": "slide"}
# ## Glossary
#
# | English | 日本語 | meaning here |
# |---|---|---|
# | derivative | 微分（導関数） | rate of change of an output per change of an input; a sensitivity |
# | sensitivity | 感度 | how strongly an output reacts to a small change of one input |
# | partial derivative | 偏微分 | derivative with respect to one input, the others held fixed |
# | gradient | 勾配 | the vector of partial derivatives of the loss |
# | numerical differentiation | 数値微分 | estimating a derivative from function values, e.g. central differences |
# | forward / central difference | 前進差分 / 中心差分 | $(f(x+h) - f(x))/h$ / $(f(x+h) - f(x-h))/2h$ |
# | Taylor expansion | テイラー展開 | $f(x+h) = f(x) + h f'(x) + \frac{h^2}{2} f''(x) + \dots$ |
# | truncation error | 打ち切り誤差 | error from cutting the Taylor series: $\propto h$ or $h^2$ |
# | round-off error | 丸め誤差 | error from finite float precision: $\propto \varepsilon/h$ |
# | chain rule | 連鎖律 | derivatives of a composition multiply: $\frac{dy}{dx} = \frac{dy}{du}\frac{du}{dx}$ |
# | computational graph | 計算グラフ | nodes = operations and values, arrows = which value feeds which operation |
# | forward pass / backward pass | 順伝播 / 逆伝播 | computing the values inputs → output / the gradients output → inputs |
# | local gradient | 局所的な勾配（局所勾配） | derivative of one operation's output with respect to one of its inputs |
# | topological order | トポロジカル順序 | an order of the nodes in which each comes after its inputs |
# | fan-out | ファンアウト（分岐） | one value used by several operations; its gradients add |
# | automatic differentiation | 自動微分 | exact derivatives of a program by applying the chain rule to its operations |
# | forward mode | フォワードモード | automatic differentiation from the inputs to the outputs, one input per pass |
# | reverse mode | リバースモード | automatic differentiation from the output back to the inputs, one output per pass |
# | backpropagation | 誤差逆伝播法（逆伝播） | reverse-mode automatic differentiation of a network's loss |
# | forward cache | 順伝播のキャッシュ | (course term) the values a layer keeps in the forward pass for its backward pass |
# | activation function / activation | 活性化関数 / アクティベーション（活性） | the nonlinearity between layers / a layer's output |
# | batch size | バッチサイズ | number of examples processed together; activation memory grows with it |
# | memory (consumption) | メモリ（使用量） | bytes stored; reverse mode keeps every layer's cache |
# | gradient checkpointing | 勾配チェックポインティング（再計算） | keep only segment inputs and recompute the rest during backward |
#
# **Next chapter:** [Chapter 3 — Backpropagation](03_backpropagation.ipynb): the same chain rule
# on whole arrays, one layer at a time.
