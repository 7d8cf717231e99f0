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

# %% [markdown] slideshow={"slide_type": "slide"} translates="9f9b8f10a551"
# # 第2章 — 連鎖律：変化は計算の中をどう伝わるか
#
# **この章で学ぶこと**
# - *感度*としての微分：入力を少し動かして、出力がどれだけ動くかを見ます。
# - 数値微分（前進差分と中心差分）と、刻み幅 $h$ の選び方（打ち切り誤差と丸め誤差の兼ね合い）。
# - 合成関数の連鎖律と、その数値による確認。
# - 計算グラフ：どの演算も自分の*局所的な勾配*だけを知っています。
# - `Value`：小さなリバースモード自動微分エンジンを作り、図に描き、テストします。
# - ファンアウト：共有された部分式の勾配が足し合わされる理由。
# - フォワードモードとリバースモードを測って比べます。1回の逆伝播ですべてのパラメータの勾配が得られる理由、つまり誤差逆伝播法の核心です。
# - その代わりにリバースモードが払うもの（メモリ）を、深さやバッチサイズを増やしながら測ります。そして、その対策である勾配チェックポインティングを学びます。
#
# **前提知識**：第1章（損失関数とその勾配）、$x^n$、$e^x$、$\log x$、$\tanh x$ の微分、Python のクラス。
#
# **第1章のおさらい** 損失関数は、ネットワークの出力を1つの数 $L$ にまとめます。予測が良いほど $L$ は小さくなります。回帰では平均二乗誤差 $\frac1M\sum(\hat y - y)^2$、分類では交差エントロピー誤差 $-\log p_{\text{true}}$ を使いました。そして、ネットワークの*出力*についての損失の勾配を導きました（平均二乗誤差なら $2(\hat y - y)/M$、ソフトマックス関数と交差エントロピー誤差の組なら $(p - t)/N$）。さらに、それを中心差分で確かめました。しかし、学習で変えるのは*重み*であり、重みは出力から何層も離れたところにあります。損失の傾きは、どうやって重みまで届くのでしょうか。答えは連鎖律です。計算を1つの演算ずつたどりながら、連鎖律を当てはめていきます。

# %% translates="657b5c9683b5"
# Running on Google Colab? Install the course library first (this does nothing anywhere else).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://github.com/backprop-from-zero/backprop-from-zero"], check=True)

# %% translates="d0a62d764495"
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

rng = course_lib.setup_notebook(seed=0, lang="ja")  # lang="ja"：メッセージと図を日本語で表示します

# %% [markdown] slideshow={"slide_type": "slide"} translates="30b139b9d2cd"
# ## 1. 感度としての微分
#
# 学習では、同じ問いを何度も繰り返します。*この重みを少し変えたら、損失はどれだけ変わるか？* 入力の変化に対する出力の変化の比を、変化をとても小さくして考えたもの。それが微分です。関数 $f$ と小さな刻み $h$ について、
#
# $$
# f(x + h) \approx f(x) + f'(x)\,h, \qquad
# f'(x) = \lim_{h \to 0} \frac{f(x + h) - f(x)}{h}.
# $$
#
# $f'(x)$ は、$x$ における $f$ の**感度**です。入力の3倍の強さで反応する出力なら $f'(x) = 3$、まったく反応しない出力なら $f'(x) = 0$ です。微分が負なら、出力は入力と逆向きに動きます。図形として見ると、この分数は曲線上の2点を通る*割線*の傾きです。$h$ を小さくしていくと、割線は*接線*に近づきます。
#
# 例として $f(x) = x^3 - 3x + 1$ を $x_0 = 1.5$ で考えます。べき乗の微分の公式から $f'(x) = 3x^2 - 3$ なので、$f'(1.5) = 3.75$ です。

# %% translates="8a017686ee8b"
def f_cubic(x):
    return x**3 - 3 * x + 1


x0 = 1.5
plotting.plot_secants(f_cubic, x0, hs=(1.0, 0.5, 0.1), xlim=(0.2, 2.6))
plt.title("h を小さくすると、割線は接線に近づく")
plt.show()

# %% translates="12e6da19b749"
for h in [1.0, 0.1, 0.01, 0.001]:
    slope = (f_cubic(x0 + h) - f_cubic(x0)) / h
    print(f"h = {h:<6}  (f(x0+h) - f(x0)) / h = {slope:.4f}")
print("正確な値 f'(1.5) = 3 * 1.5**2 - 3 = 3.75")

# %% [markdown] translates="96fad6a8a118"
# **感度を使ってみる** 微分を使うと、$f$ を計算し直さなくても、少し動かしたときの影響を予測できます。$x$ を 1.5 から 1.51 に動かすと、$f$ はおよそ $3.75 \times 0.01$ だけ変わるはずです。

# %% translates="de2087ec6837"
predicted = f_cubic(x0) + 3.75 * 0.01
print(f"実際に計算した f(1.51)       = {f_cubic(1.51):.5f}")
print(f"予測 f(1.5) + f'(1.5) * 0.01 = {predicted:.5f}")
print(f"差 = {abs(f_cubic(1.51) - predicted):.5f}（h^2 程度の大きさ：テイラー展開の次の項）")

