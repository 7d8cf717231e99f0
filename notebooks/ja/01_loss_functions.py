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

# %% [markdown] slideshow={"slide_type": "slide"} translates="f1dd5f52b805"
# # 第1章 — 損失関数：ネットワークの間違いを測る
#
# **この章で学ぶこと**
# - ニューラルネットワークの中で損失がどこにあるか（順伝播のすぐあとです）
# - 平均二乗誤差（MSE）とその勾配。式を導き、数値でも確かめます
# - シグモイド関数とソフトマックス関数がスコア（ロジット）を確率に変えるしくみと、シグモイド関数の傾き
# - 交差エントロピー誤差（二値と多クラス）。確率から計算する方法と、ロジットから計算する方法
# - 素朴なソフトマックス関数がオーバーフローする理由と、log-sum-exp トリックによる解決法
# - 分類の学習に MSE ではなく交差エントロピー誤差を使う理由。シグモイド関数を通した MSE の勾配は、ネットワークがいちばん間違っているときにこそ消えてしまいます
# - 損失の勾配が次にどこへ向かうか。それが誤差逆伝播法の最初の一歩です
#
# **前提知識**: Python と NumPy の基本と、微分の考え方（$x^2$、$e^x$、$\log x$ の微分）。ほかの章を先に読む必要はありません。
#
# **おさらい — ネットワークは何をするのか。** ニューラルネットワークは、調整できる数を中に持った関数です。この数を*重み*と*バイアス*といいます。入力（たとえば手書き数字の 784 個の画素）を受け取ると、レイヤ（層）を 1 つずつ通って出力を計算します。出力は 10 個のスコアで、数字 1 つにつき 1 つです。この左から右への計算を**順伝播**といいます。学習とは、出力がよくなるように重みを変えることです。そのためにはまず、今の出力がどれくらい悪いかを表す 1 つの数が必要です。それが**損失**です。この章ではこの数を扱い、続く 5 つの章でそれを小さくする方法を学びます。
#
# **この先の道のり: 学習の 1 ステップは 4 つの部分からなります。** (1) *順伝播*で出力を計算します。(2) *損失*で、それがどれくらい間違っているかを測ります（この章）。(3) *誤差逆伝播法*（短く「逆伝播」）で、連鎖律を使って誤差をネットワークの後ろから前へ送り、すべての重みについて損失の勾配を求めます（第2〜3章）。(4) *勾配降下法*で、すべての重みを勾配と反対の向きに少しだけ動かします。どれだけ動かすかは*学習率*で決まります（第4〜5章）。第6章では、本物の手書き数字 1 枚でこの 4 つのステップを実行し、そのあと何千枚もの数字でネットワークを学習させます。

# %% translates="657b5c9683b5"
# Running on Google Colab? Install the course library first (this does nothing anywhere else).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://github.com/backprop-from-zero/backprop-from-zero"], check=True)

# %% translates="415dd5d394b1"
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np

import course_lib
from course_lib import losses, plotting
from course_lib.exercises import check
from course_lib.gradcheck import numerical_derivative, numerical_gradient, relative_error

rng = course_lib.setup_notebook(seed=0, lang="ja")  # lang="ja": メッセージと図を日本語で表示（英語なら lang="en"）

# %% [markdown] slideshow={"slide_type": "slide"} translates="a86f29dcfffb"
# ## 1. 損失はどこにあるのか
#
# ```
#  入力 x ──► レイヤ 1 ──► レイヤ 2 ──► … ──► 出力 ŷ ──► 損失 L(ŷ, y) ◄── 正解 y
#             └────────────── 順伝播 ──────────────┘
# ```
#
# ネットワークには「正しい」「間違い」が直接見えるわけではありません。見えるのは損失だけです。損失は 1 つの数 $L(\hat y, y) \ge 0$ で、出力 $\hat y$ が正解 $y$ に近いほど小さくなります。学習では、すべての重みについて $L$ の傾きをたどります（第2〜4章）。そのため、損失には次の 2 つの性質が必要です。
# 1. **予測が正しいときに、ちょうど 0（最小）になること**
# 2. **微分できること。しかも予測が大きく外れているときにも、傾きが正しい向きを指していること**
#
# 2 つめの性質は、見た目ほど当たり前ではありません。第7節で、これを満たさない損失を見ます。
#
# **全章で使う記号。** 1 つのバッチには $N$ 個のデータが、1 行に 1 つずつ入っています。
#
# | 記号 | 意味 | 形状 |
# |---|---|---|
# | $\hat y$, $y$ | 回帰での予測とその正解（どんな実数でもよい） | 同じ形状 |
# | $C$ | 分類するクラスの数 | |
# | $z$ | **ロジット**: 最後のレイヤが出す生のスコア（どんな実数でもよい） | $(N, C)$ |
# | $p$ | ロジットから計算した確率。各行の和は 1 | $(N, C)$ |
# | $y_n$ | データ $n$ の整数のラベル（正解のクラス）。$0, \dots, C-1$ のどれか | $(N,)$ |
# | $t$ | 同じラベルを one-hot表現の行にしたもの。正解のクラスだけ 1、ほかは 0 | $(N, C)$ |
#
# ライブラリは、分類の正解をどちらの形でも受け付けます。整数のラベル `(N,)` でも、one-hot表現の行 `(N, C)` でもかまいません。

# %% [markdown] slideshow={"slide_type": "slide"} translates="4f097e44b1a7"
# ## 2. 平均二乗誤差
#
# 予測 $\hat y$ と正解 $y$ のバッチがあり、数が全部で $M$ 個（行数 × 列数）あるとします。平均二乗誤差（MSE）は
#
# $$
# \mathrm{MSE}(\hat y, y) = \frac{1}{M}\sum_{i=1}^{M} (\hat y_i - y_i)^2 .
# $$
#
# 各項は $\hat y_i$ についての放物線で、$\hat y_i = y_i$ で最小値 0 をとります。項ごとに微分しましょう。$\hat y_i$ を含むのは $i$ 番目の項だけで、$\frac{d}{du}u^2 = 2u$ なので、
#
# $$
# \frac{\partial\,\mathrm{MSE}}{\partial \hat y_i} = \frac{1}{M}\, 2(\hat y_i - y_i) = \frac{2(\hat y_i - y_i)}{M}.
# $$
#
# 勾配は誤差に比例します。大きすぎる予測は下へ、小さすぎる予測は上へ押され、外れているほど強く押されます。ライブラリのコードは次のとおりです（各関数の 1 行目は入力を確かめているだけです。数であること、2 つの形が同じであることを確かめ、float の配列にして返します。ライブラリの関数はどれもこうした確認から始まるので、間違いはそれをした場所で報告されます）。

