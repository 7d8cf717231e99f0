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

# %% [markdown] slideshow={"slide_type": "slide"} translates="9668b318beb4"
# # 第5章 — 学習率：一歩の大きさをどう決めるか
#
# **この章で学ぶこと**
# - 学習率が小さすぎる・ちょうどよい・大きすぎる・発散する、それぞれの場合に何が起こるか。2次関数のお椀と、実際のネットワークの両方で見ます。
# - 2次関数での勾配降下法が、ちょうど $0 < \eta < 2/\lambda_{\max}$ のときに収束する理由。ヘッセ行列の固有値分解から導き、その境界にぴったり一致する実験で確かめます。
# - Momentum（モーメンタム）を使うと、この上限が $2(1+\mu)/\lambda_{\max}$ に移ること（Nesterov のモーメンタムでは別の値に移ること）。
# - 実際のネットワークで、損失の曲がり具合（曲率）をヘッセ行列・ベクトル積で測る方法。学習中に曲率がどう変わるか（「安定性の縁」）、そしてネットワークになぜ鞍点があるのか。
# - 学習率スケジュール: ステップ減衰、指数減衰、コサインアニーリング、ウォームアップ。
# - バッチサイズと学習率の関係（線形スケーリング則）。
# - 学習率レンジテスト（LR range test）: 新しい問題で学習率を手早く選ぶ方法。
# - 学習ループ `fit`。学習の記録を `History` に残し、学習率が大きすぎるときは `TrainingDiverged` で止まります。
#
# **前提知識**: 第1〜4章（損失関数、連鎖律、誤差逆伝播法、勾配降下法）。それに少しの線形代数として、対称行列の固有値と固有ベクトル。
#
# **第4章のおさらい。** 勾配降下法は $\theta \leftarrow \theta - \eta\,\nabla L(\theta)$ を繰り返します。2次関数のお椀では、各固有方向が1ステップごとに $|1 - \eta\lambda_i|$ 倍に縮みます。そのため、細長い（条件数の悪い）お椀ではジグザグに進みます。ミニバッチを使うと1ステップは安くなりますがノイズが乗り、Momentum は進路をなめらかにします。第4章の実験では、学習率 $\eta$ はすべて手で選んでいました。この章のテーマは、この1つの数です。値がずれていると何がまずいのか、学習が進むか発散するかの境界は正確にどこにあるのか、そしてどう選び、どう変えていくのかを学びます。

# %% translates="657b5c9683b5"
# Running on Google Colab? Install the course library first (this does nothing anywhere else).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://github.com/backprop-from-zero/backprop-from-zero"], check=True)

# %% translates="5a3fb799079a"
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

rng = course_lib.setup_notebook(seed=0, lang="ja")  # lang="ja": メッセージと図を日本語で表示

# %% [markdown] slideshow={"slide_type": "slide"} translates="05142c4c212c"
# ## 1. お椀の上で4つの学習率を試す
#
# 2次元の2次関数のお椀 $f(x) = \tfrac12 x^\top H x$ を考えます。最小点は $x^* = 0$ です。この関数の**ヘッセ行列** $H$（2階微分を並べた行列。第4章では $A$ と呼びました）の固有値は 10 と 1 で、お椀の軸は 30° 回転しています。つまり、このお椀はある方向には急で、別の方向にはなだらかです。同じ点から、4つの学習率で勾配降下法を20ステップずつ実行してみましょう。

# %% translates="038362378329"
theta = np.pi / 6
R = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])
H = R @ np.diag([10.0, 1.0]) @ R.T  # 固有値は 10 と 1、固有ベクトルは R の列
x0 = np.array([-3.0, 1.0])
print("H =")
print(np.round(H, 4))

four_rates = [0.02, 0.1, 0.195, 0.21]
fig, axes = plotting.plot_quadratic_grid(
    H, x0, four_rates, steps=20,
    titles=[f"{name}: η = {lr}" for name, lr in
            zip(["小さすぎる", "ちょうどよい", "大きすぎる", "発散"], four_rates)])
plt.show()

# %% [markdown] translates="a84b96326237"
# - **小さすぎる**（$\eta = 0.02$）: どのステップも正しい方向に進みますが、20ステップたっても、まだ最小点から遠いままです。計算の無駄です。
# - **ちょうどよい**（$\eta = 0.1$）: 急な方向をまっすぐ下り、そのあと谷底に沿って進みます。ジグザグせずに着実に進みます。
# - **大きすぎる**（$\eta = 0.195$）: 毎ステップ谷底を行き過ぎて、反対側のほぼ同じ高さに着地します。ジグザグは小さくなっていきますが、ゆっくりです。
# - **発散**（$\eta = 0.21$）: 行き過ぎるたびに、出発したときより*高い*位置で反対側の壁に着地します。次のステップはさらに長くなり、経路は図の外へ飛び出します。
#
# 0.195 と 0.21 の間には、はっきりした境界があります。それぞれの実行は、最後に最小点からどれだけ離れているでしょうか。次の節で特別な意味を持つ5つ目の学習率 0.182 も加えて比べます:

# %% translates="cec27e9af982"
for lr in four_rates[:2] + [0.182] + four_rates[2:]:
    end = gradient_descent(lambda x: H @ x, x0, lr, 20)[-1]
    print(f"η = {lr:<5}  20 ステップ後の最小点までの距離: {np.linalg.norm(end):8.4f}"
          f"   （出発点: {np.linalg.norm(x0):.4f}）")

# %% [markdown] translates="479afe1337d1"
# では「ちょうどよい」とはどういう意味でしょうか。「最も速い」という意味ではありません。$\eta = 0.182$ は谷を横切ってジグザグしますが、それでも最後には $\eta = 0.1$ の5分の1ほどの距離まで近づいています。0.1 を「ちょうどよい」と呼んだのは、最も速く**着実に**下るからです。急な方向は1ステップで片づき、どの座標も行き過ぎないので、損失は毎ステップなめらかに減ります。1ステップごとにノイズが乗り、しかも1ステップのコストが高いときには、これが望ましい性質です。一方、0.182 のような学習率は、このお椀では**全体として最も速い**学習率です。急な方向でのジグザグを受け入れる代わりに、なだらかな方向に速く進みます。どちらの数値も第2節で説明します。

# %% [markdown] slideshow={"slide_type": "slide"} translates="22a8cbb88913"
# ## 2. 理論: $\eta < 2/\lambda_{\max}$ のとき、かつそのときに限り収束する
#
# **直感。** 急な方向では傾きが大きいので、同じ $\eta$ でも1ステップで遠くまで動きます。移動量が谷底までの距離の*2倍*を超えると、出発点より高い位置に着地し、次のステップはさらに長くなります。上限を決めるのは、最も急な方向です。
#
# **導出。** 誤差を $e_t = x_t - x^*$ と書きます。$f(x) = \tfrac12 (x - x^*)^\top H (x - x^*)$ の勾配は $\nabla f(x) = H(x - x^*) = H e$ なので、1ステップで次のようになります。
#
# $$
# e_{t+1} = e_t - \eta H e_t = (I - \eta H)\, e_t
# \qquad\Longrightarrow\qquad e_t = (I - \eta H)^t\, e_0 .
# $$
#
# $H$ は対称行列なので、固有ベクトルからなる正規直交基底を持ちます: $H = Q \Lambda Q^\top$、ただし $Q^\top Q = I$、$\Lambda = \mathrm{diag}(\lambda_1, \dots, \lambda_d)$ です。この基底での座標 $c_t = Q^\top e_t$ は、互いに混ざりません:
#
# $$
# c_{t+1} = Q^\top (I - \eta Q \Lambda Q^\top) e_t = (I - \eta \Lambda)\, c_t
# \qquad\Longrightarrow\qquad c_{t,i} = (1 - \eta\lambda_i)^t\, c_{0,i} .
# $$
#
# 各固有方向は、毎ステップそれぞれの**縮小率** $1 - \eta\lambda_i$ 倍されます。これが 0 に縮むのは $|1 - \eta\lambda_i| < 1$、つまり $0 < \eta\lambda_i < 2$ のとき、かつそのときに限ります。すべての方向で同時に成り立つ条件は（すべての $\lambda_i > 0$ として）次のとおりです。
#
# $$
# \boxed{\;0 < \eta < \frac{2}{\lambda_{\max}}\;}
# $$
#
# これは**素の**勾配降下法（Momentum なし）の上限です。Momentum（第4章）では各ステップが前のステップの一部を引き継ぐので、モーメンタム係数 $\mu$ に対して上限は $2(1+\mu)/\lambda_{\max}$ に移ります。第3節で導出し、測定します。
#
# 右辺を**臨界学習率**と呼びます。$1/\lambda_{\max}$ と $2/\lambda_{\max}$ の間では、最も急な方向の縮小率が負になります。誤差の符号が毎ステップ入れ替わる、これが「大きすぎる」ときのジグザグです。最もゆっくりな方向は $1 - \eta\lambda_{\min}$ 倍ずつ縮むので、一定の学習率として最良なのは、両端のバランスをとった $\eta^* = 2/(\lambda_{\min} + \lambda_{\max})$ です。
#
# **ネットワークにとってなぜ重要か。** 最小点の近くでは、なめらかな損失関数はどれも2次関数のように見えます。そのヘッセ行列は、損失を重みで2回微分した行列です。そこでも同じ上限が成り立ちます。損失曲面の最も鋭い方向が、$\eta$ をどこまで大きくできるかを決めるのです。
#
# ライブラリは固有値から臨界学習率を計算します（`eigvalsh` は対称行列用の固有値ソルバーで、固有値を昇順に返します）:

# %% translates="7d366046d60b"
course_lib.show_source(critical_learning_rate)

# %% translates="870676eeb0ce"
lams = np.linalg.eigvalsh(H)
crit = critical_learning_rate(H)
print(f"H の固有値: {np.array2string(lams, precision=4)}")
print(f"臨界学習率 2/λ_max = {crit:.4f}")
print(f"最良の一定学習率 2/(λ_min + λ_max) = {2 / (lams[0] + lams[-1]):.4f}")

# %% [markdown] translates="7aaa2c45442d"
# 最良の一定学習率は、第1節の 0.182 です。このとき急な方向となだらかな方向は、同じ倍率 $(\lambda_{\max} - \lambda_{\min})/(\lambda_{\max} + \lambda_{\min}) = 9/11 \approx 0.82$ ずつ縮みます（急な方向は負の符号付きで、これがジグザグです）。$\eta = 0.1 = 1/\lambda_{\max}$ では急な方向は1ステップで消えますが、なだらかな方向は1ステップで $1 - 0.1 = 0.9$ 倍にしか縮みません。20ステップ後には $0.9^{20} \approx 0.12$ 対 $0.82^{20} \approx 0.02$ です。（$x_0$ のうち、なだらかな方向を向いた成分は一部だけなので、第1節の距離の比は6倍ではなく5倍になります。）
#
# 各方向の縮小率 $|1 - \eta\lambda|$ を、$\eta$ の関数として描いてみます。どの曲線も $\eta = 1/\lambda$ で 0 まで下がり、$\eta = 2/\lambda$ で 1 に戻ります（$\lambda = 1$ ではどちらの点もずっと右にあるので、ここでは下がる部分しか見えません）。破線より右では、急な方向の縮小率が 1 を超え、勾配降下法は発散します。黒い点は最良の一定学習率です。2本の曲線が交わるところで、2つの方向のうち遅いほうが最も速く縮みます。

# %% translates="557d80b5ceca"
plotting.plot_contraction_factors(H)
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"} translates="092169406d35"
# ### ぎりぎり下と、ぎりぎり上
#
# 理論が正確なら、$2/\lambda_{\max}$ の上下たった 1 % の違いで、収束するか発散するかが分かれるはずです。300ステップずつの2つの実行を、同じ図に描きます:

# %% translates="c1cc959df9e6"
near = [0.99 * crit, 1.01 * crit]
plotting.plot_distance_to_minimum(H, x0, near, steps=300,
                                  labels=[f"η = 0.99 · 2/λmax = {near[0]:.4f}",
                                          f"η = 1.01 · 2/λmax = {near[1]:.4f}"])
plt.show()

# %% [markdown] translates="005915f64a4b"
# 臨界学習率のすぐ下では、急な方向は1ステップごとに $|1 - 0.99 \cdot 2| = 0.98$ 倍に縮み、すぐ上では $1.02$ 倍に伸びます。300ステップ後には $0.98^{300} \approx 0.002$ 対 $1.02^{300} \approx 380$ です。（なだらかな方向は縮小率 $1 - 0.2 \cdot 1 \approx 0.8$ で、数十ステップでほとんど消えます。これが、両方の曲線の最初にある折れ曲がりです。）各実行の最後で測った、1ステップあたりの倍率は次のとおりです:

# %% translates="a990ee6c78ab"
for lr in near:
    path = gradient_descent(lambda x: H @ x, x0, lr, 300)
    dist = np.linalg.norm(path, axis=1)
    print(f"η = {lr / crit:.2f} · 2/λmax: 最後の1ステップでの距離の比 {dist[-1] / dist[-2]:.4f}、"
          f"  理論値 |1 - ηλ_max| = {abs(1 - lr * lams[-1]):.4f}")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="5af20345f3da"
# ### 臨界学習率を測る
#
# 今度は公式を忘れて、ランダムな5次元のお椀で境界を*測って*みましょう。勾配降下法を5,000ステップ実行し、出発点より最小点に近づいて終われば「収束した」とみなします。小さい学習率では収束し、大きい学習率では発散するので、境界はその間にあります。その区間を30回、半分にしていきます（二分法）。

# %% translates="9ff701c5421a"
Q, _ = np.linalg.qr(rng.normal(size=(5, 5)))           # ランダムな正規直交基底
H5 = Q @ np.diag(rng.uniform(0.5, 8.0, size=5)) @ Q.T   # ランダムな対称正定値行列
x5 = rng.normal(size=5)


def converges(hessian, x_start, lr, steps=5000):
    """勾配降下法が、出発点より最小点 (0) に近づいて終わるか？（inf/NaN なら False）"""
    end = gradient_descent(lambda x: hessian @ x, x_start, lr, steps)[-1]
    return bool(np.linalg.norm(end) < np.linalg.norm(x_start))


lo, hi = 0.001, 10.0
print(f"η = {lo} で収束: {converges(H5, x5, lo)}、  η = {hi} で収束: {converges(H5, x5, hi)}")
for _ in range(30):
    mid = (lo + hi) / 2
    if converges(H5, x5, mid):
        lo = mid
    else:
        hi = mid
measured = (lo + hi) / 2
theory = critical_learning_rate(H5)
print(f"H5 の固有値: {np.array2string(np.linalg.eigvalsh(H5), precision=4)}")
print(f"理論値 2/λ_max = {theory:.5f}")
print(f"測定値（実際の実行で二分法） = {measured:.5f}")
print(f"0.1 % 以内で一致: {abs(measured / theory - 1) < 1e-3}")

# %% [markdown] translates="11045aaac71d"
# 実験は、公式どおりの値になりました。（わずかに残る差は本物です。$2/\lambda_{\max}$ のすぐ上では、急な方向がとてもゆっくりとしか伸びないので、5,000ステップでは他の方向が縮む効果を追い越せません。ステップ数を増やすと、測定値は理論値に向かって少しずつ下がっていきます。）

# %% [markdown] slideshow={"slide_type": "slide"} translates="a0d7fb7aadb3"
# ## 3. Momentum は上限を動かす: $2(1+\mu)/\lambda_{\max}$
#
# 第4章の Momentum は、過去の勾配をためるバッファ $b$ を持っていました。PyTorch の形（ライブラリの `SGD(lr, momentum)` の規則）では、次のとおりです:
#
# $$
# b_{t+1} = \mu\, b_t + \nabla f(x_t), \qquad x_{t+1} = x_t - \eta\, b_{t+1}, \qquad b_0 = 0 .
# $$
#
# **導出。** 2次関数では固有方向はやはり混ざらないので、そのうち1つ、固有値 $\lambda$ の方向の座標 $x_t$ だけを考えます: $\nabla f = \lambda x_t$。更新式から $\eta\, b_{t+1} = x_t - x_{t+1}$、$\eta\, b_t = x_{t-1} - x_t$ です。この2つを $\eta b_{t+1} = \mu\,\eta b_t + \eta\lambda x_t$ に代入すると、バッファが消えます:
#
# $$
# x_{t+1} = (1 + \mu - \eta\lambda)\, x_t - \mu\, x_{t-1} ,
# $$
#
# これが Polyak の**重球法**（heavy ball）です。普通の1ステップに、直前のステップの $\mu$ 倍を加えたものです。この2項の漸化式は $x_t = r^t$ の形で解けて、$r$ は $r^2 - (1 + \mu - \eta\lambda)\, r + \mu = 0$ を満たします。収束するのは、2つの根がどちらも $|r| < 1$ のとき、かつそのときに限ります。実数 $a, c$ に対する $r^2 + a r + c$ でこれが成り立つのは、$|c| < 1$ かつ $|a| < 1 + c$ のときです（Schur–Cohn の判定法、または Jury の判定法）。ここでは $c = \mu < 1$ で、2つ目の条件は $|1 + \mu - \eta\lambda| < 1 + \mu$、つまり $0 < \eta\lambda < 2(1 + \mu)$ となります。すべての方向について:
#
# $$
# \boxed{\;0 < \eta < \frac{2(1+\mu)}{\lambda_{\max}}\quad\text{（重球法）}\;}
# $$
#
# $\mu = 0$ なら第2節の上限と同じです。$\mu = 0.9$ では上限は $3.8/\lambda_{\max}$ で、ほぼ2倍になります。
#
# **Nesterov のモーメンタム**（PyTorch の `nesterov=True`）は、代わりに $\eta\,(\nabla f(x_t) + \mu\, b_{t+1})$ だけ進みます。バッファ1ステップ分だけ先を見るのです。同じようにバッファを消去すると $x_{t+1} = (1+\mu)(1-\eta\lambda)\, x_t - \mu(1-\eta\lambda)\, x_{t-1}$ が得られます。同じ判定法（$a = -(1+\mu)(1-\eta\lambda)$、$c = \mu(1-\eta\lambda)$ として $|a| < 1 + c$）は、行き過ぎる側 $\eta\lambda > 1$ で先に破れます。そこでの条件は $(1+\mu)(\eta\lambda - 1) < 1 - \mu(\eta\lambda - 1)$ で、次の上限が得られます:
#
# $$
# \boxed{\;0 < \eta < \frac{2(1+\mu)}{(1+2\mu)\,\lambda_{\max}}\quad\text{（Nesterov）}\;}
# $$
#
# Nesterov の上限は、$\mu$ が大きくなるほど*下がります*: $\mu = 0$ で $2/\lambda_{\max}$、$\mu = 0.9$ で $1.36/\lambda_{\max}$ です。2つの公式が正しいかどうか、実験で確かめましょう。次の関数は、第2節のお椀 `H5` の上で、PyTorch の規則を多数の（学習率, モーメンタム係数）の組について一度に実行します。結果の1行が、1回の実行です:

# %% translates="2ae3545e8178"
def momentum_runs(hessian, x_start, lrs, momentums, steps, nesterov=False):
    """f(x) = ½ xᵀHx 上の Momentum 付き SGD（PyTorch の規則）。結果の k 行目が k 番目の実行の終点。"""
    lr, mu = np.asarray(lrs)[:, None], np.asarray(momentums)[:, None]
    x = np.tile(x_start, (len(lr), 1))
    b = np.zeros_like(x)
    with np.errstate(over="ignore", invalid="ignore"):   # 発散する実行は inf/NaN にオーバーフローする
        for _ in range(steps):
            g = x @ hessian                              # すべての実行で ∇f = Hx（H は対称）
            b = mu * b + g
            x = x - lr * (g + mu * b if nesterov else b)
    return x


mus = np.array([0.0, 0.25, 0.5, 0.75, 0.9])
lam_max5 = np.linalg.eigvalsh(H5)[-1]
limits = {}
for name, nesterov in (("重球法", False), ("Nesterov", True)):
    lo, hi = np.full(len(mus), 0.001), np.full(len(mus), 10.0)
    for _ in range(25):                                  # 二分法を、すべての μ について一度に
        mid = (lo + hi) / 2
        ends = momentum_runs(H5, x5, mid, mus, steps=2000, nesterov=nesterov)
        with np.errstate(over="ignore", invalid="ignore"):
            converged = np.linalg.norm(ends, axis=1) < np.linalg.norm(x5)  # NaN は発散
        lo, hi = np.where(converged, mid, lo), np.where(converged, hi, mid)
    limits[name] = (lo + hi) / 2 * lam_max5              # 1/λ_max を単位として

theory = {"重球法": lambda mu: 2 * (1 + mu), "Nesterov": lambda mu: 2 * (1 + mu) / (1 + 2 * mu)}
print("安定な最大の η × λ_max        重球法                 Nesterov")
print("   μ                         実測    理論            実測    理論")
for k, mu in enumerate(mus):
    print(f"  {mu:4.2f}                      {limits['重球法'][k]:6.3f}  {theory['重球法'](mu):6.3f}"
          f"      {limits['Nesterov'][k]:6.3f}  {theory['Nesterov'](mu):6.3f}")
plotting.plot_momentum_limits(mus, limits, theory)
plt.show()

# %% [markdown] translates="70f2faacd93d"
# どちらの公式も成り立っています。二分法の結果は、重球法の直線と Nesterov の曲線の上に乗ります（第2節で見た、有限回の実行による小さな差の範囲内で）。ここから2つの教訓が得られます:
#
# - **上限が高いからといって、大きなステップを踏んでよいわけではありません。** なだらかな方向では、バッファにおよそ $1/(1-\mu)$ 回分の勾配がたまるので、1ステップの移動量はおよそ勾配の $\eta/(1-\mu)$ 倍になります。$\mu = 0.9$ なら10倍です。実際に Momentum を使うとき、ふつう $\eta$ を*小さく*するのはこのためです。
# - 上限は損失だけでなく、最適化手法によっても決まります。「$2/\lambda_{\max}$」は素の勾配降下法の性質です。

# %% [markdown] slideshow={"slide_type": "slide"} translates="29a84dfb87e2"
# ## 4. ネットワークでも同じ4つの状態が現れる
#
# ネットワークの損失は2次関数ではありませんが、振る舞いは同じです。小さな MLP（64 → 32 → 10、ReLU）に、scikit-learn の `load_digits` にある 8×8 の手書き数字（1,797枚）を認識させます。ミニバッチは32、学習は10エポックで、学習率は5桁にわたる範囲から選びます。学習ループはライブラリの `fit` です（第7節で中身を見ます）。ミニバッチごとに、順伝播、損失の計算、逆伝播、更新を行います。

# %% translates="765668402223"
X_digits, y_digits = load_digits(return_X_y=True)
X_digits = X_digits / 16.0                      # 画素値 0..16 -> 0..1
order = rng.permutation(len(X_digits))
train, val = order[:1297], order[1297:]
X_train, y_train = X_digits[train], y_digits[train]
X_val, y_val = X_digits[val], y_digits[val]
loss = SoftmaxCrossEntropy()
print(f"訓練データ {X_train.shape}、検証データ {X_val.shape}、クラス数 {np.unique(y_digits).size}")

# %% translates="2e43bda0deb0"
grid = [0.003, 0.03, 0.3, 3.0, 100.0]
curves, models = {}, {}
for lr in grid:
    model = models[lr] = MLP([64, 32, 10], rng=rng)
    try:
        history = fit(model, loss, SGD(lr), X_train, y_train, epochs=10, batch_size=32, rng=rng,
                      validation=(X_val, y_val), progress=False)
        curves[f"η = {lr:g}"] = history.step_loss
        print(f"η = {lr:<6g} 最終的な訓練損失 {history.train_loss[-1]:.2f}、"
              f"検証データの認識精度 {history.val_accuracy[-1]:.0%}")
    except TrainingDiverged as err:
        curves[f"η = {lr:g}（発散）"] = err.history.step_loss
        print(f"η = {lr:<6g} ステップ {err.step} で発散")

ax = plotting.plot_loss_curves(curves, ylim=(0.05, 20))
ax.axhline(np.log(10), color="0.5", ls=":", lw=1)
ax.text(ax.get_xlim()[1], np.log(10), "チャンスレベル: log 10 ", ha="right", va="bottom", color="0.4")
ax.set_title("digits での MLP: 5つの学習率での訓練損失")
plt.show()

# %% [markdown] translates="9596c34e73c8"
# - $\eta = 0.003$ は**小さすぎ**ます。10エポックたっても、損失は最初の値 $\log 10 \approx 2.3$（10クラスに同じ確率を割り当てる当て推量での値。図の「チャンスレベル」の線）から、約2.1までじわじわ下がっただけです。
# - $\eta = 0.03$ はゆっくり学習します。$\eta = 0.3$ は**ちょうどよく**、損失は速く下がり、下がり続けます。
# - $\eta = 3$ は**大きすぎ**ます。一度跳ね上がったあと、損失は $\log 10$ に落ち着きます。ネットワークが、どの画像にも同じ確率を出力しているのです。最初の巨大なステップが ReLU のユニットを、どの入力に対しても 0 を出力する領域に押し込んでしまいました（「死んだ」ユニットで、その勾配は永久に 0 です）。発散はしませんでしたが、もう学習することはありません。
# - $\eta = 100$ は**発散**します。数ステップで損失が爆発し、図の外へ出ていきます（✕）。`fit` がそれに気づいて止めました。
#
# **「死んだユニット」という説明を確かめる。** ReLU のユニットが死んでいるとは、すべてのデータで入力が負になり、どのデータにも 0 を出力する状態のことです:

# %% translates="f29e5b585f2a"
def dead_fraction(model, X):
    """最初の隠れ層の ReLU ユニットのうち、X のすべての行に 0 を出力するものの割合。"""
    hidden = model.layers[1].forward(model.layers[0].forward(X))  # Linear のあとに ReLU
    return float(np.mean(np.all(hidden == 0, axis=0)))


for lr in (0.3, 3.0):
    print(f"η = {lr}: 隠れ層の32ユニットのうち {dead_fraction(models[lr], X_train):.0%} が死んでいます")