# %% [markdown] slideshow={"slide_type": "slide"} translates="868f8a1552ab"
# ## 2. 数値微分：前進差分と中心差分
#
# 上の分数を**前進差分**といいます。コンピュータは、微積分をまったく使わずに、どんな関数でもこれを計算できます。そのため、手で求めた微分を確かめる*審判*にぴったりです。では、どれくらい正確なのでしょうか。$f$ を $x$ のまわりで展開します（テイラー展開）：
#
# $$
# f(x \pm h) = f(x) \pm h f'(x) + \tfrac{h^2}{2} f''(x) \pm \tfrac{h^3}{6} f'''(x) + \dots
# $$
#
# **前進差分** $f(x)$ を引いて $h$ で割ると、
#
# $$
# \frac{f(x+h) - f(x)}{h} = f'(x) + \underbrace{\tfrac{h}{2} f''(x) + \dots}_{\text{打ち切り誤差} \;\propto\; h}
# $$
#
# **中心差分** 2つの展開式を引き算すると、偶数次の項が打ち消し合います：
#
# $$
# \frac{f(x+h) - f(x-h)}{2h} = f'(x) + \underbrace{\tfrac{h^2}{6} f'''(x) + \dots}_{\text{打ち切り誤差} \;\propto\; h^2}
# $$
#
# つまり $h$ を半分にすると、前進差分の誤差は 1/2 になりますが、中心差分の誤差は 1/4 になります。
#
# それなら $h = 10^{-15}$ にすればよいのでは？ そうはいきません。コンピュータが保存できる有効数字はおよそ16桁で、$f(x+h) - f(x)$ はほとんど等しい2つの数の引き算だからです。$h$ がとても小さいと、丸めによる誤差のほうが勝ってしまいます。下の図で両方の効果を確かめましょう。詳しい説明は次の囲みにあります。
#
# > **発展（最初は読み飛ばしてかまいません）** *丸め誤差と、最適な刻み幅 $h$*
# > float64 が保存できる有効数字はおよそ16桁です。そのため $f(\cdot)$ の値にはどれも $\varepsilon \approx 2.2\times10^{-16}$ 程度の相対誤差があります。$f(x+h) - f(x)$ はほとんど等しい2つの数の引き算なので、差そのものは小さくなるのに、この誤差は残ります。それを $h$ で割ると誤差が拡大されます。この**丸め誤差**は $\varepsilon |f| / h$ のように増えます。したがって中心差分の誤差の合計はおよそ
# >
# > $$
# > E(h) \approx \frac{h^2}{6}|f'''(x)| + \frac{\varepsilon |f(x)|}{h},
# > \qquad h^* = \Big(\frac{3\varepsilon |f|}{|f'''|}\Big)^{1/3}
# > $$
# >
# > となり、$h^*$ で最小になります（$E'(h) = \frac{h}{3}|f'''| - \frac{\varepsilon|f|}{h^2}$ を 0 とおきます）。前進差分では $E(h) \approx \frac{h}{2}|f''| + \frac{2\varepsilon|f|}{h}$ で、最小になるのは $h^* = 2\sqrt{\varepsilon |f| / |f''|}$ のときです。$f = \exp$ なら $h^* \approx 9\times10^{-6}$（中心差分）、$3\times10^{-8}$（前進差分）となります。
#
# ライブラリの `numerical_derivative` は中心差分です：

# %% translates="cea4702dc116"
course_lib.show_source(numerical_derivative)

# %% [markdown] translates="9c07c043d031"
# $f = \exp$ について、両方の誤差を測ってみましょう（$f = f' = f'' = f'''$ なので予測が簡単です）。刻み幅は $10^{-15}$ から $10^{-1}$ までの113通りです。丸め誤差は $x$ ごとに不規則に変わるので、$x \in [0.5, 1.5]$ の101点で相対誤差を平均します。

# %% translates="009160da86fc"
eps = np.finfo(np.float64).eps
hs = np.logspace(-15, -1, 113)
xs = np.linspace(0.5, 1.5, 101)


def mean_relative_error(derivative_estimate):
    """hs の各刻み幅について、xs で平均した |推定値 - exp(x)| / exp(x)。"""
    return np.array([np.mean([abs(derivative_estimate(x, h) - math.exp(x)) / math.exp(x) for x in xs])
                     for h in hs])


forward_err = mean_relative_error(lambda x, h: (math.exp(x + h) - math.exp(x)) / h)
central_err = mean_relative_error(lambda x, h: numerical_derivative(math.exp, x, h))
# 予測される相対誤差（exp では f = f'' = f''' = f' なので |f| / |f'| = 1）
forward_model = hs / 2 + 2 * eps / hs
central_model = hs**2 / 6 + eps / hs

ax = plotting.plot_step_errors(hs, {"前進": forward_err, "中心": central_err},
                               models={"前進": forward_model, "中心": central_model}, default_h=1e-5)
ax.set_title("exp の数値微分：刻み幅 h と誤差")
ax.set_ylabel("相対誤差の平均")
ax.text(1e-13, 1e-9, "丸め誤差\n∝ ε / h", ha="center", fontsize=10)
ax.text(3e-3, 3e-11, "打ち切り誤差\n∝ h（前進差分）\n∝ h²（中心差分）", ha="center", fontsize=10)
plt.show()

# %% translates="d3edba2e6027"
for name, err, h_theory in [("前進差分", forward_err, 2 * math.sqrt(eps)),
                            ("中心差分", central_err, (3 * eps) ** (1 / 3))]:
    best = hs[np.argmin(err)]
    print(f"{name}：測定した最適な h {best:.0e}   予測 h* = {h_theory:.1e}   "
          f"最小の誤差 {err.min():.0e}")
at_default = central_err[np.argmin(abs(np.log(hs / 1e-5)))]
print(f"既定の h = 1e-5 での中心差分の誤差 {at_default:.0e}")

# %% [markdown] translates="9763dcb7e534"
# 両対数グラフで、どちらの曲線もV字形になります。左側の傾きは $-1$ で、これは丸め誤差です。右側の傾きは前進差分で $+1$、中心差分で $+2$ で、これは打ち切り誤差です。どれも予測どおりです。ここから分かること：
#
# - 中心差分のほうがずっと優れています。誤差の底はおよそ $5\times10^{-12}$（**正しい桁が11桁**）で、$h \approx 7\times10^{-6}$ のときです。囲みのモデルの予測は $h^* \approx 9\times10^{-6}$ でした。前進差分は $h \approx 10^{-8}$ で $5\times10^{-9}$（8桁）までしか下がりません。
# - V字の底は平らなので、厳密な最適値にこだわる必要はほとんどありません。そのそばのきりのよい数 $h = 10^{-5}$（点線）でも誤差は $2\times10^{-11}$、ほぼ11桁が正しくなります。これがライブラリの `numerical_derivative` と `numerical_gradient` の既定値です。
# - 小さいほど良い、**わけではありません**。$h = 10^{-12}$ では、正しい桁は4桁ほどしか残りません。残りは丸め誤差に食われてしまいました。
# - そこで本講座の `gradcheck` は、$h = 10^{-5}$ の中心差分を使い、相対誤差が $10^{-7}$ 未満なら「勾配は正しい」とみなします（式が間違っていれば $10^{-1}$ 以上になります）。
#
# 数値微分には大きな欠点が1つあります。第7節で測るように、**入力1つごとに** $f$ を2回計算しなければなりません。重みが100万個あるネットワークなら、1回の勾配のために200万回の順伝播が必要です。