# %% translates="4a4434e5fff6"
course_lib.show_source(losses.mse)
course_lib.show_source(losses.mse_grad)

# %% [markdown] translates="a5ac156beb55"
# 簡単な例です。あるモデルが 3 軒の家の価格（単位は 1,000 万円）を予測しました。

# %% translates="9548fa077bfe"
y_true = np.array([3.0, 1.5, 4.0])
y_pred = np.array([2.5, 2.0, 4.0])
print(f"MSE  = {losses.mse(y_pred, y_true):.4f}")
print(f"勾配 = {np.array2string(losses.mse_grad(y_pred, y_true), precision=4)}")

# %% [markdown] translates="9ac5c825bd50"
# 1 つめの予測は低すぎるので、勾配は負です（増やす向き）。2 つめは高すぎます（減らす向き）。3 つめはぴったりなので、まったく押されません。
#
# **本によって違う 2 つの流儀。** *平均か、和か?* 平均にすると、バッチサイズがいくつでも損失とその勾配の大きさは変わりません。和にすると、1,000 個のデータの勾配は 10 個のときのおよそ 100 倍になります。この講座の損失はすべて平均です。ただし、それでバッチサイズが関係なくなるわけではありません。ランダムに選んだバッチの勾配の*期待値*はバッチサイズ $B$ によらず同じですが、その分散は $1/B$ に比例して小さくなります。小さなバッチほど勾配にノイズが多く、ちょうどよいステップの大きさはやはり $B$ によって変わります（このノイズと、それがステップに与える影響は第4章で測り、バッチサイズとステップの大きさの関係は第5章で扱います）。*なぜ ½ がないのか?* 多くの教科書では、微分で出てくる 2 が消えるように $\frac{1}{2}\sum(\hat y - y)^2$ と定義します（『ゼロから作るDeep Learning』の「2乗和誤差」もこの形です）。½ があってもなくても、勾配が定数倍になるだけで、向きは変わりません。この講座の MSE はただの平均なので、勾配には 2 が残ります。
#
# **導いた式を数値で確かめる。** 中心差分 $\big(L(\hat y + h e_i) - L(\hat y - h e_i)\big) / 2h$ は、1 つの要素をごく小さな $h$ だけ上と下に動かして、損失がどれだけ変わるかを測るものです。これを使えば、微分の計算をしなくても各偏微分の値を見積もれます（なぜうまくいくのか、どれくらい正確なのかは第2章で説明します）。`course_lib.gradcheck` の 2 つの関数がこの手間を引き受けてくれます。この講座ではずっとこれらを使います。
#
# - `numerical_gradient(f, x)` は、スカラー関数 `f` の配列 `x` での中心差分を、要素を 1 つずつ動かして（$h = 10^{-5}$ で）計算し、その配列を返します。`x` は元どおりに戻しておきます。`numerical_derivative(f, x)` は、1 つの数を受け取る関数について同じことをします。
# - `relative_error(a, b)` は $\lVert a - b\rVert / \max(\lVert a\rVert, \lVert b\rVert)$（全要素についてのユークリッドノルム）で、おおよそ「何桁一致しているか」を表します。$10^{-7}$ なら、だいたい 7 桁です。
#
# 中心差分そのものの精度は 10 桁くらいです（理由は第2章で見ます）。そこで、相対誤差が $10^{-7}$ 未満なら「式は正しい」とみなすことにします。式が間違っていれば、誤差は $10^{-1}$ 程度かそれ以上になります。式が正しければ、2 つは一致するはずです。

# %% translates="6b5ff6cf6d95"
y_pred_batch = rng.normal(size=(4, 3))
y_true_batch = rng.normal(size=(4, 3))
analytic = losses.mse_grad(y_pred_batch, y_true_batch)
numeric = numerical_gradient(lambda p: losses.mse(p, y_true_batch), y_pred_batch)
err = relative_error(analytic, numeric)
print(f"解析的な勾配と数値微分の相対誤差は 1e-7 未満か: {err < 1e-7}")

# %% translates="cfd7db2cf6e7"
fig, ax = plt.subplots(figsize=(6, 3.5))
pred = np.linspace(-1, 3, 200)
ax.plot(pred, (pred - 1.0) ** 2, lw=2, label=r"損失 $(\hat y - 1)^2$")
ax.plot(pred, 2 * (pred - 1.0), lw=2, ls="--", label=r"勾配 $2(\hat y - 1)$")
ax.axvline(1.0, color="gray", lw=1)
ax.annotate("目標 y = 1", (1.0, 3.2), xytext=(1.15, 3.2))
ax.set(xlabel=r"予測 $\hat y$", ylabel="値", ylim=(-4, 4),
       title="1 つの予測の MSE: 放物線と、その傾きの直線")
ax.legend(loc="lower right")
plt.show()

# %% [markdown] translates="bbae6dad8053"
# 目標の左側では傾きが負、右側では正です。ですから、$\hat y$ を傾きと*反対*の向きに動かせば、いつでも目標に近づきます。勾配降下法（第4章）がすることは、これだけです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="71f750fcdda6"
# ## 3. スコアから確率へ: シグモイド関数とソフトマックス関数
#
# MSE は価格のような数値に向いています。一方、分類では「どのクラスか?」に答えます。分類するネットワークの最後のレイヤは生のスコア $z$ を出力します。これが**ロジット**で、どんな実数にもなります。これを確率として読めるように、値を押しつぶします。
#
# **2 クラス（yes/no）: シグモイド関数。** 1 つのロジット $z$ が「yes」の確率になります。
#
# $$
# \sigma(z) = \frac{1}{1 + e^{-z}} \in (0, 1), \qquad \sigma(0) = \tfrac12,\quad
# \sigma(z) \to 1 \;\; (z \to \infty),\quad \sigma(z) \to 0 \;\; (z \to -\infty) .
# $$
#
# あとでこの関数の傾きが必要になります。$\sigma(z) = (1 + e^{-z})^{-1}$ と書いて、外側のべき乗と内側の指数関数を微分すると、
#
# $$
# \sigma'(z) = \frac{e^{-z}}{(1 + e^{-z})^2}
#            = \underbrace{\frac{1}{1 + e^{-z}}}_{\sigma(z)}\cdot\underbrace{\frac{e^{-z}}{1 + e^{-z}}}_{1 - \sigma(z)}
#            = \sigma(z)\,\big(1 - \sigma(z)\big).
# $$
#
# （2 つめの因子が $1 - \sigma(z)$ になるのは、$\frac{e^{-z}}{1 + e^{-z}} = \frac{(1 + e^{-z}) - 1}{1 + e^{-z}} = 1 - \frac{1}{1 + e^{-z}}$ だからです。）傾きが最大になるのは $z = 0$ で、そのときの値は $\frac12\cdot\frac12 = \frac14$ です。$|z|$ がおよそ 4 を超えると、傾きはほとんど 0 になります。そこではシグモイド関数は**飽和**していて、平らです。この平らさを覚えておいてください。第7節で悪さをするのが、これです。

