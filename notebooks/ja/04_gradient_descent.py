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

# %% [markdown] slideshow={"slide_type": "slide"} translates="a1d38682bb92"
# # 第4章 — 勾配降下法：損失の坂を下る
#
# **この章で学ぶこと**
# - 更新式 $\theta \leftarrow \theta - \eta\,\nabla L(\theta)$ と、それが1次元と2次元で何をするか。
# - 損失曲面を等高線から読み取る方法。細長い（悪条件の）お椀で勾配降下法がジグザグに進む理由と、それを表す**条件数**。
# - バッチ勾配降下法、確率的勾配降下法、ミニバッチ勾配降下法：同じ更新式を、安いけれどノイズの多い勾配で使います。
# - Momentum（モーメンタム）と、それがジグザグをまっすぐにするしくみ。
# - パラメータごとの学習率 — AdaGrad、RMSProp、Adam：何を解決し、何を解決しないか。
# - 線形回帰では、勾配降下法が最小二乗法の閉形式解にたどり着くこと。
# - 学習ループ（順伝播、損失、逆伝播、更新）を手で書く方法。そして、分類器の決定境界が形になっていく様子。
#
# **前提知識**：第1〜3章（損失関数、連鎖律、誤差逆伝播法）と、少しの線形代数です。使うのは内積、**ヘッセ行列**（2階微分を並べた行列）、対称行列の**固有値と固有ベクトル**です。必要なことは第2節で復習します。
#
# **第3章のおさらい** 誤差逆伝播法を使うと、1回の逆伝播で、ネットワークのすべての重みとバイアスについての損失の勾配が求まります。各レイヤは、上から来た誤差信号 $\delta$ を、自分のパラメータの勾配（$dW = X^\top\delta$、$db = \sum\delta$）と、下のレイヤへ渡す誤差信号（$\delta W^\top$）に変えます。これらはすべて数値微分と照らし合わせて確かめました。まだしていないのは、その勾配を*使う*ことです。この章でそれを行います。勾配は損失が増える向きを教えてくれます。だから、その逆向きに一歩進みます。これを何度も繰り返します。

# %% translates="657b5c9683b5"
# Running on Google Colab? Install the course library first (this does nothing anywhere else).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://github.com/backprop-from-zero/backprop-from-zero"], check=True)

# %% translates="498f7e5a939b"
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

rng = course_lib.setup_notebook(seed=0, lang="ja")  # lang="ja"：メッセージと図を日本語で表示します

# %% [markdown] slideshow={"slide_type": "slide"} translates="46d243d65a1f"
# ## 1. 更新式
#
# 深い霧の中、山の斜面に立っていて、谷まで下りたいところを想像してください。谷は見えません。でも、足もとの傾きは感じられます。うまいやり方は、いちばん急に下っている向きへ一歩進み、もう一度傾きを確かめ、これを繰り返すことです。
#
# パラメータ $\theta$ の損失 $L(\theta)$ では、いちばん急な*上り*の向きが勾配 $\nabla L(\theta)$ です。なぜでしょうか。単位ベクトル $u$（$\lVert u\rVert = 1$）の向きに、長さ $s$ の小さな一歩を踏み出すとします。1次の近似では、損失は $s\,\nabla L(\theta)\cdot u$ だけ変わります。つまり、$u$ の向きの傾きは $\nabla L\cdot u$ です。コーシー・シュワルツの不等式から
#
# $$
# \nabla L\cdot u \;\le\; \lVert\nabla L\rVert\,\lVert u\rVert = \lVert\nabla L\rVert
# $$
#
# が成り立ち、等号が成り立つのは $u$ がちょうど $\nabla L$ の向きを指すときだけです。
#
# したがって、$\nabla L$ は最も急な上りの向きを指し、その長さが最も急な傾きの大きさです。$-\nabla L$ は最も急な下りの向きを指します（傾きは $-\lVert\nabla L\rVert$）。$\nabla L\cdot u = 0$ となる向きでは、1次の近似で損失が変わりません。この向きは、$\theta$ を通る**等高線**（損失が等しい点を結んだ線）に沿っています。つまり、勾配は等高線に垂直です。お椀の形をした関数 $f(x) = \tfrac12(x_1^2 + 4x_2^2)$ で確かめましょう。

# %% translates="1f0c4509515a"
f_demo, grad_demo = optim.quadratic(np.diag([1.0, 4.0]))
phi = np.radians(np.arange(15, 360, 30))
on_contour = np.column_stack([2 * np.cos(phi), np.sin(phi)])  # f = 2 となる点
fig, axes = plt.subplots(1, 2, figsize=(13, 4.2), gridspec_kw={"width_ratios": [1.25, 1]})
plotting.plot_contours(f_demo, (-3, 3), (-2, 2), ax=axes[0], levels=[0.5, 2, 4.5, 8],
                       minimum=[0, 0], title="勾配は等高線に垂直")
plotting.plot_gradient_arrows(grad_demo, on_contour, ax=axes[0], length=0.7,
                              label="∇f：最も急な上り")
axes[0].legend(loc="upper right", fontsize=9)
point = on_contour[1]
axes[0].plot(*point, "o", ms=13, mfc="none", mec="k", mew=1.5)  # 右の図で調べる点
plotting.plot_directional_slopes(grad_demo(point), ax=axes[1])
axes[1].set_title(f"点 ({point[0]:.2f}, {point[1]:.2f}) でのあらゆる向きの傾き")
fig.tight_layout()
plt.show()

g_point = grad_demo(point)
directions = np.radians(np.arange(3600) / 10)  # 0.1度おきの3600個の単位ベクトル
slopes = np.column_stack([np.cos(directions), np.sin(directions)]) @ g_point
steepest = np.degrees(directions[slopes.argmax()])
tangent = np.array([-2 * np.sin(phi[1]), np.cos(phi[1])])  # その点での等高線の向き
print(f"3600通りの向きの中で最も急な傾き：{slopes.max():.4f}（向き {steepest:.1f}°）")
print(f"|∇f| = {np.linalg.norm(g_point):.4f}、∇f の向きは "
      f"{np.degrees(np.arctan2(g_point[1], g_point[0])):.1f}°")
print(f"∇f ·（等高線の接線の向き） = {abs(g_point @ tangent):.3f}")

# %% [markdown] translates="52509155d782"
# すべての向きの中で最大の傾きは $\lVert\nabla f\rVert$ = 3.1623 で、それは勾配の向き（63.4°）にあります。そして、勾配には等高線に沿った成分がありません。こうして、勾配降下法は次の式になります。
#
# $$
# \theta_{t+1} = \theta_t - \eta\, \nabla L(\theta_t),
# $$
#
# ここで**学習率** $\eta > 0$（ギリシャ文字の「イータ」、コードでは `lr`）は1歩の大きさを決めます。添字 $t$ はステップを数えます（第1章と第3章の one-hot表現の教師データ $t$ とは別物です）。$\theta$ は*すべての*パラメータをまとめて表します。ネットワークなら第3章のすべての $W$ と $b$ で、それぞれを誤差逆伝播法で求めた自分の勾配 $dW$、$db$ で更新します。
#
# なぜこれで損失が下がるのでしょうか。小さな一歩 $\Delta\theta$ について、1次のテイラー展開から $L(\theta + \Delta\theta) \approx L(\theta) + \nabla L(\theta)^\top \Delta\theta$ です。$\Delta\theta = -\eta\nabla L$ とおくと
#
# $$
# L(\theta_{t+1}) \approx L(\theta_t) - \eta\,\lVert \nabla L(\theta_t)\rVert^2 \;\le\; L(\theta_t)
# $$
#
# となります。一歩が十分に小さくて1次の近似が成り立ち、勾配がまだゼロでなければ、損失は減ります。一歩の大きさは $\eta$ と*傾き*の積です。そのため、傾きが平らになる底の近くでは、一歩はひとりでに小さくなります。ライブラリの実装は次のとおりです。通った点をすべて記録します。

# %% translates="fe204f9484eb"
course_lib.show_source(optim.gradient_descent)

# %% [markdown] slideshow={"slide_type": "subslide"} translates="eb71e6a8f330"
# ### 1次元の場合
#
# $f(x) = x^2$ を考えます。$f'(x) = 2x$ なので、更新式は $x_{t+1} = x_t - \eta \cdot 2x_t = (1 - 2\eta)\,x_t$ です。$\eta = 0.1$ なら、1ステップごとに $x$ が $0.8$ 倍になります。最小点までの距離は、等比数列のように縮んでいきます。

# %% translates="03f052c7da08"
def parabola(x):
    return x**2


def parabola_grad(x):
    return 2 * x


path_1d = optim.gradient_descent(parabola_grad, np.array([4.0]), lr=0.1, steps=12)
for t in range(4):
    x_t = path_1d[t, 0]
    print(f"ステップ {t}：x = {x_t:.4f}   傾き f'(x) = {parabola_grad(x_t):+.4f}   "
          f"一歩 -lr*f'(x) = {-0.1 * parabola_grad(x_t):+.4f}")
predicted = 4.0 * 0.8**12
print(f"12ステップ後：x = {path_1d[-1, 0]:.6f}、予測値 4 * 0.8**12 = {predicted:.6f}")