# %% [markdown] slideshow={"slide_type": "slide"} translates="dd345918171d"
# ## 3. 合成関数の連鎖律
#
# 私たちが扱う関数のほとんどは、簡単なステップを*合成*したものです。$y = g(u)$、$u = h(x)$ とすると、小さな変化 $\Delta x$ は $\Delta u \approx h'(x)\,\Delta x$ を生み、それが $\Delta y \approx g'(u)\,\Delta u \approx g'(u)\,h'(x)\,\Delta x$ を生みます。感度は**掛け算**されるのです：
#
# $$
# \frac{dy}{dx} = \frac{dy}{du}\cdot\frac{du}{dx}.
# $$
#
# $u$ が $x$ の3倍の強さで反応し、$y$ が $u$ の2倍の強さで反応するなら、$y$ は $x$ の6倍の強さで反応します。ステップが増えれば、掛ける因子も増えます：$\frac{dy}{dx} = \frac{dy}{du_k}\cdots\frac{du_2}{du_1}\frac{du_1}{dx}$。
#
# **1つのニューロンの損失** 入力 $x$ が1つ、重み $w$ が1つ、出力はシグモイド関数、そして目標値 $t$ との二乗誤差を考えます：
#
# $$
# z = w x, \qquad p = \sigma(z) = \frac{1}{1 + e^{-z}}, \qquad L = (p - t)^2 .
# $$
#
# どのステップの微分も簡単です。$\frac{\partial z}{\partial w} = x$、$\frac{dp}{dz} = \sigma(z)(1 - \sigma(z))$（$(1 + e^{-z})^{-1}$ を微分して整理します）、$\frac{dL}{dp} = 2(p - t)$。連鎖律はこれらを掛け合わせます：
#
# $$
# \frac{dL}{dw} = \underbrace{2(p - t)}_{dL/dp}\;\underbrace{\sigma(z)(1-\sigma(z))}_{dp/dz}\;\underbrace{x}_{dz/dw}.
# $$

# %% translates="3305aa5bafcc"
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
print(f"連鎖律で求めた dL/dw = {dL_dp * dp_dz * dz_dw:.6f}")
print(f"中心差分で求めた値   = {numerical_derivative(neuron_loss, w):.6f}")

# %% [markdown] translates="e646d435b6b2"
# 表示したすべての桁が一致しました。連鎖律に必要だったものに注目してください。順方向の計算で得た途中の量（$z$、$p$）の値と、ステップごとの小さな局所的な微分が1つずつ。この観察こそが、自動微分のすべてです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="a3e443695611"
# ## 4. 計算グラフと局所的な勾配
#
# 計算を**計算グラフ**として書きます。基本的な演算1つにつきノードを1つ置き、各演算の入力からその出力へ矢印を引きます。どの演算も、自分の**局所的な勾配**（局所勾配）だけを知っています。局所的な勾配とは、演算の出力をその各入力で微分したものです。たとえば次のとおりです。
#
# | 演算 | 出力 | 局所的な勾配 |
# |---|---|---|
# | 加算 | $a + b$ | $\partial/\partial a = 1,\;\; \partial/\partial b = 1$ |
# | 乗算 | $a\,b$ | $\partial/\partial a = b,\;\; \partial/\partial b = a$ |
# | べき乗（$k$ は定数） | $a^k$ | $k\,a^{k-1}$ |
# | exp | $e^a$ | $e^a$ |
# | log | $\log a$ | $1/a$ |
# | tanh | $\tanh a$ | $1 - \tanh^2 a$ |
# | シグモイド関数 | $\sigma(a)$ | $\sigma(a)(1 - \sigma(a))$ |
# | ReLU関数 | $\max(a, 0)$ | $a > 0$ なら $1$、そうでなければ $0$ |
#
# グラフの上では、連鎖律は次のように読めます。*あるノードについての出力の勾配は、そのノードから出ていく矢印すべてについての、（矢印の局所的な勾配）×（矢印の先のノードの勾配）の和である。* 出力で $\partial L / \partial L = 1$ から始めて、矢印を逆向きにたどれば、すべての勾配が埋まります。これが**逆伝播**です。
#
# 第3節のニューロンを、次の節の `Value` クラスでグラフにしてみました。矢印の上の青い数が局所的な勾配です。各ボックスには、そのノードの値（`data`）と $\partial L / \partial(\text{node})$（`grad`）が書かれています。`L` から `w` まで経路を逆にたどってみましょう。途中の青い数を掛け合わせると、`w` の grad になります。

# %% translates="4080acdd67ca"
w_node, x_node = Value(0.8, label="w"), Value(1.5, label="x")
z_node = w_node * x_node
z_node.label = "z = w·x"
p_node = z_node.sigmoid()
p_node.label = "p = σ(z)"
error_node = p_node - 1.0  # p - t（目標値 t = 1）
error_node.label = "p − t"
loss_node = error_node**2
loss_node.label = "L"
loss_node.backward()

plotting.draw_graph(loss_node, show_local_grads=True, title="L = (σ(w·x) − 1)²")
plt.show()
print(f"w.grad = {w_node.grad:.6f}   （第3節：{dL_dp * dp_dz * dz_dw:.6f}）")

# %% [markdown] translates="f7aa82f3befa"
# グラフを右から左へ読みます。`L` の grad は 1 です。2乗の局所的な勾配 $2(p - t) \approx -0.46$ が、そのまま `p − t` の grad になります。引き算（定数 $-t = -1$ の加算。小さな白いボックスがその定数です）は局所的な勾配が 1 なので、grad をそのまま渡します。シグモイド関数は $\sigma(1-\sigma) \approx 0.18$ を掛けます。最後の積は、`w` に因子 $x = 1.5$ を、`x` に因子 $w = 0.8$ を渡します。どの grad も、右隣の grad に、間にある青い数を掛けたものです。これが、1ステップずつ当てはめた連鎖律です。

# %% [markdown] slideshow={"slide_type": "slide"} translates="c2ba5e177b6b"
# ## 5. `Value`：リバースモードの自動微分エンジン
#
# `course_lib.autodiff.Value` は数を1つ包みます。`Value` に算術演算をすると、新しい `Value` が返ります。新しい `Value` は、自分の入力（`children`）、演算（`op`）、そして局所的な勾配を返す小さな関数を覚えています。設計は Andrej Karpathy の *micrograd* にならっています。各**基本演算**（primitive）は、まず順方向の値 `out` を計算し、それから `_node` に、新しいノードの子、演算の名前、局所的な勾配を（子1つにつき1つ）返す `lambda` を渡します。順方向の式とその微分が、すぐ隣に並ぶわけです。下のソースは、モジュールの小さなヘルパー関数を3つ呼んでいます：
#
# - `_node(out, children, op, local_grads)` は `data = out` の `Value` を結果として作り、そこに `children`、`op`、関数 `local_grads` を保存します（第7節のために、演算を1回と数えます）。
# - `_as_value(other, op)` は、`other` がすでに `Value` ならそのまま返し、ただの数なら*定数*の `Value`（グラフの小さな白いボックス）で包みます。それ以外（文字列や `None` など）なら、演算子 `op` の名前を添えて `TypeError` を出します。
# - `_negated(other, op)` は引き算のために $-$`other` を返します。数なら定数 $-$数 になり（ノードは増えません）、`Value` なら `-other`、つまり `other * -1` になります。

