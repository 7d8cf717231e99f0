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

# %% [markdown] slideshow={"slide_type": "slide"} translates="a948490c60de"
# # 第3章 — 誤差逆伝播法：連鎖律を 1 レイヤずつ
#
# **この章で学ぶこと**
# - 第2章の連鎖律を配列全体に使う方法: `forward` と `backward` をもつ **レイヤ**
# - Linearレイヤの勾配 $dW = X^\top\delta$, $db = \sum_n \delta_n$, $dX = \delta W^\top$。添字を使って導き、形状で確かめます
# - シグモイド関数・tanh・ReLU関数の傾きと、ソフトマックス関数と交差エントロピー誤差をまとめた勾配 $(p - t)/N$
# - 2 層ネットワークの順伝播と逆伝播を手で計算し、次にライブラリのレイヤで計算すること
# - すべての勾配を数値的に確かめる方法と、数値微分で学習する人がいない理由
# - 逆向きに伝わっていく誤差信号 $\delta$
# - ヤコビ行列と、逆伝播がヤコビ行列を一度も作らずにそれを掛けられる理由（ベクトル・ヤコビ積、ソフトマックス関数のヤコビ行列 $\mathrm{diag}(p) - pp^\top$）
# - 重みの初期値の決め方（対称性、Xavierの初期値と Heの初期値の背後にある分散の議論）と、スケールを誤ると勾配が消えたり爆発したりすること
# - 活性化関数の選び方と、誤差逆伝播法の 3 つの利点
#
# **前提知識**: 第1章（損失関数、ソフトマックス関数、交差エントロピー誤差）と第2章（連鎖律、数値微分、`Value` エンジン）。NumPy の行列積（`A @ B`, `.T`, `.sum(axis=0)`）。
#
# **第2章のおさらい** 微分は感度を表します。入力を少し動かしたとき、出力がどれだけ動くかです。連鎖律は計算グラフに沿って局所的な感度を掛け合わせます。リバースモードはそれを出力から入力へ向かって適用するので、**1 回の逆伝播** で **すべての** 入力についての損失の微分が得られます。これをスカラーのエンジン `Value` として作りました。そこでは数 1 つ 1 つがノードになっていて、結果を中心差分 $\big(f(x+h) - f(x-h)\big)/2h$ と照らし合わせました。

# %% translates="657b5c9683b5"
# Running on Google Colab? Install the course library first (this does nothing anywhere else).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://github.com/backprop-from-zero/backprop-from-zero"], check=True)

# %% translates="0c3bf1eb42e5"
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

# lang="ja": メッセージと図を日本語にします（lang="en" なら英語）
rng = course_lib.setup_notebook(seed=0, lang="ja")

# %% [markdown] slideshow={"slide_type": "slide"} translates="51ba27b71d7e"
# ## 1. スカラーから配列へ
#
# `Value` エンジンは、数 1 つごとに計算グラフのノードを 1 つ作ります。小さな MNIST 用ネットワーク 784 → 128 → 10 には 101,770 個のパラメータがあります。画像を **1 枚** 通すだけで約 200,000 回の掛け算と足し算、つまり 200,000 個の Python オブジェクトができます。しかも学習では、画像をふつう 100 枚ほどまとめて（*ミニバッチ*として。第4章）使います。これでは遅すぎます。
#
# 解決策で変わるのは *計算の整理のしかた* で、数学は変わりません。数を配列にまとめ、各 **レイヤ** を、ずっと粗い計算グラフの 1 つのノードにします。どのレイヤも、`Value` の演算が守っていた約束を同じように守ります。順伝播の式と、その局所的な微分をセットで持つことです:
#
# ```
#  順伝播:  x ──► [ レイヤ ] ──► y          y = layer.forward(x)         （backward に必要なものをキャッシュ）
#  逆伝播:  dL/dx ◄── [ レイヤ ] ◄── dL/dy   dL/dx = layer.backward(dL/dy)   （dL/dW は layer.grads に）
# ```
#
# 上から届く勾配 $\delta = \partial L/\partial y$ を、そのレイヤの **誤差信号** と呼びます。形状は $y$ とまったく同じです。データ 1 つ・ユニット 1 つごとに 1 つの数があり、その出力が動いたら損失がどれだけ変わるかを表します。`backward` はこれを、下のレイヤの誤差信号 $\partial L/\partial x$ と、自分のパラメータの勾配に変えます。誤差逆伝播法とは、最後のレイヤから最初のレイヤへ順に `backward` を呼ぶこと、ただそれだけです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="57bb52158166"
# ## 2. Linearレイヤ
#
# Linearレイヤ（全結合層。『ゼロから作るDeep Learning』の Affine レイヤ）は、$D_{in}$ 個の特徴量をもつ $N$ 行のバッチ $X$ を、$D_{out}$ 個の特徴量をもつ $N$ 行に変換します:
#
# $$
# Y = XW + b, \qquad X: (N, D_{in}),\quad W: (D_{in}, D_{out}),\quad b: (D_{out},),\quad Y: (N, D_{out}).
# $$
#
# 行列の微分は、数 1 つずつ考えるのがいちばん簡単です。添字で書くと
#
# $$
# y_{nj} = \sum_i x_{ni} W_{ij} + b_j .
# $$
#
# 損失が $W_{ij}$ に依存するのは出力 $y_{nk}$ を通してだけなので、連鎖律から（第2章の分岐と同じく、すべての経路について和をとって）
#
# $$
# \frac{\partial L}{\partial W_{ij}} = \sum_{n}\sum_{k} \underbrace{\frac{\partial L}{\partial y_{nk}}}_{\delta_{nk}}
# \frac{\partial y_{nk}}{\partial W_{ij}} .
# $$
#
# ここで $\partial y_{nk}/\partial W_{ij}$ は、$k = j$ のとき $x_{ni}$、それ以外では $0$ です（重み $W_{ij}$ は出力 $j$ にしか入りません）。$k$ についての和は 1 項だけが残ります:
#
# $$
# \frac{\partial L}{\partial W_{ij}} = \sum_n x_{ni}\,\delta_{nj} = (X^\top \delta)_{ij}
# \quad\Longrightarrow\quad dW = X^\top \delta .
# $$
#
# 同じ手順で残りの 2 つも求まります。$\partial y_{nk}/\partial b_j = [k = j]$、$\partial y_{nk}/\partial x_{mi} = W_{ik}\,[n = m]$ なので
#
# $$
# \frac{\partial L}{\partial b_j} = \sum_n \delta_{nj} \;\Longrightarrow\; db = \sum_n \delta_n,
# \qquad
# \frac{\partial L}{\partial x_{ni}} = \sum_k \delta_{nk} W_{ik} = (\delta W^\top)_{ni}
# \;\Longrightarrow\; dX = \delta W^\top .
# $$
#
# バイアスはすべての行に足されるので、その勾配はバッチについて **和をとります**。どのデータもバイアスを押すからです。

# %% [markdown] slideshow={"slide_type": "subslide"} translates="991b0112f6b0"
# **形状は手間のかからないチェックになる** 勾配の形状は、微分される量の形状と必ず同じです。$dW$ は $W$ と同じ $(D_{in}, D_{out})$ でなければなりません。$X: (N, D_{in})$ と $\delta: (N, D_{out})$ からその形状になる積は $X^\top\delta$、つまり $(D_{in}, N)\cdot(N, D_{out})$ *しか* ありません。同様に $dX$ は $(N, D_{in})$ でなければならず、当てはまるのは $\delta W^\top$ だけです。式を忘れても、形状から組み立て直せます。下の図は $N = 4$, $D_{in} = 3$, $D_{out} = 2$ のときの 3 つの積を、大きさをそろえて描いたものです:

# %% translates="2ba041272ce9"
plotting.plot_backward_shapes(n=4, n_in=3, n_out=2)
plt.show()

# %% [markdown] translates="7151655decc3"
# ライブラリの `Linear` は、これらの式そのものです。`forward` は入力 `x`（`backward` に必要なのはこれだけです）をキャッシュし、`backward` は引数にもキャッシュにも書き込みません:

# %% translates="db8da4b896d2"
course_lib.show_source(Linear.forward)
course_lib.show_source(Linear.backward)

# %% [markdown] translates="bb5d0d694f45"
# データ $N = 4$ 個、入力 3、出力 2 で試してみましょう。`grad_out` は、上のレイヤから届く何らかの $\delta$ の代わりです:

# %% translates="27ce5f7e4853"
linear = Linear(3, 2, rng=rng)
X_small = rng.normal(size=(4, 3))
Y_small = linear.forward(X_small)
delta = rng.normal(size=Y_small.shape)
dX_small = linear.backward(delta)
for name, array in [("X", X_small), ("W", linear.params["W"]), ("Y", Y_small), ("δ", delta),
                    ("dW", linear.grads["W"]), ("db", linear.grads["b"]), ("dX", dX_small)]:
    print(f"{name:>2}: 形状 {array.shape}")
print("dW == X.T @ δ:", np.allclose(linear.grads["W"], X_small.T @ delta))

# %% [markdown] slideshow={"slide_type": "slide"} translates="32e7a1be23d6"
# ## 3. 活性化関数とその傾き
#
# Linearレイヤの間には、要素ごとの **非線形** な関数 $a = f(z)$、つまり活性化関数が入ります。そもそもなぜ必要なのでしょうか。Linearレイヤを 2 つ続けても、1 つのLinearレイヤと同じだからです:
#
# $$
# (XW_1 + b_1)\,W_2 + b_2 = X\,\underbrace{(W_1W_2)}_{W} + \underbrace{(b_1W_2 + b_2)}_{b} ,
# $$
#
# 帰納法により、何層重ねても同じです。ランダムな 2 つのレイヤで数値的に確かめます:

# %% translates="d41d73763633"
lin_rng = np.random.default_rng(3)  # 専用の乱数生成器: 後の節の数値が変わらないように
lin1, lin2 = Linear(5, 8, rng=lin_rng), Linear(8, 3, rng=lin_rng)
lin1.params["b"][...] = lin_rng.normal(size=8)  # b1 @ W2 が効くように、バイアスを 0 でなくする
lin2.params["b"][...] = lin_rng.normal(size=3)
X_lin = lin_rng.normal(size=(6, 5))
two_layers = lin2.forward(lin1.forward(X_lin))
W_one = lin1.params["W"] @ lin2.params["W"]
b_one = lin1.params["b"] @ lin2.params["W"] + lin2.params["b"]
print(f"Linearレイヤ 2 つと、1 つのレイヤ (W1 W2, b1 W2 + b2) の比較: "
      f"差の最大値 {np.max(np.abs(two_layers - (X_lin @ W_one + b_one))):.0e}")

# %% [markdown] translates="9eb91a7d0d8d"
# 丸め誤差を除けば同じです。非線形性がなければ、層を深くしても何も得られません。3 層の線形なネットワークでも、描けるのは直線だけです。下の図では、各パネルにランダムに初期化したネットワーク 1 → 32 → 32 → 32 → 1 を 3 つずつ描いています。活性化関数がなければどれも直線を計算します。レイヤの間に tanh か ReLU を入れると曲がります（ReLU では折れ線になり、どこかのユニットがオン・オフを切り替える所で折れ曲がります）。

# %% translates="76d5c587d2c4"
x_line = np.linspace(-3, 3, 201)[:, None]
random_nets = {}
for label, make_activation in [("活性化関数なし: 線形", None), ("tanh", Tanh), ("ReLU", ReLU)]:
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

# %% [markdown] translates="03a16a352a12"
# つまり、層を深くする意味を生むのは活性化関数です。活性化関数は要素ごとに働きます。$a_{nj}$ は $z_{nj}$ だけに依存するので、連鎖律の経路は 1 本だけで、逆伝播は要素ごとの積になります:
#
# $$
# \frac{\partial L}{\partial z_{nj}} = \frac{\partial L}{\partial a_{nj}}\, f'(z_{nj})
# \qquad\text{つまり}\qquad \delta_z = \delta_a \odot f'(z).
# $$
#
# | 活性化関数 | $f(z)$ | $f'(z)$ | キャッシュしておくもの（いちばん安上がり） |
# |---|---|---|---|
# | シグモイド関数 | $\sigma(z) = 1/(1+e^{-z})$ | $\sigma(z)\,(1-\sigma(z))$ | 出力 $\sigma(z)$ |
# | tanh | $\tanh z$ | $1 - \tanh^2 z$ | 出力 $\tanh z$ |
# | ReLU | $\max(z, 0)$ | $z > 0$ なら $1$、それ以外は $0$ | 真偽値のマスク $z > 0$ |
#
# シグモイド関数の微分は $\sigma(z) = (1+e^{-z})^{-1}$ から求まります: $\sigma'(z) = e^{-z}/(1+e^{-z})^2 = \sigma(z)\cdot\frac{e^{-z}}{1+e^{-z}} = \sigma(z)(1-\sigma(z))$。シグモイド関数も tanh も自分の出力から微分を計算できるので、出力をキャッシュします。
#
# 下の図の曲線はレイヤの `forward` から、傾きは $\delta = 1$ で呼んだ `backward` から描いています。ライブラリ自身が自分の微分を描いているのです。

# %% translates="271679bc4700"
plotting.plot_activations()
plt.show()

# %% [markdown] translates="df9bacfbf154"
# この図から覚えておきたいことが 2 つあります。ReLU は、ユニットがアクティブな所では誤差信号をそのまま通し、それ以外では完全に止めます。シグモイド関数の傾きは $0.25$ を超えません。誤差信号はシグモイド関数のレイヤを 1 つ通るたびに、少なくとも 4 分の 1 に縮みます。これが深いネットワークで何を起こすか、そして重みの初期値でどこまで補えるかは、第11〜12節で見ます。

# %% translates="366717bbe489"
course_lib.show_source(Sigmoid)

# %% translates="8e3bcea42d68"
course_lib.show_source(ReLU)

# %% [markdown] translates="cca14dfddb85"
# `ReLU.backward` は `np.multiply(g, mask)`、つまり **新しい** 配列を返します。よくある書き方では引数に `dout[mask] = 0` と書き込みますが、呼び出し側がまだ `dout` を使うなら、これはバグの元です。また、このシグモイド関数はオーバーフローしないように書かれています。`np.exp(-abs(x))` は 1 以下です。

# %% [markdown] slideshow={"slide_type": "slide"} translates="f1e47d16f9ae"
# ## 4. ソフトマックス関数と交差エントロピー誤差をまとめる
#
# 最後のレイヤはスコア（ロジット）$z$ を出力します。第1章では、これを確率 $p = \mathrm{softmax}(z)$ と、one-hot表現の正解ラベル $t$ による損失 $L = -\frac1N\sum_n\sum_c t_{nc}\log p_{nc}$ に変換しました。2 つの段階を別々に逆伝播することもできますが、まとめると驚くほど簡単な勾配になります。データ 1 つについて（$n$ を省略して）、$\log p_c = z_c - \log\sum_k e^{z_k}$ を使うと:
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
# バッチについて平均をとると:
#
# $$
# \boxed{\;\frac{\partial L}{\partial z} = \frac{p - t}{N}\;}
# $$
#
# 予測した確率から正解を引くだけです。指数関数を微分する必要も、小さな $p$ で割る必要もありません。だからライブラリはこの 2 つを 1 つの損失レイヤ `SoftmaxCrossEntropy` にまとめています（『ゼロから作るDeep Learning』の Softmax-with-Loss レイヤです）。`forward` は $p$ と正解ラベルをキャッシュし、`backward` は引数をとりません（損失は連鎖の終点で、$\partial L/\partial L = 1$ だからです）:

# %% translates="e4650968a3e4"
course_lib.show_source(SoftmaxCrossEntropy.backward)

# %% [markdown] translates="c856874a85a3"
# 第1章の例です。ネットワークは「7」と答えましたが、正解は「3」です。スコアでの誤差信号は、間違ったクラスに確率を与えた所では正（そのスコアを下げる）、正解のクラスでは負（そのスコアを上げる）になります:

# %% translates="91735873c9db"
scores_73 = np.log(np.array([[0.02, 0.02, 0.02, 0.14, 0.02, 0.02, 0.02, 0.70, 0.02, 0.02]]))
sce = SoftmaxCrossEntropy()
loss_73 = sce.forward(scores_73, np.array([3]))
grad_73 = sce.backward()
print(f"損失 = {loss_73:.4f}   (= -log 0.14)")
print("dL/dz =", np.array2string(grad_73[0], precision=2))
numeric_73 = numerical_gradient(lambda z: SoftmaxCrossEntropy().forward(z, np.array([3])), scores_73)
print(f"中心差分と一致（相対誤差 < 1e-7）: {relative_error(grad_73, numeric_73) < 1e-7}")

# %% translates="3114fe911db5"
fig, ax = plt.subplots(figsize=(8, 3.2))
digits = np.arange(10)
ax.bar(digits - 0.2, np.exp(scores_73[0]), width=0.4, label="p = softmax(z)", color="C0")
ax.bar(digits + 0.2, grad_73[0], width=0.4, label="dL/dz = p − t", color="C3")
ax.axhline(0, color="black", lw=0.8)
ax.set_xticks(digits)
ax.set(xlabel="数字（クラス）", ylabel="値",
       title="予測は「7」、正解は「3」: スコアでの誤差信号")
ax.legend(loc="upper left")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"} translates="aed880a85321"
# ## 5. 2 層ネットワークを手で計算する
#
# いよいよ連鎖全体です。scikit-learn の 8×8 の手書き数字 4 枚（それぞれ 64 ピクセル）、ReLU のユニット 16 個の隠れ層、そして 10 個のスコアです:
#
# $$
# Z_1 = XW_1 + b_1,\quad A_1 = \mathrm{relu}(Z_1),\quad Z_2 = A_1W_2 + b_2,\quad
# L = \mathrm{CE}(\mathrm{softmax}(Z_2), t).
# $$
#
# ネットワークはライブラリで作り（重みの初期値を得るためです）、その重みの **コピー** をとって、順伝播と逆伝播を素の NumPy で計算します。下のコードの各行は、第2〜4節の式 1 つに対応します。
#
# **パラメータのキー** `MLP([64, 16, 10])` は `Sequential(Linear(64, 16), ReLU(), Linear(16, 10))` という連鎖です。`model.params` はそのすべての配列をまとめた 1 つの辞書で、キーは `"<連鎖の中でのレイヤの位置>.<レイヤの中での名前>"` です。`"0.W"` はレイヤ 0（1 つ目の `Linear`）の `W`、`"2.W"` はレイヤ 2（2 つ目の `Linear`）の `W` です。位置 1 の ReLU にはパラメータがないので、`"1.…"` というキーはありません。`model.grads` も同じキーを使います。

# %% translates="06e4a0969f7d"
digits_X, digits_y = load_digits(return_X_y=True)
digits_X = digits_X / 16.0  # ピクセル値 0..16 -> 0..1
X4, y4 = digits_X[:4], digits_y[:4]

model = MLP([64, 16, 10], activation="relu", rng=rng)
print(model)
print("キー:", list(model.params))
W1, b1 = model.params["0.W"].copy(), model.params["0.b"].copy()
W2, b2 = model.params["2.W"].copy(), model.params["2.b"].copy()