# %% [markdown] translates="179412d46cd3"
# 多くの損失は、1つのお椀ではありません。関数 $g(x) = \tfrac14 x^4 - x^2 + \tfrac12 x$ には谷が2つあります。勾配降下法は、出発点の下にある谷へ下りていきます。見ているのはその場の傾きだけなので、いちばん低い点ではない**局所最小値**で止まることもあります。

# %% translates="9f607b04e9aa"
def two_valleys(x):
    return 0.25 * x**4 - x**2 + 0.5 * x


def two_valleys_grad(x):
    return x**3 - 2 * x + 0.5


fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
plotting.plot_descent_1d(parabola, path_1d, ax=axes[0], xlim=(-4.5, 4.5), label=r"$\eta = 0.1$")
axes[0].set_title(r"f(x) = x²：底に近づくと一歩が小さくなる")  # 日本語の文字列に $…$ は使わない（数式のフォントに日本語はない）
axes[0].legend()
for x0, color in [(-2.3, "tab:blue"), (2.3, "tab:red")]:
    path = optim.gradient_descent(two_valleys_grad, np.array([x0]), lr=0.05, steps=30)
    plotting.plot_descent_1d(two_valleys, path, ax=axes[1], xlim=(-2.5, 2.5), color=color,
                             label=f"出発点 {x0:+.1f} → 到着点 {path[-1, 0]:+.3f}")
axes[1].set_title("谷が2つ：どこから出発するかで、どこに着くかが決まる")
axes[1].legend(loc="upper center")
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"} translates="b90ce7b18f61"
# ## 2. 2次元：損失曲面と条件数
#
# パラメータが2つあると、損失は平面の上の曲面になります。これを登山用の地図のように、損失が等しい点を結んだ**等高線**で描きます。勾配はいつも等高線に垂直です（第1節）。だから、勾配降下法の一歩は等高線を直角に横切ります。
#
# いちばん簡単な曲面は、2次関数のお椀です。
#
# $$
# f(x) = \tfrac12\, x^\top A\, x, \qquad \nabla f(x) = A x,
# $$
#
# ここで $A$ は対称な正定値行列です。線形代数から2つのことを思い出しておきましょう。
# - $f$ の**ヘッセ行列**は、2階微分を並べた行列 $H_{ij} = \partial^2 f/\partial x_i\,\partial x_j$ です。勾配が傾きを表すように、ヘッセ行列は曲がり具合（曲率）を表します。この2次関数では、どの点でも $H = A$ です。
# - 対称行列は実数の**固有値** $\lambda_i$ と、互いに直交する長さ1の**固有ベクトル** $u_i$ をもちます：$A u_i = \lambda_i u_i$。$u_i$ の方向に沿って見ると、お椀は放物線 $\tfrac12\lambda_i s^2$ です。つまり $\lambda_i$ は、その方向の曲率です。*正定値*とは、すべての $\lambda_i > 0$ ということです。このときお椀はどの方向にも上向きに曲がり、最小点は原点です。
#
# $A$ を対角行列 $A = \mathrm{diag}(\lambda_1, \lambda_2)$ とします（どんな対称行列 $A$ でも、座標軸を固有ベクトルの向きに回せばこの形になります）。すると、更新式 $x_{t+1} = x_t - \eta A x_t$ は、2つの独立な1次元の問題に分かれます。
#
# $$
# x_{t+1,i} = (1 - \eta\lambda_i)\, x_{t,i}, \qquad i = 1, 2 .
# $$
#
# 各座標は、それぞれ自分の倍率 $|1 - \eta\lambda_i|$ で縮みます。急な方向（$\lambda$ が大きい）が発散しないためには、$\eta$ を小さくする必要があります（$\eta < 2/\lambda_{\max}$。第5章で詳しく調べます）。一方、緩やかな方向（$\lambda$ が小さい）で先へ進むには、大きな $\eta$ が欲しくなります。$\eta$ を大きくしていくと、緩やかな方向の倍率 $1 - \eta\lambda_{\min}$ は小さくなります。しかし、急な方向の倍率 $|1 - \eta\lambda_{\max}|$ は、$\eta > 1/\lambda_{\max}$ になると（一歩が行き過ぎて）また大きくなります。2つのうち大きいほう（遅いほうの方向）がいちばん小さくなるのは、両者が等しいとき、つまり $1 - \eta\lambda_{\min} = \eta\lambda_{\max} - 1$ のときです。この最善の妥協点 $\eta = 2/(\lambda_{\min} + \lambda_{\max})$ では、どちらの方向も1ステップごとに
#
# $$
# 1 - \frac{2\lambda_{\min}}{\lambda_{\min} + \lambda_{\max}}
# = \frac{\lambda_{\max} - \lambda_{\min}}{\lambda_{\max} + \lambda_{\min}}
# = \frac{\kappa - 1}{\kappa + 1}
# $$
#
# 倍に縮みます。ここで $\kappa = \lambda_{\max}/\lambda_{\min}$ は $A$ の**条件数**です。$\kappa \approx 1$ なら丸いお椀で、速く進みます。$\kappa \gg 1$ なら細長い谷で、遅くなります。急な方向では行き過ぎて行ったり来たりし、緩やかな方向ではのろのろとしか進みません。ライブラリの `quadratic` を使って、実際に見てみましょう。

# %% translates="d7b1dc6de2fa"
course_lib.show_source(optim.quadratic)

# %% translates="8a8c51f2cabc"
x_start = np.array([-4.5, 2.0])
bowls = {"良条件、κ = 2": np.diag([1.0, 2.0]),
         "悪条件、κ = 20": np.diag([1.0, 20.0])}
fig, axes = plt.subplots(1, 3, figsize=(15, 4.2))
curves = {}
for ax, (name, A) in zip(axes[:2], bowls.items()):
    f, grad = optim.quadratic(A)
    lam = np.linalg.eigvalsh(A)
    lr = 2 / (lam.min() + lam.max())
    path = optim.gradient_descent(grad, x_start, lr=lr, steps=25)
    plotting.plot_contours(f, (-5, 1.5), (-2.5, 2.5), ax=ax, levels=np.geomspace(0.05, 60, 12),
                           minimum=[0, 0], title=f"{name}、η = {lr:.3f}")
    plotting.plot_trajectory(path, ax=ax, label="勾配降下法")
    curves[name] = f(path)
    kappa = lam.max() / lam.min()
    ratio = np.linalg.norm(path[11]) / np.linalg.norm(path[10])
    print(f"{name}：|x| は1ステップごとに {ratio:.4f} 倍。(κ-1)/(κ+1) = {(kappa - 1) / (kappa + 1):.4f}")
plotting.plot_descent_losses(curves, ax=axes[2], xlabel="ステップ t", ylabel="f(x_t)",
                              title="ステップごとの損失（対数目盛）")
axes[2].set_ylim(1e-12, 1e2)
fig.tight_layout()
plt.show()

# %% [markdown] translates="17cd1675ba23"
# 測った縮小の倍率は、ちょうど $(\kappa-1)/(\kappa+1)$ です。丸いお椀では $1/3$（損失は1ステップごとに9分の1）ですが、細長いお椀では $0.905$ です。右の図では、損失の曲線が対数目盛で直線になっています。これを**線形収束**といいます。直線の傾きは $\kappa$ だけで決まります。実際のネットワークの損失曲面では、条件数が数千以上になることもあります。素の勾配降下法が遅くなりうるのはこのためで、第5節と第6節の工夫はそのためにあります。

# %% [markdown] slideshow={"slide_type": "slide"} translates="34caff2f190b"
# ## 3. 曲がった谷：Rosenbrock 関数
#
# 2次関数のお椀の谷はまっすぐです。**Rosenbrock 関数**（ローゼンブロック関数）$f(x, y) = (1 - x)^2 + 100\,(y - x^2)^2$ は、バナナのように曲がった谷をもつ、昔からよく使われるテスト関数です。谷底はほとんど平らで、最小値は $f(1, 1) = 0$ です。連鎖律で求めた勾配は $\big(-2(1 - x) - 400\,x\,(y - x^2),\; 200\,(y - x^2)\big)$ です。

# %% translates="e78bb7220536"
course_lib.show_source(optim.rosenbrock_grad)

# %% translates="2ef7500bc1aa"
rosen_path = optim.gradient_descent(optim.rosenbrock_grad, np.array([-1.2, 1.0]), lr=0.0015,
                                    steps=5000)
rosen_loss = optim.rosenbrock(rosen_path)
fig, axes = plt.subplots(1, 2, figsize=(12, 4.4), gridspec_kw={"width_ratios": [1.3, 1]})
plotting.plot_contours(optim.rosenbrock, (-1.6, 1.6), (-0.6, 1.7), ax=axes[0],
                       levels=np.geomspace(0.01, 300, 14), minimum=[1, 1],
                       title="Rosenbrock 関数、η = 0.0015、5000ステップ")
plotting.plot_trajectory(rosen_path, ax=axes[0], marker="", lw=2)
for t, offset in [(10, (2, 12)), (100, (8, -6)), (1000, (10, -14)), (5000, (-64, 4))]:
    axes[0].annotate(f"t={t}", rosen_path[t], xytext=offset, textcoords="offset points",
                     fontsize=10, color="tab:red", fontweight="bold",
                     bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8))
    axes[0].plot(*rosen_path[t], "o", color="tab:red", ms=5)