# %% translates="187d0e58c5a8"
def sigmoid(z):
    """教科書どおりの式。ここで使うほどほどの大きさのロジットなら問題ありません（第3章にオーバーフローしないレイヤがあります）。"""
    return 1 / (1 + np.exp(-z))


z_points = np.array([-6.0, -2.0, 0.0, 2.0, 6.0])
slope_formula = sigmoid(z_points) * (1 - sigmoid(z_points))
slope_numeric = np.array([numerical_derivative(sigmoid, z0) for z0 in z_points])
print(f"z                    {np.array2string(z_points, precision=4)}")
print(f"sigma(z)             {np.array2string(sigmoid(z_points), precision=4)}")
print(f"sigma(z)(1-sigma(z)) {np.array2string(slope_formula, precision=4)}")
print(f"中心差分と一致: {relative_error(slope_formula, slope_numeric) < 1e-7}")

plotting.plot_sigmoid()
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"} translates="8ddc6145d6e4"
# **$C$ クラス: ソフトマックス関数。** $C$ 個のロジットの行が、和が 1 になる $C$ 個の確率に変わります（$j$ についての和は、$C$ 個のクラスすべてにわたります）。
#
# $$
# \mathrm{softmax}(z)_c = \frac{e^{z_c}}{\sum_{j} e^{z_j}} .
# $$
#
# 指数関数によってすべての要素が正になり、スコアの大小の順も保たれます（ロジットが大きいほど、確率もかならず大きくなります）。そして和で割ることで、合計が 1 になるようにそろえます（正規化）。4 つのロジットで、1 段階ずつ見てみましょう。

# %% translates="b6805122183e"
plotting.plot_softmax_steps([2.0, 1.0, 0.1, -1.0])
plt.show()

# %% [markdown] translates="4aec6517d9a9"
# ソフトマックス関数は**シフト不変**です。すべてのロジットに同じ定数 $a$ を足すと、分子と分母がどちらも $e^{a}$ 倍になって打ち消し合います。効いてくるのはロジットどうしの*差*だけです。そして、シグモイド関数は、1 つめのロジットを 0 に固定した 2 クラスのソフトマックス関数にほかなりません: $\mathrm{softmax}([0, z])_1 = \frac{e^{z}}{e^0 + e^{z}} = \frac{1}{e^{-z} + 1} = \sigma(z)$。

# %% translates="c964c530899e"
z = np.array([[2.0, 1.0, 0.1, -1.0]])
p = losses.softmax(z)
print(f"{'z':<18}{np.array2string(z[0], precision=4)}")
print(f"{'softmax(z)':<18}{np.array2string(p[0], precision=4)}   和 = {p.sum():.4f}")
print(f"{'softmax(z + 100)':<18}{np.array2string(losses.softmax(z + 100)[0], precision=4)}   （同じ: シフト不変）")
print(f"{'softmax([0, 2])':<18}{np.array2string(losses.softmax(np.array([0.0, 2.0])), precision=4)}"
      f"   sigmoid(2) = {sigmoid(2.0):.4f}")

# %% [markdown] slideshow={"slide_type": "slide"} translates="59471ce272c7"
# ## 4. 交差エントロピー誤差
#
# ネットワークが正解のクラスに確率 $p$ を与えたとき、ネットワークはどれくらい「驚く」べきでしょうか。情報理論の答えは $-\log p$（自然対数）です。$p = 1$ なら驚きは 0 で、$p \to 0$ では驚きはいくらでも大きくなります。$N$ 個のデータのバッチで、one-hot表現の正解 $t$ を使ってこれを平均したものが、（多クラスの）**交差エントロピー誤差**です。
#
# $$
# \mathrm{CE}(p, t) = -\frac{1}{N}\sum_{n=1}^{N}\sum_{c} t_{nc}\log p_{nc}
#                   = -\frac{1}{N}\sum_{n=1}^{N}\log p_{n,\,y_n},
# $$
#
# ここで $y_n$ はデータ $n$ の正解のクラスです。$t$ は one-hot表現なので、内側の和で 0 でない項は 1 つだけです。効いてくるのは*正解の*クラスの確率だけなのです。交差エントロピー誤差は、モデルのもとでのラベルの負の対数尤度でもあります。モデルがバッチ全体の正解に与える確率は $\prod_n p_{n,y_n}$ で、対数をとるとこの積が和になります。つまり、交差エントロピー誤差を最小にすることは、最尤推定そのものです。

# %% translates="d05b68ffc9d9"
course_lib.show_source(losses.cross_entropy)

# %% [markdown] translates="8ff229f22578"
# `1e-12` という下限は、結果に `log(0) = -inf` が入らないようにするためのものです。本当の解決策は確率をそもそも作らないことで、それは第6節で見ます。
#
# **2 クラス: 二値交差エントロピー誤差。** $C = 2$ のとき、確率はクラス 1 が $p$、クラス 0 が $1 - p$ です。one-hot表現の正解は $(1 - t, t)$（$t \in \{0, 1\}$）です。二重の和は、データ 1 つあたり次のようになります。
#
# $$
# \mathrm{BCE}(p, t) = -\big(t\log p + (1-t)\log(1-p)\big),
# $$
#
# $t = 1$ のときは $-\log p$、$t = 0$ のときは $-\log(1 - p)$ です。ここでも、正解に与えた確率の対数にマイナスを付けたものになっています。ライブラリはこれを全要素について平均します。

# %% translates="cd574a486e73"
course_lib.show_source(losses.binary_cross_entropy)

# %% translates="6132489c04d8"
probs = np.array([[0.7, 0.2, 0.1],
                  [0.1, 0.1, 0.8]])