# %% [markdown] slideshow={"slide_type": "slide"} translates="a8f8af745e86"
# ## 5. ネットワークの損失の曲率
#
# 第2節では、最小点の近くではネットワークの損失は局所的に2次関数のお椀になり、その最も鋭い方向が $\eta$ を制限すると述べました。その鋭さ、つまりヘッセ行列の $\lambda_{\max}$ を、このネットワークで測れるでしょうか。このネットワークには重みとバイアスが $P = 2{,}410$ 個あるので、ヘッセ行列の要素は $P^2 \approx 580$ 万個もあります。重みが100万個のネットワークなら $10^{12}$ 個です。ヘッセ行列を実際に作ることはしません。2つのアイデアで、安く計算できます:
#
# **1. ヘッセ行列・ベクトル積。** 重み空間の任意の方向 $v$ について、$Hv$ は $v$ 方向への勾配の微分です: $Hv = \frac{d}{dr}\nabla L(\theta + r v)\big|_{r=0}$。Pearlmutter (1994) は、この微分、つまり「R 演算子」$\mathcal R\{\cdot\} = \frac{d}{dr}(\cdot)\big|_{r=0}$ を、連鎖律と積の微分法則を使って、順伝播と逆伝播の中をレイヤごとに通していきます。線形のレイヤ $z = aW + b$ では $\mathcal R\{z\} = \mathcal R\{a\}W + aV_W + V_b$、活性化関数 $h = \sigma(z)$ では $\mathcal R\{h\} = \sigma'(z)\,\mathcal R\{z\}$、逆向きには $\mathcal R\{a^\top\delta\} = \mathcal R\{a\}^\top\delta + a^\top\mathcal R\{\delta\}$、などとなります。コストは逆伝播およそ2回分で、結果は厳密です。（もっと簡単なやり方 $(\nabla L(\theta + \epsilon v) - \nabla L(\theta - \epsilon v))/2\epsilon$ もコストは逆伝播2回分ですが、ReLU のネットワークではうまくいきません。小さなステップで ReLU の入力が 0 をまたぐと勾配が跳ぶので、差分が爆発するのです。ライブラリは、R 演算子の規則を持たないレイヤにだけ、この方法を使います。）
#
# **2. べき乗法。** $v = \sum_i c_i q_i$ と、$H$ の固有ベクトルで書きます。すると $H^k v = \sum_i c_i \lambda_i^k q_i$ となり、$|\lambda_i|$ が最大の項が勝ちます。$v \leftarrow Hv/\lVert Hv\rVert$ を繰り返すと、$v$ はその固有ベクトルの向きに回っていき、$v^\top H v$ はその固有値に近づきます。1回の反復は、1回のヘッセ行列・ベクトル積です。

# %% translates="c70ed9d48e11"
course_lib.show_source(curvature.hessian_power_iteration)

# %% [markdown] translates="7e2bcf960064"
# 訓練画像256枚の全部を毎ステップ使う勾配降下法（フルバッチの勾配降下法）で、初期状態での $\lambda_{\max}$ を測ります。こうすると「損失」は、ミニバッチのノイズのない1つの決まった関数になります。推定値は数十回の反復で落ち着きます:

# %% translates="2922202ce9b0"
X_small, y_small = X_train[:256], y_train[:256]
net0 = MLP([64, 32, 10], rng=rng)
for iters in (2, 5, 10, 20, 50):
    estimate = curvature.top_hessian_eigenvalue(net0, loss, X_small, y_small, iters=iters,
                                                rng=np.random.default_rng(1))
    print(f"べき乗法 {iters:3d} 回: λ_max ≈ {estimate:.4f}")
lam0, v_top = curvature.hessian_power_iteration(net0, loss, X_small, y_small, iters=100)
crit_net = 2 / lam0
print(f"初期状態の λ_max = {lam0:.3f}、したがって 2/λ_max = {crit_net:.3f}")

# %% [markdown] translates="cf2a089cccc6"
# では、このネットワークのコピーを、$2/\lambda_{\max}$ の半分から2.5倍までの学習率で、素の勾配降下法によって200ステップずつ訓練し、損失が前のステップより*増えた*回数を数えましょう。ループは、どの章でもおなじみの4つの手順です（フルバッチなので `fit` は使いません）:

# %% translates="e5074bed0aab"
def train_full_batch(model, lr, steps, track_every=0, v=None):
    """(X_small, y_small) での勾配降下法。`track_every` ステップごとに λ_max も測る。

    各ステップの損失と、鋭さを測ったステップおよびその値を返す
    （べき乗法は前回のベクトル v から始める。反復は4回で十分）。
    """
    optimizer = SGD(lr)
    losses, tracked_steps, sharpness = [], [], []
    for step in range(steps):
        if track_every and step % track_every == 0:
            lam, v = curvature.hessian_power_iteration(model, loss, X_small, y_small, iters=4, v0=v)
            tracked_steps.append(step)
            sharpness.append(lam)
        losses.append(loss.forward(model.forward(X_small), y_small))   # 順伝播
        model.backward(loss.backward())                                 # 逆伝播
        optimizer.step(model)                                           # 更新
    return np.array(losses), tracked_steps, sharpness


factors = [0.5, 0.75, 1.0, 1.5, 2.0, 2.5]
for f in factors:
    losses_f, _, _ = train_full_batch(copy.deepcopy(net0), f * crit_net, 200)
    rises = int(np.sum(np.diff(losses_f) > 0))
    print(f"η = {f:4.2f} × 2/λ_max = {f * crit_net:.3f}:  200 ステップ後の損失 {losses_f[-1]:.3f}、"
          f"  199 ステップ中 {rises:3d} 回で増加")

lo, hi = 0.5, 1.5                       # 二分法: 損失が毎ステップ減る最大の η
for _ in range(7):
    mid = (lo + hi) / 2
    losses_f, _, _ = train_full_batch(copy.deepcopy(net0), mid * crit_net, 200)
    lo, hi = (mid, hi) if np.all(np.diff(losses_f) < 0) else (lo, mid)
print(f"η ≈ {lo:.2f} × 2/λ_max = {lo * crit_net:.3f} までは、200 ステップのすべてで損失が減少")

# %% [markdown] translates="61cbcfec50c2"
# 初期状態で測った上限は、学習が**落ち着いて進む**かどうかの境目を示しています。二分法によると、$0.90 \times 2/\lambda_{\max}$ までは200ステップのすべてで損失が下がり、$1.0\times$ ではもうときどき上がります（公式より少し下なのは、これから見るように、最初の数ステップで鋭さが増すからです）。しかし、ここで学習が失敗するわけではありません。$2\times$ まで、損失は最後には低くなります。2次関数の理論なら「発散する」はずの範囲です。学習が失敗するのは、$2.5\times$ になってからです（200ステップ後の損失 1.164）。その理由は、ネットワークが固定された2次関数ではないことにあります。重みが動くと、曲率も変わるのです。
#
# **学習中の鋭さ。** 初期状態の $2/\lambda_{\max}$ よりずっと下、すぐ下、ずっと上の3つの学習率で、1ステップおきに $\lambda_{\max}$ を追跡します（毎回べき乗法を4回、前回のベクトルから始めます）:

# %% translates="de23932c9833"
tracked = {}
for f in (0.4, 0.9, 1.5):
    losses_f, steps_f, sharp_f = train_full_batch(copy.deepcopy(net0), f * crit_net, 200,
                                                  track_every=2, v=v_top)
    tracked[f * crit_net] = (losses_f, steps_f, sharp_f)
    print(f"η = {f * crit_net:.3f} (2/η = {2 / (f * crit_net):.2f}): 鋭さは最初 "
          f"{sharp_f[0]:.2f}、最大 {max(sharp_f):.2f}（ステップ {steps_f[int(np.argmax(sharp_f))]}）、"
          f"最後 {sharp_f[-1]:.2f}")
axes = plotting.plot_sharpness(tracked)
axes[0].set_title("フルバッチの勾配降下法、digits 256 枚")
axes[1].set_title("鋭さ λ_max（破線は 2/η）")
plt.show()