axes[0].set(xlabel="x", ylabel="y")
axes[1].loglog(np.arange(1, len(rosen_loss)), rosen_loss[1:], lw=2)
axes[1].set(xlabel="ステップ t（対数目盛）", ylabel="f(x, y)（対数目盛）",
            title="谷へは速く、谷に沿っては遅く")
fig.tight_layout()
plt.show()
for t in [10, 100, 1000, 5000]:
    print(f"ステップ {t:>4}：(x, y) = ({rosen_path[t, 0]:.3f}, {rosen_path[t, 1]:.3f})   f = {rosen_loss[t]:.2e}")
side = np.sign(rosen_path[:, 1] - rosen_path[:, 0] ** 2)  # 谷底 y = x² より上なら +1、下なら -1
print(f"谷底 y = x² に対して、1つ前のステップとは反対の側で終わったステップ："
      f"{(np.flatnonzero(side[1:] != side[:-1]) + 1).tolist()}")

# %% [markdown] translates="68b663fa9e2e"
# 最初の数歩は、谷へ急に落ち込み、谷を横切ってジグザグに進みます。最初の7歩はどれも、その1つ前の歩とは谷底 $y = x^2$ をはさんで反対側で終わります。第2節の細長いお椀と同じです。そのあと経路は片側に落ち着きます（もう一度だけ、509歩目で谷底を横切ります。$x \approx 0$ を通り過ぎて、谷底が上向きに曲がるところです）。ほとんど平らで曲がった谷底に沿って進むには、何千歩もかかります。谷を横切る方向には曲面がとても急で、谷に沿った方向にはとても平らです。つまり、*局所的な*条件数がとても大きいのです。$\eta$ を大きくしても助けになりません。谷を横切る方向に行き過ぎて、壁から壁へ跳ね返ってしまいます（$\eta = 0.003$ で試してみましょう。5000歩のあとでも $f$ はまだ 0.3 ほどで、数百倍も悪くなります）。

# %% [markdown] slideshow={"slide_type": "slide"} translates="1ad07a079d5b"
# ## 4. バッチ、確率的、ミニバッチ勾配降下法
#
# 訓練データでの損失は、$N$ 個の訓練データについての平均です。
#
# $$
# L(\theta) = \frac1N \sum_{n=1}^{N} \ell_n(\theta),\qquad
# \nabla L(\theta) = \frac1N \sum_{n=1}^{N} \nabla \ell_n(\theta),
# $$
#
# したがって、正確な勾配を1回求めるには、データ1個ごとの勾配を $N$ 回計算する必要があります。MNIST（第6章）なら 60,000 回です。それでやっと1歩進めるだけです。この手間の使い方は3通りあります。
#
# | 方法 | 勾配の計算に使うデータ | 1エポックのステップ数 | 各ステップ |
# |---|---|---|---|
# | **バッチ**勾配降下法 | $N$ 個すべて | 1 | 正確だが高価 |
# | **確率的**勾配降下法（SGD） | ランダムに選んだ1個 | $N$ | 安いが、ノイズがとても多い |
# | **ミニバッチ**勾配降下法 | ランダムに選んだ $B$ 個 | $\lceil N/B \rceil$ | 両者の折衷 |
#
# 訓練データ全体を1回使い切ることを、1**エポック**といいます。文字について注意しておきます。第1〜3章で損失に渡したバッチは、いつもデータ全体でした。だから、その $N$ 行がすべてのデータでした。これからは、$N$ は訓練データの大きさ、$B$ はミニバッチの大きさ（バッチサイズ）です。損失のレイヤは渡された行について平均をとるので、ミニバッチに対しては $1/N$ が $1/B$ になります。
#
# $B$ 個のデータをランダムに選んだ集合 $\mathcal{B}$ について、ミニバッチの勾配 $g_B = \frac1B\sum_{n\in \mathcal{B}}\nabla\ell_n$ は $\nabla L$ の*不偏*推定量です。つまり、ランダムな選び方について平均すると、ちょうど $\nabla L$ になります。1エポックではどのデータもちょうど1回ずつ使うので、$\theta$ を*固定*すれば、1エポックのバッチの勾配を単純に平均したものは、ちょうど $\nabla L$ です。ただし、それは $B$ が $N$ を割り切るときだけです。割り切れないと、最後の小さなバッチにも、ほかのバッチと同じ重みがついてしまいます（学習中は、バッチごとに $\theta$ が動くので、これは近似的にしか成り立ちません）。
#
# $g_B$ のノイズはどのくらいでしょうか。その誤差 $g_B - \nabla L$ は、データ1個ごとの誤差 $\nabla\ell_n - \nabla L$ を $B$ 個平均したものです。データ全体でのその2乗平均を $\sigma^2 = \frac1N\sum_n \lVert\nabla\ell_n - \nabla L\rVert^2$ とします。$B$ 個のデータを独立に選ぶなら、誤差の2乗の平均は $\sigma^2/B$ になります。`iterate_minibatches` のように、$N$ 個から*重複なしで*選ぶと、もう少し小さくなります。
#
# $$
# \mathbb{E}\,\lVert g_B - \nabla L\rVert^2 = \frac{\sigma^2}{B}\cdot\frac{N - B}{N - 1},
# $$
#
# これは標本調査の理論でいう**有限母集団修正**です（$B = N$ なら誤差は当然ゼロです）。したがって、二乗平均平方根（RMS）誤差は $1/\sqrt{B}$ に比例して小さくなります。実際には「SGD」といえば、たいていミニバッチ版のことです。ライブラリは、データをシャッフルしたミニバッチに切り分けます。1回の呼び出しで1エポック分です。`iterate_minibatches` はまず引数を確かめ（だから、間違いはそれを書いた場所で報告されます）、ランダムな並べ替えを1つ作り、それをバッチに切り分ける小さなジェネレータに渡します。

# %% translates="85d228be26b4"
course_lib.show_source(optim.iterate_minibatches)
course_lib.show_source(optim._batches)

# %% [markdown] slideshow={"slide_type": "subslide"} translates="b7f7035390b5"
# ### 比べるための問題：線形回帰
#
# scikit-learn の `make_regression` で作ったデータに、2つの重みをもつ $\hat y = Xw$ を当てはめます。損失は第1章の平均二乗誤差です。連鎖律から（第3章の、バイアスなしの `Linear` レイヤと同じです）$\partial L/\partial w = X^\top\, \partial L/\partial \hat y$ です。

# %% translates="d91c1834a56f"
X_reg, y_reg = make_regression(n_samples=256, n_features=2, noise=20.0, random_state=0)
y_reg = y_reg / y_reg.std()  # 目標値の大きさを1程度にして、数値を読みやすくする


def loss_and_grad(w, X, y):
    """線形モデル X @ w の平均二乗誤差と、w についてのその勾配 (2,)。"""
    y_pred = X @ w
    return losses.mse(y_pred, y), X.T @ losses.mse_grad(y_pred, y)


w_best = np.linalg.lstsq(X_reg, y_reg, rcond=None)[0]
print(f"X：{X_reg.shape}、y：{y_reg.shape}、最小二乗法の重み w* = {np.round(w_best, 4)}")

# %% [markdown] translates="45c4b4b68746"
# まずはノイズそのものを見ます。$w = 0$ で、正確な勾配と、そのミニバッチによる推定値（バッチサイズごとに約3,200個）を比べます。推定値の RMS 誤差も、上の式と比べます。

# %% translates="e76b09c7fdfe"
w0 = np.zeros(2)
N = len(X_reg)
_, full_grad = loss_and_grad(w0, X_reg, y_reg)
per_example = np.array([loss_and_grad(w0, X_reg[n:n + 1], y_reg[n:n + 1])[1] for n in range(N)])
sigma = np.sqrt(np.mean(np.sum((per_example - full_grad) ** 2, axis=1)))
print(f"w = 0 での正確な勾配：{np.round(full_grad, 3)}   データ1個ずつの σ = {sigma:.3f}")
print("  B   推定値の平均             RMS 誤差"
      "   σ/√B·√((N−B)/(N−1))       σ/√B（補正なし）")