labels = np.array([0, 1])
print(f"交差エントロピー誤差（整数のラベル）: {losses.cross_entropy(probs, labels):.4f}")
print(f"同じく one-hot表現の正解で:           {losses.cross_entropy(probs, losses.one_hot(labels, 3)):.4f}")
print(f"手計算 -(log 0.7 + log 0.1)/2 = {-(np.log(0.7) + np.log(0.1)) / 2:.4f}")
p_yes = np.array([0.9, 0.2, 0.6])
t_yes = np.array([1.0, 0.0, 1.0])
print(f"二値交差エントロピー誤差:             {losses.binary_cross_entropy(p_yes, t_yes):.4f}")
print(f"手計算 -(log 0.9 + log(1 - 0.2) + log 0.6)/3 = {-(np.log(0.9) + np.log(1 - 0.2) + np.log(0.6)) / 3:.4f}")

# %% [markdown] translates="446485774f30"
# 同じ間違いを、2 つの損失はどう評価するでしょうか。正解が 1 の出力を 1 つ考え、それが正解に与える確率 $p$ を 0 から 1 まで動かしてみます。

# %% translates="1b635cfe343e"
plotting.plot_mse_vs_cross_entropy()
plt.show()

# %% [markdown] translates="d524dc2c0775"
# 確率に対する二乗誤差は、どれほど間違っていても 1 を超えません。交差エントロピー誤差は、正解の確率が 0 に近づくにつれて限りなく大きくなります。自信満々の間違いには、大きな代償を払わせるのです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="df48a7da3a2b"
# ## 5. ネットワークは「7」と答え、正解は「3」
#
# この講座の出発点になった例です。数字を分類するネットワークが **3** の画像を見て、70 % の確信で **7** と答えました。正解のクラス 3 にはたったの 14 %、ほかの数字にはそれぞれ 2 % です。それぞれの損失で測ると、これはどれくらいの間違いでしょうか。

# %% translates="62396ca947fb"
probs_73 = np.full(10, 0.02)
probs_73[7], probs_73[3] = 0.70, 0.14
target_3 = losses.one_hot(np.array([3]), 10)

mse_73 = losses.mse(probs_73[None, :], target_3)
ce_73 = losses.cross_entropy(probs_73[None, :], np.array([3]))
print(f"予測: 数字 {probs_73.argmax()}   正解: 数字 3   確率の和 = {probs_73.sum():.2f}")
print(f"one-hot表現の正解に対する MSE:     {mse_73:.4f}")
print(f"交差エントロピー誤差 = -log(0.14): {ce_73:.4f}")

fig, ax = plt.subplots(figsize=(7, 3))
plotting.plot_class_probabilities(probs_73, true_class=3, ax=ax, title="ネットワークの答えは「7」、正解は「3」")
plt.show()

# %% [markdown] translates="d236153862e9"
# MSE は 10 個の差の 2 乗を足して、10 で割ります。「3」のところで $0.86^2$、「7」のところで $0.70^2$、残りの 8 か所で $0.02^2$ です。交差エントロピー誤差が見るのは、$p_3 = 0.14$ という 1 つの数だけです。
#
# 数が 1 つだけでは、よいのか悪いのかよくわかりません。同じ 3 の画像に対する 4 通りの出力を比べてみましょう。

# %% translates="65d9da6c5312"
spread = np.full(10, 0.86 / 9)  # 「3」に 0.14、残りは 9 個の間違った数字に均等に配る
spread[3] = 0.14
sure_7 = np.full(10, 1e-4)  # 「7」だと確信している
sure_7[7] = 1 - 9e-4
right_3 = probs_73.copy()  # 同じ数の組で、大きな値が正しい数字にある
right_3[7], right_3[3] = 0.14, 0.70
outputs = [("「7」と答える（上の例）", probs_73), ("p(3) は同じ、残りは均等", spread),
           ("「7」だと確信", sure_7), ("「3」と答える（正解）", right_3)]
for name, p_vec in outputs:
    m = losses.mse(p_vec[None, :], target_3)
    c = losses.cross_entropy(p_vec[None, :], np.array([3]))
    print(f"p(3) = {p_vec[3]:.4f}   MSE = {m:.4f}   交差エントロピー誤差 = {c:.4f}   {name:<27}")

# %% [markdown] translates="80584fd57243"
# - 交差エントロピー誤差が気にするのは、正解に与えた確率ただ 1 つです。最初の 2 つの出力はどちらも「3」に 14 % しか与えていないので、交差エントロピー誤差は同じです。MSE が 2 つめのほうをよいとするのは、間違った予想が散らばっているからにすぎません。
# - 確率に対する MSE には**上限**があります。正解が one-hot表現なら、$2/C = 0.2$ を超えることはありません。間違った数字を*確信している*ネットワークの MSE は 0.1998 で、迷っているネットワークの 0.1233 の 1.6 倍です。そして 0.1998 はもう天井です。どれほど確信をもって間違えても、MSE はそれ以上の罰を与えられません。交差エントロピー誤差は 9.21 対 1.97 で 4.7 倍の罰を与え、$p(3)$ がさらに小さくなれば、まだまだ大きくなります。
# - 正しい答えに対しては、どちらの損失も小さくなります。そうでなくては困ります。

# %% [markdown] slideshow={"slide_type": "slide"} translates="cf3ecb3e0008"
# ## 6. ロジット、オーバーフロー、log-sum-exp トリック
#
# 実際には、`softmax` を計算してから別に `log` をとる、ということはしません。ロジットは大きくなることがあり、$z > 709.78$ になったとたんに $e^{z}$ は float64 の最大値（約 $1.8\times 10^{308}$）を超えてしまいます（オーバーフロー）。教科書どおりのソフトマックス関数に ±1000 のロジットを与えるとどうなるか、見てみましょう。

# %% translates="01a82b08be8c"
def naive_softmax(z):
    e = np.exp(z)  # 定義そのままの、教科書どおりの式
    return e / e.sum(axis=-1, keepdims=True)


big = np.array([[1000.0, 0.0, -1000.0]])
with np.errstate(all="ignore"):  # 警告は出さずに、数値だけを見る
    print(f"素朴な softmax:        {naive_softmax(big)[0]}")
    print(f"素朴な softmax の log: {np.log(naive_softmax(big))[0]}")