# %% [markdown] translates="048a68ca82e7"
# - $\eta = 0.28$（$2/\eta = 7.13$ で、はるか上）では、鋭さは 2.85 から 3.82 まで上がります。Cohen らはこれを**漸進的な鋭化**（progressive sharpening）と呼んでいます。鋭さは $2/\eta$ には近づかず、損失はなめらかに下がります。
# - 初期状態の上限のすぐ下の $\eta = 0.631$ では、鋭さは $2/\eta = 3.17$ を超えて、ステップ12で 4.22 まで上がります。その途端、損失は着実には下がらなくなります。急な方向が不安定になり、その方向にジグザグし始めたのです。このジグザグが、重みを曲面のより平らなところへ放り出します。鋭さは下がり、数十ステップの間 $2/\eta$ のすぐ下にとどまります。その間も損失は、こぶを作りながら下がり続けます。
# - $\eta = 1.05$（初期状態の上限の1.5倍）では、最初から不安定です。約30ステップの間、損失も鋭さも跳ね回ります。そのあと、$\lambda_{\max}$ が $2/\eta = 1.90$ のすぐ下になる場所に落ち着き、しばらくそこにとどまります。
#
# 勾配降下法は、*曲率を学習率に合わせる*のです。鋭さは $2/\eta$ より上にとどまることができず、放っておくと $2/\eta$ に届くまで上がっていきます。Cohen ら（"Gradient descent on neural networks typically occurs at the edge of stability", ICLR 2021）は、これを**安定性の縁**（edge of stability）と名付けました。つまり、初期状態の $2/\lambda_{\max}$ は、ネットワークにとって越えられない壁ではありません。ただし、それよりはるかに大きい学習率では重みが遠くまで飛ばされ、二度と戻れなくなります（第4節のように、ReLU のユニットが死にます）。後半では、3本の曲線がすべて下がります。交差エントロピー誤差が 0 に近づくとソフトマックス関数が飽和し、曲面全体が平らになるからです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="a4a36f2ab518"
# ## 6. 鞍点: 負の曲率
#
# 2次関数のお椀は、どの方向にも上向きに曲がっています。ネットワークの損失はそうではありません。初期状態のヘッセ行列には、**負の**固有値もあります。損失が*下向きに*曲がる方向で、馬の鞍のような形です（馬の前後方向には上向きに、あぶみのほうへは下向きに曲がっています）。$H - \lambda_{\max} I$ の固有値 $\lambda_i - \lambda_{\max}$ はすべて $\le 0$ なので、この行列にべき乗法を使うと、絶対値が最大のもの $\lambda_{\min} - \lambda_{\max}$ が見つかります（`bottom_hessian_eigenvalue`）:

# %% translates="f494dcaf5cc0"
lam_min0 = curvature.bottom_hessian_eigenvalue(net0, loss, X_small, y_small, iters=200, lam_max=lam0)
trained = copy.deepcopy(net0)
train_full_batch(trained, 0.5 * crit_net, 200)
lam_max_t = curvature.top_hessian_eigenvalue(trained, loss, X_small, y_small, iters=100)
lam_min_t = curvature.bottom_hessian_eigenvalue(trained, loss, X_small, y_small, iters=200,
                                                lam_max=lam_max_t)
print(f"初期状態:                  λ_min = {lam_min0:8.4f},  λ_max = {lam0:.3f}")
print(f"勾配降下法 200 ステップ後: λ_min = {lam_min_t:8.4f},  λ_max = {lam_max_t:.3f}")

# %% [markdown] translates="fb7f4b376a74"
# 初期状態での最も負の固有値は $-0.536$ です。ネットワークは鞍点のような点から出発していて、いくつかの方向には、最も急な上向きの方向のおよそ5分の1の強さで、下向きに曲がっています。勾配降下法で200ステップ進むと、負の曲率はほとんど消えます。学習によって、お椀型の領域に入ったのです。（ずらした行列でのべき乗法は、多くの固有値が下端に集まっていると、収束が遅くなります。反復を増やしても、値がより負になることしかありえません。）
#
# 最も簡単な鞍点は $f(x, y) = x^2 - y^2$ です。原点では勾配は 0 ですが、$x$ 方向には最小、$y$ 方向には最大になっています。勾配降下法は1ステップごとに $x$ を $1 - 2\eta$ 倍、$y$ を $1 + 2\eta$ 倍します。$x$ 方向には鞍点へ滑り降り、$y$ 方向には鞍点から離れていきます。$y$ が最初とても小さいなら、離れていく動きも最初はゆっくりです。鞍点の近くでは勾配がほとんど消えるので、止まってしまったように見えます:

# %% translates="58f269b36fb1"
plotting.plot_saddle([[1.5, 0.3], [1.5, 0.01], [1.5, 1e-4]], lr=0.1, steps=60)
plt.show()

# %% [markdown] translates="955f10499d4f"
# 出発点が直線 $y = 0$ に近いほど、停滞（プラトー）は長くなります。$y = 10^{-4}$ から出発すると、抜け出すだけで約 $\ln(10^4)/\ln(1.2) \approx 50$ ステップかかります。ネットワークでは、このような停滞は、損失がしばらく下がらなくなったあと、急にまた下がり始める、という形で現れます。勾配降下法はちゃんと抜け出します（負の曲率の方向の小さな成分は1ステップごとに $1 + \eta|\lambda|$ 倍に育ち、ミニバッチのノイズがそうした成分を供給します）。ただし、途中で時間を失うことがあります。

# %% [markdown] slideshow={"slide_type": "slide"} translates="f14ee61623c1"
# ## 7. 学習ループと、発散の検出
#
# ここから先（と第6章）では、4つの手順を1つの関数 `fit` にまとめます。`fit` は毎ステップの前に**スケジュール**（第8節）に学習率を尋ね、損失は毎ステップ、重みは毎エポックの終わりに確認して、すべてを `History` に記録します:

# %% translates="b706fcea171b"
course_lib.show_source(fit)

# %% [markdown] translates="21b729bc80a9"
# 発散した実行が、何事もなかったかのように NaN だらけのモデルを返してはいけません。代わりに `fit` は `TrainingDiverged` を送出し、どこで、どの学習率で発散したか、そして何をすればよいかを教えてくれます:

# %% tags=["raises-exception"] translates="db49c5d1d92e"
model = MLP([64, 32, 10], rng=rng)
fit(model, loss, SGD(100.0), X_train, y_train, epochs=5, batch_size=32, rng=rng)

# %% [markdown] translates="b66854d7d677"
# この例外は詳しい情報と、失敗するまでの履歴も持っています（第4節の、発散した曲線はこれを使って描きました）:

# %% translates="73f7e7b802ac"
try:
    fit(MLP([64, 32, 10], rng=rng), loss, SGD(100.0), X_train, y_train, epochs=5, batch_size=32,
        rng=rng, progress=False)
except TrainingDiverged as err:
    print(f"エポック {err.epoch}、ステップ {err.step}、学習率 {err.lr:g}")
    print("発散するまでの損失:", ", ".join(f"{v:.4g}" for v in err.history.step_loss))

# %% [markdown] slideshow={"slide_type": "slide"} translates="8c2945d0aa2d"
# ## 8. スケジュール: 学習中に学習率を変える
#
# 学習全体を1つの学習率で通すのは、妥協の産物です。序盤、最小点から遠いところでは、大きなステップで速く進めます。終盤、最小点の近くでは、ミニバッチの勾配のノイズのせいで、大きな学習率ではあちこち跳ね回ってしまいます（第4章のノイズフロア）。小さなステップのほうが、より低いところに落ち着きます。**学習率スケジュール** $\eta_t$ は、学習率をステップ $t$ の関数にします:
#
# | スケジュール | $\eta_t$ |
# |---|---|
# | 一定 | $\eta_0$ |
# | ステップ減衰 | $\eta_0 \cdot \text{drop}^{\lfloor t / \text{every} \rfloor}$ |
# | 指数減衰 | $\eta_0\, \gamma^{t}$ |
# | コサインアニーリング | $\eta_{\min} + (\eta_0 - \eta_{\min})\,\tfrac12\big(1 + \cos(\pi \min(t, T)/T)\big)$ |
# | ウォームアップ | 最初の $w$ ステップは $\eta_{\text{target}} \cdot (t+1)/(w+1)$、そのあとは包んでいる元のスケジュール |
#
# **ウォームアップ**は、一番最初の段階で、減衰とは逆のことをします。小さく始めて、徐々に上げていくのです。初期状態のネットワークは損失曲面の急で荒れた場所にいて、そこでは大きな学習率が害になります（死んだ ReLU のユニットを見たばかりです）。まず小さなステップをいくつか踏んで、穏やかな場所へ移るのです。どのスケジュールも、ステップを受け取る小さな関数です:

# %% translates="0fa44658e683"
course_lib.show_source(schedules.cosine_annealing)
course_lib.show_source(schedules.warmup)

# %% translates="9c41df7ec274"
epochs = 15
steps_per_epoch = math.ceil(len(X_train) / 32)
total = epochs * steps_per_epoch
lr0 = 1.5
candidates = {
    "一定": schedules.constant(lr0),
    "ステップ減衰（×0.5/4エポック）": schedules.step_decay(lr0, 0.5, 4 * steps_per_epoch),
    "指数減衰（最後は 1 %）": schedules.exponential_decay(lr0, 0.01 ** (1 / total)),
    "コサインアニーリング": schedules.cosine_annealing(lr0, total),
    "ウォームアップ（2エポック）+コサイン": schedules.warmup(schedules.cosine_annealing(lr0, total),
                                                             2 * steps_per_epoch),
}
print(f"指数減衰: γ = 0.01 ** (1/{total}) = {0.01 ** (1 / total):.5f}（1ステップごと）")
for name, schedule in candidates.items():
    print(f"{name}\n    ステップ 0, 50, 200, {total - 1} での η: "
          + ", ".join(f"{schedule(t):.3f}" for t in (0, 50, 200, total - 1)))