for batch_size in [1, 4, 16, 64]:
    epochs_needed = max(1, 3200 * batch_size // N)  # どの B でも約3,200個のミニバッチ
    estimates = np.array([loss_and_grad(w0, Xb, yb)[1]
                          for _ in range(epochs_needed)
                          for Xb, yb in optim.iterate_minibatches(X_reg, y_reg, batch_size,
                                                                  rng=rng)])
    rms = np.sqrt(np.mean(np.sum((estimates - full_grad) ** 2, axis=1)))
    predicted = sigma / np.sqrt(batch_size) * np.sqrt((N - batch_size) / (N - 1))
    print(f"{batch_size:>3}   {np.array2string(estimates.mean(axis=0), precision=3):<22}"
          f"  {rms:9.3f}   {predicted:19.3f}   {sigma / np.sqrt(batch_size):20.3f}")

# w = 0 に固定して1エポック：バッチの勾配を単純に平均すると、正確な勾配になるか？
for batch_size in [16, 100]:
    batches = list(optim.iterate_minibatches(X_reg, y_reg, batch_size, rng=rng))
    grads = np.array([loss_and_grad(w0, Xb, yb)[1] for Xb, yb in batches])
    sizes = np.array([len(yb) for _, yb in batches])
    plain = grads.mean(axis=0)
    weighted = sizes @ grads / N  # 各バッチに、その大きさで重みをつける
    print(f"B = {batch_size:>3}：バッチの大きさ {sizes.tolist()[-3:]}（最後の3つ）   "
          f"|単純平均 - grad L| = {np.linalg.norm(plain - full_grad):.3f}   "
          f"|大きさで重みをつけた平均 - grad L| = {np.linalg.norm(weighted - full_grad):.3f}")

# %% [markdown] translates="5d474e09675a"
# 推定値は、$B$ がいくつでも、平均すると正確な勾配になります（不偏）。RMS 誤差は $\sigma/\sqrt{B}\cdot\sqrt{(N-B)/(N-1)}$ と2%以内で一致します。残りのずれは、3,200回のランダムな抽出による偶然です（$B = 1$ では、どのエポックもデータを1回ずつ使うので、ぴったり一致します）。$B$ を4倍にすると誤差は半分になり、$B$ が $N$ に近づくと半分より少し小さくなります。補正なしの $\sigma/\sqrt{B}$ は、各バッチがデータの4分の1にあたる $B = 64$ では17%大きすぎます。最後の2行は、$w$ を固定したときの1エポックの平均です。$N = 256$ を割り切る $B = 16$ では、16個のバッチの勾配の単純平均がちょうど正確な勾配になります。$B = 100$ では、バッチの大きさが 100、100、56 となり、単純平均は 0.024 ずれます。各バッチにその大きさで重みをつけると、ずれはなくなります。
#
# 次に、それぞれの方法で $w = 0$ から同じエポック数だけ学習させます（データ1個ごとの勾配の計算回数が同じになります）。更新のたびに、訓練データ全体での損失を記録します。

# %% translates="030631dd8953"
def train_linear(batch_size, lr, epochs, rng):
    """loss_and_grad によるミニバッチ勾配降下法。w の経路と、更新ごとの損失を返す。"""
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
runs = {"フルバッチ (B = 256)": train_linear(256, lr, epochs, rng),
        "ミニバッチ (B = 16)": train_linear(16, lr, epochs, rng),
        "確率的、1個 (B = 1)": train_linear(1, lr, epochs, rng)}
best_loss = loss_and_grad(w_best, X_reg, y_reg)[0]
for name, (path, loss_history) in runs.items():
    updates_per_epoch = (len(loss_history) - 1) // epochs
    last_epoch = loss_history[-updates_per_epoch:]
    print(f"更新 {len(path) - 1:>4} 回   最後のエポックの損失：{last_epoch.min():.4f}〜"
          f"{last_epoch.max():.4f}（最小二乗解：{best_loss:.4f}）   {name}")
print("\n更新 t 回後の訓練データの損失：  " + "".join(f"{t:>8}" for t in range(1, 9)))
for name, (path, loss_history) in runs.items():
    print(f"{name:<28}" + "".join(f"{value:8.3f}" for value in loss_history[1:9]))

# %% translates="e1eefc3df8b4"
# 線形モデルの平均二乗誤差は、w についての2次関数のお椀：mean((Xw - y)^2) = ½ wᵀAw - bᵀw + mean(y²)
# ただし A = 2XᵀX/N、b = 2Xᵀy/N。だから optim.quadratic でその等高線図が描ける。
surface, _ = optim.quadratic(2 * X_reg.T @ X_reg / len(X_reg), 2 * X_reg.T @ y_reg / len(X_reg))
fig, axes = plt.subplots(1, 3, figsize=(15, 4.5), gridspec_kw={"width_ratios": [1, 1.1, 1.1]})
plotting.plot_contours(lambda W: surface(W) + np.mean(y_reg**2), (-0.1, 1.0), (-0.1, 1.0),
                       ax=axes[0], levels=np.geomspace(0.115, 1.5, 12), minimum=w_best,
                       title="重みの空間での経路")
colors = {"フルバッチ (B = 256)": "tab:blue", "ミニバッチ (B = 16)": "tab:green",
          "確率的、1個 (B = 1)": "tab:red"}
for name, (path, _) in reversed(list(runs.items())):
    plotting.plot_trajectory(path, ax=axes[0], color=colors[name], marker="",
                             lw=0.8 if "B = 1)" in name else 2)
axes[0].set(xlabel="$w_1$", ylabel="$w_2$")
for name, (path, loss_history) in reversed(list(runs.items())):  # バッチ勾配降下法を最後に（いちばん上に）描く
    updates = np.arange(1, len(loss_history))
    axes[1].plot(updates, loss_history[1:], color=colors[name], lw=1.5, label=name)
    axes[2].plot(np.arange(len(loss_history)) * epochs / (len(loss_history) - 1), loss_history,
                 color=colors[name], lw=1.2, label=name)
axes[1].set(xscale="log", xlabel="更新の回数（対数目盛）", ylabel="訓練データの損失",
            title="更新ごと")
axes[2].set(xlabel="エポック（= 勾配の計算回数 / N）", ylabel="訓練データの損失",
            title="エポックごと：同じ計算量で比べる")
for ax in axes[1:]:
    ax.axhline(best_loss, color="k", ls=":", lw=1, label="最小二乗解")
    ax.set_ylim(0, 1.05)
axes[2].legend(fontsize=9)
fig.suptitle(f"バッチ、ミニバッチ、確率的勾配降下法（η = {lr}、{epochs} エポック）")
fig.tight_layout()
plt.show()

# %% [markdown] translates="a9add70c8976"
# 3つの図を合わせて読みましょう。
# - **左**：バッチ勾配降下法（青）は、お椀をまっすぐなめらかに下ります。しかし、10エポックでたった10歩しか進めず、まだ途中です。SGD（赤）は、1歩ごとに1個のデータの言い分に従うので、ふらふらと進みます。そして、最小点（星印）のまわりで揺れ続けます。
# - **中央**（更新ごと）：バッチ勾配降下法は正確な勾配に従います。同じ点から出発すると、ノイズのある一歩は*平均すると*悪い結果になります。この2次関数の損失では、その損失の期待値がちょうど $\tfrac{\eta^2}{2}\,\mathbb{E}[e^\top H e]$ だけ高くなります。ここで $e = g_B - \nabla L$ は勾配の誤差、$H$ はヘッセ行列です。ただし、どの更新でもそうなるわけではありません。運の良いバッチなら、最小点にもっと近い向きを指すこともあります。表示した損失では、2回目の更新のあとでミニバッチのほうがバッチ勾配降下法より低く、4回目と8回目の更新のあとでは確率的勾配降下法のほうが低くなっています。しかも、バッチ勾配降下法の1回の更新には、勾配の計算が256回かかります。
# - **右**（エポックごと、つまり同じ計算量）：SGD は、バッチ勾配降下法が1回更新するあいだに256回更新します。だから、はじめのうちはずっと先を行きます。ただし、学習率が一定のままだと、最小値（点線）の少し上の、ノイズで決まる高さ（ノイズフロア）で揺れ続けます。ミニバッチ（緑）はその折衷です。エポックあたりではほぼ同じくらい速く、ノイズはずっと少なくなります。しかも、実際のハードウェアでは、行列積がベクトル化されるおかげで、16〜256個のデータのバッチを計算する時間は、1個のデータとほとんど変わりません。

# %% [markdown] slideshow={"slide_type": "slide"} translates="3acdfbcda9d2"
# ## 5. Momentum（モーメンタム）
#
# 第2節の細長い谷に戻りましょう。急な方向では壁から壁へ跳ね返り、緩やかな方向ではのろのろとしか進みませんでした。**Momentum**（「重いボール」の方法）では、パラメータが過去の勾配を**モーメンタムのバッファ** $b$ に覚えておきます。
#
# $$
# b_{t+1} = \mu\, b_t + \nabla L(\theta_t), \qquad \theta_{t+1} = \theta_t - \eta\, b_{t+1},
# \qquad b_0 = 0,
# $$
#
# ここで $0 \le \mu < 1$ です（ふつうは 0.9）。漸化式を展開すると $b_{t+1} = \sum_{k=0}^{t} \mu^k\, \nabla L(\theta_{t-k})$ となります。つまり、一歩は過去の勾配に指数的に減る重みをつけた和です。
# - 勾配がずっと同じ向きを指す方向（谷に沿った方向）では、勾配が足し合わされます。一歩は勾配の $\eta/(1-\mu)$ 倍に近づいていきます。$\mu = 0.9$ なら10倍の大きさです。
# - 勾配の符号が1歩ごとに入れ替わる方向（谷を横切る方向）では、勾配が打ち消し合い、ジグザグが抑えられます。
#
# 多くの教科書では、同じ方法を、パラメータと同じ単位の*速度* $v = -\eta\, b$ を使って書きます：$v_{t+1} = \mu v_t - \eta\nabla L(\theta_t)$、$\theta_{t+1} = \theta_t + v_{t+1}$。$\eta$ が一定のあいだは、2つの書き方は同じ一歩を与えます。しかし、学習率スケジュール（第5章）で $\eta$ を変えると、上のバッファの形（PyTorch の `torch.optim.SGD` が使う形で、このライブラリも同じです）では、覚えている一歩全体の大きさが一度に変わります。$\mu = 0$ なら、これは素の勾配降下法です。
#
# ライブラリの `SGD` は、PyTorch のルールと既定値に従います（Nesterov のモーメンタムや、第6章の Weight decay（荷重減衰）も含みます）。同じキーをもつ辞書 `params` と `grads` があれば、何にでも使えます。ネットワークでも、1つのレイヤでも、下の小さな「モデル」でもかまいません。パラメータは、その配列の中身が直接書き換えられます。この章の最適化手法は、すべて同じ `step` を共有しています。`step` は、各パラメータの配列と、その勾配と、保存しておいた状態を、最適化手法ごとの更新式 `_update` に渡します。

# %% translates="078fefe91aed"
course_lib.show_source(optim.SGD.step)
course_lib.show_source(optim.SGD._update)


# %% translates="5bb44dd638bc"
class Point:
    """SGD が受け付けるいちばん小さなモデル：パラメータのベクトル x が1つと、その勾配。"""

    def __init__(self, x0):
        self.params = {"x": np.array(x0, dtype=float)}
        self.grads = {"x": np.zeros_like(self.params["x"])}


def run_sgd(grad_fn, x0, optimizer, steps):
    """Point に `optimizer` を `steps` 回適用し、経路（形状 (steps + 1, 2)）を返す。"""
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
    "勾配降下法, η = 0.095": run_sgd(grad_narrow, x_start, optim.SGD(lr=0.095), steps),
    "Momentum μ = 0.7, η = 0.03": run_sgd(grad_narrow, x_start, optim.SGD(lr=0.03, momentum=0.7),
                                          steps),
}
path_colors = ["tab:red", "tab:blue"]
fig, axes = plt.subplots(1, 2, figsize=(13, 4.3), gridspec_kw={"width_ratios": [1.4, 1]})
plotting.plot_contours(f_narrow, (-5, 1.5), (-2.5, 2.5), ax=axes[0],
                       levels=np.geomspace(0.05, 60, 12), minimum=[0, 0],
                       title=f"細長い谷（κ = 20）、どちらも {steps} ステップ")