# %% [markdown] translates="1a7c4688a38b"
# $e^{1000}$ は `inf` になり、`inf / inf` は `nan` になります。損失に `nan` が 1 つでも入ると、それにつながるすべての重みが台無しになります。（大きな負のロジットでは逆の失敗が起きます。$e^{-1000}$ は 0 になり（アンダーフロー）、$\log 0 = -\infty$ です。）解決策はシフト不変性を使うことです。先に、行の最大値 $m = \max_j z_j$ を引いておきます。すると
#
# $$
# \log \mathrm{softmax}(z)_c = z_c - \log\sum_j e^{z_j} = (z_c - m) - \log\sum_j e^{z_j - m}.
# $$
#
# 指数 $z_j - m$ はすべて $\le 0$ なので $e^{z_j - m} \in (0, 1]$ となり、オーバーフローしません。しかも最大の項はちょうど 1 なので和は $\ge 1$ で、その対数をとるときに 0 が来ることもありません。これが **log-sum-exp トリック**です。`softmax` も同じように最大値を引いています。`softmax_cross_entropy` は、`log_softmax` を使ってロジットから直接計算します。

# %% translates="00d34311309e"
course_lib.show_source(losses.log_softmax)
course_lib.show_source(losses.softmax_cross_entropy)

# %% translates="1e35bbdb230a"
print(f"安定な softmax:     {losses.softmax(big)[0]}")
print(f"安定な log_softmax: {losses.log_softmax(big)[0]}")
print(f"正解がクラス 0 のときの損失: {losses.softmax_cross_entropy(big, np.array([0])):.4f}")
print(f"正解がクラス 2 のときの損失: {losses.softmax_cross_entropy(big, np.array([2])):.1f}")

# %% [markdown] translates="8c75305de334"
# 有限で、しかも正確です。ロジットで 2000 も差をつけて間違った答えを確信しているネットワークは、`nan` ではなく、2000 という損失を払います。

# %% [markdown] slideshow={"slide_type": "subslide"} translates="ca5e845052e7"
# ### ソフトマックス関数と交差エントロピー誤差の勾配
#
# データ 1 つについて $\mathrm{LSE}(z) = \log\sum_j e^{z_j}$ と書くと、$\log p_c = z_c - \mathrm{LSE}(z)$ です。LSE の微分は、ソフトマックス関数そのものです。
#
# $$
# \frac{\partial\,\mathrm{LSE}}{\partial z_k} = \frac{1}{\sum_j e^{z_j}}\cdot e^{z_k} = p_k
# \qquad\Longrightarrow\qquad
# \frac{\partial \log p_c}{\partial z_k} = [c = k] - p_k ,
# $$
#
# ここで $[c = k]$ は、$c = k$ なら 1、そうでなければ 0 です。$L = -\sum_c t_c \log p_c$ なので、
#
# $$
# \frac{\partial L}{\partial z_k} = -\sum_c t_c\big([c = k] - p_k\big)
#   = -t_k + p_k\underbrace{\sum_c t_c}_{=1} = p_k - t_k .
# $$
#
# $N$ 個のバッチで平均すると $\;\partial L/\partial z = (p - t)/N$ です。誤差信号は「予測 − 正解」というだけのものです。何も押しつぶさない出力に MSE を使ったときと同じ、単純な形です。この勾配の各行の和は 0 になります。確率はクラスの間で移すことはできても、新しく作り出すことはできないからです。中心差分で確かめましょう。

# %% translates="bf229a32e2e6"
course_lib.show_source(losses.softmax_cross_entropy_grad)

# %% translates="109a8b4d7d2e"
logits = rng.normal(size=(5, 4)) * 3
labels = rng.integers(0, 4, size=5)
analytic = losses.softmax_cross_entropy_grad(logits, labels)
numeric = numerical_gradient(lambda z: losses.softmax_cross_entropy(z, labels), logits)
print(f"相対誤差は 1e-7 未満か: {relative_error(analytic, numeric) < 1e-7}")
print(f"勾配の各行の和は 0 か:  {np.allclose(analytic.sum(axis=1), 0)}")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="94112c55e4f8"
# ### ロジットから計算する二値交差エントロピー誤差
#
# シグモイド関数でも同じ注意が必要です。$p = \sigma(z)$ とすると、2 つの対数は簡単になります。$-\log\sigma(z) = \log(1 + e^{-z})$ です。また $1 - \sigma(z) = \frac{e^{-z}}{1 + e^{-z}} = \frac{1}{1 + e^{z}}$ なので、$-\log(1 - \sigma(z)) = \log(1 + e^{z})$ です。$\log(1 + e^{-z}) = \log(1 + e^{z}) - z$ を使うと、
#
# $$
# \mathrm{BCE}(z, t) = t\log(1 + e^{-z}) + (1 - t)\log(1 + e^{z}) = \log(1 + e^{z}) - t\,z .
# $$
#
# $\log(1 + e^{z}) = \log(e^0 + e^z)$ は 2 つの数 $0$ と $z$ の log-sum-exp なので、同じトリックで安全に計算できます: $\log(1 + e^{z}) = \max(z, 0) + \log\big(1 + e^{-|z|}\big)$。その微分は $\frac{e^z}{1 + e^z} = \sigma(z)$ なので、
#
# $$
# \frac{\partial\,\mathrm{BCE}}{\partial z} = \sigma(z) - t \qquad (\text{平均では } N \text{ で割る}),
# $$
#
# またしても「予測 − 正解」です。なぜわざわざロジットから計算するのでしょうか。float64 では $\sigma(40)$ が*ちょうど* 1 になってしまい、$1 - \sigma(40) = 0$、その対数は $-\infty$ になるからです。確率から計算するライブラリにできるのは、確率に $10^{-12}$ という下限を設けることだけです。すると損失は $-\log 10^{-12} \approx 27.6$ で頭打ちになります。そして頭打ちになった損失は平らで、勾配がもう残っていません。ロジットから計算すれば、頭打ちにする必要はありません。シグモイド関数は 2 クラスのソフトマックス関数（$\sigma(z) = \mathrm{softmax}([0, z])_1$、第3節）なので、ロジットの組 $[0, z]$ に `softmax_cross_entropy` を使えば、安定な方法で計算できます。下のコードについて、細かい点を 2 つ説明します。
#
# - `np.stack([zeros, z], axis=1)` は、$N$ 個のロジットを $(N, 2)$ の配列に変えます。その $n$ 行目は $[0, z_n]$ です。列 0 はクラス「no」（確率 $1 - \sigma(z_n)$）、列 1 はクラス「yes」（確率 $\sigma(z_n)$）です。
# - `softmax_cross_entropy` が受け取るのはクラスの*ラベル*、つまり整数の `(N,)` です（第1節）。0/1 の正解 $t_n$ は、正解の列の番号そのもの（「no」なら 0、「yes」なら 1）です。正解は浮動小数点数（0.0, 1.0）で持っているので、`t.astype(int)` で整数のラベル 0 と 1 に変えます。