# 順伝播
Z1 = X4 @ W1 + b1
A1 = np.maximum(Z1, 0)
Z2 = A1 @ W2 + b2
P = losses.softmax(Z2)
T = losses.one_hot(y4, 10)
L = -np.sum(T * np.log(P)) / len(X4)

# 逆伝播: 損失から下へ
dZ2 = (P - T) / len(X4)   # ソフトマックス関数と交差エントロピー誤差をまとめたもの
dW2 = A1.T @ dZ2          # Linear 2
db2 = dZ2.sum(axis=0)
dA1 = dZ2 @ W2.T
dZ1 = dA1 * (Z1 > 0)      # ReLU
dW1 = X4.T @ dZ1          # Linear 1
db1 = dZ1.sum(axis=0)
print(f"損失 = {L:.4f}")

# %% [markdown] translates="65bef8f3bcbd"
# 形状の表です。どの勾配も、その量と同じ形状をしています。転置を忘れたとき、それが気づきにくいブロードキャストのバグになる前に見つける良い方法です。

# %% translates="64e2deeb7f9a"
table = [("X", X4, None), ("W1", W1, dW1), ("b1", b1, db1), ("Z1", Z1, dZ1), ("A1", A1, dA1),
         ("W2", W2, dW2), ("b2", b2, db2), ("Z2", Z2, dZ2)]
print(f"{'量':<8}{'形状':<8}{'勾配':<9}{'形状':<8}式")
formulas = {"W1": "X.T @ dZ1", "b1": "dZ1.sum(0)", "Z1": "dA1 * (Z1 > 0)", "A1": "dZ2 @ W2.T",
            "W2": "A1.T @ dZ2", "b2": "dZ2.sum(0)", "Z2": "(P - T) / N"}
for name, value, grad in table:
    grad_shape = "" if grad is None else str(grad.shape)
    grad_name = "" if grad is None else "d" + name
    print(f"{name:<9}{str(value.shape):<10}{grad_name:<11}{grad_shape:<10}{formulas.get(name, '（不要）')}")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="b514efc02974"
# **同じことをレイヤで** `Sequential.backward` は「最後のレイヤから」のループです。その中心は `for layer in reversed(...)` と `grad_out = layer.backward(grad_out)` の 2 行で、このループ *こそが* 誤差逆伝播法です。残りの行は最初のレイヤを別扱いにして、頼まれたときに $dL/dx$ の計算を省けるようにしています（`input_grad=False`。学習に必要なのはパラメータの勾配で、ピクセルについての勾配ではありません）:

# %% translates="3732164386c2"
course_lib.show_source(Sequential.backward)

# %% translates="07991993c345"
loss_layer = SoftmaxCrossEntropy()
L_lib = loss_layer.forward(model.forward(X4), y4)
model.backward(loss_layer.backward())
print(f"損失: 手計算 {L:.6f}、レイヤ {L_lib:.6f}")
by_hand = {"0.W": dW1, "0.b": db1, "2.W": dW2, "2.b": db2}
for key, grad in by_hand.items():
    print(f"{key}: 手計算 == レイヤ? {np.allclose(grad, model.grads[key], rtol=1e-12, atol=1e-15)}")

# %% [markdown] slideshow={"slide_type": "slide"} translates="bb107a4866d6"
# ## 6. すべてのレイヤの勾配確認
#
# 式の導出は間違えることがあります。しかも勾配が間違っていてもプログラムは止まりません。ネットワークがうまく学習しないだけです。そこでこの講座では、すべての逆伝播を中心差分（第2章）と照らし合わせます。すべてのレイヤ、2 つの損失レイヤ、そしてネットワーク全体です。
#
# **ランダムな射影の工夫** 数値微分にはスカラーの関数が必要ですが、レイヤは配列を配列に写します。その微分はヤコビ行列 $J$ 全体（第10節）で、出力の要素 1 つごとに 1 行あります。1 行ずつ確かめると、出力の要素 1 つごとに数値微分が 1 回必要になってしまいます。そこで `check_layer(layer, x)` は、出力と同じ形状の固定したランダムな配列 $r$（コードでは `G`）を 1 つ選び、1 つのスカラー
#
# $$
# \ell(x) = \langle r, \text{layer}(x)\rangle = \sum r \odot \text{layer}(x),
# \qquad \frac{\partial \ell}{\partial x} = J^\top r
# $$
#
# を確かめます。レイヤの出力での $\ell$ の誤差信号はちょうど $r$ なので、`backward(r)` は $J^\top r$ を返し、`grads` は $\partial\ell/\partial W$ を持っていなければなりません。どちらも、この 1 つのスカラー $\ell$ の中心差分と比べます。$r$ はランダムなので、$J$ のどの要素もそれぞれ固有のランダムな重みで $\ell$ に入ります。そのため、間違った要素があれば $J^\top r$ が変わります（確率 1 で）。$r$ がすべて 1 だと間違いが打ち消し合うことがあり、出力の 2 列を入れ替えてしまう逆伝播でも合格してしまいます。1 つのスカラー関数で、ヤコビ行列全体を確かめられるのです:

# %% translates="1a7baa73d7ba"
course_lib.show_source(check_layer)

# %% [markdown] translates="b38014e3bc56"
# なぜランダムなのでしょうか。ここに、`backward` が $\delta$ の 2 列を入れ替えてから使うバグ入りの `Linear` があります。$r$ がすべて 1 の $\ell = \langle r, \text{layer}(x)\rangle$ で確かめると、バグは見えません（1 ばかりの 2 列を入れ替えても何も変わらないからです）。ランダムな $r$ なら一目瞭然です:

# %% translates="0b0effaef1d9"
class SwappedLinear(Linear):
    """わざと間違えた Linear: backward が誤差信号の 2 列を入れ替える。"""

    def backward(self, grad_out, input_grad=True):
        return super().backward(grad_out[:, ::-1], input_grad)


bug_rng = np.random.default_rng(4)  # 専用の乱数生成器: 後の節の数値が変わらないように
buggy, x_bug = SwappedLinear(4, 2, rng=bug_rng), bug_rng.normal(size=(5, 4))
for name, r in [("r がすべて 1", np.ones((5, 2))), ("r がランダム", bug_rng.normal(size=(5, 2)))]:
    buggy.forward(x_bug)
    dx_bug = buggy.backward(r)
    numeric_bug = numerical_gradient(lambda x: np.sum(buggy.forward(x) * r), x_bug)
    print(f"{name}: dL/dx の相対誤差 {relative_error(dx_bug, numeric_bug):.0e}")

# %% [markdown] translates="afb151475cac"
# 1 つ注意があります。ReLU は 0 で折れ曲がっていて、そこでは微分が定義されず、中心差分が角をまたいでしまいます。作ったばかりのネットワークはバイアスが 0 なので、あるデータについて ReLU レイヤのユニットがすべてオフだと、次のレイヤの活性化前の値はちょうど 0、つまり折れ目の上になります。そこで確認の前に、バイアスにランダムな値を入れておきます（学習済みのネットワークでは、どのみちバイアスは 0 ではありません）。

# %% translates="ddbfdfaf090d"
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
checks["SoftmaxCE: z"] = relative_error(loss_check.backward(), numeric)

targets_check = rng.normal(size=(5, 3))
mse_check = MSELoss()
mse_check.forward(scores_check, targets_check)
numeric = numerical_gradient(lambda y: MSELoss().forward(y, targets_check), scores_check)
checks["MSELoss: z"] = relative_error(mse_check.backward(), numeric)

mlp_check = MLP([4, 8, 6, 3], activation="relu", rng=rng)
for key, value in mlp_check.params.items():
    if key.endswith(".b"):
        value[...] = rng.normal(size=value.shape) * 0.5
for what, err in check_layer(mlp_check, X_check, rng=rng).items():
    checks[f"MLP 4-8-6-3: {what}"] = err

for what, err in checks.items():
    verdict = "合格" if err <= 1e-7 else "不合格"
    print(f"{what:<18} {verdict}   (相対誤差が 1e-9 未満: {err < 1e-9})")

# %% [markdown] translates="b6bce1f2746e"
# どの誤差も、しきい値 $10^{-7}$ よりはるかに小さくなっています。グラフは誤差を対数目盛で示していて、およそ $10^{-12}$ から $10^{-10}$ の間にあります。10 桁以上一致していて、float64 で $h = 10^{-5}$ の中心差分が出せる精度とほぼ同じです（第2章: 打ち切り誤差 $\sim h^2$、丸め誤差 $\sim \varepsilon/h$）。式が間違っていれば、誤差は 1 に近くなります。

# %% translates="584b3fa557ee"
plotting.plot_gradcheck_errors(checks)
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"} translates="cafc73123f99"
# ## 7. 独立した 2 つの実装、1 つの答え
#
# 第2章の `Value` エンジンは行列のことを何も知りません。数を 1 つずつ微分します。レイヤのほうはスカラーの計算グラフのことを何も知りません。同じネットワークについて両者が同じ勾配を出せば、どちらも信頼できます。小さなネットワークで試します。入力 3、tanh のユニット 4、スコア 2、データ 2 個、ソフトマックス関数と交差エントロピー誤差です。

# %% translates="0216b2d964c4"
tiny = MLP([3, 4, 2], activation="tanh", rng=rng)
tiny.params["0.b"][...] = rng.normal(size=4) * 0.5  # バイアスを 0 でなくする: 特別すぎないテストに
X_tiny, y_tiny = rng.normal(size=(2, 3)), np.array([0, 1])
tiny_loss = SoftmaxCrossEntropy()
L_layers = tiny_loss.forward(tiny.forward(X_tiny), y_tiny)
tiny.backward(tiny_loss.backward())