for (name, path), color in zip(runs_momentum.items(), path_colors):
    plotting.plot_trajectory(path, ax=axes[0], label=name, color=color)
axes[0].legend(loc="lower right", fontsize=9)
plotting.plot_descent_losses({name: f_narrow(path) for name, path in runs_momentum.items()},
                             ax=axes[1], xlabel="ステップ t", ylabel="f(x_t)", title="ステップごとの損失",
                             colors=path_colors)
plt.show()
for name, path in runs_momentum.items():
    first = int(np.argmax(f_narrow(path) < 1e-3))
    print(f"f < 1e-3 になった最初のステップ：{first}   {steps} ステップ後の f："
          f"{f_narrow(path[-1]):.1e}   {name}")

# %% [markdown] translates="84061e800951"
# 素の勾配降下法は、いちばん良い学習率でも、谷を横切って跳ね返りながら、谷に沿ってのろのろと進みます。Momentum を使うと、経路は一度大きく振れますが、谷を横切る振動は穏やかになって消えていきます。そして、たまった勢いが点を谷底に沿って運びます。$f < 10^{-3}$ に届くのは、53ステップではなく31ステップ後です。理論もこれと合っています。いちばん良い一定の設定で、誤差は1ステップごとに、Momentum なしでは $(\kappa - 1)/(\kappa + 1)$ 倍、Momentum ありでは $(\sqrt\kappa - 1)/(\sqrt\kappa + 1)$ 倍に縮みます。$\kappa = 10^4$ なら $0.9998$ と $0.98$ で、必要なステップ数が100分の1になります。
#
# 手で更新を確かめてみましょう。$\eta = 0.1$、$\mu = 0.9$ とし、$\theta = 1$ から始めて、勾配が $2$、次に $-1$ だとします。$b_1 = 2$、$\theta_1 = 1 - 0.1\cdot 2 = 0.8$ です。次は $b_2 = 0.9\cdot 2 + (-1) = 0.8$、$\theta_2 = 0.8 - 0.1\cdot 0.8 = 0.72$ です。2つめの勾配は逆向きなのに、バッファがパラメータをまだ前へ運んでいます（`optim.SGD` には `nesterov=True` もあります。Nesterov の変種で、$\nabla L + \mu b$ で一歩進みます。勢いがパラメータを運んでいく先を、先回りして見るのです。第5章で2つを比べます）。

# %% translates="746058a05e09"
hand = Point([1.0])
sgd_momentum = optim.SGD(lr=0.1, momentum=0.9)
for g in [2.0, -1.0]:
    hand.grads["x"] = np.array([g])
    sgd_momentum.step(hand)
    print(f"勾配 {g:+.1f}：バッファ b {sgd_momentum.state['x']['momentum_buffer'][0]:+.4f}、"
          f"theta {hand.params['x'][0]:.4f}")

# %% [markdown] slideshow={"slide_type": "slide"} translates="762f9195beb7"
# ## 6. パラメータごとの学習率：AdaGrad、RMSProp、Adam
#
# Momentum は、一歩を平均することでジグザグと戦います。もう1つのアイデアは、ジグザグの原因そのものに向かいます。その原因とは、すべてのパラメータが1つの学習率を共有していることです。谷 $f = \tfrac12(x_1^2 + 20x_2^2)$ の勾配は $(x_1, 20x_2)$ です。最小点から同じ距離にいても、$x_2$ の傾きは $x_1$ の20倍です。だから、$x_2$ にとって安全な一歩の大きさは、$x_1$ にとっては20倍も控えめすぎます。ネットワークの損失の曲率はわかりません。でも、勾配なら見えます。そこで、**パラメータごとに一歩の大きさを変えます**。これまで勾配が大きかったパラメータでは小さく、小さかったパラメータでは大きくします。以下の演算はすべて要素ごとの演算です。各パラメータ（すべての $W$ と $b$ の各要素）が、それぞれ自分の統計量を記録していきます。
#
# - **AdaGrad**（Duchi, Hazan & Singer, 2011）は、これまでのすべての勾配の2乗の*和*の平方根で割ります：$s \leftarrow s + g^2$、$\theta \leftarrow \theta - \eta\, g/(\sqrt{s} + \varepsilon)$。最初の一歩は、勾配の大きさにかかわらず、どの座標でも $\eta\,\mathrm{sign}(g)$ です。しかし、$s$ は増える一方なので、一歩はどんどん小さくなります（勾配が一定なら $1/\sqrt{t}$ に比例します）。
# - **RMSProp**（Hinton, 2012）は、和の代わりに移動*平均* $v \leftarrow \alpha v + (1-\alpha) g^2$（$\alpha = 0.99$）を使います。大きさの目安が最近の勾配に追従するので、一歩が消えていきません（$v$ は0から始まるので、最初の一歩はどの座標でも $\eta\, g/\sqrt{0.01\,g^2} = 10\,\eta$ です）。
# - **Adam**（Kingma & Ba, 2015）は、両方のアイデアを組み合わせます。勾配には Momentum、$m \leftarrow \beta_1 m + (1-\beta_1) g$ を使い、大きさの目安には RMSProp と同じ $v \leftarrow \beta_2 v + (1-\beta_2) g^2$ を使います（$\beta_1 = 0.9$、$\beta_2 = 0.999$）。どちらの平均も0から始まるので、はじめのうちは $1-\beta_1^t$ 倍、$1-\beta_2^t$ 倍だけ小さすぎます（1ステップ後には $m = 0.1\,g$ です）。**バイアス補正**でこの倍率を割り戻し、$\hat m = m/(1-\beta_1^t)$、$\hat v = v/(1-\beta_2^t)$ とします。一歩は $\theta \leftarrow \theta - \eta\,\hat m/(\sqrt{\hat v} + \varepsilon)$ で、はじめはどの座標でもほぼ $\eta$ です。
#
# $\varepsilon$（AdaGrad では 1e-10、ほかは 1e-8）は、ゼロで割るのを防ぐためだけのものです。ライブラリは、PyTorch が `torch.optim.Adagrad`、`RMSprop`、`Adam` について文書化している更新式と既定値に従っています。3つの更新式は次のとおりです。

# %% translates="02b99c841d76"
course_lib.show_source(optim.AdaGrad._update)
course_lib.show_source(optim.RMSProp._update)
course_lib.show_source(optim.Adam._update)

# %% [markdown] translates="a88eed33d70d"
# 細長い谷に戻ります。それぞれの手法に、最初の一歩でどの座標もほぼ1だけ動くような学習率を選びます（AdaGrad と Adam は $\eta = 1$、RMSProp は $\eta = 0.1$）。第5節の2つの実行も並べます。Adam は2回実行します。既定値の $\beta_1 = 0.9$ と、第5節の Momentum と同じ $\beta_1 = 0.7$ です。表の「45°回した谷で」の列では、*同じ*谷を45°回転させて、すべての実行を繰り返します。

# %% translates="2d4525a713b2"
def rotated(A, degrees):
    """同じお椀を `degrees` 度回したもの：R A Rᵀ（R は回転行列）。"""
    c, s = np.cos(np.radians(degrees)), np.sin(np.radians(degrees))
    R = np.array([[c, -s], [s, c]])
    return R @ A @ R.T