# %% translates="6df7cf174420"
z_wrong = np.array([-40.0, 40.0])  # どちらもロジットで 40 も差をつけて、自信満々に間違えている
t_wrong = np.array([1.0, 0.0])
p_wrong = sigmoid(z_wrong)
pairs = np.stack([np.zeros_like(z_wrong), z_wrong], axis=1)  # ロジット [0, z]: softmax は [1 - σ(z), σ(z)] になる
print(f"sigma(40) はちょうど 1.0 か: {p_wrong[1] == 1.0}    sigma(-40) = {p_wrong[0]:.2e}")
print(f"確率から計算した BCE:     {losses.binary_cross_entropy(p_wrong, t_wrong):.2f}   （-log(1e-12) で頭打ち）")
print(f"ロジットから計算した BCE: {losses.softmax_cross_entropy(pairs, t_wrong.astype(int)):.2f}   （正しい値）")

z_check = rng.normal(size=6) * 3
t_check = rng.integers(0, 2, size=6)
numeric = numerical_gradient(
    lambda zz: losses.softmax_cross_entropy(np.stack([np.zeros_like(zz), zz], axis=1), t_check), z_check)
analytic = (sigmoid(z_check) - t_check) / z_check.size
print(f"勾配 (sigma(z) - t)/N は中心差分と一致: {relative_error(analytic, numeric) < 1e-7}")

# %% [markdown] slideshow={"slide_type": "slide"} translates="aed2e1e966c3"
# ## 7. 分類には、なぜ MSE ではなく交差エントロピー誤差なのか
#
# シグモイド関数の出力 $p = \sigma(z)$ を 1 つ考えます。正解は 1 ですが、出力は自信満々に間違っているとしましょう。$z = -8$、つまり $p \approx 0.0003$ です。どちらの損失も「$z$ の関数の関数」なので、その微分は（外側の関数の微分）×（内側の関数の微分）になります。これが連鎖律で、第2章でくわしく見ていきます。第3節の $\sigma'(z) = \sigma(z)(1 - \sigma(z))$ を使うと、次のようになります。
#
# - MSE: $L = (\sigma(z) - 1)^2$、外側の関数は $u^2$
#
#   $$\frac{dL}{dz} = 2(\sigma(z) - 1)\cdot\sigma(z)\big(1 - \sigma(z)\big).$$
#
#   因子 $\sigma(z)(1-\sigma(z))$ は、シグモイド関数が**飽和**するとほとんど 0 になります。
# - 交差エントロピー誤差: $L = -\log\sigma(z)$、外側の関数は $-\log u$ で、その微分は $-1/u$
#
#   $$\frac{dL}{dz} = -\frac{1}{\sigma(z)}\cdot\sigma(z)\big(1 - \sigma(z)\big) = \sigma(z) - 1 .$$
#
#   飽和する因子が打ち消し合って消えます。これは第6節の $\sigma(z) - t$ で $t = 1$ としたものです。

# %% translates="98b42b34fa88"
for z_val in [-8.0, -2.0, -np.log(2), 0.0, 2.0]:  # -ln 2: p = 1/3 になるところ
    s = sigmoid(z_val)
    g_mse = 2 * (s - 1) * s * (1 - s)
    g_ce = s - 1
    print(f"z = {z_val:+.2f}   p = {s:.4f}   dMSE/dz = {g_mse:+.5f}   dCE/dz = {g_ce:+.5f}")

numeric_mse = numerical_derivative(lambda zz: (sigmoid(zz) - 1) ** 2, -2.0)
numeric_ce = numerical_derivative(lambda zz: -np.log(sigmoid(zz)), -2.0)
print(f"z = -2 での中心差分: dMSE/dz = {numeric_mse:+.5f}   dCE/dz = {numeric_ce:+.5f}")

# %% translates="fccacfd7b261"
fig, (ax_loss, ax_grad) = plt.subplots(1, 2, figsize=(11, 4))
plotting.plot_losses_through_sigmoid(ax=ax_loss)
plotting.plot_saturation(ax=ax_grad)
fig.tight_layout()
plt.show()

# %% [markdown] translates="8aa30c642a2e"
# MSE では $|dL/dz| = 2p(1 - p)^2$ です（$p = \sigma(z)$）。これが最大になるのは $p = 1/3$（$z = -\ln 2 \approx -0.69$、右の図の点）で、そのときの値は $8/27 \approx 0.30$ です。微分 $2(1 - p)(1 - 3p)$ を 0 とおくと $p = 1/3$ が得られます。ピークより右で押す力が弱まるのは、出力がほぼ正しくなっているからで、これは当然です。**ところがピークより左、つまり出力が正解に 3 分の 1 未満の確率しか与えていないところでは、間違っていればいるほど学習が*進まない*のです。** 損失が平らな台地（プラトー）の上にあるからです。これが学習にとって何を意味するのか、試してみましょう。傾きに沿って下る更新 $z \leftarrow z - \eta\,\frac{dL}{dz}$ を、ステップの大きさ $\eta = 1$ で $z = -8$ から始めます（この更新規則が第4章のテーマです）。そして、出力がやっと「yes」と答える（$p > 0.5$）までのステップ数を数えます。

# %% translates="3528c19b2a3c"
def steps_until_right(grad, z_start=-8.0, lr=1.0, max_steps=100_000):
    z_now = z_start
    for step in range(max_steps):
        if sigmoid(z_now) > 0.5:
            return step
        z_now -= lr * grad(z_now)
    return max_steps


print(f"MSE:                  {steps_until_right(lambda zz: 2 * (sigmoid(zz) - 1) * sigmoid(zz) * (1 - sigmoid(zz)))} ステップ")
print(f"交差エントロピー誤差: {steps_until_right(lambda zz: sigmoid(zz) - 1)} ステップ")

# %% [markdown] translates="18fbdb5d2e75"
# ソフトマックス関数と 10 クラスでも、同じことが起こります。「7 と 3」のネットワークに、間違いを*確信*させてみましょう（第5節の `sure_7`）。そして、正解のクラス「3」のロジットについての勾配を見ます（ソフトマックス関数を通した MSE の勾配はライブラリにないので、中心差分で求めます）。