# 同じネットワークを、スカラーの計算グラフとして
V = {key: [[Value(float(w)) for w in row] for row in np.atleast_2d(p)] for key, p in tiny.params.items()}
total = Value(0.0)
for x_row, label in zip(X_tiny, y_tiny):
    hidden = [sum((float(x_row[i]) * V["0.W"][i][j] for i in range(3)), V["0.b"][0][j]).tanh()
              for j in range(4)]
    scores = [sum((hidden[j] * V["2.W"][j][k] for j in range(4)), V["2.b"][0][k]) for k in range(2)]
    log_sum_exp = sum(s.exp() for s in scores).log()
    total = total + (log_sum_exp - scores[label])  # 正解クラスの -log softmax
L_values = total / len(X_tiny)
L_values.backward()

print(f"損失: レイヤ {L_layers:.10f}、Value {L_values.data:.10f}")
for key in tiny.params:
    value_grads = np.array([[v.grad for v in row] for row in V[key]]).reshape(tiny.params[key].shape)
    print(f"{key}: 同じ勾配? {np.allclose(value_grads, tiny.grads[key], rtol=1e-10, atol=1e-14)}")
print(f"グラフの大きさ: スカラーのノード {len(topological_order(L_values))} 個、レイヤ {len(tiny.layers)} 個")

# %% [markdown] translates="9174db65b2e1"
# コードを何も共有していない 2 つのプログラムから、10 桁まで同じ数が出ました。この小さなネットワークでさえ、スカラーの計算グラフにはすでに 162 個のノードがあります。レイヤで書けば 3 つです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="c635809eb7ac"
# ## 8. 逆向きに流れる誤差信号
#
# もっと深いネットワーク 64 → 32 → 32 → 10（ReLU）で、16 枚の数字について、$\delta$ が下へ伝わっていく様子を見てみましょう。各レイヤの後の誤差信号を残しておけるように、`Sequential.backward` のループを自分で回します:

# %% translates="672a2577a5b9"
X16, y16 = digits_X[:16], digits_y[:16]
net = MLP([64, 32, 32, 10], activation="relu", rng=rng)
net_loss = SoftmaxCrossEntropy()
net_loss.forward(net.forward(X16), y16)

delta = net_loss.backward()  # dL/d(スコア)
deltas = [delta]
for layer in reversed(net.layers):  # Linear 3, ReLU 2, Linear 2, ReLU 1, Linear 1
    delta = layer.backward(delta)   # dL/d(このレイヤの入力)
    deltas.append(delta)
names = ["スコア", "Linear 3 の入力", "ReLU 2 の入力", "Linear 2 の入力", "ReLU 1 の入力", "x の画素"]
for name, d in zip(names, deltas):
    print(f"dL/d({name}):{'':<{16 - len(name)}} 形状 {str(d.shape):<9} ノルム {np.linalg.norm(d):.3f}")

# %% translates="3d8d855f9cf4"
plotting.plot_error_signals(deltas, titles=names)
plt.suptitle("誤差信号 δ: 損失側（左）からピクセル（右）へ。赤 > 0、青 < 0")
plt.show()

# %% [markdown] translates="13b7b00bb72b"
# 左から右へ読みます。パネルごとに色のスケールが違い、その下のカラーバーで示しています（パネルどうしの比較には、タイトルのノルムを使います）。スコアでは、各行が $(p - t)/N$ です。どのデータにも正解の数字の所に青いマスが 1 つあり、間違った数字に確率が行った所が赤くなります。各 `Linear` は信号をユニットの間で混ぜ合わせ（$\delta W^\top$）、各 `ReLU` はユニットがオフだった所で信号を 0 にします。「ReLU 2 の入力」と「Linear 3 の入力」を比べてください。同じ模様に穴が開いています。最後の $dL/dx$ は、各画像のどのピクセルが損失をいちばん変えるかを教えてくれます。学習には不要ですが、サリエンシーマップ（saliency map）の基礎になります（学習のときは `backward(..., input_grad=False)` で計算を省きます）。

# %% [markdown] slideshow={"slide_type": "slide"} translates="41f277e88522"
# ## 9. 数値微分を使えばよいのでは?
#
# 中心差分には **パラメータ 1 つごとに** 2 回の順伝播が必要です。パラメータが $P$ 個のネットワークなら $2P$ 回です。誤差逆伝播法に必要なのは、$P$ がいくつでも順伝播 1 回と逆伝播 1 回です。しかも逆伝播のコストは順伝播約 2 回分です（各 `Linear` は順伝播で行列積を 1 回、逆伝播で `dW = X.T @ δ` と `dX = δ @ W.T` の 2 回計算します）。全体で順伝播約 3 回分の仕事です。（第2章ではスカラーの演算 1 つにつき連鎖律を 1 ステップと数え、リバースモードはちょうど 1 回の評価の 2 倍でした。行列のレイヤの中では逆伝播の 1 ステップが順伝播の 2 倍の計算をするので、ここでは 3 になります。いずれにしても $P$ によらない小さな定数です。）幅 $H$ を大きくしていくネットワーク 64 → H → 10 について、両方の回数を数え、時間を計ってみましょう。

# %% translates="d90dd14b7a31"
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
    for _ in range(10):  # 逆伝播は速いので、10 回のうち最良の値をとる
        start = time.perf_counter()
        loss_h.forward(net_h.forward(X32), y32)
        net_h.backward(loss_h.backward())
        repeats.append(time.perf_counter() - start)
    seconds_backprop.append(min(repeats))
    n_params.append(sum(p.size for p in net_h.params.values()))
    forward_passes.append(calls[0])

for hidden, p, count in zip(widths, n_params, forward_passes):
    print(f"H = {hidden:>2}: P = {p:>4} 個のパラメータ、数値微分は順伝播 {count:>4} 回、"
          "誤差逆伝播法は順伝播 1 回 + 逆伝播 1 回")

# %% [markdown] translates="406f997a690d"
# 回数は正確で、$2P$ のように増えます。時間はマシンによって変わるので、次のセルが表示する比はノートブックのテストでは確認しません（図も同じことを示しています）。

# %% translates="9e7a17506580"
# NBVAL_IGNORE_OUTPUT
# 実行時間はマシンごと、実行ごとに変わる
fig, (ax_count, ax_time) = plt.subplots(1, 2, figsize=(11, 3.8))
plotting.plot_gradient_cost(n_params, {"数値微分: 順伝播 2P 回": forward_passes,
                                       "誤差逆伝播法: 順伝播 1 回 + 逆伝播 1 回": [2] * len(n_params)},
                            ax=ax_count, ylabel="ネットワークを通る回数", title="回数")
plotting.plot_gradient_cost(n_params, {"数値微分": seconds_numeric,
                                       "誤差逆伝播法": seconds_backprop},
                            ax=ax_time, ylabel="勾配 1 回分の秒数", title="時間（このマシン）")
plt.show()
print(f"P = {n_params[-1]} での時間の比（数値微分 / 誤差逆伝播法）: {seconds_numeric[-1] / seconds_backprop[-1]:.0f} 倍")

# %% [markdown] translates="210d0e3855ef"
# （この大きさでは、誤差逆伝播法の時間のほとんどはレイヤごとに Python がかかる固定の手間なので、線が平らになります。大きなレイヤでは順伝播 1 回分のように増えますが、それでも得られる勾配の数にはよりません。）小さな MNIST 用ネットワークの 101,770 個のパラメータなら、数値微分では **学習の 1 ステップごとに** 203,540 回の順伝播が必要です。誤差逆伝播法のコストは、小さな一定の回数の伝播のままです。第2章のリバースモードの利点が、今度は配列で成り立っています。数値微分の役目は変わりません。小さな入力で速いコードを確かめる審判です。

# %% [markdown] slideshow={"slide_type": "slide"} translates="5c73e567eed3"
# ## 10. ヤコビ行列とベクトル・ヤコビ積
#
# 逆伝播はなぜこんなに安いのでしょうか。レイヤは配列 $x$ を配列 $y$ に写します。その微分全体が **ヤコビ行列** で、出力の要素 1 つごとに 1 行、入力の要素 1 つごとに 1 列あり、$J_{kl} = \partial y_k/\partial x_l$ です（どちらの配列も 1 列に並べます）。バッチでは:
#
# | レイヤ | 入力 $x$ | 出力 $y$ | ヤコビ行列 $\partial y/\partial x$ | 構造 |
# |---|---|---|---|---|
# | `Linear` | $(N, D_{in})$ | $(N, D_{out})$ | $(N D_{out}) \times (N D_{in})$ | ブロック対角: $W^\top$ が $N$ 個 |
# | シグモイド関数 / tanh / ReLU | $(N, D)$ | $(N, D)$ | $(N D) \times (N D)$ | 対角: 傾き $f'(z)$ |
# | `Softmax` | $(N, C)$ | $(N, C)$ | $(N C) \times (N C)$ | ブロック対角: 1 行ごとに $\mathrm{diag}(p_n) - p_n p_n^\top$ |
#
# 配列での連鎖律は $\partial L/\partial x = J^\top\,\partial L/\partial y$、$\delta$ を行ベクトルとして書けば $\delta^\top J$ です。これが **ベクトル・ヤコビ積**（VJP）です。`backward` が返すべきものはこの積だけで、$J$ そのものはまったく必要ありません。ヤコビ行列を眺めるために、小さなサイズで実際に作ってみます。one-hot の $\delta = e_k$ で `backward` を呼ぶと $e_k^\top J$、つまり $J$ の $k$ 行目が返ります。したがって、ヤコビ行列を明示的に作るには **出力の要素 1 つごとに** `backward` を 1 回呼ぶ必要があります。それを表の式と比べます:

# %% translates="dabbf1a50678"
def jacobian_by_backward(layer, x):
    """明示的なヤコビ行列 d layer(x) / dx: k 行目は backward(e_k)（e_k は one-hot）。"""
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
    "Linear": np.kron(np.eye(4), lin_jac.params["W"].T),    # 対角に W.T が N 個
    "ReLU": np.diag((x_jac > 0).ravel().astype(float)),     # 対角に傾き
    "Softmax": block_diag(*[np.diag(p) - np.outer(p, p) for p in p_jac]),
}
for name, J in [("Linear", J_linear), ("ReLU", J_relu), ("Softmax", J_softmax)]:
    print(f"{name:<8} のヤコビ行列 {str(J.shape):<8} = 表の式: "
          f"{np.allclose(J, formulas_jac[name], rtol=1e-12, atol=1e-15)}")

# %% [markdown] translates="d23a7d2d5a38"
# 下の 4 つ目のパネルは、バイアスの **ブロードキャスト** のヤコビ行列です。形状 $(3,)$ の $b$ を $N = 4$ 行すべてにコピーするもので、$(N D) \times D$、単位行列を 4 つ縦に積んだものです。どのヤコビ行列も、ほとんどがゼロであることに注目してください:

# %% translates="438b20cfaabe"
J_broadcast = np.tile(np.eye(3), (4, 1))  # どの n についても d(broadcast b)_{nj} / d b_i = [i = j]
plotting.plot_jacobians({"Linear(3, 2): dY/dX": J_linear, "ReLU: dA/dZ": J_relu,
                         "Softmax (C = 3): dP/dZ": J_softmax, "b を 4 行にブロードキャスト": J_broadcast})
plt.show()

# %% [markdown] translates="b372cdcf165b"
# ゼロはどれも、出力がその入力に依存していないことを表します。データ $n$ の出力は、データ $m$ の入力にはけっして依存しません。`backward` はこの構造を利用して、ゼロでない部分の計算だけをします。`Linear` なら `δ @ W.T`、活性化関数なら `δ * f'(z)` です。第6章の MNIST 用ネットワークの最初のレイヤ 784 → 128 で、画像 100 枚のバッチについて比べると:

# %% translates="1cba3133b9b7"
N_mnist, d_in_mnist, d_out_mnist = 100, 784, 128
jacobian_entries = (N_mnist * d_out_mnist) * (N_mnist * d_in_mnist)
vjp_work = N_mnist * d_out_mnist * d_in_mnist
print(f"明示的なヤコビ行列: {N_mnist * d_out_mnist:,} × {N_mnist * d_in_mnist:,} = 要素 {jacobian_entries:.1e} 個、"
      f"float64 で {jacobian_entries * 8 / 1e9:.0f} GB。δ @ J の積和は {jacobian_entries:.1e} 回")
print(f"VJP δ @ W.T:         ヤコビ行列は保存しない。積和は {vjp_work:.1e} 回"
      f"（{jacobian_entries // vjp_work} 分の 1: N 個のブロックの間のゼロには一切触れない）")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="7069fbcf00c4"
# **ソフトマックス関数のヤコビ行列** この章の活性化関数の中で、要素ごとでないのはこれだけです。1 行の確率はどれも、その行のすべてのスコアに依存します。$p_i = e^{z_i}/\sum_k e^{z_k}$ から、商の微分法で $\partial p_i/\partial z_j = p_i\,([i = j] - p_j)$、つまり
#
# $$
# J = \mathrm{diag}(p) - p\,p^\top \quad (C \times C,\ \text{対称}), \qquad
# \Big(J^\top g\Big)_j = \sum_i g_i\,p_i\big([i=j] - p_j\big) = p_j\Big(g_j - \sum_i g_i p_i\Big)
# $$
#
# です（$g = \partial L/\partial p$ は 1 行について上から届く勾配）。したがって VJP は $p \odot (g - \langle g, p\rangle)$ で、1 行あたりの計算は、$J$ を作る $O(C^2)$ ではなく $O(C)$ で済みます。単独のレイヤ `Softmax` がしているのはこれです（上で明示的なヤコビ行列と比べ、第6節では `check_layer` で確かめました）:

# %% translates="563215bae51b"
course_lib.show_source(Softmax)

# %% [markdown] translates="0ef37743284b"
# 後ろに確率についての交差エントロピー誤差 $L = -\frac1N\sum_{n,c} t_{nc}\log p_{nc}$ が続くと、$\partial L/\partial p = -t/(Np)$ です。ソフトマックス関数の VJP は、$1/p$ を経由する遠回りで、第4節のまとめた勾配 $(p - t)/N$ を返すはずです:

# %% translates="75e0875c1c8a"
labels_sm = rng.integers(0, 3, size=4)
T_sm = losses.one_hot(labels_sm, 3)
P_sm = softmax_layer.forward(x_jac)
via_softmax = softmax_layer.backward(-T_sm / (len(x_jac) * P_sm))  # dL/dp = -t / (N p)
fused_sm = SoftmaxCrossEntropy()
fused_sm.forward(x_jac, labels_sm)
print(f"Softmax.backward(-t / (N p)) とまとめた勾配 (p - t)/N の比較: 相対誤差 "
      f"{relative_error(via_softmax, fused_sm.backward()):.0e}")

# %% [markdown] translates="dcaaa49437cc"
# 丸め誤差を除けば同じです。それでも分類にはまとめたレイヤを使います。0 に丸められてしまうことのある $p$ で割らずに済むからです。
#
# **順伝播でブロードキャスト、逆伝播で和** 上のバイアスのパネルから $db = \sum_n\delta_n$ がわかります。$Y = XW + b$ では、ベクトル $b$ がブロードキャストされ、$N$ 行それぞれにコピーされます。コピーは線形な写像で、そのヤコビ行列は単位行列を $N$ 個積んだものです。その転置は単位行列を **足し合わせる** ので、VJP は $\sum_n \delta_{n}$ になります。バイアスが特別なわけではありません。順伝播でブロードキャストされたものは、逆伝播で和がとられます。逆も成り立ちます。順伝播での和（ソフトマックス関数の分母 $\sum_k e^{z_k}$、損失の中の平均）は、逆伝播ではブロードキャストになります。1 つの数 $\langle g, p\rangle$ が行のすべての要素から引かれるのがその例です。中心差分で確かめます:

# %% translates="2836415c5e0c"
b_demo, delta_demo = rng.normal(size=3), rng.normal(size=(4, 3))
numeric_db = numerical_gradient(lambda b: np.sum(delta_demo * np.broadcast_to(b, (4, 3))), b_demo)
print(f"d<δ, broadcast(b)>/db と δ.sum(axis=0) の比較: 相対誤差 "
      f"{relative_error(numeric_db, delta_demo.sum(axis=0)):.0e}")

# %% [markdown] slideshow={"slide_type": "slide"} translates="6b1d00762e92"
# ## 11. 重みの初期値: 重みをどこから始めるか
#
# **対称性** そもそも、なぜ重みをランダムにするのでしょうか。すべての重みが同じ値から始まったとしましょう。すると、ある層の隠れユニットはすべて同じ出力を計算し、同じ誤差信号を受け取り、$dW = X^\top\delta$ なので同じ勾配を受け取ります。更新した後も等しいままです。帰納法により、それらは **いつまでも** 同じです。ユニットがたくさんある層が、ユニット 1 つのようにふるまいます。ここでは tanh のネットワーク 64 → 4 → 10 を、200 枚の数字で勾配降下法（第4章）を 50 ステップ使って学習します。1 回目はすべての重みが 0.1 から、2 回目はランダムな重みから始めます:

# %% translates="8b783a9fd2d4"
X200, y200 = digits_X[:200], digits_y[:200]


def train_from(equal_start, steps=50, lr=0.5):
    """64 -> 4 -> 10 の tanh ネットワークを、等しい重みかランダムな重みから勾配降下法で学習する。"""
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
for label, equal_start in [("等しい初期値（すべて 0.1）", True), ("ランダムな初期値（Xavier）", False)]:
    sym_net, sym_loss_value = train_from(equal_start)
    W = sym_net.params["0.W"]
    spread = np.max(np.abs(W - W[:, :1]))  # ユニット 1 の重みとの差の最大値
    first_layer_W[label] = W.copy()
    print(f"{label}: 50 ステップ後の損失 {sym_loss_value:.3f}、"
          f"4 つの隠れユニットの重みの差の最大値: {spread:.2g}")

# %% translates="5ca564a2f50d"
plotting.plot_unit_weights(first_layer_W)
plt.suptitle("学習後の 4 つの隠れユニットへの入力の重み（8×8 の画像として表示）")
plt.show()