def make_optimizers():
    """新しい最適化手法の一式（それぞれがパラメータごとの状態をもつので、実行ごとに新しく作る）。"""
    return {"勾配降下法, η = 0.095": optim.SGD(lr=0.095),
            "Momentum μ = 0.7, η = 0.03": optim.SGD(lr=0.03, momentum=0.7),
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
                       title=f"細長い谷で、パラメータごとの一歩の大きさ（{steps} ステップ）")
for (name, path), color in list(zip(runs_adaptive.items(), adaptive_colors))[2:]:
    wide = name.startswith("AdaGrad")  # 太く淡く描く：RMSProp の経路がその上を通るため
    plotting.plot_trajectory(path, ax=axes[0], label=name, color=color, ms=0 if wide else 2.5,
                             lw=6 if wide else 1.2, alpha=0.45 if wide else 0.9)
axes[0].legend(loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=8)
plotting.plot_descent_losses({name: f_narrow(path) for name, path in runs_adaptive.items()},
                             ax=axes[1], xlabel="ステップ t", ylabel="f(x_t)", title="ステップごとの損失",
                             colors=adaptive_colors)
axes[1].legend(fontsize=8)
plt.show()

print(f"{'最初の一歩':>10}{'f < 1e-3 に':>15}{'60ステップ':>8}{'45°回した谷で':>13}{''}")
print(f"{'(Δx1, Δx2)':>15}{'届いたステップ':>9}{'後の f':>10}{'60ステップ後の f':>12}   {'手法'}")
for name, path in runs_adaptive.items():
    below = np.flatnonzero(f_narrow(path) < 1e-3)
    first_below = str(below[0]) if below.size else "—"
    dx = path[1] - path[0]
    print(f"{f'({dx[0]:+.2f}, {dx[1]:+.2f})':>15}{first_below:>16}"
          f"{f_narrow(path[-1]):>12.1e}{f_turned(runs_turned[name][-1]):>18.1e}   {name}")


# %% [markdown] translates="2e06d723884c"
# まず「最初の一歩」の列を見ましょう。素の勾配降下法は、$x_2$ を $x_1$ のほぼ9倍も動かし（$-3.80$ と $+0.43$）、谷を横切って行き過ぎます。3つの適応的な手法は、どちらの座標もちょうど1だけ動かします。各座標を、その座標自身の勾配の大きさで割ったので、20倍の差が打ち消されたのです。AdaGrad と RMSProp は、そのままジグザグなしに谷を下り（2つの経路はほとんど重なっています。AdaGrad の経路は、RMSProp の経路の下にある太く淡い線です）、33ステップと31ステップで $f < 10^{-3}$ に届きます。Momentum と同じくらいで、53ステップよりずっと速いです。既定値の $\beta_1 = 0.9$ の Adam は、60ステップでは届きません（表では —）。勢いがついて最小点を何度も通り過ぎ、そのまわりを回ってしまいます（60ステップ後で $f = 7.7\cdot10^{-3}$）。ノイズのないこのお椀では、0.9 は勢いが強すぎます。SGD でも同じです（第5節で試してみましょう）。$\beta_1 = 0.7$ にすると、Adam がいちばん速くなります：28ステップで届き、60ステップ後には $f = 1.0\cdot10^{-9}$ です。
#
# 落とし穴は「45°回した谷で」の列にあります。同じ谷を45°回すと、急な方向と緩やかな方向が座標軸 $x_1, x_2$ とそろわなくなります。すると、座標ごとの大きさの目安ではそれらが見えません。AdaGrad と RMSProp は、素の勾配降下法よりずっと遅れてしまいます（0.49 と 0.40 に対して、素の勾配降下法は $6.9\cdot10^{-4}$）。素の勾配降下法と Momentum はどの方向も同じように扱うので、谷を回しても、出発点が谷のどこに来るかが変わるだけです（$1.9\cdot10^{-4} \to 6.9\cdot10^{-4}$ と $3.1\cdot10^{-8} \to 2.1\cdot10^{-8}$）。パラメータごとの一歩の大きさが直すのは、*パラメータのスケールの悪さ*であって、あらゆる悪条件ではありません。ネットワークには両方があります。さらに、レイヤや重みによって勾配の大きさが何桁も違います。だからこそ、Momentum とパラメータごとのスケールを組み合わせた Adam は、よく最初の選択肢になります。第8節でネットワークに使ってみます。

# %% [markdown] slideshow={"slide_type": "slide"} translates="dc25b156cc38"
# ## 7. 勾配降下法は最小二乗解を見つける
#
# 線形回帰なら、実は勾配降下法は必要ありません。バイアスをもう1つの重みとして書きます。$X_1$ は $X$ の右に1の列を加えたもの、$\theta = (w, b)$、$\hat y = X_1\theta$ です。平均二乗誤差（第1章）の勾配は
#
# $$
# \nabla_\theta \frac1N\lVert X_1\theta - y\rVert^2 = \frac2N X_1^\top (X_1\theta - y),
# $$
#
# です。これをゼロとおくと**正規方程式** $X_1^\top X_1\,\theta = X_1^\top y$ が得られ、`np.linalg.lstsq` で直接解けます。だから、これは絶好のテストになります。同じ損失で勾配降下法を使えば、同じ答えにたどり着くはずです。もう一度微分すると、ヘッセ行列は定数の行列 $2X_1^\top X_1/N$ です。損失はちょうど2次関数のお椀なので、勾配降下法がどのくらいの速さでたどり着くかは、第2節でわかります。
#
# 今回は第3章の本物の部品を使います。`Linear` レイヤがモデル（$\hat y = XW + b$）、`MSELoss` が損失で、`SGD` が `W` と `b` を更新します。ネットワークは要りません。レイヤも辞書 `params` と `grads` をもっているからです。

# %% translates="2cf8d01f5ae0"
X_lin, y_lin = make_regression(n_samples=500, n_features=5, noise=10.0, bias=30.0, random_state=1)
y_lin = (y_lin / y_lin.std())[:, None]  # (N, 1)：Linear レイヤの出力と同じく、出力は1列

# 閉形式：バイアスのために1の列を加えた最小二乗法。
X1 = np.hstack([X_lin, np.ones((len(X_lin), 1))])
theta_lstsq = np.linalg.lstsq(X1, y_lin[:, 0], rcond=None)[0]
sk = LinearRegression().fit(X_lin, y_lin[:, 0])
print(f"lstsq の重み {np.round(theta_lstsq[:-1], 4)}、バイアス {theta_lstsq[-1]:.4f}")
print(f"sklearn の LinearRegression は lstsq と一致するか："
      f"{np.allclose(np.append(sk.coef_, sk.intercept_), theta_lstsq)}")

# 勾配降下法はどのくらい速いはずか？ 第2節より：各固有方向は1ステップごとに |1 - lr*λ| 倍に縮む。
lam_lin = np.linalg.eigvalsh(2 * X1.T @ X1 / len(X1))
slowest = np.max(np.abs(1 - 0.2 * lam_lin))
print(f"ヘッセ行列 2 X1ᵀX1 / N の固有値：{np.array2string(lam_lin, precision=2)}")
print(f"lr = 0.2 なら、どの方向も1ステップごとに {slowest:.3f} 倍以下に縮む")
print(f"300ステップ後に残る誤差は、最初の誤差の高々 {slowest**300:.0e} 倍")

# 勾配降下法：フルバッチで300ステップ。
regressor = layers.Linear(5, 1, rng=rng)
mse_loss = layers.MSELoss()
gd = optim.SGD(lr=0.2)
for step in range(300):
    loss = mse_loss.forward(regressor.forward(X_lin), y_lin)  # 順伝播と損失
    regressor.backward(mse_loss.backward())                   # 逆伝播：regressor.grads を埋める
    gd.step(regressor)                                        # W と b をその場で更新
theta_gd = np.append(regressor.params["W"][:, 0], regressor.params["b"])

TOLERANCE = 1e-8
max_diff = np.max(np.abs(theta_gd - theta_lstsq))
print(f"勾配降下法の重み {np.round(theta_gd[:-1], 4)}、バイアス {theta_gd[-1]:.4f}")
print(f"max |theta_GD - theta_lstsq| < {TOLERANCE:.0e}：{max_diff < TOLERANCE}")

# %% [markdown] translates="6f59df151bb6"
# フルバッチで300ステップ進めると、2つはどの重みでも $10^{-8}$ より良い精度で一致します。実際には、倍率 $0.674^{300}$ が予測するとおり、float64 の丸めの最後の桁まで一致します。それでも $10^{-8}$ を許容誤差として掲げるのは、どのマシンでも成り立つ余裕をもたせるためです。このお椀は良条件です（`make_regression` の特徴量は独立で分散が1なので、ヘッセ行列の固有値はどれも2に近く、$\kappa \approx 1.5$ です）。だから、数百ステップで十分です。
#
# **ミニバッチ**で学習率を一定にすると、第4節の話が繰り返されます。パラメータはすぐに答えの近くまで来ますが、そこに落ち着かず、まわりで揺れ続けます。