# %% translates="f02abc109c78"
course_lib.show_source(Value.__add__)
course_lib.show_source(Value.__mul__)
course_lib.show_source(Value.tanh)
course_lib.show_source(Value.sigmoid)

# %% [markdown] translates="6f7a5a7c4f20"
# それ以外はすべて**派生演算**です。基本演算を使った1行で書けるので、勾配のためのコードを別に持つ必要がありません。引き算は符号を反転したものの足し算、割り算は $-1$ 乗の掛け算です。*反射版*（`2 * v`、`1 - v`、`2 / v`。Python はこれらを `__rmul__`、`__rsub__`、`__rtruediv__` に回します）も同じ演算を使い回します：

# %% translates="cc5985c3288f"
course_lib.show_source(Value.__sub__)
course_lib.show_source(Value.__rsub__)
course_lib.show_source(Value.__truediv__)
course_lib.show_source(Value.__rtruediv__)

# %% [markdown] slideshow={"slide_type": "subslide"} translates="3303d7174de8"
# ### `backward()`：ノード1つにつき連鎖律を1回
#
# 逆伝播では、あるノードを処理するのは、それを使う**すべての**ノードの処理が終わってからでなければなりません。そのとき初めて、そのノードの grad がそろうからです。*トポロジカル順序*（どのノードも自分の子より後に来る順序）を逆から読めば、これが保証されます。`backward()` はこの順序を求め、グラフのすべての grad を 0 にし、出力に 1 を置いてから、逆向きにたどりながら第4節の規則 `child.grad += local * node.grad` を当てはめます：

# %% translates="81ee3b9009bf"
course_lib.show_source(Value.backward)
course_lib.show_source(topological_order)

# %% [markdown] translates="c6ccdb435a68"
# おなじみの2入力ニューロン $o = \tanh(x_1 w_1 + x_2 w_2 + b)$（micrograd の例）を、`backward()` の後に描きました。バイアスが半端な値に見えるのは、$n = 0.8814$、$o = \tanh n = 1/\sqrt2$ となるように選んだからです。こうすると tanh の局所的な勾配がきりのよい数 $1 - o^2 = 0.5$ になります。

# %% translates="e2014b5c61d4"
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

# %% [markdown] translates="e1f0d62eb92c"
# tanh の $0.5$ は、その左側のすべてのノードにそのまま届きます。足し算は勾配をそのまま通す（局所的な勾配が 1）からです。その先で、それぞれの積は入力を入れ替えて渡します。`w1` は $0.5 \cdot x_1 = 1$ を、`x1` は $0.5 \cdot w_1 = -1.5$ を受け取ります。$x_2 = 0$ なので `w2` は出力に影響できません（grad は 0）。しかし `x2` は影響できます。その grad は $0.5 \cdot w_2 = 0.5$ です。
#
# **中心差分で確かめます。** ニューロンを5つの入力の関数とみなします：

# %% translates="fc17e631688e"
inputs = [x1, x2, w1, w2, b]


def neuron(point):
    """同じニューロンを、5つの入力（x1, x2, w1, w2, b）のふつうの関数として書いたもの。"""
    a1, a2, v1, v2, bias = (Value(float(v)) for v in point)
    return (a1 * v1 + a2 * v2 + bias).tanh().data


numeric = numerical_gradient(neuron, np.array([v.data for v in inputs]))
for v, g in zip(inputs, numeric):
    print(f"{v.label:>2}：逆伝播 {v.grad:+.6f}   中心差分 {g:+.6f}")
print(f"相対誤差は 1e-7 未満？ {relative_error([v.grad for v in inputs], numeric) < 1e-7}")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="584150eb51a9"
# ### 2つの落とし穴と、その対策
#
# **深いグラフ** micrograd はグラフを*再帰*関数で並べ替えます。ところが Python は、およそ1000段より深い再帰を許しません。たくさんの時刻にわたって展開したリカレントネットワークや、単に何千個もの数に `sum()` を使うだけでも、それよりずっと深いグラフができます。本講座の `topological_order` は、再帰の代わりに明示的なスタックを使います。演算10,000個の深さの鎖と、比較のための再帰的なたどり方を見てみましょう：

# %% translates="973d76597db0"
x_deep = Value(0.5, label="x")
y_deep = x_deep
for _ in range(5000):
    y_deep = y_deep * 0.999 + 0.001  # 1ステップで演算2つ


def depth_recursive(node):
    return 1 + max((depth_recursive(c) for c in node.children), default=0)


try:
    depth_recursive(y_deep)
except RecursionError as err:
    print(f"再帰でたどると失敗します：{type(err).__name__}")
y_deep.backward()
print(f"反復版：{len(topological_order(y_deep)):,} 個のノード（演算とその定数）を並べ替え、"
      f"dy/dx = {x_deep.grad:.6f}（正確な値 0.999**5000 = {0.999**5000:.6f}）")

# %% [markdown] translates="21d8b2649f6b"
# **`backward()` を2回呼ぶ** ファンアウト（次の節）があるので、勾配は `+=` で*累積*されます。先にリセットしなければ、2回目の `backward()` ですべての勾配が2倍になってしまいます。本講座の `backward()` は累積の前にグラフ全体の grad をリセットするので、繰り返しても害はありません。その裏返しとして（docstring にも書いてあります）、*別々の*出力の勾配を自動で足し合わせてはくれません。`loss1 + loss2` を微分したいときは、その和を作ってから、それに対して `backward()` を呼びましょう。

# %% translates="e605f7d14d51"
first = [v.grad for v in inputs]
o.backward()
print(f"2回目の backward() の後も grad は同じ：{[v.grad for v in inputs] == first}")

# %% [markdown] translates="ba22f5dbef26"
# **間違った被演算子**を使うと、内部の奥深くで失敗するのではなく、分かりやすいエラーになります（エラーメッセージはプログラマ向けなので英語です）：

# %% translates="6f59400b0254"
for attempt in [lambda: Value(2.0) + "3", lambda: None * Value(2.0), lambda: Value(2.0) ** Value(2.0),
                lambda: Value(-1.0).log()]:
    try:
        attempt()
    except (TypeError, ValueError) as err:
        print(f"{type(err).__name__}: {err}")

# %% [markdown] slideshow={"slide_type": "slide"} translates="86be88649a42"
# ## 6. ファンアウト：勾配は足し合わされる
#
# 1つの値を2回以上使ったら、どうなるでしょうか。$f(x, y) = x\,y + x$ を考えます。入力 $x$ は、積と和の両方に入っています。小さな変化 $\Delta x$ は、今度は**2つの経路**を通って $f$ に届き、その両方の寄与が加わります：
#
# $$
# \Delta f \approx \underbrace{y\,\Delta x}_{\text{$xy$ を通る経路}} + \underbrace{1\cdot\Delta x}_{\text{直接の経路}}
# \quad\Longrightarrow\quad \frac{\partial f}{\partial x} = y + 1 .
# $$
#
# これが**多変数の連鎖律**です。ノードが複数の使い手に分岐（ファンアウト）するとき、その勾配は経路についての*和*になります。`backward()` が `=` ではなく `child.grad += ...` を使うのはこのためです。使い手がそれぞれ自分の分を足し込むのです。