# %% [markdown] translates="6b05b08e99a3"
# 等しい初期値から始めると、50 ステップ後も 4 つのユニットは最後の 1 ビットまで同じで、損失は $\ln 10 \approx 2.303$（当てずっぽう）からほとんど動いていません。ランダムな初期値から始めると、各ユニットがそれぞれのパターンを学習しています。ランダムな重みの初期値が **対称性を崩す** のです（バイアスは 0 から始めてもかまいません。ランダムな重みだけでユニットの違いは生まれます）。
#
# **スケール: 分散の議論** ランダムにするとして、どれくらいの大きさにすればよいのでしょうか。層の 1 つのユニット $z_j = \sum_{i=1}^{D_{in}} a_i W_{ij}$ を考えます。重みは互いに独立で、平均 0、分散 $s^2$、入力 $a_i$ とも独立とします。すると
#
# $$
# \text{順伝播:}\quad \mathrm{Var}(z_j) = D_{in}\, s^2\, \mathbb{E}[a_i^2] .
# $$
#
# tanh では 0 付近で $a \approx z$ なので、$D_{in}s^2 = 1$ なら信号は層から層へ大きさを保ちます。ReLU では、対称な $z$ の半分が 0 になるので $\mathbb{E}[a^2] = \frac12\mathrm{Var}(z)$ となり、$D_{in}s^2 = 2$ が必要です。逆向きには、$\delta^a_i = \sum_j W_{ij} \delta^z_j$ と $\delta^z = \delta^a \odot f'(z)$ から、$D_{in}$ の代わりに $D_{out}$ が入った鏡像の式が得られます:
#
# $$
# \text{逆伝播:}\quad \mathrm{Var}(\delta^a_i) = D_{out}\, s^2\, \mathbb{E}[f'(z)^2]\,
# \mathrm{Var}(\delta^a_{\text{次の層}}) .
# $$
#
# - **Xavierの初期値**（Glorot & Bengio, 2010）は tanh 用です（0 付近で $f' \approx 1$）。順伝播の条件は $s^2 = 1/D_{in}$、逆伝播の条件は $s^2 = 1/D_{out}$ で、その折り合いが $s = \sqrt{2/(D_{in} + D_{out})}$ です。
# - **Heの初期値**（He et al., 2015）は ReLU 用です（$\mathbb{E}[f'^2] = \frac12$）。$s = \sqrt{2/D_{in}}$ で、これは順伝播の条件です（実際にはどちらか一方で十分だと、論文で示されています）。
# - **シグモイド関数**: 0 付近で $\sigma(z) \approx \frac12 + z/4$、つまり傾きは $\frac14$ なので、逆伝播の条件を満たすには $s$ を Xavier の値の **4 倍** にする必要があります（Glorot & Bengio の後、Theano のディープラーニングのチュートリアルが使った係数です）。さらに出力の中心が 0 ではなく $\frac12$ にあり、これは $s$ をどう選んでも直せません。
#
# `Linear(..., init=...)` には `"he"`、`"xavier"`、または数（標準偏差そのもの）を渡せます。`MLP` は ReLU の前では He を、tanh **と** シグモイド関数の前では Xavier を使います。tanh には適切なスケールですが、シグモイド関数には適切ではありません。それを次の節で見ます。

# %% [markdown] slideshow={"slide_type": "slide"} translates="ad3887b69b2c"
# ## 12. 勾配消失と勾配爆発: 公平な比較
#
# 誤差信号は下へ向かう途中で、各 `Linear` で $W^\top$ を、各活性化関数でその傾き $f'(z)$ を掛けられます。分散の議論によれば、その積が 1 の近くにとどまるかどうかは $W$ のスケールで決まります。そこで公平な比較として、どの活性化関数にも **適切な** スケールを与えます。そして何がまずいのかを見るために、**不適切な** スケールも与えます。隠れ層 10 層（64 → 32 ×10 → 10）、どの設定でも同じ乱数、64 枚の数字で、順伝播と逆伝播を 1 回ずつ行います。すべての隠れ層のアクティベーション（活性化関数の出力）と、すべての $dL/dW$ を残しておきます:

# %% translates="970e18675302"
X64, y64 = digits_X[:64], digits_y[:64]


def xavier(d_in, d_out):
    return np.sqrt(2 / (d_in + d_out))


def he(d_in, d_out):
    return np.sqrt(2 / d_in)


setups = {  # ラベル: (活性化関数のレイヤ, d_in -> d_out のレイヤの W の標準偏差)
    "sigmoid, 4×Xavier（適切）": (Sigmoid, lambda d_in, d_out: 4 * xavier(d_in, d_out)),
    "sigmoid, Xavier（不適切）": (Sigmoid, xavier),
    "tanh, Xavier（適切）": (Tanh, xavier),
    "tanh, 標準偏差 1（不適切）": (Tanh, lambda d_in, d_out: 1.0),
    "relu, He（適切）": (ReLU, he),
    "relu, Xavier（不適切）": (ReLU, xavier),
}
sizes = [64] + [32] * 10 + [10]
signals, grad_norms = {}, {}
for label, (make_activation, std) in setups.items():
    deep_rng = np.random.default_rng(1)  # どの設定でも同じ乱数
    layers = []
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        layers += [Linear(d_in, d_out, rng=deep_rng, init=std(d_in, d_out)), make_activation()]
    deep = Sequential(*layers[:-1])  # 最後の Linear の後には活性化関数を置かない: スコアを出力する
    signals[label] = plotting.collect_layer_signals(deep, SoftmaxCrossEntropy(), X64, y64)
    norms = [np.linalg.norm(g) for g in signals[label]["weight_grads"]]
    grad_norms[label] = norms
    acts = signals[label]["activations"]
    print(f"{label}: ‖dL/dW‖ 最初 {norms[0]:.1e}、最後 {norms[-1]:.1e}、最初/最後 "
          f"{norms[0] / norms[-1]:.1e}。アクティベーションの標準偏差: 1 層目 {acts[0].std():.3f}、"
          f"10 層目 {acts[-1].std():.3f}")
flat = signals["sigmoid, Xavier（不適切）"]["activations"]
print("sigmoid, Xavier: 1 つのユニットの出力が 64 枚の画像でどれだけばらつくか（標準偏差のユニット平均）: "
      + "、".join(f"{k + 1} 層目 {flat[k].std(axis=0).mean():.0e}" for k in (0, 4, 9)))

# %% [markdown] translates="c63b8f307f03"
# ヒストグラムは層ごとに（暗い色: 入力側、黄色: 損失側）、アクティベーションの値と、重みの勾配の大きさを対数目盛で示しています:

# %% translates="be12088a2c3e"
plotting.plot_layer_histograms(signals)
plt.show()

# %% [markdown] translates="256075a7a390"
# 読み方:
# - **sigmoid, Xavier**: アクティベーションは $\frac12$ の周りに集まります。そこでの傾きは約 $\frac14$ なので、層を通るたびに勾配が約 4 分の 1 になります。勾配のヒストグラムが層を追うごとに左へ移っていきます。深い層に見える櫛のような形は本物です。1 本 1 本のとがりが 1 つのユニットで、その出力は 64 枚のどの画像でもほとんど同じです（上に表示したとおり、10 層目でのばらつきは $10^{-7}$）。入力についての情報は、順伝播の途中でも薄れていくのです。**4×Xavier** にするとアクティベーションは $(0, 1)$ 全体に広がり、勾配の大きさの違いも 100 倍以内に収まります。
# - **tanh, Xavier**: アクティベーションは 0 の周りに広がり、勾配はどの層でも同じくらいの大きさです。**標準偏差 1** は大きすぎます（$D_{in}s^2 = 32$）。ユニットが $\pm1$ で **飽和** し、勾配は入力に向かって縮むどころか大きくなります。重みによる層ごとの $\sqrt{32}$ 倍が、小さな傾きに勝つのです。
# - **ReLU, He**: ゼロでないアクティベーションは、層から層へ広がりを保ちます。**Xavier** では $D_{in}s^2 = 1$ にしかならず、ReLU に必要な 2 に足りないので、層ごとに分散が半分になります。10 層後にはアクティベーションが約 $2^{10/2} = 32$ 分の 1 になります（上の表示では 0.135 に対して 0.005）。
#
# 同じ実行結果を、層ごとに 1 つの数 $\|dL/dW\|$ で表すと:

# %% translates="0ee8f88ce0c4"
fig, ax = plt.subplots(figsize=(10, 4))
plotting.plot_gradient_norms(grad_norms, ax=ax, title="層ごとの勾配のノルム（隠れ層 10 層）")
plt.show()

# %% [markdown] translates="ccc03a54fb17"
# Xavier の重みでは、シグモイド関数のネットワークの最初の層が受け取る勾配は、最後の層の約 100 万分の 1（$1.3 \cdot 10^{-6}$）です。これでは勾配降下法（第4章）は入力に近い層をほとんど動かしません。これが、深いネットワークを長年行き詰まらせた **勾配消失** の問題です。ところが適切なスケール 4×Xavier にすると、比は $1.1 \cdot 10^{-2}$ になります。**6 桁のうち 4 桁は初期値のスケールのせい** で、残りの 2 桁がシグモイド関数そのもの（0 と 1 での飽和、中心が $\frac12$ の出力）のせいです。tanh と Xavier、ReLU と He の組み合わせでは、最初と最後の比は 3 倍以内に収まります。不適切なスケールはどちら向きにも失敗します。小さすぎると信号が薄れ（シグモイド関数、Xavier の ReLU）、大きすぎると飽和や爆発が起きます（標準偏差 1 の tanh: 勾配が入力に向かって 70 倍に増えます。これが **勾配爆発** です）。