# %% translates="209f37ea4b92"
regressor_mb = layers.Linear(5, 1, rng=rng)
sgd = optim.SGD(lr=0.05)
for epoch in range(30):
    for Xb, yb in optim.iterate_minibatches(X_lin, y_lin, 25, rng=rng):
        mse_loss.forward(regressor_mb.forward(Xb), yb)
        regressor_mb.backward(mse_loss.backward())
        sgd.step(regressor_mb)
theta_mb = np.append(regressor_mb.params["W"][:, 0], regressor_mb.params["b"])
print(f"ミニバッチ SGD（B = 25、30 エポック）：max |theta - theta_lstsq| = "
      f"{np.max(np.abs(theta_mb - theta_lstsq)):.1e}")

# %% [markdown] translates="4f988d9fb649"
# 近い（誤差は1000分の数）けれど、ぴったりではありません。SGD を落ち着かせるには、時間とともに*小さくなる*学習率が必要です。それが第5章の学習率スケジュールです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="dc2bd70468f3"
# ## 8. 分類器を手で学習させる
#
# ここまでのすべてを、小さな2クラスの問題で組み合わせます。scikit-learn の `make_moons` は、かみ合った2つの半円で、どんな直線でも分けられません。モデルは ReLU 関数を使う多層パーセプトロン $2 \to 16 \to 16 \to 2$（第3章）、損失はソフトマックス関数と交差エントロピー誤差（第1章）、最適化手法は Momentum つきの `SGD`（この章）です。学習ループはたった4行で、各エポックのミニバッチごとに繰り返します。
#
# 1. **順伝播**：バッチのスコアを計算します。
# 2. **損失**：スコアがどれだけ間違っているかを1つの数にします。
# 3. **逆伝播**：すべての重みについての損失の勾配を求めます（誤差逆伝播法）。
# 4. **更新**：勾配と逆向きに小さく一歩進みます。
#
# 第5章では、このループを `fit` 関数にまとめます。ここでは、そのまま書き出します。

# %% translates="8181dd92f44f"
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
        if step in snapshot_steps:  # この時点で、モデルが平面をどう見ているかを記録する
            accuracy = np.mean(model.predict(X_train) == y_train)
            snapshots.append((f"ステップ {step}：認識精度 {accuracy:.0%}", model.forward(grid)))
        scores = model.forward(X_batch)              # 1. 順伝播
        loss = loss_fn.forward(scores, y_batch)      # 2. 損失
        model.backward(loss_fn.backward())           # 3. 逆伝播
        optimizer.step(model)                        # 4. 更新
        step += 1
    epoch_losses.append(loss_fn.forward(model.forward(X_train), y_train))

train_acc = np.mean(model.predict(X_train) == y_train)
snapshots.append((f"ステップ {step}（最後）：認識精度 {train_acc:.0%}", model.forward(grid)))
test_acc = np.mean(model.predict(X_test) == y_test)
print(f"60 エポックで {step} 回の更新。訓練データの損失は 1 エポック後 {epoch_losses[0]:.3f}、"
      f"60 エポック後 {epoch_losses[-1]:.3f}")
print(f"認識精度：訓練データ {train_acc:.1%}、テストデータ {test_acc:.1%}（学習に使わなかった100点）")

# %% translates="2180f28d5e09"
plotting.plot_decision_boundary_steps(xx, yy, snapshots, X_train, y_train, ncols=4)
plt.show()

# %% [markdown] translates="bdff439a529a"
# ステップ0では、重みをランダムに初期化したネットワークは、まだ何の意見ももっていません。2つのスコアはどこでもほぼ等しく（淡い色で、確率は0.5に近い）、0.5の線は ReLU 関数の折れ目に沿って平面をさまよいます。訓練データの60%が正しい側に来ているのは偶然です。3回の更新のあと、境界が2つの半円をおおまかに分けます（81%）。ステップ25までに境界は曲がった線になり、その後の数百ステップで半円の先端を回り込むように包みます（97%）。目に見える変化はすべて、上の4行のループ（順伝播、損失、逆伝播、更新）が生み出したものです。背景の色はクラス1（赤）の予測確率で、黒い線はそれが0.5を横切るところです。

# %% [markdown] slideshow={"slide_type": "subslide"} translates="8c688da0f2ae"
# ### どの最適化手法を使うか
#
# ループは、4つめのステップ（更新）をどの最適化手法が行うかを気にしません。ここでは、同じネットワーク（同じ重みの初期値、同じ順番の同じミニバッチ）を4回学習させます。素の SGD、（上と同じ）Momentum つきの SGD、$\eta = 0.01$ の Adam、そして既定値 $\eta = 0.001$ の Adam です。Adam の $\eta$ は SGD の $\eta$ と比べられないことに注意してください。Adam の $\eta$ は、勾配の大きさにかかわらず、各パラメータの一歩のおおよその長さです。一方、SGD の一歩は勾配の $\eta$ *倍*です。

# %% translates="615da2fe9350"
def train_moons(optimizer, epochs=60, seed=1):
    """`initial_model` のコピーを moons で学習させ、各エポック後の訓練データの損失を返す。"""
    net = copy.deepcopy(initial_model)
    batch_rng = np.random.default_rng(seed)  # どの最適化手法でも同じミニバッチ
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
              "SGD + Momentum 0.9, η = 0.1": train_moons(optim.SGD(lr=0.1, momentum=0.9)),
              "Adam, η = 0.01": train_moons(optim.Adam(lr=0.01)),
              "Adam, η = 0.001": train_moons(optim.Adam())}
epochs_axis = np.arange(1, 61)
fig, ax = plt.subplots(figsize=(7, 4))
plotting.plot_descent_losses({name: (epochs_axis, h) for name, h in moons_runs.items()}, ax=ax,
                             xlabel="エポック", ylabel="訓練データの損失（対数目盛）",
                             title="同じネットワーク、4つの最適化手法",
                             colors=["tab:red", "tab:blue", "tab:purple", "plum"])
plt.show()
print(f"{'各エポック後の訓練データの損失':<15}" + "".join(f"{e:>7}" for e in (1, 5, 10, 20, 60)))
for name, h in moons_runs.items():
    print(f"{name:<30}" + "".join(f"{h[e - 1]:7.3f}" for e in (1, 5, 10, 20, 60)))

# %% [markdown] translates="065022a38ccc"
# 60エポック後、Momentum つきの SGD と $\eta = 0.01$ の Adam は 0.076 と 0.062 に達し、素の SGD は 0.103 です。Momentum は最初に低くなりますが、ノイズが多く、曲線が上下に跳ねます（10エポック後に 0.095、20エポック後に 0.112）。一方、Adam の曲線はなめらかに下がります。既定値の $\eta = 0.001$ では、Adam は1ステップごとに各重みをおよそ 0.001 しか動かしません。この問題にはあまりに小さく、60エポック後でも 0.262 です。既定の学習率は出発点であって、保証ではありません。その選び方が第5章のテーマです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="0df29a184f4d"
# ## まとめ
#
# - 勾配降下法は $\theta \leftarrow \theta - \eta\nabla L(\theta)$ を繰り返します。学習率 $\eta$ が十分小さければ、各ステップで損失は下がります。最小点の近くでは傾きが平らになるので、一歩は小さくなります。見つかるのは*局所的な*最小値です。どこから出発するかが大切です。
# - 2次関数のお椀では、各固有方向が $|1 - \eta\lambda_i|$ 倍ずつ縮みます。速さは条件数 $\kappa = \lambda_{\max}/\lambda_{\min}$ で決まり、最善でも1ステップごとに $(\kappa-1)/(\kappa+1)$ 倍です。悪条件の問題では、細長い谷を横切ってジグザグに進み、谷に沿ってはのろのろとしか進みません（Rosenbrock 関数の曲がった谷も同じです）。
# - 平均の損失の勾配は、ランダムなミニバッチから推定できます。その推定は不偏で、重複なしで選ぶと RMS 誤差は $\sigma/\sqrt{B}\cdot\sqrt{(N-B)/(N-1)}$ です。バッチ勾配降下法の一歩は正確で（更新1回あたりでは平均的に最善ですが、どの更新でもそうとは限りません）、SGD の一歩はいちばん安価です。ミニバッチはその実用的な折衷です。$\eta$ が一定なら、SGD はノイズフロアで揺れ続けます。
# - Momentum $b \leftarrow \mu b + g,\ \theta \leftarrow \theta - \eta b$ は、向きのそろった勾配をため込み、振動する勾配を打ち消して、ジグザグをまっすぐにします。
# - AdaGrad、RMSProp、Adam は、これまでの勾配の大きさの目安で割ることで、パラメータごとに一歩の大きさを変えます。Adam はさらに Momentum とバイアス補正を加えます。これらが直すのはスケールの悪いパラメータ（座標軸に沿った谷）で、座標軸から回った谷は直せません。
# - 線形回帰では、勾配降下法は最小二乗法の閉形式解にたどり着きます（ここでは $10^{-8}$ より良い精度で）。
# - ネットワークの学習はループです：順伝播、損失、逆伝播、更新。更新は最適化手法の `step`（`SGD`、`Adam` など）がすべてのパラメータについて行います。
#
# **次へ：** 第5章では、ここまで手で選んできた1つの数、学習率を調べます。小さすぎるとき、大きすぎるとき、勾配降下法がちょうどどこで発散するか、そして学習中に学習率をどう変えるかです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="a8d88076dc79"
# ## 演習
#
# 演習のセルに自分の答えを書いて実行してください。`check` が合格かどうかを判定し、違っていればヒントを出します。このノートブックでは、各演習のセルに模範解答がすでに入っています。読む前にまず自分で解いてみましょう（`make student` を実行すると、模範解答の代わりに空欄の入ったコピーが作られます）。
#
# ### 演習 4.1 — 勾配降下法の1ステップ
# パラメータ `p` と勾配 `g`（同じ形状の配列）、学習率 `lr` を受け取り、勾配降下法で1ステップ進んだあとのパラメータを返す `gd_step(p, g, lr)` を書きましょう。