# %% translates="6550d7368317"
x_fan, y_fan = Value(3.0, label="x"), Value(-2.0, label="y")
xy = x_fan * y_fan
xy.label = "x·y"
f_fan = xy + x_fan
f_fan.label = "f"
f_fan.backward()

plotting.draw_graph(f_fan, show_local_grads=True, title="x は2回使われる：その grad は2つの経路の和")
plt.show()
print(f"x·y を通る経路：y = {y_fan.data:.1f}、直接の経路：1、合計 = {y_fan.data + 1:.1f}")
print(f"backward() で求めた x.grad = {x_fan.grad:.1f}")

# %% [markdown] translates="f42c390dad09"
# `+=` の代わりに `=` を使うと、2つ目の経路が1つ目を上書きしてしまい、`x.grad` は $-2$ か $1$ になります。どちらも間違いです。ファンアウトはネットワークのいたるところにあります。どの入力も第1層のすべてのニューロンに入りますし、どの重みもバッチのデータ1つにつき1回ずつ使われます。第3章では、ファンアウトについての和が $dW = X^\top\delta$ のような行列の積になります。

# %% [markdown] slideshow={"slide_type": "slide"} translates="87c690f910db"
# ## 7. フォワードモードとリバースモード
#
# 連鎖律は、経路に沿って局所的な勾配を掛け合わせます。掛け算はどんな順番で計算してもかまいません。重要な順番は2つあります。
#
# - **フォワードモード**は、入力 $x_i$ を「1つ」選んで出発し、計算と同じ順番でグラフを前向きに進みながら、*接ベクトル*（tangent）「$x_i$ が動くと、このノードはどれだけ動くか」を運びます。1回のパスで、その1つの入力についての $\partial f/\partial x_i$ が、**すべての出力**について得られます。
# - **リバースモード**は、出力 $f$ を「1つ」選んで出発し、*勾配*「このノードが動くと $f$ はどれだけ動くか」を後ろ向きに運びます。1回のパスで、**すべての入力**についての $\partial f / \partial x_i$ が得られます。ただし、その1つの出力についてだけです。
#
# 損失の出力は1つで、入力はネットワークのパラメータの数だけあります。学習でリバースモードを使うのはそのためです。どちらのモードもまったく同じ局所的な勾配を使います。`forward_mode_derivative` は、同じグラフを入力の側からたどります：

# %% translates="9f475d300032"
course_lib.show_source(forward_mode_derivative)

# %% translates="4feb4323a7a6"
for v in inputs:
    print(f"{v.label:>2}：フォワードモード {forward_mode_derivative(o, v):+.6f}   リバースモード {v.grad:+.6f}")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="8a6deeac5a4f"
# ### 測ってみる：勾配全体を求める手間
#
# 重みが $n$ 個のニューロンと二乗誤差の損失 $L(w) = (\tanh(\sum_i w_i x_i) - 0.5)^2$ を考えます。$\nabla_w L$ を3通りの方法で計算し、その手間を `count_operations()` で数えます。数えるのは、順伝播で計算したすべての演算と、局所的な勾配を当てはめたすべてのノード（*連鎖律のステップ*）です。時間の計測と違って、回数はどのコンピュータでも同じになります。
#
# - **中心差分**：$L$ を $2n$ 回計算します。
# - **フォワードモード**：順伝播を1回、そのあと重み1つにつき接ベクトルのパスを1回、合わせて $n$ 回です。
# - **リバースモード**：順伝播1回と逆伝播1回です。

# %% translates="9e32119d1370"
def neuron_mse(weights, x_data):
    return (sum(w * x for w, x in zip(weights, x_data)).tanh() - 0.5) ** 2


n_inputs = np.array([1, 2, 5, 10, 20, 50, 100, 200])
costs = {"L の計算1回": [], "リバースモード": [], "フォワードモード": [], "中心差分": []}
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
    assert relative_error(reverse_grad, forward_grad) < 1e-12  # 同じ数を、別の順番で計算しただけ
    assert relative_error(reverse_grad, numeric_grad) < 1e-7
    costs["L の計算1回"].append(reverse.evaluations)
    costs["リバースモード"].append(reverse.total)
    costs["フォワードモード"].append(forward.total)
    costs["中心差分"].append(central.total)

print(f"{'n':>4} {'L の計算1回':>8} {'リバース':>6} {'フォワード':>6} {'中心差分':>6}   リバース ÷ 計算1回")
for i, n_w in enumerate(n_inputs):
    one, rev, fwd, cen = (costs[k][i] for k in costs)
    print(f"{n_w:>4} {one:>12,} {rev:>10,} {fwd:>11,} {cen:>10,}   {rev / one:.1f}")

# %% translates="c75d7aff9acb"
ax = plotting.plot_autodiff_cost(n_inputs, costs, reference="L の計算1回")
ax.set_title("入力が n 個の損失について、勾配全体を求める手間")
plt.show()

# %% [markdown] translates="99882c5b399b"
# 3つの方法はどれも同じ勾配になります（上の `assert` で確かめています）。しかし、かかる手間は違います。$L$ の計算1回には $2n + 3$ 回の演算がかかります。リバースモードは、どの $n$ でもちょうどその2倍です。ここでは、順伝播の演算1つも、逆伝播の連鎖律のステップ1つも、同じ1回と数えているからです。算術演算の回数で数えると、もっと多くなります。積 $a\,b$ の逆伝播のステップでは、積を2回（入力ごとに1回、$b\cdot g$ と $a\cdot g$）と、`grad` への足し算を2回計算します。順伝播で計算した積は1回でした。積和の回数で数えると、逆伝播1回は順伝播1〜2回分になります。したがって順伝播＋逆伝播は、順伝播1回の**2〜3倍**くらいです（第3章第9節で数えるとおり、行列のレイヤではおよそ3倍です。順伝播で行列の積が1回、逆伝播で2回です）。正直にまとめると、リバースモードの手間は、$n$ がいくつであっても、1回の計算の**小さな定数倍**です。
#
# フォワードモードと中心差分は、**入力1つごとに**1回（または2回）パス全体を計算するので、手間は $n^2$ のように増えます。$n = 200$ では、リバースモードと比べてフォワードモードはおよそ100倍、中心差分はおよそ200倍の手間がかかり、その差はさらに広がり続けます。重みが100万個のネットワークでも、リバースモードの手間は順伝播1回と逆伝播1回のままですが、ほかの方法では100万回のパスが必要です。その代わりにリバースモードが払うのは**メモリ**です。逆伝播には、順伝播で計算したすべての値が必要だからです（第8節）。
#
# これが**自動微分**（automatic differentiation）です。式に対する記号的な計算でもなく、数値による近似でもありません。プログラムが実際に実行した演算に、厳密な連鎖律を当てはめます。その手間は、順方向の計算の小さな定数倍です。**誤差逆伝播法**（backpropagation）とは、ニューラルネットワークの損失にリバースモードの自動微分を適用したものです。フォワードモードは逆の状況、つまり入力が少なく出力が多いときに有利です。実際には両方が使われています。