# %% translates="113729b6e60f"
logits_sure_7 = np.log(sure_7)[None, :]  # softmax が sure_7 になるロジット
grad_mse_softmax = numerical_gradient(lambda zz: losses.mse(losses.softmax(zz), target_3), logits_sure_7)
grad_ce_softmax = losses.softmax_cross_entropy_grad(logits_sure_7, np.array([3]))
print(f"ソフトマックス関数の出力に MSE:  dL/dz_3 = {grad_mse_softmax[0, 3]:+.6f}")
print(f"交差エントロピー誤差:            dL/dz_3 = {grad_ce_softmax[0, 3]:+.6f}")

# %% [markdown] translates="9579f68317cf"
# 交差エントロピー誤差は、間違いがいちばんひどいところで、いちばん強く押します。ですから、この講座の分類はすべて（そして実際に使われている分類も、ほとんどすべて）ソフトマックス関数と交差エントロピー誤差の組み合わせを使います。MSE は、出力を押しつぶさない回帰のために使います。

# %% [markdown] slideshow={"slide_type": "slide"} translates="27695f8a46f4"
# ## 8. 勾配は次にどこへ向かうのか
#
# ここまでに、出力と損失の組み合わせが 3 つ出てきました。3 つとも、最後のレイヤの押しつぶす前の出力（ロジット）についての勾配が、同じ形になります。
#
# | タスク | 最後のステップ | 損失 | ロジット／予測についての勾配 |
# |---|---|---|---|
# | 回帰 | なし、$\hat y = z$ | MSE | $2(\hat y - y)/M$ |
# | yes / no | シグモイド関数、$p = \sigma(z)$ | 二値交差エントロピー誤差 | $(p - t)/N$ |
# | $C$ クラスのどれか | ソフトマックス関数、$p = \mathrm{softmax}(z)$ | 交差エントロピー誤差 | $(p - t)/N$ |
#
# どれも「予測 − 正解」を定数倍したものです。この勾配が、**誤差逆伝播法**の出発点です。損失は順伝播のいちばん最後にあるので、その勾配が最初の**誤差信号**になります。誤差信号は、それぞれの出力がどちらへ動くべきかを教えてくれます。重みはもっと手前にあるので、勾配はそこまで伝わっていかなければなりません。
#
# 重みが 1 つだけのモデルで、少し味見をしてみましょう。モデル $\hat y_i = w\,x_i$ の出力は、$w$ が変わると $\partial\hat y_i/\partial w = x_i$ の割合で変わります。損失は、$\hat y_i$ が 1 変わるごとに $\partial L/\partial\hat y_i$ の割合で変わります。したがって
#
# $$
# \frac{\partial L}{\partial w} = \sum_i \frac{\partial L}{\partial \hat y_i}\,\frac{\partial \hat y_i}{\partial w}
#                               = \sum_i \frac{\partial L}{\partial \hat y_i}\,x_i .
# $$

# %% translates="4bea5cb6e54c"
x_data = np.array([1.0, 2.0, 3.0])
y_data = np.array([2.0, 4.0, 6.5])
w = 1.5
dL_dyhat = losses.mse_grad(w * x_data, y_data)  # 出力での誤差信号
dL_dw = np.sum(dL_dyhat * x_data)  # 1 ステップ後ろの重みまで運ぶ
dL_dw_numeric = numerical_derivative(lambda w_: losses.mse(w_ * x_data, y_data), w)
print(f"dL/dyhat = {np.array2string(dL_dyhat, precision=4)}")
print(f"誤差信号から求めた dL/dw: {dL_dw:.4f}   中心差分: {dL_dw_numeric:.4f}")

# %% [markdown] translates="1660878a1abb"
# 勾配は負です。つまり $w$ を大きくすれば損失は下がります（データは $y \approx 2x$ に従っています）。第2章では、この 1 ステップを連鎖律という規則にまとめ、どんな計算にも自動で使えるようにします。第3章では、それをレイヤごとに使って、$(p - t)/N$ を損失からネットワークのすべての重みまで運びます。第4章では、その結果を使って重みを変えます。

# %% [markdown] slideshow={"slide_type": "slide"} translates="e9c35d1ccf8a"
# ## まとめ
#
# - 損失は、順伝播の出力を「小さくすべき 1 つの数」に変えます。正解で 0（最小）になり、どこでも役に立つ傾きを持っていなければなりません。
# - MSE $=\frac1M\sum(\hat y - y)^2$、勾配は $2(\hat y - y)/M$。回帰に使います。
# - シグモイド関数は 1 つのロジットを確率に変えます。$\sigma'(z) = \sigma(z)(1 - \sigma(z)) \le \frac14$ で、$|z|$ が大きいところでは平らです。ソフトマックス関数は $C$ 個のロジットを確率に変えます。シフト不変で、シグモイド関数はその 2 クラスの場合です。
# - 交差エントロピー誤差 $-\log p_{\text{true}}$（二値なら $-[t\log p + (1-t)\log(1-p)]$）は、自信満々の間違いに限りなく大きな罰を与えます。これはラベルの負の対数尤度です。
# - 交差エントロピー誤差はロジットから計算しましょう。ソフトマックス関数には log-sum-exp、シグモイド関数には $\log(1 + e^z) - tz$ を使います。素朴なソフトマックス関数は、ロジットがおよそ 710 を超えるとオーバーフローします。また、対数の前に確率をクリップすると、損失が頭打ちになります。
# - ソフトマックス関数やシグモイド関数と組み合わせると、ロジットについての交差エントロピー誤差の勾配は $(p - t)/N$ です。
# - シグモイド関数やソフトマックス関数の出力に MSE を使うと、出力が自信満々に間違っているときに勾配が消えてしまいます。交差エントロピー誤差では、そうなりません。
# - 出力についての損失の勾配が、誤差逆伝播法の最初の誤差信号です。連鎖律がそれを重みまで運びます。
#
# **次の章:** 第2章では、損失の傾きがネットワークの奥にあるすべての重みにどうやって届くのか、つまり連鎖律を学びます。