# %% translates="6e8ff0752997"
def gd_step(p, g, lr):
    ### BEGIN SOLUTION
    return p - lr * g
    ### END SOLUTION


check("4.1", gd_step)

# %% [markdown] translates="165da08d006f"
# ### 演習 4.2 — Momentum の更新
# 第5節の Momentum の方法で1ステップ進んだあとのパラメータとモーメンタムのバッファの組 `(p_new, b_new)` を返す `momentum_step(p, b, g, lr, momentum)` を書きましょう。PyTorch の形で書きます（`optim.SGD` は使わないでください）。

# %% translates="345793affd1e"
def momentum_step(p, b, g, lr, momentum):
    ### BEGIN SOLUTION
    b_new = momentum * b + g
    return p - lr * b_new, b_new
    ### END SOLUTION


check("4.2", momentum_step)

# %% [markdown] translates="e7eb7393577b"
# ### 演習 4.3 — ミニバッチはいくつ？
# `n` 個のデータについて、`iterate_minibatches` が1エポックで作るミニバッチの数を `int` で返す `num_batches(n, batch_size)` を書きましょう。MNIST の 60,000 枚の画像で `batch_size=64` とすると、1エポックで何回の更新になるでしょうか。

# %% translates="2d14299aa160"
def num_batches(n, batch_size):
    ### BEGIN SOLUTION
    return -(-n // batch_size)
    ### END SOLUTION


check("4.3", num_batches)

# %% [markdown] translates="0e7ab90e6ccd"
# ### 演習 4.4 — 最小二乗法の閉形式解
# 入力 `X`（形状 `(N, d)`）と目標値 `y`（形状 `(N,)`）について、`X @ w + b` の平均二乗誤差を最小にする組 `(w, b)`（重み `(d,)` とバイアス（1つの数））を返す `least_squares(X, y)` を書きましょう。ヒント：`X` に1の列を加えて、`np.linalg.lstsq` を使います。

# %% translates="6e485a1bf00c"
def least_squares(X, y):
    ### BEGIN SOLUTION
    X1 = np.hstack([X, np.ones((len(X), 1))])
    theta = np.linalg.lstsq(X1, y, rcond=None)[0]
    return theta[:-1], theta[-1]
    ### END SOLUTION


check("4.4", least_squares)

# %% [markdown] translates="f8edec8ec6f9"
# ### 演習 4.5 — Adam の1ステップを手で書く
# パラメータ `p` と勾配 `g` について、Adam の `t` 回目（1から数えます）の更新のあとの3つ組 `(p_new, m_new, v_new)` を返す `adam_step(p, m, v, g, t, lr, beta1, beta2, eps)` を書きましょう。`m` と `v` は、ステップ `t - 1` のあとの2つの移動平均です（最初のステップの前はゼロ）。第6節のとおり、バイアス補正を入れ、`eps` は平方根のあとに足します。式から書いてください。`optim.Adam` は使わないでください。

# %% translates="76ecd1bacbcb"
def adam_step(p, m, v, g, t, lr, beta1, beta2, eps):
    ### BEGIN SOLUTION
    m_new = beta1 * m + (1 - beta1) * g
    v_new = beta2 * v + (1 - beta2) * g**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    return p - lr * m_hat / (np.sqrt(v_hat) + eps), m_new, v_new
    ### END SOLUTION


check("4.5", adam_step)

# %% [markdown] translates="2a7505576d63"
# **さらに進んで（チェックなし）：**
# 1. 第8節では、60エポック後の訓練データの損失は、素の SGD のほうが Momentum つきの SGD より高くなりました。同じ低さになるまでに、素の SGD は何エポック必要でしょうか（`train_moons(optim.SGD(lr=0.1), epochs=...)`）。また、第5節の2次元の経路は、`momentum=0.95` にするとどうなるでしょうか。
# 2. 第6節では、RMSProp の最初の一歩は座標ごとに $10\eta$ でしたが、Adam では $\eta$ でした。この違いを生むのは `Adam._update` のどの行でしょうか。`alpha=0.9` なら、RMSProp の最初の一歩はいくつになるでしょうか。
# 3. 第6節では谷を45°回しました。どの角度なら、AdaGrad と RMSProp は素の勾配降下法に対する強みを取り戻すでしょうか。それはなぜでしょうか。`rotated(A_narrow, 90)` で確かめましょう。

# %% [markdown] slideshow={"slide_type": "slide"} translates="d5f52217dc35"
# ## 用語集
#
# | 日本語 | English | 意味 |
# |---|---|---|
# | 勾配降下法 | gradient descent | $\theta \leftarrow \theta - \eta\nabla L(\theta)$ を繰り返すこと |
# | 学習率 | learning rate | 一歩の大きさ $\eta$ |
# | 更新式 | update rule | 新しいパラメータを計算する式 |
# | 損失曲面 | loss surface | パラメータの関数としての損失を、地形のように描いたもの |
# | 等高線 | contour line | 損失曲面の地図の上で、損失が等しい点を結んだ線 |
# | 局所最小値 / 大域的最小値 | local minimum / global minimum | 近くでいちばん低い点 / 全体でいちばん低い点 |
# | ヘッセ行列 | Hessian | 2階微分を並べた行列。2次関数では $A$ |
# | 固有値 | eigenvalue | 1つの主軸の方向に沿った曲率 $\lambda_i$ |
# | 固有ベクトル | eigenvector | $Au_i = \lambda_i u_i$ となる方向 $u_i$。お椀の主軸 |
# | 正定値 | positive definite | すべての固有値が $> 0$。お椀がどの方向にも上向きに曲がっている |
# | コーシー・シュワルツの不等式 | Cauchy–Schwarz inequality | $a\cdot u \le \lVert a\rVert\lVert u\rVert$。等号は $u \parallel a$ のとき |
# | 方向微分 | directional derivative | 単位ベクトル $u$ の向きの傾き $\nabla L\cdot u$ |
# | 条件数 | condition number | $\kappa = \lambda_{\max}/\lambda_{\min}$：谷がどれだけ細長いか |
# | 収束 | convergence | パラメータが最小点に落ち着くこと |
# | 線形収束 | linear convergence | 誤差が1ステップごとに一定の倍率で縮むこと。対数目盛で直線になる |
# | 軌跡 | trajectory | 勾配降下法が通る点の列 $\theta_0, \theta_1, \dots$ |
# | バッチ勾配降下法 | batch gradient descent | 各ステップで、すべてのデータについての勾配を使う |
# | 確率的勾配降下法（SGD） | stochastic gradient descent (SGD) | 各ステップで、ランダムに選んだ1個（または数個）のデータを使う |
# | ミニバッチ | mini-batch | 訓練データからランダムに選んだ小さな部分集合 |
# | 不偏推定量 | unbiased estimate | 平均すると正確な値になるランダムな推定値（ここでは $\nabla L$ に対する $g_B$） |
# | バッチサイズ | batch size | まとめて処理するデータの数。アクティベーションのメモリはこれに比例して増える |
# | 二乗平均平方根（RMS） | root mean square (RMS) | $\sqrt{\text{2乗の平均}}$：誤差の典型的な大きさ |
# | 有限母集団修正 | finite-population correction | 重複なしで選ぶときの倍率 $(N-B)/(N-1)$ |
# | エポック | epoch | 訓練データ全体を1回使い切ること |
# | Momentum（モーメンタム） | momentum | 過去の勾配をため込み、パラメータを動かし続けるバッファ |
# | Nesterov のモーメンタム | Nesterov momentum | $\nabla L + \mu b$ で一歩進む、先を見越した Momentum |
# | 適応的学習率 | adaptive learning rate | パラメータごとに、それ自身の過去の勾配から決める一歩の大きさ（AdaGrad、RMSProp、Adam） |
# | バイアス補正 | bias correction | Adam で $1-\beta^t$ で割ること。移動平均がゼロから始まる影響を打ち消す |
# | 最小二乗法 | least squares | 誤差の2乗の和を最小にすること |
# | 閉形式解（解析解） | closed-form solution | 繰り返し計算せず、式で直接求まる答え |
# | 正規方程式 | normal equations | $X^\top X\theta = X^\top y$：最小二乗解の条件 |
# | 決定境界 | decision boundary | 分類器の答えが一方のクラスから他方へ切り替わるところ |
# | 学習ループ | training loop | 順伝播、損失、逆伝播、更新の繰り返し |
#
# **次の章：** [第5章 — 学習率](05_learning_rate.ipynb)：一歩の大きさをどうするか。小さすぎる、ちょうど良い、大きすぎる、発散する。そして、学習中に学習率をどう変えるか。