# %% [markdown] slideshow={"slide_type": "slide"} translates="9efb0622ae46"
# ## 8. リバースモードの代償：メモリ
#
# 第3節を振り返りましょう。$dL/dw$ を求めるために、連鎖律は順伝播で得た $p$ と $z$ を必要としました。どの局所的な勾配も、順伝播の何らかの値を必要とします。積なら*もう一方の*入力、tanh ならその出力、ReLU関数なら入力の符号です。リバースモードは順伝播がすべて終わってから始まり、それを逆向きにたどります。そのため、逆伝播がその値を使い終わるまで、**そうした値をすべて保持しなければなりません**。`Value` エンジンはグラフ全体を保持しています（どのノードも自分の子を持っているからです）。フォワードモードはそうではありません。値と一緒に接ベクトルを運ぶので、次のレイヤの計算が終われば、そのレイヤの値は捨てられます。
#
# 配列を使うとき（第3章）、各レイヤは**順伝播のキャッシュ**を保持します。`Linear` レイヤは $dW = X^\top\delta$ のために、形 $(N, \text{in})$ の入力 $X$ を保持します。`ReLU` レイヤはマスク $x > 0$ を、1要素あたり1バイトで保持します。`course_lib.memory` は、こうしてキャッシュされた配列のバイト数（`nbytes`）を合計します。プロセスがたまたま使っているメモリとは違い、どのコンピュータでも同じになる正確な数です。

# %% translates="2f0576f258d5"
course_lib.show_source(memory.cached_arrays)
course_lib.show_source(memory.cached_bytes)

# %% [markdown] translates="be0040c7662e"
# 小さなネットワーク `MLP([784, 256, 256, 10])`（レイヤの間に ReLU関数、float64）で、64個の入力からなるバッチ（784画素の画像の代わりに乱数を使います）を1回順伝播した後の様子です：

# %% translates="a4e023797519"
model = MLP([784, 256, 256, 10], rng=rng)
X_batch = rng.normal(size=(64, 784))
model.forward(X_batch)
for i, layer in enumerate(model.layers):
    for a in memory.cached_arrays(layer):
        print(f"レイヤ {i} {type(layer).__name__:<6} が保持 {str(a.shape):<10} {str(a.dtype):<7} "
              f"{a.nbytes:>9,} バイト")
print(f"{'逆伝播のために保持する合計':<29}{memory.cached_bytes(model):>9,} バイト")
print(f"式 64 · (8·(784 + 256 + 256) + 1·(256 + 256)) = {64 * (8 * (784 + 256 + 256) + 256 + 256):,}")

# %% [markdown] translates="70820f95bdf4"
# **ネットワークを大きくしながら測る** `memory_profile` はレイヤを1つずつ順伝播し、3つの数を報告します。リバースモードが保持する量（すべてのキャッシュ）、フォワードモードが一度に必要とする最大の量（1つのレイヤの入力と出力、それぞれの接ベクトル付き）、そして**勾配チェックポインティング**が保持する量（後で説明します。表では「再計算」の列）です。幅256の隠れ層を積み重ねます（入力の幅も256にして、どのレイヤも同じ形にします）。まずバッチ128で隠れ層を1〜64層にし、次に隠れ層16層でバッチを16〜1,024にします：

# %% translates="9d6953705e25"
depths = np.array([1, 2, 4, 8, 16, 32, 64])
by_depth = {"リバースモード（逆伝播）": [], "勾配チェックポインティング": [], "フォワードモード": []}
for depth in depths:
    net = MLP([256] * (depth + 1) + [10], rng=rng)
    profile = memory.memory_profile(net, rng.normal(size=(128, 256)))
    for key, name in zip(by_depth, ["reverse", "checkpointing", "forward_mode"]):
        by_depth[key].append(profile[name])

batch_sizes = np.array([16, 64, 256, 1024])
by_batch = {"リバースモード（逆伝播）": [], "勾配チェックポインティング": [], "フォワードモード": []}
net = MLP([256] * 17 + [10], rng=rng)
for batch in batch_sizes:
    profile = memory.memory_profile(net, rng.normal(size=(batch, 256)))
    for key, name in zip(by_batch, ["reverse", "checkpointing", "forward_mode"]):
        by_batch[key].append(profile[name])

print(f"{'隠れ層の数':>8} {'リバース':>6} {'再計算':>8} {'フォワード':>5}   （MiB、バッチ 128）")
for i, depth in enumerate(depths):
    print(f"{depth:>13} " + " ".join(f"{by_depth[k][i] / 2**20:>{w}.2f}" for k, w in zip(by_depth, (10, 11, 9))))
print(f"{'バッチサイズ':>7} {'リバース':>6} {'再計算':>8} {'フォワード':>5}   （MiB、隠れ層 16 層）")
for i, batch in enumerate(batch_sizes):
    print(f"{batch:>13} " + " ".join(f"{by_batch[k][i] / 2**20:>{w}.2f}" for k, w in zip(by_batch, (10, 11, 9))))

# %% translates="08d7ee24b70a"
fig, (ax_depth, ax_batch) = plt.subplots(1, 2, figsize=(12, 4.3))
plotting.plot_activation_memory(depths, by_depth, "隠れ層の数（幅 256）", ax=ax_depth,
                                title="深さと保持するメモリ（バッチ 128）")
plotting.plot_activation_memory(batch_sizes, by_batch, "バッチサイズ", ax=ax_batch,
                                title="バッチサイズと保持するメモリ（隠れ層 16 層）")
fig.tight_layout()
plt.show()