# %% [markdown] slideshow={"slide_type": "slide"} translates="ca11d212c998"
# ## 13. 活性化関数の選び方
#
# | | シグモイド関数 | tanh | ReLU |
# |---|---|---|---|
# | 値の範囲 | $(0, 1)$ | $(-1, 1)$ | $[0, \infty)$ |
# | 出力の中心が 0 か | いいえ（$\frac12$） | はい | いいえ（ただし半分はちょうど 0） |
# | 傾きの最大値 | $\frac14$（0 で） | $1$（0 で） | $1$（$z > 0$ のすべてで） |
# | 飽和する（傾き ≈ 0） | 両側の裾、$\lvert z\rvert \gtrsim 5$ | 両側の裾、$\lvert z\rvert \gtrsim 3$ | $z > 0$ では飽和しない。$z < 0$ では傾きがちょうど 0 |
# | よくある失敗 | 勾配消失 | 重みが大きすぎるときの飽和 | **死んだユニット** |
# | 合う初期値 | 4×Xavier | Xavier | He |
# | 1 要素あたりのコスト | 指数関数 1 回と割り算 1 回 | 指数関数 1 回（`tanh` の中） | 比較 1 回 |
#
# **死んだユニット** 活性化前の値がどの入力でも負になる ReLU のユニットは、どの入力にも 0 を出力します。すると傾きも、そこを通る勾配もすべて 0 になり、どんな更新でも生き返りません。大きすぎる 1 ステップで、多くのユニットが一度にそうなることがあります。ReLU を使った同じネットワーク 64 → 64 → 10 を、500 枚の数字で 30 ステップ学習します。学習率は、ほどよい値と大きすぎる値の 2 通りです。隠れユニットそれぞれについて、500 枚の画像のうちアクティブになる割合を数えます:

# %% translates="90b48dd9c87d"
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
    activity[f"学習率 {lr}"] = np.mean(Z_hidden > 0, axis=0)
    dead = np.all(Z_hidden <= 0, axis=0)
    print(f"学習率 {lr}: 損失 {loss:.3f}、死んだユニット 64 個中 {dead.sum()} 個")

# %% translates="57f67fd3002c"
plotting.plot_unit_activity(activity)
plt.show()

# %% [markdown] translates="58091e3dd1a0"
# 学習率 0.5 では 64 個のうち 4 個のユニットが途中で死にました。3.0 では 60 個です。最初の数ステップで、活性化前の値がどの画像でも 0 より下に押しやられたのです。損失は当てずっぽうの損失 $\ln 10 \approx 2.30$ より上で止まっています。これらのユニットが生き返ることはありません。
#
# 表のコストの行を測ってみます。100 万個の数について、各活性化関数の順伝播と逆伝播の時間です（時間はマシンによって変わるので、このセルの出力は確認しません）。

# %% translates="5aadf9ebdb59"
# NBVAL_IGNORE_OUTPUT
# 実行時間はマシンごと、実行ごとに変わる
z_big = rng.normal(size=(1000, 1000))
for name, layer in [("sigmoid", Sigmoid()), ("tanh", Tanh()), ("ReLU", ReLU())]:
    repeats = []
    for _ in range(5):
        start = time.perf_counter()
        layer.backward(np.ones_like(layer.forward(z_big)))
        repeats.append(time.perf_counter() - start)
    print(f"{name:<8} 10^6 個の数で順伝播 + 逆伝播: {min(repeats) * 1e3:.1f} ms")

# %% [markdown] translates="226ea186dff7"
# **選び方**
# - 隠れ層: まず **ReLU** と Heの初期値から始めましょう。アクティブなユニットは飽和せず、計算はいちばん安く、現代のネットワークの標準です。死んだユニットが多ければ、学習率を下げます（第5章）。
# - **tanh** と Xavier は、隠れ層の値を有界で中心 0 にしたいときに使います（リカレントネットワークでは今もよく使われます）。
# - **シグモイド関数** は、確率を表す *出力* に使います（2 クラス分類、第1章）。第12節で見た理由から、隠れ層には使いません。クラスが 3 つ以上なら、出力はソフトマックス関数で、損失とまとめます。

# %% [markdown] slideshow={"slide_type": "slide"} translates="3fcb908f2a15"
# ## 14. 誤差逆伝播法の 3 つの利点
#
# この章で測ったことを、3 つにまとめます。
#
# **1. 効率** パラメータが $P$ 個なら、数値微分には順伝播が $2P$ 回かかります。誤差逆伝播法は、$P$ がいくつでも順伝播 1 回と逆伝播 1 回です（第9節。第2章ではスカラーで数えました）:

# %% translates="7e27aa7bf30a"
print(f"P = {n_params[-1]:,}: 数値微分は順伝播 {forward_passes[-1]:,} 回。"
      "誤差逆伝播法は順伝播 1 回 + 逆伝播 1 回（仕事量は順伝播約 3 回分）")
print(f"MNIST 用ネットワーク（P = 101,770）: 数値微分は 1 ステップごとに順伝播 {2 * 101_770:,} 回")

# %% [markdown] translates="2869c87f491d"
# その節約がどこから来るのかは第10節で見ました。各レイヤはベクトル・ヤコビ積でヤコビ行列を掛け、ヤコビ行列そのものはけっして作りません。
#
# **2. 汎用性** `backward` のどこにも、数字を分類していることは書かれていませんでした。同じレイヤと同じ呼び出し `model.backward(loss.backward())` で、`MSELoss`（第1章）を使った **回帰** も学習できます。ここでは scikit-learn の `make_regression` でネットワーク 3 → 16 → 1 を作り、もう一度中心差分で確かめます:

# %% translates="69d7bdc43e66"
X_reg, y_reg = make_regression(n_samples=20, n_features=3, noise=5.0, random_state=0)
y_reg = (y_reg / y_reg.std())[:, None]  # 正解を列ベクトル (N, 1) に、スケールを 1 に
reg_net, mse_layer = MLP([3, 16, 1], activation="tanh", rng=rng), MSELoss()
mse_layer.forward(reg_net.forward(X_reg), y_reg)
reg_net.backward(mse_layer.backward())  # 分類のときとまったく同じ呼び出し
for key, param in reg_net.params.items():
    numeric = numerical_gradient(lambda _: MSELoss().forward(reg_net.forward(X_reg), y_reg), param)
    print(f"回帰、{key}: 誤差逆伝播法と中心差分の相対誤差が "
          f"1e-7 未満: {relative_error(reg_net.grads[key], numeric) < 1e-7}")

# %% [markdown] translates="6afc3f3a1e4d"
# **3. 自動微分** 誤差逆伝播法は、ノードを粗くしたリバースモードの自動微分（第2章）です。第7節では、第2章のスカラーの `Value` エンジンとレイヤから、10 桁まで同じ勾配が得られました。レイヤは計算グラフの 1 つのノードで、その `backward` がベクトル・ヤコビ積です。ディープラーニングのフレームワークも同じ仕組みで動いています。各演算が自分の VJP の計算方法を記録し、`loss.backward()` がそれらを逆順に実行します。だから書くのは順伝播だけでよく、どんなネットワークでも、どんな損失でも、その勾配は 1 回の逆向きの計算で得られるのです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="a6209e8d6814"
# ## まとめ
#
# - **レイヤ** は粗い計算グラフのノードです。`forward(x)` は必要なものをキャッシュし、`backward(δ)` は $\partial L/\partial x$ を返してパラメータの勾配を保存します。ネットワークの逆伝播はそれらを最後から順に呼びます。それが誤差逆伝播法です。
# - Linearレイヤ $Y = XW + b$: $dW = X^\top\delta$, $db = \sum_n\delta_n$, $dX = \delta W^\top$。どの勾配も、その量と同じ形状です。形状だけで式が決まります。
# - 活性化関数は、誤差信号に要素ごとに傾きを掛けます: $\sigma(1-\sigma)$、$1-\tanh^2$、または ReLU のマスク。
# - ソフトマックス関数と交差エントロピー誤差をまとめると、勾配は $(p - t)/N$ です。
# - すべての逆伝播を中心差分で確かめましょう（相対誤差 $< 10^{-7}$）。できれば、独立したもう 1 つの実装とも比べます。
# - 数値微分には、パラメータ $P$ 個に対して順伝播 $2P$ 回かかります。誤差逆伝播法は、$P$ がいくつでも順伝播 1 回と逆伝播 1 回（仕事量は順伝播約 3 回分）です。
# - `backward` は **ベクトル・ヤコビ積** $\delta^\top J$ です。ヤコビ行列はけっして作りません（`Linear` ではブロック対角、活性化関数では対角、ソフトマックス関数では 1 行ごとに $\mathrm{diag}(p) - pp^\top$）。順伝播でブロードキャストされたものは、逆伝播で和がとられます。だから $db = \sum_n \delta_n$ です。
# - 重みの初期値はランダムでなければならず（重みが等しいと、ユニットはいつまでも同じまま）、スケールも適切でなければなりません。分散の議論から、tanh には Xavierの初期値 $\sqrt{2/(D_{in}+D_{out})}$、ReLU には Heの初期値 $\sqrt{2/D_{in}}$、シグモイド関数には Xavier の 4 倍が得られます。
# - スケールを誤ると、層が深くなるにつれて勾配が消えたり爆発したりします。深いシグモイド関数のネットワークの「100 万倍」の差の大半はスケールのせいで、残りがシグモイド関数そのもののせいでした。
# - 層を深くすることを意味あるものにするのは非線形性です。隠れ層には ReLU（+ He）が標準です。死んだユニットに気をつけましょう。シグモイド関数の出番は 2 クラス分類の出力です。
# - 誤差逆伝播法は効率的で、汎用的で（分類にも回帰にも使えます）、粗いノードでのリバースモードの自動微分です。
#
# **次へ:** 第4章では、これらの勾配を使って重みを変えます。勾配降下法です。

# %% [markdown] slideshow={"slide_type": "slide"} translates="4772bf890051"
# ## 演習
#
# 演習のセルに自分の答えを書いて実行してください。`check` が合格かどうかを判定し、違っていればヒントを出します。このノートブックでは、各演習のセルに模範解答がすでに入っています。読む前にまず自分で解いてみましょう（`make student` を実行すると、模範解答の代わりに空欄の入ったコピーが作られます）。
#
# ### 演習 3.1 — シグモイド関数の逆伝播
# キャッシュした出力 `out` $= \sigma(x)$ と誤差信号 `grad_out` $= \partial L/\partial\sigma(x)$（どちらも同じ形状で、形状は何でもかまいません）を受け取り、$\partial L/\partial x$ を返す関数 `sigmoid_backward(out, grad_out)` を書いてください。引数は書き換えないでください。