ax = plotting.plot_schedules(candidates, total)
for epoch in range(1, epochs):
    ax.axvline(epoch * steps_per_epoch, color="0.9", lw=0.6, zorder=0)
ax.set_title(f"{total} ステップ = {epochs} エポック × {steps_per_epoch} ミニバッチ（細線: エポックの境目）")
plt.show()

# %% [markdown] translates="e594d213c861"
# 最大学習率 1.5 は、このネットワークには大胆な値です。第4節では、3 でネットワークが死にました。スケジュールを公平に比べるため、どの実行も**同じ重みの初期値**から始め、**同じミニバッチ**を見るようにします。違うのはスケジュールだけです。（`fit` は毎ステップの前に `optimizer.lr = schedule(step)` を設定します。）

# %% translates="9d4deee238c1"
initial_model = MLP([64, 32, 10], rng=rng)
batch_seed = int(rng.integers(2**31))
schedule_curves = {}
for name, schedule in candidates.items():
    model = copy.deepcopy(initial_model)
    history = fit(model, loss, SGD(lr0), X_train, y_train, epochs=epochs, batch_size=32,
                  rng=np.random.default_rng(batch_seed), schedule=schedule,
                  validation=(X_val, y_val), progress=False)
    schedule_curves[name] = history.step_loss
    # わざと粗く丸めています。これほど大きな最大学習率では、実行はカオスの縁にあり、
    # 損失の3桁目は CPU の浮動小数点演算カーネルによって変わります。
    print(f"最終損失 {history.train_loss[-1]:.1f}  "
          f"検証データの認識精度 {history.val_accuracy[-1]:4.0%}  "
          f"死んだユニット {dead_fraction(model, X_train):4.0%}  {name}")

ax = plotting.plot_loss_curves(schedule_curves)
ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.02), ncol=2, fontsize=9, frameon=False)
ax.set_title(f"同じネットワーク、同じミニバッチ、最大の η = {lr0}", pad=62)
plt.show()

# %% [markdown] translates="1c4b39e5108b"
# 結果を決めるのは、初期状態のネットワークが最も壊れやすい**最初の数百ステップ**の学習率です:
# - **一定**、**ステップ減衰**（最初に下がるのは4エポック後）、**コサインアニーリング**（ステップ200でもまだ 1.1 より上）は、序盤の長い間、学習率を 1.5 近くに保ちます。隠れ層のユニットの大部分が死に（「死んだユニット」の列）、あとで学習率を下げても生き返りません。ステップ減衰は失ったものを一部だけ取り戻します（最終損失 1.6）が、コサインはチャンスレベルのままです（2.3）。
# - **指数減衰**は、50ステップ後にはもう 1.03、200ステップ後には 0.34 まで下がっています。最初のステップは大きいものの、損傷が完了する前に学習率が下がります。
# - **ウォームアップ**はとても小さく始まり、学習率が小さいうちに速く学習します（ステップ50あたりのくぼみ）。学習率が最大に達すると学習は揺さぶられます（ステップ100あたりのこぶで、ここでさらにユニットが死にます）が、生きているユニットが十分に残っているので学習は続きます。そして、コサインで学習率が下がるにつれて、損失は低くなります。
#
# 正確な数値はシードによって変わります（別のシードを試してみましょう）。しかし私たちが試した範囲では、序盤のステップを穏やかに保つ2つのスケジュールが、いつも上位に来ました。安全な最大学習率（`lr0 = 0.3` を試してみましょう）なら5つとも学習でき、差は小さくなります。スケジュールが最も効くのは、学習率を限界まで上げたとき、つまり学習が最も速くなるときです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="a326f519d7ca"
# ## 9. バッチサイズと学習率
#
# ミニバッチの勾配 $g_B$ は、データ1個ごとの勾配 $B$ 個の平均です。これは全体の勾配 $g$ の不偏推定量で、その分散は $1/B$ に比例して小さくなります（第4章第4節で導き、測りました）。1ステップで重みは $\eta\, g_B$ だけ動くので、そのランダムな部分の分散は $\propto \eta^2/B$ です。そして、長さ $\eta \times (\text{steps})$ が一定の学習区間では、ノイズが積み重なって分散 $\propto \eta/B$ になります。この比、SGD の「ノイズスケール」こそが、バッチサイズと学習率が共有しているものです。まずは $1/B$ を、初期状態で訓練データを使って測ってみます:

# %% translates="b96981486ca3"
noise_net = MLP([64, 32, 10], rng=rng)
g_full = curvature.flat_gradient(noise_net, loss, X_train, y_train)
for B in (8, 32, 128):
    errors = [np.sum((curvature.flat_gradient(noise_net, loss, X_train[idx], y_train[idx]) - g_full) ** 2)
              for idx in (rng.choice(len(X_train), size=B, replace=False) for _ in range(200))]
    print(f"B = {B:3d}: |g_B − g|² の平均 = {np.mean(errors):.3f},  B × その値 = {B * np.mean(errors):.1f}")

# %% [markdown] translates="266f04dff35a"
# ミニバッチの勾配の二乗誤差は $1/B$ に比例して小さくなり、$B$ 倍するとほぼ一定になります。（$B = 128$ で少し小さいのは、バッチのデータを 1,297 個から重複なしで選んでいるからです。分散には第4章の有限母集団修正 $(N - B)/(N - 1)$ がかかり、$B = 128$ ではこれが 0.90 です。）
#
# **線形スケーリング則**（Goyal et al., 2017, "Accurate, large minibatch SGD"）: バッチサイズを $k$ 倍したら、学習率も $k$ 倍します。すると $\eta/B$、つまりノイズは変わりません。そして、ステップ数が $k$ 分の1になった1エポックでも、同じ距離 $\eta \times (\text{steps})$ を進みます。Goyal らは**ウォームアップ**も加えています。最初の5エポックで、学習率を直線的に上げていくのです。初期状態のネットワークは、大きな学習率をいきなりは受け止められないからです。
#
# digits で確かめてみましょう。$B = 16, 64, 256$ に対して $\eta = 0.1, 0.4, 1.6$（$B$ に比例）とし、同じ重みの初期値と同じシャッフルから20エポックずつ、5エポックのウォームアップあり・なしで実行します。対照実験として、$B = 256$ でスケーリングしない $\eta = 0.1$ も実行します:

# %% translates="d941c5484985"
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
    label = f"B = {B}, η = {lr:g}" + ("、ウォームアップ" if warm else "")
    loss_curves[label] = history.train_loss
    print(f"{20 * steps_per_epoch_B:5d} ステップ  最終的な訓練損失 "
          f"{history.train_loss[-1]:.2f}  検証データの認識精度 {history.val_accuracy[-1]:4.0%}  {label}")
ax = plotting.plot_epoch_curves(loss_curves, ylabel="訓練データの損失", logy=True, legend_loc="outside")
ax.set_title("線形スケーリング: η ∝ B、エポック数は同じ")
plt.show()

# %% [markdown] translates="7e5086a4890e"
# - $B = 16$ から $B = 64$ までは、この規則が成り立ちます。学習率を4倍にすると、4分の1のステップ数（1,640 ではなく 420）で同じ訓練損失 0.07 に達し、2本の曲線はほぼ重なります。（最終的な検証データの認識精度は 97% と 93% で、もっと差があります。第10節の図のように、1エポック後の認識精度はエポックごとに数パーセント上下するからです。）ここではウォームアップは、損失の下がり始めを数エポック遅らせるだけです（最終的な損失は 0.07 に対して 0.08）。$\eta = 0.4$ は最初から安全なので、守るべきものがないのです。
# - $B = 256$ では、規則が求める学習率は $\eta = 1.6$ です。これは、第5節でこの種のネットワークについて初期状態で測った上限 $2/\lambda_{\max} = 0.70$ の2.3倍で、フルバッチの勾配降下法がまだ学習できた2倍を超えています。この実行はチャンスレベルのまま死んでしまいます。ウォームアップを入れるとましになりますが、それでも失敗します。スケーリングしない場合（$\eta = 0.1$）は安全ですが、遅くなります。
#
# つまり線形スケーリング則が成り立つのは、スケーリングした学習率が曲率による上限を下回っている間だけです。そのバッチサイズを超えると、バッチを大きくしても得をしなくなります（McCandlish et al., 2018 は、これを*臨界バッチサイズ*と呼んでいます）。Goyal らは、そうなる前の $B = 8{,}192$ で、ImageNet の ResNet-50 を訓練しました。1,297枚のデータセットでは、ずっと早くそこに達します。

# %% [markdown] slideshow={"slide_type": "slide"} translates="123beb09f48a"
# ## 10. 学習率レンジテスト: 新しい問題で学習率を選ぶ
#
# ネットワークでは、ヘッセ行列の $\lambda_{\max}$ はわかりません。その代わりになる安い実験があります（Leslie Smith の**学習率レンジテスト**、LR range test）。使い捨てのモデルのコピーを100回ほどのミニバッチで訓練しながら、学習率をとても小さい値からとても大きい値まで指数的に増やしていき、各ステップの損失を記録します。最初は何も起こらず（小さすぎる）、次に損失がどんどん速く下がり、やがて底を打って爆発します（大きすぎる）。よい学習率は、平滑化した損失が最も速く下がるところです。もっと慎重にいくなら、損失が最小になる学習率の10分の1を使います。