# %% [markdown] translates="8dddab8972b1"
# リバースモードのメモリは、**深さに比例し、バッチサイズにも比例して**増えます。隠れ層を64倍にするとバイト数は34倍（入力層と出力層の分は一定だからです）、バッチを64倍にするとバイト数も64倍です。フォワードモードのメモリは深さではまったく増えません（バッチでは、ほかと同じように増えます）。ただしフォワードモードは、パラメータ1つにつき1回のパスが必要です（第7節）。これが誤差逆伝播法の本当の代償です。本講座の小さなネットワークなら、数 MiB から数十 MiB です。大きなネットワークでは、重みよりも保存した中間値（アクティベーション）のほうが GPU のメモリを埋めてしまうことがよくあります。バッチサイズを単純に大きくできないのは、このためです。
#
# **対策：勾配チェックポインティング**（Chen, Xu, Zhang & Guestrin 2016, *Training Deep Nets with Sublinear Memory Cost*, arXiv:1604.06174）。$L$ 個のレイヤを $k$ 個ずつの区間に分けます。順伝播では各区間の入力（*チェックポイント*）だけを保持し、キャッシュは捨てます。逆伝播では、1つの区間の順伝播をそのチェックポイントから計算し直し、その区間を逆伝播して、メモリを解放し、1つ前の区間に移ります。メモリはおよそ $L/k$ 個のチェックポイントと $k$ 個のレイヤのキャッシュで、$k \approx \sqrt{L}$ のとき最小になります。メモリは $L$ 層分ではなく、$\sim 2\sqrt{L}$ 層分で済みます。図（区間の長さは $\sqrt{L}$ を丸めたもの）では、深さを64倍にしてもバイト数は8.3倍です。64の平方根は8です。代償は時間です。各区間の順伝播が2回ずつ実行されるので、全体で順伝播がおよそ1回分増えます（順伝播＋逆伝播が順伝播3回分くらいだとすると、およそ3分の1の仕事が増えます）。PyTorch では `torch.utils.checkpoint` として使えます。

# %% [markdown] slideshow={"slide_type": "slide"} translates="e031aa2dc19e"
# ## まとめ
#
# - 微分は感度です：$f(x + h) \approx f(x) + f'(x)\,h$。
# - 数値微分には微積分がいりません。中心差分 $\frac{f(x+h) - f(x-h)}{2h}$ の打ち切り誤差は $\propto h^2$（前進差分は $\propto h$）、丸め誤差は $\propto \varepsilon/h$ です。最適な刻み幅は $10^{-5}$ 付近で（測定値は $7\times10^{-6}$、ライブラリの既定値はきりのよい $10^{-5}$）、正しい桁はおよそ11桁です（前進差分は $h \approx 10^{-8}$ で8桁）。
# - 連鎖律：合成関数に沿って感度が掛け算されます。$\frac{dy}{dx} = \frac{dy}{du}\frac{du}{dx}$。
# - 計算グラフは順伝播の値を保存し、各演算は自分の局所的な勾配だけを用意します。逆伝播は、トポロジカル順序の逆順にノードをたどり、`child.grad += local * node.grad` を当てはめます。
# - ファンアウト：何度も使われる値は、すべての使い道からの勾配の**和**を受け取ります。
# - リバースモードは、順伝播1回と逆伝播1回で、$n$ 個の入力すべてについての勾配を求めます。手間は順伝播1回の小さな定数倍です（ノードで数えれば2倍、算術演算で数えれば2〜3倍くらい）。フォワードモードと数値微分には $n$ 回のパスがかかります。誤差逆伝播法とは、リバースモードの自動微分のことです。
# - その代償はメモリです。順伝播のすべての途中の値を、逆伝播が使い終わるまで保持します。バイト数は深さ × バッチサイズ × 幅とともに増えます。フォワードモードなら保持するのは1つのレイヤ分です。勾配チェックポインティングは、計算し直す手間と引き換えにメモリを節約します（$L$ 層分ではなく、およそ $\sqrt{L}$ 層分を保存）。
#
# **次へ：** 第3章では、スカラーから配列へ進みます。同じ連鎖律を、1レイヤずつ当てはめます。

# %% [markdown] slideshow={"slide_type": "slide"} translates="707db955c049"
# ## 演習
#
# 演習のセルに自分の答えを書いて実行してください。`check` が合格かどうかを判定し、違っていればヒントを出します。このノートブックでは、各演習のセルに模範解答がすでに入っています。読む前にまず自分で解いてみましょう（`make student` を実行すると、模範解答の代わりに空欄の入ったコピーが作られます）。
#
# ### 演習 2.1 — 中心差分
# 1つの float を受け取る関数 `f` について、$f'(x)$ の中心差分による推定値を返す `central_difference(f, x, h=1e-5)` を書きましょう。`numerical_derivative` は呼ばないでください。

# %% translates="7410989347ba"
def central_difference(f, x, h=1e-5):
    ### BEGIN SOLUTION
    return (f(x + h) - f(x - h)) / (2 * h)
    ### END SOLUTION


check("2.1", central_difference)

# %% [markdown] translates="d850b5a724e2"
# ### 演習 2.2 — 局所的な勾配
# **softplus** 関数 $\mathrm{softplus}(x) = \log(1 + e^x)$ は、ReLU関数をなめらかにしたものです。その微分を連鎖律で導き（外側の関数は $\log u$、内側は $u = 1 + e^x$）、float `x` に対してそれを返す `softplus_grad(x)` を書きましょう。式を整理してみてください。この章に出てきたどの関数になるでしょうか。どんな float でも、$x = \pm 800$ でも動くようにしてください。$e^{800}$ は float64 ではオーバーフローします（第1章第6節）。指数関数には $\le 0$ の数だけを入れるように、式を工夫しましょう。

# %% translates="8a440179808a"
def softplus_grad(x):
    ### BEGIN SOLUTION
    if x >= 0:
        return 1 / (1 + math.exp(-x))  # e^x / (1 + e^x) の分子と分母を e^x で割ったもの
    e = math.exp(x)  # x < 0 なので e^x < 1、オーバーフローしない
    return e / (1 + e)  # = sigmoid(x)
    ### END SOLUTION


check("2.2", softplus_grad)

# %% [markdown] translates="fada14e85316"
# ### 演習 2.3 — 手で求める勾配
# 入力 $x = 1.5$、目標値 $t = 0.5$ のデータ1つについて、tanh のニューロンの損失を $L(w, b) = \big(\tanh(wx + b) - t\big)^2$ とします。第3節と同じように $\partial L/\partial w$ と $\partial L/\partial b$ を手で導き（途中のステップを $z = wx + b$、$a = \tanh z$ と名付けましょう）、その組 `(dL_dw, dL_db)` を float で返す `grad_by_hand(w, b)` を書きましょう。チェックは、ランダムな点で `Value.backward()` と比べます。