# %% translates="2e2468558303"
def sigmoid_backward(out, grad_out):
    ### BEGIN SOLUTION
    return grad_out * out * (1 - out)
    ### END SOLUTION


check("3.1", sigmoid_backward)

# %% [markdown] translates="0e7e0514a168"
# ### 演習 3.2 — Linearレイヤの 3 つの勾配
# $y = xW + b$ について、タプル `(dx, dW, db)` を返す関数 `linear_backward(x, W, grad_out)` を書いてください。形状は `x` が $(N, D_{in})$、`W` が $(D_{in}, D_{out})$、`grad_out` が $(N, D_{out})$ です。ヒント: それぞれの結果がもつべき形状から考え始めましょう。

# %% translates="b569a5f8ab46"
def linear_backward(x, W, grad_out):
    ### BEGIN SOLUTION
    return grad_out @ W.T, x.T @ grad_out, grad_out.sum(axis=0)
    ### END SOLUTION


check("3.2", linear_backward)

# %% [markdown] translates="9fde66baeb48"
# ### 演習 3.3 — 2 層ネットワークの逆伝播
# 第5節のネットワーク（Linear → ReLU → Linear → ソフトマックス関数と交差エントロピー誤差、正解ラベル `y` は整数）について、辞書 `{"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}` を返す関数 `two_layer_backward(X, y, W1, b1, W2, b2)` を書いてください。レイヤは使わず、NumPy と `losses` だけを使います。まず順伝播をもう一度計算し、次に第5節の逆伝播の行をたどります（`dZ2` は `losses.one_hot` か `losses.softmax_cross_entropy_grad` で求まります）。レイヤを呼び出すと、`check` が気づきます。

# %% translates="b5533ab1ea65"
def two_layer_backward(X, y, W1, b1, W2, b2):
    ### BEGIN SOLUTION
    Z1 = X @ W1 + b1
    A1 = np.maximum(Z1, 0)
    dZ2 = losses.softmax_cross_entropy_grad(A1 @ W2 + b2, y)
    dZ1 = (dZ2 @ W2.T) * (Z1 > 0)
    return {"W1": X.T @ dZ1, "b1": dZ1.sum(axis=0), "W2": A1.T @ dZ2, "b2": dZ2.sum(axis=0)}
    ### END SOLUTION


check("3.3", two_layer_backward)

# %% [markdown] translates="0f02a20f4c13"
# ### 演習 3.4 — ヤコビ行列を使わないソフトマックス関数の逆伝播
# 関数 `softmax_backward(p, grad_out)` を書いてください。形状 $(N, C)$ の確率 `p` $= \mathrm{softmax}(z)$（データ 1 つにつき 1 行）と、同じ形状の `grad_out` $= \partial L/\partial p$ を受け取り、$\partial L/\partial z$ を返します。各行は $\mathrm{diag}(p) - pp^\top$ とのベクトル・ヤコビ積です（第10節）。これを **$C \times C$ の行列を一切作らずに** 計算してください（`check` は $C = 2000$ のときに関数が確保するメモリを測ります）。引数は書き換えないでください。

# %% translates="db18485f5406"
def softmax_backward(p, grad_out):
    ### BEGIN SOLUTION
    return p * (grad_out - (grad_out * p).sum(axis=1, keepdims=True))
    ### END SOLUTION


check("3.4", softmax_backward)

# %% [markdown] translates="538105171641"
# ### 演習 3.5 — Heの初期値
# 後ろに ReLU が続く `Linear` レイヤの、形状 `(fan_in, fan_out)` の重みの初期値 `W` を返す関数 `he_init(fan_in, fan_out, rng)` を書いてください。ランダムで（第11節: 対称性を作らない）、平均 0、標準偏差は ReLU についての分散の議論から得られる値とし、渡された乱数生成器 `rng` から生成します（同じシードからは同じ重みが得られなければなりません）。

# %% translates="18a2cf1035e3"
def he_init(fan_in, fan_out, rng):
    ### BEGIN SOLUTION
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), size=(fan_in, fan_out))
    ### END SOLUTION


check("3.5", he_init)

# %% [markdown] translates="802825c69f3d"
# ### 演習 3.6 — 死んだ ReLU ユニット
# 後ろに ReLU が続くレイヤ $z = XW + b$ について、関数 `dead_units(W, b, X)` を書いてください。ユニットごとに 1 つの要素をもつ真偽値の配列（形状 `(units,)`）を返し、バッチ `X` でユニットが **死んでいる** 所を `True` にします。死んでいるとは、どのデータでも ReLU が 0 を出力し、勾配がまったく通らないことです（第13節）。ちょうど $z = 0$ になる境目の場合に注意してください。

# %% translates="c553d52fb275"
def dead_units(W, b, X):
    ### BEGIN SOLUTION
    return np.all(X @ W + b <= 0, axis=0)
    ### END SOLUTION


check("3.6", dead_units)

# %% [markdown] translates="4e0f94dad859"
# **発展（`check` なし）:**
# 1. 第12節を ReLU と `init=1.0`（どの層も標準偏差 1）でやり直してみましょう。アクティベーション、損失、勾配はどうなりますか。そこから重みの初期値について何がわかりますか。
# 2. 第11節ではランダムな重みで対称性を崩しました。重みは等しいまま、ランダムな **バイアス** にするだけで十分でしょうか。`train_from` で試し、$dW = X^\top\delta$ を使って説明してください。
# 3. 第13節の大きな学習率は ReLU のユニットを殺しました。第12節の `relu, Xavier（不適切）` と `relu, He（適切）` のネットワークについて、64 枚の数字で死んだユニットを、自分の `dead_units` で数えてみましょう。初期化したばかりのネットワークにも影響はありますか。

# %% [markdown] slideshow={"slide_type": "slide"} translates="f750851476f7"
# ## 用語集
#
# | 日本語 | English | 意味 |
# |---|---|---|
# | 誤差逆伝播法（逆伝播） | backpropagation | ネットワークの損失に対するリバースモードの自動微分 |
# | 順伝播 | forward propagation | 入力から出力を、レイヤごとに順に計算すること |
# | レイヤ（層） | layer | `forward` と `backward` をもつ、ネットワークの 1 段 |
# | Linearレイヤ（全結合層、ゼロつくの Affine レイヤ） | linear (fully connected) layer | $Y = XW + b$ |
# | 重み | weight | Linearレイヤの行列 $W$ |
# | バイアス | bias | すべての行に足されるベクトル $b$ |
# | 活性化関数 | activation function | Linearレイヤの間に入る、要素ごとの非線形な関数 |
# | 誤差信号 | error signal | 出力についての損失の勾配。たとえば $(p - t)/N$ |
# | 勾配確認 | gradient check | 逆伝播の結果を中心差分と比べること |
# | 中心差分 | central difference | $(f(x+h) - f(x-h))/2h$ |
# | 形状（シェイプ） | shape | 配列の各軸の大きさ。例: $(N, D_{in})$ |
# | 勾配消失 | vanishing gradient | 入力に向かって、勾配が層ごとに縮んでいくこと |
# | 勾配爆発 | exploding gradient | 入力に向かって、勾配が層ごとに大きくなっていくこと |
# | 非線形性 | non-linearity | 活性化関数が加えるもの。これがないと、何層重ねても 1 つの線形写像になる |
# | 飽和 | saturation | シグモイド関数の平らな部分。傾きがほとんど 0 になる |
# | 死んだユニット（dying ReLU） | dead unit (dying ReLU) | どの入力でもオフで、勾配がいつも 0 の ReLU のユニット |
# | ヤコビ行列 | Jacobian (matrix) | レイヤの出力の入力についての偏微分 $\partial y_k/\partial x_l$ をすべて並べた行列 |
# | ベクトル・ヤコビ積（VJP） | vector–Jacobian product | $\delta^\top J$。`backward` が $J$ を作らずに計算するもの |
# | ブロードキャスト | broadcast | 配列を新しい軸に沿ってコピーすること（順伝播）。その逆伝播は和 |
# | 対称性の破れ（対称性を崩す） | symmetry breaking | 重みの初期値をランダムにして、ユニットがそれぞれ違うことを学べるようにすること |
# | アクティベーション分布 | activation distribution | ある層のアクティベーション（活性化関数の出力）の値のヒストグラム |
# | 分散 | variance | 平均からのずれの 2 乗の平均。Xavierの初期値と Heの初期値が一定に保つ量 |
# | シグモイド関数 / tanh 関数（双曲線正接関数） / ReLU関数 | sigmoid / tanh / ReLU | この章の 3 つの活性化関数 |
# | ソフトマックス関数と交差エントロピー誤差（ゼロつくの Softmax-with-Loss レイヤ） | softmax cross-entropy | 勾配が $(p - t)/N$ になる、まとめた損失 |
# | 重みの初期値 | weight initialisation | ランダムな重みの出発点: ReLU には He、tanh には Xavier、シグモイド関数には Xavier の 4 倍 |
# | Heの初期値 / Xavierの初期値 | He / Xavier initialisation | 標準偏差 $\sqrt{2/D_{in}}$ / $\sqrt{2/(D_{in}+D_{out})}$ |
#
# **次の章:** [第4章 — 勾配降下法](04_gradient_descent.ipynb): すべての勾配が手に入ったので、それを使って重みを変えていきます。