# %% translates="994076d87a88"
course_lib.show_source(schedules.lr_range_test)

# %% translates="9319a1145c88"
lrs, range_losses = schedules.lr_range_test(
    lambda: MLP([64, 32, 10], rng=rng), loss, X_train, y_train, rng=rng,
    lr_min=1e-4, lr_max=100.0, num_steps=150, batch_size=32)
chosen = schedules.suggest_learning_rate(lrs, range_losses)
cautious = schedules.suggest_learning_rate(lrs, range_losses, rule="min/10")
print(f"{len(lrs)} ステップで、η = {lrs[-1]:.3g} で停止（損失が爆発）")
print(f"平滑化した損失が最も急に下がる η = {chosen:.3g}、  最小点の 1/10: {cautious:.3g}")

ax = plotting.plot_lr_range_test(lrs, range_losses, suggested=chosen)
ax.set_title("学習率レンジテスト: digits での MLP")
plt.show()

# %% [markdown] translates="f803533cc9a8"
# 選ばれた学習率は曲線が最も急なところにあり、曲線が上向きに転じる地点より十分下にあります。0.3 がちょうどよく、3 が大きすぎた第4節とも合っています。では、この学習率で新しいモデルを訓練しましょう。`progress=True`（既定値）のとき、`fit` は1エポックごとに1行を表示します:

# %% translates="7d1035e49df0"
model = MLP([64, 32, 10], rng=rng)
history = fit(model, loss, SGD(chosen), X_train, y_train, epochs=10, batch_size=32, rng=rng,
              validation=(X_val, y_val))
print(history)
print(f"検証データの認識精度: {evaluate(model, X_val, y_val):.1%}")

# %% translates="f0e30c4035a7"
axes = plotting.plot_history(history)
axes[0].set_title("エポックごとの損失")
axes[1].set_title("エポックごとの認識精度")
plt.show()

# %% [markdown] translates="a3e0930ec0f2"
# 訓練データの認識精度は、エポックの途中で各ミニバッチを見たときに測っています（データをもう一度通すことはしません）。そのため最初のエポックでは、エポックの終わりの重みで測る検証データの認識精度より低くなります。

# %% [markdown] slideshow={"slide_type": "slide"} translates="6029b5038ce4"
# ## 11. やってみよう: 学習率のスライダー
#
# スライダー（対数目盛）を動かして、第1節のお椀の上の経路がどう変わるか見てみましょう。のろのろ這う動きから、なめらかな動き、ジグザグへと変わり、$\eta$ が $2/\lambda_{\max} = 0.2$ を超えると飛び出していきます。（スライダーを動かすには、Jupyter のカーネルが動いている必要があります。下の静的な図でも同じことがわかります。）このセルは図を一度描き、*ディスプレイハンドル*を通して表示します。スライダーが動くたびに、`redraw` が同じ軸に新しい実行を描き、その表示をその場で更新します。

# %% translates="28421d60246a"
import ipywidgets as widgets
from IPython.display import display

slider = widgets.FloatLogSlider(value=0.1, base=10, min=-3, max=-0.5, step=0.02, description="η")
fig, ax = plt.subplots(figsize=(4.5, 4.5))
plotting.plot_quadratic_descent(H, x0, slider.value, steps=20, ax=ax)
plt.close(fig)  # セルの最後には表示しない。下の display が表示し、描き直す


def redraw(change):
    """スライダーの値が変わるたびに呼ばれる: 実行をその場で描き直す。"""
    ax.clear()
    plotting.plot_quadratic_descent(H, x0, change["new"], steps=20, ax=ax)
    view.update(fig)


slider.observe(redraw, names="value")
display(slider)
view = display(fig, display_id=True)

# %% [markdown] translates="74bd7e3b35bf"
# **カーネルがなくても同じ話がわかります:** $0.005$ から $0.21$ までの8つの学習率を、臨界学習率に対する割合で選んでいます。

# %% translates="02152c43aca4"
static_rates = crit * np.array([0.025, 0.1, 0.25, 0.5, 0.75, 0.9, 0.98, 1.05])
fig, axes = plotting.plot_quadratic_grid(H, x0, static_rates, steps=20, ncols=4,
                                         titles=[f"η = {lr:.3g}" for lr in static_rates])
plt.show()

# %% [markdown] slideshow={"slide_type": "slide"} translates="0557eb08a261"
# ## まとめ
#
# - 学習率が**小さすぎる**とステップが無駄になり、**ちょうどよい**と速く下り、**大きすぎる**と行き過ぎてジグザグします（ネットワークでは、ユニットが死んで動けなくなることもあります）。はっきりした境界を超えると、実行は**発散**します。
# - ヘッセ行列が $H = Q\Lambda Q^\top$ の2次関数では、各固有方向が1ステップごとに $1 - \eta\lambda_i$ 倍されるので、勾配降下法が収束するのは $0 < \eta < 2/\lambda_{\max}$ のとき、かつそのときに限ります（`critical_learning_rate`）。$0.99\times$ では収束し、$1.01\times$ では発散します。実際の実行を使った二分法でも、同じ境界が測れます。
# - モーメンタム係数 $\mu$ の Momentum では、上限は $2(1+\mu)/\lambda_{\max}$（重球法）と $2(1+\mu)/((1+2\mu)\lambda_{\max})$（Nesterov）です。2項の漸化式から導き、測定でも確かめました。
# - 最小点の近くでは、ネットワークの損失は局所的に2次関数です。最も鋭い方向が学習率を制限します。`curvature.hessian_vector_product` は逆伝播2回分のコストでヘッセ行列を掛け算し、べき乗法がそれを $\lambda_{\max}$（`top_hessian_eigenvalue`）と最も負の固有値（`bottom_hessian_eigenvalue`）に変えます。
# - digits のネットワークでは、（初期状態で測った）$0.9 \times 2/\lambda_{\max}$ くらいまでは損失が毎ステップ下がり、$2\times$ まではまだ学習できます。鋭さは固定されていません。学習中に上がっていき、大きな学習率では約 $2/\eta$ まで押し戻されます（**安定性の縁**）。初期状態ではヘッセ行列に負の固有値もあります。これは**鞍点**の方向で、その近くでは勾配降下法が遅くなります。
# - ミニバッチのノイズは $\eta/B$ に比例します。線形スケーリング則（バッチを $k$ 倍したら $\eta$ も $k$ 倍）はこれを一定に保ち、スケーリングした学習率が曲率による上限を下回っている限り成り立ちます。
# - スケジュール（`step_decay`、`exponential_decay`、`cosine_annealing`）は学習中に学習率を下げ、`warmup` は最初に学習率を徐々に上げます。最大学習率が大胆なときは、最初の数百ステップを穏やかに保つこと（ウォームアップでも、早めの減衰でも）が、ネットワークを生き残らせる鍵です。
# - 学習率レンジテスト（`lr_range_test` + `suggest_learning_rate`）は、1回の短い実行でよい学習率を見つけます。
# - `fit` はループを実行して `History` を記録し、NaN の重みを返す代わりに、エポック・ステップ・学習率を示して `TrainingDiverged` を送出します。
#
# **次は:** 第6章では、すべてを組み合わせて MNIST に取り組みます。784画素、10種類の数字、そして `fit` です。

# %% [markdown] slideshow={"slide_type": "slide"} translates="de5257abf83f"
# ## 演習
#
# 演習のセルに自分の答えを書いて実行してください。`check` が合格かどうかを判定し、違っていればヒントを出します。このノートブックでは、各演習のセルに模範解答がすでに入っています。読む前にまず自分で解いてみましょう（`make student` を実行すると、模範解答の代わりに空欄の入ったコピーが作られます）。

# %% [markdown] translates="4260259bfa93"
# ### 演習 5.1 — ヘッセ行列の臨界学習率
# 対称正定値行列 `H` について、$\tfrac12 x^\top H x$ での勾配降下法が収束する最大の学習率を返す関数 `my_critical_rate(H)` を書いてください。ヒント: `np.linalg.eigvalsh`。

# %% translates="19fcde7c4e86"
def my_critical_rate(H):
    ### BEGIN SOLUTION
    return 2.0 / np.linalg.eigvalsh(H)[-1]
    ### END SOLUTION


check("5.1", my_critical_rate)

# %% [markdown] translates="792d857de961"
# ### 演習 5.2 — 固有方向ごとの縮小率
# 勾配降下法の1ステップで、各固有ベクトル方向の誤差に掛かる縮小率 $1 - \eta\lambda_i$ を並べた配列を返す関数 `contraction_factors(H, lr)` を書いてください。並び順は `np.linalg.eigvalsh` と同じ（最小の固有値が先）にします。符号はそのまま残してください。収束するかどうかを決めるのは、どの縮小率でしょうか。