# %% translates="4dd8e956df79"
def grad_by_hand(w, b):
    x, t = 1.5, 0.5
    ### BEGIN SOLUTION
    a = math.tanh(w * x + b)
    dL_dz = 2 * (a - t) * (1 - a**2)  # dL/da * da/dz
    return dL_dz * x, dL_dz  # dz/dw = x, dz/db = 1
    ### END SOLUTION


check("2.3", grad_by_hand)

# %% [markdown] translates="e58fd1445365"
# ### 演習 2.4 — エンジンで求める勾配
# `gradient(f, xs)` を書きましょう。`f` は `Value` のリストを受け取って `Value` を1つ返す関数、`xs` は float のリストです。`xs` での偏微分 $\partial f / \partial x_i$ のリストを返してください。ただし、入力がいくつあっても、`backward()` の呼び出しは全部で「1回」だけにします（チェックが呼び出し回数を数えます）。テストに使う関数の中には、同じ入力を何度も使うもの（ファンアウト）もあります。

# %% translates="b95e2449a427"
def gradient(f, xs):
    ### BEGIN SOLUTION
    values = [Value(x) for x in xs]
    f(values).backward()
    return [v.grad for v in values]
    ### END SOLUTION


check("2.4", gradient)

# %% [markdown] translates="d48b0f3223fa"
# ### 演習 2.5 — メモリを予測する
# `model = MLP(layer_sizes)`（レイヤの間に ReLU関数、float64）に `batch_size` 個のデータからなるバッチを1回順伝播した後、`memory.cached_bytes(model)` が報告するバイト数を返す `predict_cached_bytes(layer_sizes, batch_size)` を書きましょう。ネットワークは作らずに、各レイヤが保持するもの（第8節）から求めてください。それから使ってみましょう。`MLP([784, 1000, 1000, 1000, 10])` は、バッチ512のとき何 MiB を保持するでしょうか。

# %% translates="a46f55e04a2e"
def predict_cached_bytes(layer_sizes, batch_size):
    ### BEGIN SOLUTION
    linear_inputs = sum(layer_sizes[:-1])  # 各 Linear は入力を保持：8バイトの浮動小数点数が N × in 個
    relu_masks = sum(layer_sizes[1:-1])  # 各 ReLU は x > 0 を保持：1バイトの bool が N × width 個
    return batch_size * (8 * linear_inputs + 1 * relu_masks)
    ### END SOLUTION


check("2.5", predict_cached_bytes)
print(f"MLP([784, 1000, 1000, 1000, 10])、バッチ 512："
      f"{predict_cached_bytes([784, 1000, 1000, 1000, 10], 512) / 2**20:.1f} MiB")

# %% [markdown] translates="2cd2ac601fe6"
# **さらに進んで（チェックなし）：** `Value` のコピーに基本演算 `sin` を加えてみましょう（順方向は `math.sin`、局所的な勾配は `math.cos`）。そして $\frac{d}{dx}\sin(x^2) = 2x\cos(x^2)$ を `backward()` で確かめましょう。次に、入力が $n = 1000$ 個のとき、`forward_mode_derivative` と `backward()` の時間を自分のコンピュータで測って比べましょう。最後に、第8節の隠れ層64層のネットワーク（レイヤ129個）について、`k` を1から129まで変えながら `memory.memory_profile(net, X, segment=k)` を呼んでみましょう。メモリが最も少なくなる区間の長さはいくつで、$\sqrt{129} \approx 11$ と比べてどうでしょうか。`k = 1` と `k = 129` は何を意味するでしょうか。

# %% [markdown] slideshow={"slide_type": "slide"} translates="8ad134f9c484"
# ## 用語集
#
# | 日本語 | English | 意味 |
# |---|---|---|
# | 微分（導関数） | derivative | 入力の変化に対する出力の変化の割合。感度 |
# | 感度 | sensitivity | 1つの入力を少し変えたとき、出力がどれだけ強く反応するか |
# | 偏微分 | partial derivative | ほかの入力を固定して、1つの入力について微分したもの |
# | 勾配 | gradient | 損失の偏微分を並べたベクトル |
# | 数値微分 | numerical differentiation | 関数の値から微分を推定すること（中心差分など） |
# | 前進差分 / 中心差分 | forward / central difference | $(f(x+h) - f(x))/h$ / $(f(x+h) - f(x-h))/2h$ |
# | テイラー展開 | Taylor expansion | $f(x+h) = f(x) + h f'(x) + \frac{h^2}{2} f''(x) + \dots$ |
# | 打ち切り誤差 | truncation error | テイラー展開を途中で打ち切ることによる誤差：$\propto h$ または $h^2$ |
# | 丸め誤差 | round-off error | 浮動小数点数の精度が有限であることによる誤差：$\propto \varepsilon/h$ |
# | 連鎖律 | chain rule | 合成関数の微分は掛け算になる：$\frac{dy}{dx} = \frac{dy}{du}\frac{du}{dx}$ |
# | 計算グラフ | computational graph | ノードは演算と値、矢印はどの値がどの演算に入るかを表す |
# | 順伝播 / 逆伝播 | forward pass / backward pass | 入力 → 出力の向きに値を計算すること / 出力 → 入力の向きに勾配を計算すること |
# | 局所的な勾配（局所勾配） | local gradient | 1つの演算の出力を、その入力の1つで微分したもの |
# | トポロジカル順序 | topological order | どのノードも自分の入力より後に来るような、ノードの並べ方 |
# | ファンアウト（分岐） | fan-out | 1つの値が複数の演算に使われること。その勾配は足し合わされる |
# | 自動微分 | automatic differentiation | プログラムの演算に連鎖律を当てはめて、厳密な微分を求めること |
# | フォワードモード | forward mode | 入力から出力へ向かう自動微分。1回のパスで入力1つ分 |
# | リバースモード | reverse mode | 出力から入力へ向かう自動微分。1回のパスで出力1つ分 |
# | 誤差逆伝播法（逆伝播） | backpropagation | ネットワークの損失に対するリバースモードの自動微分 |
# | 順伝播のキャッシュ（本講座の用語） | forward cache | レイヤが逆伝播のために順伝播で保持しておく値 |
# | 活性化関数 / アクティベーション（活性） | activation function / activation | レイヤの間に入る非線形な関数 / レイヤの出力 |
# | バッチサイズ | batch size | まとめて処理するデータの数。アクティベーションのメモリはこれに比例して増える |
# | メモリ（使用量） | memory (consumption) | 保存するバイト数。リバースモードはすべてのレイヤのキャッシュを保持する |
# | 勾配チェックポインティング（再計算） | gradient checkpointing | 区間の入力だけを保持し、残りは逆伝播の途中で計算し直す方法 |
#
# **次の章：** [第3章 — 誤差逆伝播法](03_backpropagation.ipynb)：同じ連鎖律を、配列全体に1レイヤずつ当てはめます。