# %% [markdown] slideshow={"slide_type": "slide"} translates="e6a7c6aa34e4"
# ## 演習
#
# 演習のセルに自分の答えを書いて実行してください。`check` が合格かどうかを判定し、違っていればヒントを出します。このノートブックでは、各演習のセルに模範解答がすでに入っています。読む前にまず自分で解いてみましょう（`make student` を実行すると、模範解答の代わりに空欄の入ったコピーが作られます）。
#
# ### 演習 1.1 — MSE の勾配
# 任意の形状の配列について $\partial\,\mathrm{MSE}/\partial \hat y$ を返す関数 `my_mse_grad(y_pred, y_true)` を書いてください。`losses.mse_grad` は呼ばないでください。

# %% translates="96ea88520a28"
def my_mse_grad(y_pred, y_true):
    ### BEGIN SOLUTION
    return 2.0 * (y_pred - y_true) / y_pred.size
    ### END SOLUTION


check("1.1", my_mse_grad)

# %% [markdown] translates="d0baf2ad7a6e"
# ### 演習 1.2 — 安定な log-softmax
# ロジットの 2 次元配列 `(N, C)` について、行ごとに log-softmax を計算する関数 `my_log_softmax(z)` を書いてください。±1000 のようなロジットでも、結果が有限の値でなければなりません（第6節）。`losses.log_softmax` と `losses.softmax` は呼ばないでください。

# %% translates="779b3d84cc0f"
def my_log_softmax(z):
    ### BEGIN SOLUTION
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    ### END SOLUTION


check("1.2", my_log_softmax)

# %% [markdown] translates="5773d5b8d029"
# ### 演習 1.3 — 「7」と「3」を手で計算する
# 第5節の出力（「7」に 0.70、「3」に 0.14、ほかは 0.02）で、正解の数字が 3 のときの交差エントロピー誤差を、`np.log` だけを使って 1 つの数として計算してください。

# %% translates="fa78e328d907"
### BEGIN SOLUTION
ce_by_hand = -np.log(0.14)
### END SOLUTION
check("1.3", ce_by_hand)

# %% [markdown] translates="b7d13788f6b5"
# ### 演習 1.4 — まとめて計算する勾配
# ロジット `(N, C)` と整数のラベル `(N,)` について、ソフトマックス関数と交差エントロピー誤差（平均）を合わせた $\partial L/\partial z$ を返す関数 `my_sce_grad(logits, labels)` を書いてください。`losses.softmax` と `losses.one_hot` は使ってかまいませんが、`losses.softmax_cross_entropy_grad` は使わないでください。

# %% translates="c5a4cfc83ef0"
def my_sce_grad(logits, labels):
    ### BEGIN SOLUTION
    n, c = logits.shape
    return (losses.softmax(logits) - losses.one_hot(labels, c)) / n
    ### END SOLUTION


check("1.4", my_sce_grad)

# %% [markdown] translates="372e0c142fef"
# ### 演習 1.5 — ロジットから計算する二値交差エントロピー誤差
# 0/1 の正解 `t` に対する $\sigma(z)$ の二値交差エントロピー誤差の平均を返す関数 `my_bce_with_logits(z, t)` を書いてください（`z` と `t` は同じ形状の配列で、形状は何でもかまいません）。第6節のように、ロジット `z` から計算します。±1000 のようなロジットでも、`inf` や `nan`、頭打ちになった値ではなく、正確な値を返さなければなりません。ヒント: `np.log1p(x)` は $\log(1 + x)$ を計算します。

# %% translates="f04d30e1810d"
def my_bce_with_logits(z, t):
    ### BEGIN SOLUTION
    return np.mean(np.maximum(z, 0) + np.log1p(np.exp(-np.abs(z))) - t * z)
    ### END SOLUTION


check("1.5", my_bce_with_logits)

# %% [markdown] translates="a0938869f916"
# **発展（チェックなし）:** ロジット `[2, 1, 0.1, -1]` について、温度 `T` を 0.1 から 10 まで変えながら `losses.softmax(z / T)` をグラフにしてみましょう。`T` を大きくしたり小さくしたりすると、確率はどうなるでしょうか。`argmax` に近づくのは、どちらの極限でしょうか。

# %% [markdown] slideshow={"slide_type": "slide"} translates="5a92b0067a02"
# ## 用語集
#
# | 日本語 | English | 意味 |
# |---|---|---|
# | 損失関数 | loss function | 出力がどれくらい間違っているかを測る 1 つの数 |
# | 誤差関数 / コスト関数 | error function / cost function | 損失関数の別の呼び方 |
# | 平均二乗誤差（MSE） | mean squared error (MSE) | 差の 2 乗の平均。回帰に使う |
# | 交差エントロピー誤差 | cross-entropy (error) | 正解のクラスに与えた確率の $-\log$ を平均したもの |
# | 二値交差エントロピー誤差 | binary cross-entropy | yes/no の出力のための交差エントロピー誤差: $-[t\log p + (1-t)\log(1-p)]$ |
# | 順伝播 | forward propagation | 入力から出力を、レイヤごとに順に計算すること |
# | 回帰 / 分類 | regression / classification | 数値を予測すること / クラスを予測すること |
# | ロジット | logit | ソフトマックス関数やシグモイド関数を通す前の、生のスコア |
# | ソフトマックス関数 | softmax function | $C$ 個のロジットを、和が 1 になる確率に変える関数 |
# | シグモイド関数 | sigmoid function | 1 つのロジットを (0, 1) の範囲に押しつぶす関数 |
# | one-hot表現 | one-hot vector | 正解のクラスだけが 1 で、ほかは 0 のベクトル |
# | 正解ラベル / 教師データ（目標値） | label / target | 出力と比べる正しい答え |
# | 尤度 / 最尤推定 | likelihood / maximum likelihood | モデルのもとでのデータの確率 / それが最大になるモデルを選ぶこと |
# | 勾配 | gradient | 損失の偏微分を並べたベクトル |
# | 誤差信号 | error signal | 出力についての損失の勾配。たとえば $(p - t)/N$ |
# | オーバーフロー / アンダーフロー | overflow / underflow | 浮動小数点数の型で表すには大きすぎる（`inf`）/ 小さすぎる（0 になる）数 |
# | log-sum-exp トリック | log-sum-exp trick | `exp` の前に最大値を引いて、値を有限に保つ工夫 |
# | 飽和 | saturation | シグモイド関数の平らな部分。傾きがほとんど 0 になる |
# | 重み / バイアス | weight / bias | ネットワークの中の、調整できる数 |
#
# **次の章:** [第2章 — 連鎖律](02_chain_rule.ipynb): 損失の勾配が、どうやってすべての重みに届くのか。