# %% translates="ab1cea78e048"
def contraction_factors(H, lr):
    ### BEGIN SOLUTION
    return 1.0 - lr * np.linalg.eigvalsh(H)
    ### END SOLUTION


check("5.2", contraction_factors)

# %% [markdown] translates="0923ed9e9812"
# ### 演習 5.3 — ステップ減衰のスケジュール
# *関数* `schedule(step) -> lr` を返す関数 `my_step_decay(lr0, drop, every)` を書いてください。返す関数は、ステップ `0 … every-1` では `lr0` を保ち、そのあとは `every` ステップごとに学習率を `drop` 倍します。

# %% translates="ab9dfcabd582"
def my_step_decay(lr0, drop, every):
    ### BEGIN SOLUTION
    def schedule(step):
        return lr0 * drop ** (step // every)

    return schedule
    ### END SOLUTION


check("5.3", my_step_decay)

# %% [markdown] translates="bb8b3d942ac4"
# ### 演習 5.4 — 勾配降下法を閉じた式で
# 第2節で $e_t = (I - \eta H)^t e_0$ を示しました。$x_t$（最小点は 0）を返す関数 `gd_closed_form(H, x0, lr, t)` を、**ステップについてのループを使わずに**書いてください（`t` についての `for`/`while` も、再帰も、`gradient_descent` の呼び出しも使いません。`check` がコードを読んで確かめます）。`np.linalg.eigh` で $H = Q\Lambda Q^\top$ と対角化し、座標 $Q^\top x_0$ をそれぞれ $(1 - \eta\lambda_i)^t$ 倍して、元の座標に戻します。

# %% translates="82710ef37a70"
def gd_closed_form(H, x0, lr, t):
    ### BEGIN SOLUTION
    lam, Q = np.linalg.eigh(H)
    return Q @ ((1.0 - lr * lam) ** t * (Q.T @ x0))
    ### END SOLUTION


check("5.4", gd_closed_form)

# %% [markdown] translates="8edf4ba53f21"
# ### 演習 5.5 — ヘッセ行列・ベクトル積から臨界学習率を求める
# 第5節ではヘッセ行列を作らず、ヘッセ行列を掛けることだけをしました。小さなモデルなら、積からヘッセ行列を組み立てることも*できます*。関数 `critical_rate_from_hvp(hvp, n)` を書いてください。`hvp(v)` は、長さ `n` の平らなベクトル `v` 1本に対して $Hv$ を返します（モデルとデータを固定した `curvature.hessian_vector_product` のようなものです）。$H$ を1列ずつ組み立て（第 $j$ 列は $H e_j$）、`hvp` の呼び出しは**ちょうど `n` 回**にして、臨界学習率 $2/\lambda_{\max}$ を返します。注意: 最小点から離れたところでは、$H$ が負の固有値を持つことがあります（第6節）。

# %% translates="6345d1f5828d"
def critical_rate_from_hvp(hvp, n):
    ### BEGIN SOLUTION
    H = np.column_stack([hvp(e) for e in np.eye(n)])
    return 2.0 / np.linalg.eigvalsh(H)[-1]
    ### END SOLUTION


check("5.5", critical_rate_from_hvp)

# %% [markdown] translates="a4afad5d3ef5"
# ### 演習 5.6 — Momentum の上限
# 最大固有値が `lam_max` の2次関数で、PyTorch 流の Momentum（第3節）を使ったときに安定な最大の学習率を返す関数 `momentum_limit(lam_max, momentum, nesterov=False)` を書いてください。ふつうは重球法、`nesterov=True` のときは Nesterov のモーメンタムです。$\mu = 0.5$、$\lambda_{\max} = 10$ のときの値はいくつでしょうか。

# %% translates="72d5f605e261"
def momentum_limit(lam_max, momentum, nesterov=False):
    ### BEGIN SOLUTION
    if nesterov:
        return 2 * (1 + momentum) / ((1 + 2 * momentum) * lam_max)
    return 2 * (1 + momentum) / lam_max
    ### END SOLUTION


check("5.6", momentum_limit)

# %% [markdown] translates="dead029e6fff"
# **発展（check なし）:**
# 1. 第2節の二分法を、5,000ステップの代わりに200ステップと20,000ステップで繰り返してみましょう。測定した臨界学習率はどう動くでしょうか。それはなぜでしょうか。
# 2. `momentum=0.9` で学習率レンジテストを実行してみましょう。提案される学習率は上がるでしょうか、下がるでしょうか。Momentum の安定性の上限（第3節）は*高い*のに、なぜそうなるのでしょうか。
# 3. `MLP([4, 5, 3], rng=rng)` に、ランダムな20個の点とラベルを使って `critical_rate_from_hvp` を実行し、`2 / curvature.top_hessian_eigenvalue(...)` と比べてみましょう。2つが一致しないのは、どんなときでしょうか。
# 4. 第5節の実行では、交差エントロピー誤差を使いました。one-hot表現の目標値に `MSELoss` を使って（Cohen らのお気に入りの設定です）、鋭さの追跡を繰り返してみましょう。鋭さは、より長く $2/\eta$ にとどまるでしょうか。

# %% [markdown] slideshow={"slide_type": "slide"} translates="a6032e00a834"
# ## 用語集
#
# | 日本語 | English | 意味 |
# |---|---|---|
# | 学習率 | learning rate | 一歩の大きさ $\eta$ |
# | 学習率スケジュール | learning-rate schedule | 学習中に学習率を変える規則 $t \mapsto \eta_t$ |
# | 収束 | convergence | パラメータが最小点に落ち着くこと |
# | 発散 | divergence | 反復（と損失）が際限なく大きくなること |
# | 固有値 / 固有ベクトル | eigenvalue / eigenvector | $Hv = \lambda v$: $H$ が伸び縮みさせるだけの方向と、その倍率 |
# | 固有値分解 | eigen-decomposition | 対称行列 $H$ を $H = Q\Lambda Q^\top$ と分解すること |
# | ヘッセ行列 | Hessian | 2階微分を並べた行列。2次関数では $A$ |
# | 臨界学習率（本講座の用語） | critical learning rate | $2/\lambda_{\max}$: 2次関数で収束する最大の学習率 |
# | 縮小率（本講座の用語） | contraction factor | $1 - \eta\lambda_i$: 固有ベクトル方向の誤差に1ステップごとに掛かる倍率 |
# | 条件数 | condition number | $\kappa = \lambda_{\max}/\lambda_{\min}$：谷がどれだけ細長いか |
# | ステップ減衰 | step decay | 数エポックごとに、学習率に一定の倍率を掛けて下げる |
# | 指数減衰 | exponential decay | 毎ステップ、学習率を $\gamma$ 倍する |
# | コサインアニーリング | cosine annealing | コサインの半周期に沿って学習率を下げる |
# | ウォームアップ | warm-up | 学習の最初に、学習率を小さい値から徐々に上げる |
# | 学習率レンジテスト（本講座の用語） | LR range test | 学習率を増やしながらの短い実行1回で、学習率を選ぶ方法 |
# | エポック | epoch | 訓練データ全体を1回使い切ること |
# | ミニバッチ | mini-batch | 訓練データからランダムに選んだ小さな部分集合 |
# | 死んだ ReLU（dying ReLU） | dead ReLU | すべてのデータで入力が負になり、勾配が 0 になったユニット |
# | 二分法 | bisection | 答えを含む区間を、何度も半分にしていく方法 |
# | Momentum（モーメンタム） | momentum | 過去の勾配をため込み、パラメータを動かし続けるバッファ |
# | Nesterov のモーメンタム | Nesterov momentum | $\nabla L + \mu b$ で一歩進む、先を見越した Momentum |
# | ヘッセ行列・ベクトル積 | Hessian-vector product | $H$ を作らずに計算する $Hv$ |
# | べき乗法 | power iteration | $v \leftarrow Hv/\lVert Hv\rVert$ を繰り返して、絶対値が最大の固有値を求める方法 |
# | 鋭さ（シャープネス） | sharpness | 損失のヘッセ行列の $\lambda_{\max}$ |
# | 安定性の縁（本講座の用語） | edge of stability | 鋭さが $2/\eta$ の近くにとどまったまま進む学習 |
# | 鞍点 | saddle point | 勾配が 0 で、ある方向には上向きに、別の方向には下向きに曲がっている点 |
# | バッチサイズ | batch size | まとめて処理するデータの数。アクティベーションのメモリはこれに比例して増える |
# | 線形スケーリング則 | linear-scaling rule | バッチを $k$ 倍にしたら、学習率も $k$ 倍にする |
# | 初期値 | initial value | 学習前の重み（初期化） |
#
# **次の章:** [第6章 — MNIST](06_mnist.ipynb): 本物の手書き数字で、4つの手順を最初から最後まで通して実行します。
