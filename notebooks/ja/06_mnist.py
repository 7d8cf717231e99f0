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

# %% [markdown] slideshow={"slide_type": "slide"} translates="a9bc4fbc82d4"
# # 第6章 — MNIST：手書き数字を最初から最後まで
#
# **この章で学ぶこと**
# - MNIST が手書き数字をどのように保存しているか、それをどう読み込むか、そしてどんな見た目をしているか。
# - 学習の前に画素値を $[0, 1]$ に正規化する理由と、それが学習率にどう効くか。
# - 学習の 4 つのステップ（順伝播、損失、逆伝播、更新）を、1 枚の画像で 1 つずつ計算します。各ステップがどの章で学んだものかをたどり、1 回の更新でその画像の予測が動く様子を見ます。
# - 多層パーセプトロン（MLP）を、ミニバッチ SGD、Momentum、コサインスケジュールで学習させ、損失と認識精度のグラフを読み取ります。
# - 実務と同じ進め方: 訓練データから切り出した*検証データ*で学習を見守り、設定を調整します。*テストデータ*は最後に 1 回だけ使います。
# - グラフから過学習を見つけ、早期終了と Weight decay（荷重減衰）で対処します。
# - 画素を中心化すると曲率がどう変わり、その結果、使える学習率がどう変わるか。
# - 分類器の評価: 混同行列、最も自信をもって間違えた例、そして最初のレイヤが何を学んだか。
# - ゼロから作ったネットワークと scikit-learn の `MLPClassifier` との比較。そして、この講座のあとに何を学ぶか。
#
# **前提知識**: 第1〜5章（損失関数、連鎖律、誤差逆伝播法、勾配降下法、学習率）。
#
# **おさらい — 第5章。** 勾配降下法がのろのろ進むか、うまく学習するか、発散するかは、学習率 $\eta$ で決まります。2次関数の場合、収束するのはちょうど $\eta < 2/\lambda_{\max}$ のときでした。コサインアニーリングのような学習率スケジュールは、大きなステップで始めて小さなステップで終わります。`training.fit` は学習のループ全体（シャッフルしたミニバッチ、順伝播、損失、逆伝播、更新）を実行して `History` に記録し、学習率が大きすぎれば `TrainingDiverged` で止まります。ここまでは小さなデータや人工的なデータだけを使ってきました。この章では、それらすべてを古典的な本物のデータセット、28×28 画素の手書き数字の画像で使ってみます。

# %% translates="657b5c9683b5"
# Running on Google Colab? Install the course library first (this does nothing anywhere else).
import sys

if "google.colab" in sys.modules:
    import subprocess

    subprocess.run([sys.executable, "-m", "pip", "install", "-q",
                    "git+https://github.com/backprop-from-zero/backprop-from-zero"], check=True)

# %% translates="b487927b1a08"
# %matplotlib inline
import copy
import math
import time
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier

import course_lib
from course_lib import curvature, datasets, losses, optim, plotting, schedules, training
from course_lib.exercises import check
from course_lib.gradcheck import numerical_derivative
from course_lib.layers import SoftmaxCrossEntropy
from course_lib.network import MLP
from course_lib.optim import SGD, iterate_minibatches

rng = course_lib.setup_notebook(seed=0, lang="ja")  # lang="ja": メッセージと図を日本語で表示（英語なら lang="en"）

# %% [markdown] translates="4a8498196a02"
# **どのデータを使うか。** 下のパラメータでデータセットを選びます。`"subset"`（既定値）は、講座に同梱されている本物の MNIST の数字 5,000 枚を使います。そのため、このノートブックはオフラインで動き、どこで実行しても同じ数値を表示します。`"full"` に変えてすべてのセルを実行し直すと、元の訓練画像 60,000 枚とテスト画像 10,000 枚を使います。元の 4 つのファイルは、環境変数 `COURSE_MNIST_DIR` が指すフォルダから読み込みます（`make lab` は `make` の `MNIST_DIR` からこの変数を設定します。既定では、`../shared/data/mnist` があればそのフォルダです）。見つからなければ一度だけダウンロードして（約 11 MB）、`~/.cache/course_lib/mnist` に保存します。別のフォルダを使うには、下の読み込みのセルで `datasets.load_mnist("full", data_dir="path/to/folder")` を呼んでください。全データでもすべてのセルは動きますが、学習に約 15 倍の時間がかかり（ノートパソコンでも 1 分はかかりません）、表示される数値は変わり、「3,500 枚の画像」といった説明は当てはまらなくなります。全データには、調整済みで速いコマンドライン版 `make mnist` もあります（第12節）。

# %% tags=["parameters"] translates="7357e2751dab"
KIND = "subset"  # 全 60,000 + 10,000 枚を使うなら "full"

# %% [markdown] slideshow={"slide_type": "slide"} translates="c62e67184077"
# ## 1. MNIST を読み込む
#
# MNIST（Modified National Institute of Standards and Technology database）には、手書き数字のグレースケール画像が 70,000 枚入っています。どれも 28×28 画素で、アメリカの高校生と国勢調査局の職員が書いたものです。60,000 枚が訓練用、10,000 枚がテスト用です。画素 1 つは 1 バイトで、白い背景の 0 から、インクが最も濃い 255 までの値をとります。ネットワークに入れるときは、28×28 の格子を $28 \cdot 28 = 784$ 個の数の 1 行に平らに並べるだけです。すると画像の集まりは形状 `(N, 784)` の行列 `X` になります。1 行が画像 1 枚で、これまでの章のバッチの形とまったく同じです。ラベルは `N` 個の数字を並べたベクトル `y` です。
#
# `datasets.load_mnist` は `(X_train, y_train), (X_test, y_test)` を返します。オフライン用のサブセットは、各数字の最初の訓練画像 500 枚ずつです。これを一度だけ、訓練画像 4,000 枚とテスト画像 1,000 枚に分けてあります。数字ごとには 400 枚と 100 枚です（*層化*分割なので、どちらの側でも数字の割合は同じです）。

# %% translates="824e25783ea2"
course_lib.show_source(datasets._load_subset)

# %% translates="247619fc539e"
(X_all_raw, y_all), (X_test_raw, y_test) = datasets.load_mnist(KIND)
print(f"訓練画像:   {X_all_raw.shape}、dtype {X_all_raw.dtype}")
print(f"訓練ラベル: {y_all.shape}、dtype {y_all.dtype}")
print(f"テスト画像: {X_test_raw.shape}")
print(f"最初の 10 個のラベル: {y_all[:10].tolist()}")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="b0deea0a7eff"
# ### 訓練データ、検証データ、テストデータ
#
# ネットワークの良し悪しは、一度も見たことのない画像で判断します。ところが作業中の私たちは、取り分けておいた画像での結果をいつも見ています。学習率、レイヤの幅、エポック数、いつ止めるか、を選ぶためです。こうした選択の一つひとつが、見た画像に設定を少しずつ合わせてしまうので、その画像での認識精度は*楽観的*になります。そこで実務では、データを**3 つ**に分けておきます。
#
# | データ | 何に使うか | どのくらいの頻度で |
# |---|---|---|
# | **訓練**データ | 勾配の計算。重みはこのデータに合わせて調整される | 毎ステップ |
# | **検証**データ | 学習の見守り、設定の比較、早期終了 | 毎エポック、何度でも |
# | **テスト**データ | 新しい数字に対する最後の正直な見積もり | 最後に**1 回だけ** |
#
# 検証データは訓練画像から切り出します。ここではその 8 分の 1、500 枚を scikit-learn の `train_test_split` で選びます。`stratify=y_all` は、どちらの側でも各数字の割合を同じに保ちます（各数字 50 枚ずつ）。`random_state` は抽選を固定します。添字を並べ替えておくと、画像は元の順番のままになります。テスト画像 1,000 枚は、最後の節まで手を付けずにおきます。

# %% translates="038ecb9299d8"
train_idx, val_idx = train_test_split(np.arange(len(y_all)), test_size=1 / 8, stratify=y_all,
                                      random_state=0)
train_idx, val_idx = np.sort(train_idx), np.sort(val_idx)
X_train_raw, y_train = X_all_raw[train_idx], y_all[train_idx]
X_val_raw, y_val = X_all_raw[val_idx], y_all[val_idx]
print(f"訓練データ:   {len(y_train):,} 枚、数字ごとに {np.bincount(y_train).tolist()}")
print(f"検証データ:   {len(y_val):,} 枚、数字ごとに {np.bincount(y_val).tolist()}")
print(f"テストデータ: {len(y_test):,} 枚、最後まで取っておきます")

# %% [markdown] slideshow={"slide_type": "slide"} translates="801a25968493"
# ## 2. 数字を眺める
#
# まずはデータを見ましょう。`X_train_raw` の各行を 28×28 の格子に戻すと、こうなります。

# %% translates="df259f9b6406"
plotting.plot_digit_grid(X_train_raw[:40], labels=y_train[:40], ncols=10,
                         title="最初の 40 枚の訓練画像とそのラベル")
plt.show()

# %% [markdown] translates="d580f7408f37"
# きれいな字もあれば雑な字もあり、人間でも迷うものがいくつかあります。数字ごとにすべての訓練画像を平均すると、「典型的な」形が見えてきます。線の位置がどれだけばらつくかも分かります（ぼやけている部分）。

# %% translates="c1a6b9bdb7ab"
mean_digits = np.stack([X_train_raw[y_train == k].mean(axis=0) for k in range(10)])
plotting.plot_digit_grid(mean_digits, labels=range(10), title="各数字の平均画像")
plt.show()

# %% [markdown] translates="ff15cbbbebfb"
# **クラスの偏り。** もしある数字だけがずっと多ければ、ネットワークはその数字をひいきするだけで高い得点をとれてしまい、認識精度は実力以上によく見えます。ここではどの数字も同じ割合です（層化分割でそう保ちました）。

# %% translates="9895a26a5269"
plotting.plot_class_balance(y_train, y_val, names=["訓練データ", "検証データ"])
plt.title("数字ごとの画像の枚数")
plt.show()
counts = np.bincount(y_train, minlength=10)
print(f"数字ごとの訓練画像の枚数: 最小 {counts.min()}、最大 {counts.max()}")
print(f"いちばん多い数字をいつも答えるだけなら、認識精度は {counts.max() / counts.sum():.1%} です")

# %% [markdown] slideshow={"slide_type": "slide"} translates="ce93f0d0e70d"
# ## 3. 画素と、それを正規化する理由
#
# ネットワークが実際に受け取るのはどんな値でしょうか。ほとんどの画素はただの背景（0）です。残りはインクで、線の縁の薄い灰色から、255 近くの（ほぼ）真っ黒まであります。

# %% translates="66e9c480da72"
pixels = X_train_raw.ravel()
print(f"画素値は {pixels.min()} から {pixels.max()} まで、平均 {pixels.mean():.1f}、"
      f"標準偏差 {pixels.std():.1f}")
print(f"背景（ちょうど 0）: {np.mean(pixels == 0):.1%}   "
      f"（ほぼ）最も濃いインク（250 以上）: {np.mean(pixels >= 250):.1%}")

fig, ax = plt.subplots(figsize=(6.5, 3.2))
ax.hist(pixels, bins=np.arange(0, 257, 4), log=True, color="tab:gray")  # 棒 1 本に 4 つの値
ax.set(xlabel="画素値", ylabel="画素の数（対数目盛）",
       title="画素値: ほとんどが 0、255 付近に濃いインクの山")
plt.show()

# %% [markdown] translates="0adaf71c1383"
# **正規化**とは、入力を大きさが 1 程度の範囲に縮め直すことです。MNIST でいちばん簡単なのは最大値で割ること、$x \leftarrow x / 255$ です。こうするとどの画素も $[0, 1]$ に入ります。0 は背景、1 は最も濃いインクで、画像そのものは変わりません。
#
# *なぜわざわざそうするのでしょうか。* 第5章で見たように、2次関数での勾配降下法が収束するのは $\eta < 2/\lambda_{\max}$ のときだけです。ここで $\lambda_{\max}$ は損失の最大の曲率です。線形のレイヤ $z = xW$ では、$W$ についての損失の曲率は、入力どうしの積の行列 $\frac1N X^\top X$ で決まります（二乗誤差の損失なら、定数倍を除いてこれがヘッセ行列そのものです）。すべての入力を 255 倍すると、この行列は $255^2 = 65{,}025$ 倍になります。$\lambda_{\max}$ も同じだけ大きくなり、使える最大の学習率は同じ割合で小さくなります。さらに、正規化しない入力では最初のレイヤの出力、したがってスコアも何百倍にもなり、ソフトマックス関数は最初から飽和してしまいます（第1章）。ライブラリの `normalize` は割り算 1 回だけです。そのあとで $\lambda_{\max}$ を両方の場合について測ってみます。

# %% translates="2596e2aadf60"
course_lib.show_source(datasets.normalize)

# %% translates="d4145b5668b0"
X_train = datasets.normalize(X_train_raw, dtype=np.float64)
X_val = datasets.normalize(X_val_raw, dtype=np.float64)
X_test = datasets.normalize(X_test_raw, dtype=np.float64)
print(f"正規化のあと: 値は {X_train.min():.1f} から {X_train.max():.1f} まで、"
      f"平均 {X_train.mean():.4f}、dtype {X_train.dtype}")

raw = X_train_raw.astype(np.float64)
lam_raw = np.linalg.eigvalsh(raw.T @ raw / len(raw))[-1]
eig_norm = np.linalg.eigvalsh(X_train.T @ X_train / len(X_train))  # 昇順
lam_norm = eig_norm[-1]
print(f"XᵀX/N の最大固有値: 元の画素値 {lam_raw:,.0f}、正規化後 {lam_norm:.2f}")
print(f"比は {lam_raw / lam_norm:,.0f}（= 255² = {255**2:,}）: 臨界学習率 2/λ_max は "
      f"{2 / lam_norm:.3f} から {2 / lam_raw:.1e} に下がります")

# %% [markdown] translates="cbf77e448469"
# これらの学習率は、私たちのネットワークにとっての正確な限界ではなく、*桁の目安*として読んでください（ネットワーク自身の曲率は第5節で測ります）。ソフトマックス関数と交差エントロピー誤差の組み合わせは、この曲率に固有値が高々 ½ の行列 $\mathrm{diag}(p) - pp^\top$ を掛けます。隠れ層と Momentum でも、また変わります。正確にそのまま当てはまるのは、元の画素値と正規化した画素値の間の 65,025 倍という比です。これは学習率 0.1 程度と $10^{-6}$ 程度の違いです。
#
# 画像の表示には `uint8` の元データ（`X_train_raw`）を残しておき、学習には正規化した `float64` のコピーを使います（float32 ならメモリは半分、速さは 2 倍になり、`make mnist` はこちらを使います。しかし float64 にしておくと、このノートブックが表示する数値の桁がどのマシンでも同じになります）。

# %% [markdown] slideshow={"slide_type": "subslide"} translates="e4824aec4a24"
# ### 中心化: 平均画像を引く
#
# 255 で割ったことで*大きさ*の問題は片付きました。しかし、もう 1 つ、もっと気づきにくい問題があります。画素はすべて $\geq 0$ なので、どの画像もだいたい同じ向き、つまり平均画像の向きを指しています。その 1 つの方向では、*どの画像でも*入力が大きくなり、その方向が $X^\top X/N$ を支配します。最大固有値の大部分は、平均画像 $\bar x$ の長さの 2 乗 $\lVert\bar x\rVert^2$ なのです。**中心化**では平均画像を引きます。平均は訓練画像だけで計算し、検証画像とテスト画像も同じ $\bar x$ だけずらします。$x \leftarrow x - \bar x$ とすると、どの画素も平均が 0 になります。すると $X^\top X/N$ は画素の共分散行列になり、その最大固有値は、最もばらつきの大きい方向（第 1 主成分）に沿った分散になります。

# %% translates="c8b3bc8b65b2"
mean_image = X_train.mean(axis=0)
X_train_centred = X_train - mean_image
eig_centred = np.linalg.eigvalsh(X_train_centred.T @ X_train_centred / len(X_train))
lam_centred = eig_centred[-1]
top_vector = np.linalg.eigh(X_train.T @ X_train / len(X_train))[1][:, -1]
cosine = abs(top_vector @ mean_image) / np.linalg.norm(mean_image)
print(f"平均画像の長さの 2 乗 ‖x̄‖²: {mean_image @ mean_image:.2f}、"
      f"最大固有値の固有ベクトルと平均画像のなす角の余弦: {cosine:.3f}")
print(f"XᵀX/N の λ_max: x/255 で {lam_norm:.2f}、中心化で {lam_centred:.2f}"
      f"（{lam_norm / lam_centred:.1f} 分の 1）")
print(f"臨界学習率 2/λ_max: x/255 で {2 / lam_norm:.3f}、中心化で {2 / lam_centred:.3f}")

plotting.plot_eigenvalue_spectra({"x/255": eig_norm, "x/255 − 平均画像": eig_centred}, k=50,
                                 title="XᵀX/N の大きい方から 50 個の固有値")
plt.show()

# %% [markdown] translates="e76d901e4b13"
# 大きく変わるのは最大の固有値だけです。その固有ベクトルは平均画像の方向*でした*（余弦がほぼ 1）。中心化はその方向のかさ上げを取り除き、残りのスペクトル、つまり数字どうしが違う方向はほとんど変わりません。臨界学習率は同じ割合で大きくなります。第5章の理論は、線形最小二乗モデルで何が起こるかを正確に教えてくれます。このモデルのヘッセ行列は $X^\top X/N$ *そのもの*だからです。2 つの限界の間の学習率で勾配降下法を使うと、中心化していない画素では発散し、中心化した画素では収束するはずです。「これは 0 か」という線形のスコアを両方のやり方で当てはめてみましょう。第4章の `optim.quadratic` と `optim.gradient_descent` を使います。

# %% translates="b022e0738d6a"
is_zero = (y_train == 0).astype(np.float64)  # 目標: 0 の画像なら 1、それ以外は 0
lr_demo, steps_demo = 0.1, 40
curves_demo = {}
for name, A in [("x/255", X_train), ("x/255 − 平均画像", X_train_centred)]:
    H, b = A.T @ A / len(A), A.T @ is_zero / len(A)  # 損失 ½‖Aw − t‖²/N = ½wᵀHw − bᵀw + 定数
    _, grad = optim.quadratic(H, b)
    trajectory = optim.gradient_descent(grad, np.zeros(A.shape[1]), lr=lr_demo, steps=steps_demo)
    with np.errstate(over="ignore", invalid="ignore"):  # 中心化しない方はわざとオーバーフローさせる
        curves_demo[name] = [float(np.mean((A @ w - is_zero) ** 2) / 2) for w in trajectory]
    print(f"2/λ_max = {2 / np.linalg.eigvalsh(H)[-1]:.3f}   {steps_demo} ステップ後の損失 "
          f"{curves_demo[name][-1]:<9.3g} （{name}）")
ax = plotting.plot_descent_losses(curves_demo, title=f"最小二乗法、勾配降下法、η = {lr_demo}")
ax.set_ylim(1e-2, 1e1)  # 中心化しない方はグラフの上へ飛び出していく
plt.show()

# %% [markdown] translates="66021ddec4c1"
# 2 つの限界の間にある $\eta = 0.1$ では、中心化しない当てはめは発散し（最大固有値の固有ベクトルの方向で、損失は 1 ステップごとに $|1 - \eta\lambda_{\max}|^2$ 倍になります）、中心化した方は収束します。私たちのネットワークでは、この効果はもっと穏やかです。隠れ層にはバイアスがあり、ソフトマックス関数が曲率を小さくするからです。第5節の学習率は中心化しなくても安全なので、そこでは素直な $x/255$ のままにします。それでも、入力の標準化（中心化し、標準偏差が 0 でないところでは標準偏差で割ること）は、新しいデータセットに対するふつうの第一歩です。`MLPClassifier` のドキュメントも、これを勧めています。

# %% [markdown] slideshow={"slide_type": "slide"} translates="9f4891a1673f"
# ## 4. 1 枚の画像で 4 つのステップ
#
# これまでの章では、学習の 1 ステップの一部分ずつを学んできました。ここではそれらすべてを、1 枚の訓練画像と、まだ学習していない新しいネットワークで一緒に動かします。
#
# | ステップ | 何が起こるか | 学んだ章 | コード |
# |---|---|---|---|
# | 1. 順伝播 | 画素 → 隠れ層 → 10 個のスコア → 確率 → 予測した数字 | 第3章（レイヤ）、第1章（ソフトマックス関数） | `model.forward(x)` |
# | 2. 損失 | 確率がどれだけ間違っているかを表す 1 つの数 | 第1章（交差エントロピー誤差） | `loss_layer.forward(scores, t)` |
# | 3. 誤差逆伝播法 | 連鎖律を、損失からすべての重みまで、レイヤごとにさかのぼって使う | 第2章（連鎖律）、第3章（`backward`） | `model.backward(loss_layer.backward())` |
# | 4. 更新 | すべての重みを、勾配と反対の向きに少しだけ動かす | 第4章（勾配降下法）、第5章（ステップの大きさ） | `SGD(lr).step(model)` |
#
# ネットワークは MLP $784 \to 128 \to 10$ です。第3章の 2 層ネットワークを大きくしたものです。
#
# $$
# z_1 = xW_1 + b_1, \qquad h = \mathrm{ReLU}(z_1), \qquad z = hW_2 + b_2, \qquad p = \mathrm{softmax}(z),
# $$
#
# 画像 $x$ は 1 行だけのバッチで、形状は (1, 784) です。$W_1$ の形状は (784, 128)、隠れ層のアクティベーション $h$ は (1, 128)、$W_2$ は (128, 10) です。最後の $z$ は 10 個のスコア（ロジット）で、数字 1 つにつき 1 つです。

# %% translates="ae00b808bc2a"
model = MLP([784, 128, 10], rng=rng)
loss_layer = SoftmaxCrossEntropy()
print(model)
x, t = X_train[:1], y_train[:1]  # 1 枚の画像を 1 行のバッチとして: 形状 (1, 784)
print(f"画像: 形状 {x.shape}、正解の数字 {t[0]}")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="f6955650a4ea"
# ### ステップ 1 — 順伝播: スコア、確率、予測した数字
#
# `model.forward(x)` は、バッチをレイヤからレイヤへ渡していきます（第3章）。これをループで書き出せば、途中で形状が変わる様子を見られます。学習前のネットワークの重みはでたらめなので、確率はほぼ一様（どれも約 $1/10$）になり、その「予測」（スコアが最大の数字）は当てずっぽうです。

# %% translates="e65e14fffcdf"
out = x
for layer in model.layers:
    out = layer.forward(out)
    print(f"{layer!r:<17} のあと  形状 {out.shape}")
scores = out  # model.forward(x) が返すものとまったく同じ
probs = losses.softmax(scores)[0]
print(f"スコア（ロジット）: {np.array2string(scores[0], precision=3)}")
print(f"確率:               {np.array2string(probs, precision=3)}")
print(f"予測した数字は {probs.argmax()}（確率 {probs.max():.3f}）、"
      f"正解は {t[0]}（確率 {probs[t[0]]:.3f}）")

fig, (ax_img, ax_p) = plt.subplots(1, 2, figsize=(8, 2.8), gridspec_kw={"width_ratios": [1, 2.2]})
plotting.plot_digit(X_train_raw[0], title=f"正解の数字 {t[0]}", ax=ax_img)
plotting.plot_digit_probabilities(probs, label=t[0], ax=ax_p,
                                  title="学習前のネットワークの答え")
plt.show()

# %% [markdown] slideshow={"slide_type": "subslide"} translates="ecda0518b492"
# ### ステップ 2 — 損失
#
# 交差エントロピー誤差（第1章）は、正解の数字に与えた確率の対数にマイナスを付けたもの、$L = -\log p_t$ です。一様な当てずっぽうならおよそ $\log 10 \approx 2.30$、確信をもった正解なら 0 です。第1章の例が本当になりました。あそこではネットワークが「7」と答え、正解は「3」でした。ここでは「2」と答え、正解は「6」です。損失レイヤは同じ数を、第1章の数値的に安定な log-sum-exp の形で、スコアから直接計算します。

# %% translates="b63b8895d294"
loss_before = loss_layer.forward(scores, t)
print(f"損失 L = -log p[{t[0]}] = {-np.log(probs[t[0]]):.4f}   （損失レイヤ: {loss_before:.4f}）")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="55417dabc3a5"
# ### ステップ 3 — 誤差逆伝播法: すべてのパラメータに 1 つずつ勾配を
#
# いよいよ連鎖律（第2章）を、損失から下へ向かってレイヤごとに使います（第3章）。損失レイヤの `backward` は、スコアでの誤差信号 $\delta = \partial L/\partial z = (p - t)/B$ から始まります。ここで $t$ は正解の数字の one-hot表現のベクトルで、バッチには $B = 1$ 枚の画像が入っています（第4章: 損失は与えられた行について平均をとります）。各レイヤの `backward` は、出力での誤差信号から、自分のパラメータの勾配と、入力での誤差信号を作り、後者を下のレイヤへ渡します。
#
# | レイヤ（逆伝播の順） | パラメータの勾配 | 下へ渡す誤差信号 |
# |---|---|---|
# | `Linear(128, 10)` | $\partial L/\partial W_2 = h^\top\delta$, $\ \partial L/\partial b_2 = \sum_n \delta_n$ | $\partial L/\partial h = \delta W_2^\top$ |
# | `ReLU` | （なし） | $\delta_1 = \partial L/\partial z_1 = \partial L/\partial h \odot (z_1 > 0)$ |
# | `Linear(784, 128)` | $\partial L/\partial W_1 = x^\top\delta_1$, $\ \partial L/\partial b_1 = \sum_n \delta_{1,n}$ | （不要: $x$ はデータ） |
#
# 逆伝播 1 回のコストは順伝播の小さな定数倍（約 2 倍: 第3章第9節）で、それだけですべての偏微分が一度に手に入ります。これがリバースモードの微分です（第2章）。ライブラリはパラメータにレイヤの番号で名前を付けています。`0.W`、`0.b` が $W_1, b_1$（レイヤ 0、最初の `Linear`）で、レイヤ 1 の `ReLU` にはパラメータがありません。`2.W`、`2.b` が $W_2, b_2$ です。

# %% translates="8d8d0bc12f56"
model.backward(loss_layer.backward())
print(f"{'パラメータ':5}{'形状':>10}{'勾配の形状':>12}{'要素数':>7}{'|勾配|':>10}")
for key, p in model.params.items():
    g = model.grads[key]
    print(f"{key:10}{str(p.shape):>12}{str(g.shape):>17}{g.size:>10,}{np.linalg.norm(g):>12.4f}")
print(f"逆伝播 1 回で、合わせて {sum(p.size for p in model.params.values()):,} 個の偏微分が"
      "求まりました")

dW1 = model.grads["0.W"]
z1 = x @ model.params["0.W"] + model.params["0.b"]
print(f"\n0.W（= W1）の勾配のうち 0 の要素: {np.mean(dW1 == 0):.1%}。その理由は")
print(f"  784 画素のうち {np.sum(x[0] == 0)} 個が背景（x_i = 0）: その行は 0")
print(f"  128 個の隠れユニットのうち {np.sum(z1[0] <= 0)} 個がオフ（z1 ≤ 0）: "
      "その列は 0")

# %% [markdown] translates="4c155a8d042f"
# どの勾配も、そのパラメータとまったく同じ形状です。$\partial L/\partial W_1 = x^\top\delta_1$ の要素の大部分は 0 です。その理由は 2 つあり、どちらも式から読み取れます。行 $i$ は $x_i\,\delta_1$ なので、背景の画素（$x_i = 0$）から出る重みは、この画像の損失にまったく影響しません。また、ユニット $k$ の ReLU がオフで誤差信号をせき止めた場合、列 $k$ は 0 になります（第3章）。第2〜3章と同じように、1 つの要素を中心差分と比べて確かめましょう。

# %% translates="3da3b42fe2f2"
W2 = model.layers[2].params["W"]
i, j = np.unravel_index(np.argmax(np.abs(model.grads["2.W"])), W2.shape)


def loss_as_function_of_one_weight(w):
    old = W2[i, j]
    W2[i, j] = w
    value = loss_layer.forward(model.forward(x), t)
    W2[i, j] = old
    return value


numeric = numerical_derivative(loss_as_function_of_one_weight, W2[i, j])
print(f"dL/dW2[{i}, {j}]: 逆伝播 {model.grads['2.W'][i, j]:.5f}、"
      f"中心差分 {numeric:.5f}")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="28c41ecdadcd"
# ### ステップ 4 — 1 回の更新で、予測が動く
#
# 勾配降下法（第4章）は、すべてのパラメータを勾配と反対の向きに少しだけ動かします。$\theta \leftarrow \theta - \eta\,\partial L/\partial\theta$ で、どれだけ動かすかは学習率 $\eta$（コードでは `lr`）が決めます（第5章）。ここではわざと小さな一歩、$\eta = 0.01$ をとり、同じ画像でもう一度順伝播を計算します。

# %% translates="01f7ac769268"
SGD(lr=0.01).step(model)
scores_after = model.forward(x)
probs_after = losses.softmax(scores_after)[0]
loss_after = loss_layer.forward(scores_after, t)
print(f"損失 {loss_before:.4f} -> {loss_after:.4f}")
print(f"正解の数字 {t[0]} の確率: {probs[t[0]]:.3f} -> {probs_after[t[0]]:.3f}")
print(f"予測した数字: {probs.argmax()} -> {probs_after.argmax()}")

fig, axes = plt.subplots(1, 2, figsize=(10, 2.8), sharey=True)
plotting.plot_digit_probabilities(probs, label=t[0], ax=axes[0], title="更新の前")
plotting.plot_digit_probabilities(probs_after, label=t[0], ax=axes[1], title="1 回だけ更新したあと")
axes[1].set_ylabel("")
axes[1].get_legend().remove()  # 凡例は 1 つで十分
plt.show()

# %% [markdown] translates="d40ccf30ab82"
# 1 枚の画像での 1 回の更新で、正解の数字の確率は 0.11 から 0.18 に上がり、損失は 2.22 から 1.71 に下がり、予測は「2」から正解の「6」に変わりました。これが学習です。101,770 個のパラメータのそれぞれが、*この*画像の損失を小さくするにはどちらへ動けばよいかを、勾配が教えてくれたのです。
#
# **では、これを繰り返すだけではだめなのでしょうか。** 同じ画像でさらに 9 ステップ進めてみましょう。毎回同じ 4 つのステップです。そして 1 ステップごとに、すべての訓練画像についてネットワークに答えさせます。

# %% translates="2a24fa13200c"
print(f"{'ステップ':>0}  {'損失':>4}  {'p[' + str(t[0]) + ']':>6}  {t[0]} と答えた訓練画像")
for step in range(1, 11):
    if step > 1:  # ステップ 1 は上で実行済み
        loss_layer.forward(model.forward(x), t)  # 順伝播と損失
        model.backward(loss_layer.backward())    # 誤差逆伝播法
        SGD(lr=0.01).step(model)                 # 更新
    scores_now = model.forward(x)
    loss_now = loss_layer.forward(scores_now, t)
    p_now = losses.softmax(scores_now)[0, t[0]]
    called = np.sum(model.predict(X_train) == t[0])
    print(f"{step:>8}  {loss_now:>6.3f}  {p_now:>6.3f}  {len(X_train):,} 枚中 {called:>6,} 枚")
print(f"（訓練画像のうち本当に {t[0]} なのは {np.sum(y_train == t[0]):,} 枚だけです）")

# %% [markdown] translates="3fc33bdb5fe2"
# この 1 枚の画像での損失は下がり続けますが、ネットワークは間違った教訓を学んでしまいます。「何を見ても 6 と言え」です。10 ステップ後には、3,500 枚の訓練画像のうち 2,800 枚以上を 6 と答えています。1 枚の画像を助けるステップが、ほかのすべての画像を傷つけることがあるのです。だから本当の学習（第4章）では、$B$ 枚の画像からなる**ミニバッチ**で勾配を平均します。そうすれば、どのステップもそれらすべての画像の正しい数字へ同時に引き寄せます。そして小さなステップをたくさんとり、**1 エポック**ごとに訓練データ全体を 1 回ずつ回ります。

# %% [markdown] slideshow={"slide_type": "slide"} translates="bd83602678f1"
# ## 5. すべての訓練画像で学習する
#
# `training.fit`（第5章）は、前のセルのループをきちんとやり直したものです。エポックごとに $N$ 枚の訓練画像をシャッフルして $B = 64$ 枚ずつのミニバッチに分け（第4章）、ミニバッチごとに学習率スケジュールから学習率を受け取って、4 つのステップ `model.forward`、`loss.forward`、`model.backward(loss.backward())`、`optimizer.step(model)` を実行します。最適化手法は Momentum $\mu = 0.9$ つきの SGD（第4章）、学習率スケジュールはコサインアニーリング（第5章）で、学習率を全体を通して 0.1 から 0 まで下げていきます。
#
# **なぜ 0.1 で安全なのでしょうか。** Momentum には 2 つの別々の働きがあります（第4章）。勾配がずっと同じ向きを指している方向では、ステップが積み重なって、素の一歩の $1/(1-\mu) = 10$ 倍になります。緩やかな坂で速く進めるわけです。しかし、10 倍大きな学習率が安全になるわけでは*ありません*。曲率 $\lambda$ の 2次関数では、重球法の Momentum が安定なのはちょうど $\eta\lambda < 2(1+\mu)$ のときです（第5章第3節で、この限界を導き、測りました）。素の勾配降下法の限界 $2/\lambda_{\max}$ は、10 倍ではなく $1 + \mu = 1.9$ 倍になるだけです。第3節の線形モデルの曲率 $\lambda_{\max} \approx 38$ で測ると、Momentum での限界 $2 \cdot 1.9/38 \approx 0.099$ は 0.1 のわずかに*下*になってしまいます。しかし問題になるのは、私たちのネットワーク自身の曲率、つまりその損失のヘッセ行列の最大固有値です。第5章と同じく、これを損失の**鋭さ**と呼びます。鋭さは、第5章の `curvature.top_hessian_eigenvalue` がべき乗法で求めます（ヘッセ行列・ベクトル積 10 回。速くすむように訓練画像 1,000 枚で計算します）。

# %% translates="a3c4bdf5219f"
model = MLP([784, 128, 10], rng=rng)
W1_start = model.layers[0].params["W"].copy()  # 学習で何が変わったかを見るために保存（第9節）
epochs, batch_size, lr, momentum = 15, 64, 0.1, 0.9
sharpness_start = curvature.top_hessian_eigenvalue(model, SoftmaxCrossEntropy(), X_train[:1000],
                                                   y_train[:1000], iters=10, rng=rng)
print(f"新しいネットワークの損失の鋭さ λ_max: {sharpness_start:.2f}")
print(f"安定な最大の学習率: 素の勾配降下法で 2/λ_max = {2 / sharpness_start:.2f}、"
      f"Momentum {momentum} つきで 2(1+μ)/λ_max = {2 * (1 + momentum) / sharpness_start:.2f}")

# %% [markdown] translates="700e2ed35e65"
# 新しいネットワークの損失の鋭さは約 8 で、線形モデルの $X^\top X/N$ より何倍も平らです（高々 ½ のソフトマックス関数の係数と ReLU のレイヤが、どちらも曲率を小さくします）。そのため 0.1 は両方の限界、Momentum なしの 0.24 と Momentum ありの 0.46 の十分内側にあります（もしそうでなければ、第5章の「安定性の縁」から始めることになります。損失が跳ね回るうちに学習が鋭さを押し下げ、ステップが収まるようになるか、さもなければ発散します）。学習のあとで、もう一度鋭さを測ります。`fit` はエポックごとに**検証**画像で評価して 1 行を表示するので、学習の進み具合を見守れます（テスト画像はまだ見ません）。

# %% translates="6668e3e7af45"
steps_per_epoch = math.ceil(len(X_train) / batch_size)  # エポックの最後のバッチは小さくなる
total_steps = epochs * steps_per_epoch
schedule = schedules.cosine_annealing(lr, total_steps=total_steps)
print(f"N = {len(X_train):,} 枚、B = {batch_size}: 1 エポックあたり {steps_per_epoch} 回の更新、"
      f"{epochs} エポックで {total_steps:,} 回")

start = time.perf_counter()
history = training.fit(model, SoftmaxCrossEntropy(), SGD(lr, momentum=momentum), X_train,
                       y_train, epochs=epochs, batch_size=batch_size, rng=rng, schedule=schedule,
                       validation=(X_val, y_val))
seconds_ours = time.perf_counter() - start
sharpness_end = curvature.top_hessian_eigenvalue(model, SoftmaxCrossEntropy(), X_train[:1000],
                                                 y_train[:1000], iters=10, rng=rng)
print(f"学習後の鋭さ λ_max: {sharpness_end:.2f}（学習前: {sharpness_start:.2f}）")

# %% [markdown] slideshow={"slide_type": "subslide"} translates="8878458ac70c"
# ### 損失と認識精度のグラフ

# %% translates="59c88047288b"
axes = plotting.plot_history(history)
axes[0].set_title("エポックごとの損失")
axes[1].set_title("エポックごとの認識精度")
axes[1].set_ylim(0.75, 1.01)
for ax, where in zip(axes, ["upper right", "lower right"]):
    ax.legend(["訓練画像", "検証画像"], loc=where)
    ax.set_xticks(range(1, epochs + 1, 2))
plt.show()

# %% translates="3a60b6e2573a"
accuracy = training.evaluate(model, X_val, y_val)
print(f"最終的な訓練データでの認識精度: {history.train_accuracy[-1]:.1%}")
print(f"最終的な検証データでの認識精度: {accuracy:.1%}  "
      f"（検証画像 {len(y_val):,} 枚中 {round(accuracy * len(y_val)):,} 枚）")
print(f"検証データの損失が最小になったのは {epochs} エポック中のエポック {history.best_epoch}")

# %% [markdown] translates="0043a7a6c0db"
# グラフの読み方: 訓練データの損失は 0 に向かって下がり続け、訓練データでの認識精度は 100 % に近づきます。一方、検証データの損失は数エポックで横ばいになり、検証データでの認識精度は数ポイント低いところで伸びが止まります（エポック 1 では訓練データの損失が検証データの損失より*上*にあります。`fit` は各ミニバッチの損失を、そのバッチを見た時点で、つまりネットワークがまだ良くなっている途中で平均します。検証データの損失のほうは、エポックの終わりに 1 回だけ測るからです）。ネットワークは 3,500 枚の訓練画像を丸暗記し始めています。ここではコサインスケジュールのだんだん小さくなるステップのおかげで被害は小さくすんでいますが、次の節ではわざとそれを引き起こします。鋭さにも注目してください。学習の間に約 8 から約 0.4 に下がったので、安全な最大の学習率は進むにつれて大きくなる一方でした。

# %% [markdown] slideshow={"slide_type": "slide"} translates="b3e16a4f6cd6"
# ## 6. 過学習と、2 つの対策
#
# **過学習**とは、訓練データに新しいデータよりずっとよく合ってしまうことです。ネットワークは、数字を数字たらしめるものではなく、個々の訓練画像そのもの（その癖やノイズ）を覚えてしまいます。グラフでは*差*として現れます。訓練データの損失は下がり続けるのに、検証データの損失は下がらなくなり、上がりに転じます。はっきり見えるように、わざと過学習しやすくします。幅の広いネットワーク（隠れユニット 256 個、パラメータ 203,530 個）を、訓練画像のうち 500 枚だけ（各数字 50 枚、これも層化抽出）で、一定の学習率で 30 エポック学習させます。

# %% translates="b9c60d71a519"
X_small, _, y_small, _ = train_test_split(X_train, y_train, train_size=500, stratify=y_train,
                                          random_state=0)
wide_start = MLP([784, 256, 10], rng=rng)  # 初期状態のネットワークを 1 つ作り、下の各実行でコピーする
batch_seed = int(rng.integers(2**31))      # ……ミニバッチの順番も 1 つに決め、すべての実行で使う


def train_wide(weight_decay=0.0, early_stopping=None):
    """wide_start のコピーを 500 枚で学習させる。初期値もバッチも毎回同じ。"""
    net = copy.deepcopy(wide_start)
    run = training.fit(net, SoftmaxCrossEntropy(),
                       SGD(0.05, momentum=0.9, weight_decay=weight_decay), X_small, y_small,
                       epochs=30, batch_size=50, rng=np.random.default_rng(batch_seed),
                       validation=(X_val, y_val), progress=False, early_stopping=early_stopping)
    return net, run


wide, wide_history = train_wide()
best = wide_history.best_epoch
print(f"訓練データの損失: エポック 1 で {wide_history.train_loss[0]:.3f}、エポック 30 で "
      f"{wide_history.train_loss[-1]:.4f}")
print(f"検証データの損失: 最小はエポック {best} の {wide_history.val_loss[best - 1]:.3f}、"
      f"エポック 30 で {wide_history.val_loss[-1]:.3f}")
print(f"検証データでの認識精度: エポック {best} で {wide_history.val_accuracy[best - 1]:.1%}、"
      f"エポック 30 で {wide_history.val_accuracy[-1]:.1%}")
axes = plotting.plot_best_epoch(wide_history)
axes[0].set_title("損失: 最良のエポックを過ぎると 2 本が離れる")
axes[1].set_title("認識精度")
plt.show()

# %% [markdown] translates="3969bcaee991"
# 数エポックたつと、訓練データの損失は 0 に向かいます。ネットワークは 500 枚すべてをほぼ確実に正解するようになります。その一方で、検証データの損失は最低点に達したあと*上がって*いきます（網掛けの部分）。検証データでの認識精度はほとんど変わりません。ネットワークは間違いをそれほど増やしてはいないのですが、間違えている数字に対しても、どんどん**自信過剰**になっていきます。交差エントロピー誤差は、自信をもった間違いに大きな罰を与えます。そのため損失は、認識精度よりも早く、なめらかに過学習を示します。しかも学習が最小化しているのは損失です。だから `fit` は検証データの損失を見張るのです。
#
# ### 対策 1: 早期終了
#
# いちばん簡単な治療法は、検証データの損失がしばらく改善しなくなったら止めて、最良のエポックの重みに戻すことです。`fit(..., early_stopping=patience)` がこれを行います。各エポックのあとで検証データの損失をそれまでの最良と比べ、改善していれば重みのコピーを取っておきます。改善のないエポックが `patience` 回続いたら止め、最後に最良の重みをモデルに書き戻します。

# %% translates="d567b915eb45"
course_lib.show_source(training._Best)

# %% [markdown] translates="5a30548676c3"
# 初期値も同じ、ミニバッチも同じで、patience は 5 です。

# %% translates="b89ccf3080aa"
stopped, stopped_history = train_wide(early_stopping=5)
restored_loss = SoftmaxCrossEntropy().forward(stopped.forward(X_val), y_val)
print(f"早期終了した: {stopped_history.stopped_early}、エポック {stopped_history.epochs} のあと。"
      f"最良のエポックは {stopped_history.best_epoch}")
print(f"返されたモデルの検証データの損失: {restored_loss:.6f}  "
      f"（30 エポックの実行のエポック {best}: {wide_history.val_loss[best - 1]:.6f}）")
print("30 エポックの実行の最良のエポックと、1 ビットまで同じ:",
      restored_loss == wide_history.val_loss[best - 1])

# %% [markdown] translates="710c4ec37fba"
# この実行は最良のエポックの 5 エポック後に止まり、返されたモデルはそのエポックのモデルとまったく同じです。初期値とバッチが同じなので、そこまでは 2 つの実行が一致するからです。patience は兼ね合いです。小さすぎると、ノイズによる一時的な上がりで早く止まりすぎます。大きすぎると時間の無駄になります（それでも書き戻しのおかげで、結果はどちらでも同じ最良のエポックです）。
#
# ### 対策 2: Weight decay（荷重減衰）
#
# 自信過剰には大きな重みが必要です。スコアが大きく離れるのは $W$ が大きいからです。**Weight decay** は損失に罰則項 $\frac{\lambda}{2}\lVert\theta\rVert^2$ を加えます。その勾配 $\lambda\theta$ がすべてのパラメータの勾配に足されるので、ステップごとにどの重みも $1 - \eta\lambda$ 倍に縮みます（PyTorch の `SGD(weight_decay=…)` と同じで、第4章の `SGD` も同じことをします）。ネットワークはそれでも重みを大きくできますが、データがずっとそれを求め続ける場所に限られます。$\lambda = 0.01$ で試してみましょう（ここでの $\lambda$ は罰則の強さで、第3節や第5節のような曲率ではありません）。

# %% translates="be5ae50d4ce6"
decayed, decayed_history = train_wide(weight_decay=0.01)
runs = {"そのまま": wide_history, "早期終了（patience 5）": stopped_history,
        "Weight decay 0.01": decayed_history}
print(f"{'エポック数':>7}{'最良のエポック':>9}{'最良の検証損失':>9}{'検証の認識精度':>9}    {'実行'}")
for (name, h), net in zip(runs.items(), [wide, stopped, decayed]):
    print(f"{h.epochs:>12}{h.best_epoch:>16}{h.val_loss[h.best_epoch - 1]:>16.3f}"
          f"{training.evaluate(net, X_val, y_val):>16.1%}    {name}")
norms = [np.linalg.norm(net.params["0.W"]) for net in (wide, decayed)]
print(f"最初のレイヤの重みの大きさ ‖W1‖: そのまま {norms[0]:.1f}、Weight decay {norms[1]:.1f}")
plotting.plot_validation_runs(runs)
plt.show()

# %% [markdown] translates="d823ee57757a"
# Weight decay を使うと、訓練データの損失はもう 0 まで下がらず、検証データの損失は上がっていかずに最低値の近くにとどまります。重みが小さいままなので、ネットワークの確信の度合いも小さいままなのです。「検証の認識精度」の列は、各実行が返すモデルのものです（早期終了では、書き戻した最良のエポックのモデル）。検証画像 500 枚では画像 1 枚が 0.2 % にあたり、1 ポイント程度の差は、たまたまどの画像が選ばれたかによるノイズの範囲内です。損失のほうが、はっきりと事情を語ってくれます。実際には 2 つの対策を組み合わせて使い、$\lambda$ と patience は学習率と同じように、検証データで選ぶ設定です。

# %% [markdown] slideshow={"slide_type": "slide"} translates="72f0bbbdbe28"
# ## 7. どの数字が取り違えられるのか: 混同行列
#
# 認識精度という 1 つの数からは、*どんな*間違いをしたのかが分かりません。**混同行列** $C$ は、正解の数字 $i$（行）と予測した数字 $j$（列）のすべての組について、$i$ の画像のうち何枚が $j$ と分類されたかを数えたものです。対角成分が正解で、それ以外はすべて間違いです。間違いを調べるのも作業のうちなので、*検証*画像で見ていきます（テスト画像はまだ見ません）。

# %% translates="77dc35d53cc1"
predicted = model.predict(X_val)
C = confusion_matrix(y_val, predicted)
fig, ax = plt.subplots(figsize=(5.8, 5.2))
ConfusionMatrixDisplay(C, display_labels=range(10)).plot(ax=ax, colorbar=False, cmap="Blues")
ax.set(title="検証画像: 正解の数字と予測した数字", xlabel="予測した数字",
       ylabel="正解の数字")
ax.grid(False)
plt.show()

off_diagonal = C - np.diag(np.diag(C))
worst_true, worst_pred = np.unravel_index(np.argmax(off_diagonal), C.shape)
print(f"数字ごとの正解数: {np.diag(C).tolist()}（それぞれ {C.sum(axis=1).tolist()} 枚中）")
print(f"最も多い取り違え: {worst_true} の画像 {off_diagonal.max()} 枚を {worst_pred} と読んだ")

# %% [markdown] slideshow={"slide_type": "slide"} translates="96e3da29f101"
# ## 8. 最も自信をもって間違えた数字
#
# ネットワークが*最も確信している*間違いはどれでしょうか。誤分類した検証画像を、ネットワークが自分の（間違った）答えに与えた確率の順に並べてみます。

# %% translates="bc4b50498dfa"
probs_val = losses.softmax(model.forward(X_val))
confidence = probs_val.max(axis=1)
wrong = np.flatnonzero(predicted != y_val)
most_confident = wrong[np.argsort(-confidence[wrong], kind="stable")][:12]
print(f"誤分類した検証画像は {len(wrong)} 枚。最も自信のある 12 個の間違いと、"
      "その間違った答えの確率:")
print(", ".join(f"{confidence[k]:.2f}" for k in most_confident))
plotting.plot_digit_grid(X_val_raw[most_confident], labels=y_val[most_confident],
                         predictions=predicted[most_confident], ncols=6,
                         title="予測した数字（正解の数字）")
plt.show()

# %% [markdown] translates="c5b7dbcde3dc"
# このうちいくつかは本当にあいまいだったり、字が乱れていたりします。人間でも迷うかもしれません。ほかのものは、線ではなく画素を見るネットワークの限界を表しています。少しずれたり傾いたりしても同じ数字だ、という考えをネットワークは持っていないのです。

# %% [markdown] slideshow={"slide_type": "slide"} translates="a8ba41043b54"
# ## 9. 最初のレイヤは何を学んだのか
#
# 隠れユニット $k$ は $\mathrm{ReLU}(x \cdot W_1[:, k] + b_1[k])$ を計算します。画像と、$W_1$ の列 $k$ との内積です。この列には 784 個の要素があるので、28×28 の画像として描けます。これがユニットの反応する*テンプレート*です。赤い画素はインクがあるとユニットをオンにする向きに、青い画素はオフにする向きに働きます。左は学習後の重み、右は学習でどれだけ変わったか、$W_1 - W_1^{\text{start}}$ です。

# %% translates="ed0d40425e32"
W1 = model.layers[0].params["W"]
fig, (ax_w, ax_dw) = plt.subplots(1, 2, figsize=(11, 5.2))
plotting.plot_weight_images(W1, n=16, ncols=4, ax=ax_w, title="学習後の重み")
plotting.plot_weight_images(W1 - W1_start, n=16, ncols=4, ax=ax_dw, title="学習による変化")
fig.suptitle("最初のレイヤの重み: 隠れユニット 16 個分を 28×28 の画像で表示（赤 +、青 −）")
plt.show()

blank = np.all(X_train_raw == 0, axis=0)  # どの訓練画像でも 0 の画素
on_border = np.zeros((28, 28), dtype=bool)
on_border[[0, -1], :] = on_border[:, [0, -1]] = True
on_border = on_border.ravel()
print(f"どの訓練画像でも空白の画素: 784 個中 {blank.sum()} 個、"
      f"いちばん外側の {on_border.sum()} 個のうち {np.sum(blank & on_border)} 個")
print("それらの重みは初期値のまま:", np.array_equal(W1[blank], W1_start[blank]))

# %% [markdown] translates="5b7d41abf69f"
# 重みには、でたらめな初期値の名残がまだ多く残っています。特に縁の近くです。縁の画素の多くは、どの訓練画像でも空白です（毎回 $x_i = 0$）。縁のすべてではありません。縁に触れる数字もあるからです。こうした画素の重みは勾配が 0 なので（上のステップ 3）、まったく動きません。学習による変化はなめらかで、インクのある中央に集中しています。数字まるごとではなく、ぼやけた線の検出器、つまり塊や棒や縁のような形です。2 番目のレイヤが、これら 128 個の反応を組み合わせて 10 個の数字のスコアにします。

# %% [markdown] slideshow={"slide_type": "slide"} translates="cae718ce9dbe"
# ## 10. 同じネットワークを scikit-learn で
#
# scikit-learn の `MLPClassifier` は同じモデルを実装しています。ReLU のユニット 128 個、ソフトマックス関数と交差エントロピー誤差、Momentum 0.9 の SGD、64 枚のミニバッチ、15 エポック、重みへの罰則なし（`alpha=0`）です。違う点が 2 つあります。学習率は一定のまま（私たちはコサインスケジュールを使いました）で、重みの初期値は He の初期値（正規分布）ではなく一様分布（Glorot、つまり Xavier の初期値）です。15 エポックでは「収束」しなかったという警告が出ますが、これは想定どおりなので、ここでは表示しません。2 つのモデルを比べるのも 1 つの選択なので、検証画像で比べます。

# %% translates="ef18a9a09ade"
sk_model = MLPClassifier(hidden_layer_sizes=(128,), activation="relu", solver="sgd",
                         learning_rate_init=lr, momentum=0.9, nesterovs_momentum=False,
                         batch_size=batch_size, max_iter=epochs, alpha=0.0, random_state=0)
start = time.perf_counter()
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    sk_model.fit(X_train, y_train)
seconds_sklearn = time.perf_counter() - start
accuracy_sklearn = sk_model.score(X_val, y_val)
print(f"{'':14}{'検証の認識精度':>13}")
print(f"{'course_lib':14}{accuracy:>20.1%}")
print(f"{'scikit-learn':14}{accuracy_sklearn:>20.1%}")

# %% [markdown] translates="6c5c7164694b"
# 2 つの結果の差は 1 ポイント程度です。モデルもデータも同じで、違うのはでたらめな初期値だけです。どちらも中身はふつうの NumPy なので、速さも同じくらいです（計測時間はマシンによって違うので、チェックする出力には含めていません）。

# %% translates="eea5e331003d"
# NBVAL_IGNORE_OUTPUT
# 経過時間はマシンと、そのとき何をしているかによって変わる
print(f"学習時間: course_lib {seconds_ours:.2f} 秒、scikit-learn {seconds_sklearn:.2f} 秒")

# %% [markdown] slideshow={"slide_type": "slide"} translates="114089624257"
# ## 11. テストデータは 1 回だけ
#
# すべての選択が終わりました。ネットワーク、学習率とそのスケジュール、エポック数。どれも検証画像で判断しました。今こそ、そして今だけ、テスト画像の出番です。第5節の最終モデルを 1 回だけ評価し、何かを調整するために繰り返すことはしません。

# %% translates="a4be627be017"
test_accuracy = training.evaluate(model, X_test, y_test)
print(f"検証データでの認識精度 {accuracy:.1%}（{len(y_val):,} 枚）、"
      f"テストデータでの認識精度 {test_accuracy:.1%}（一度も使っていない {len(y_test):,} 枚）")

# %% [markdown] translates="7aab96f8fe8e"
# これが報告すべき数値です。検証データでの認識精度と少し違うのは想定どおりです。500 枚や 1,000 枚の画像から得る見積もりは、1 ポイント程度ばらつきます（$n$ 枚の画像での認識精度 $a$ の標準誤差は $\sqrt{a(1-a)/n}$ です）。もし多くの候補の中から*テスト*データでの認識精度が最もよいものを選んでいたら、その最高得点には運も含まれていて、楽観的になります。1 回だけ見るテストデータには、そうした偏りがありません。もしこの数値を見てからネットワークを変えに戻るなら、テストデータは 2 つ目の検証データになってしまいます。正直な見積もりには、新しいテストデータが必要になります。

# %% [markdown] slideshow={"slide_type": "slide"} translates="1df952313675"
# ## 12. 全データセット: `make mnist`
#
# 訓練画像 3,500 枚では、ネットワークは過学習し、テスト画像で 93.7 % になります。60,000 枚すべてを使えば、ずっとよくなります。冒頭で `KIND = "full"` にしてこのノートブックを実行し直すと、同じネットワーク、同じ設定（52,500 枚で学習し、7,500 枚を検証用に取っておく）で、10,000 枚のテスト画像に対して約 98 % に達します。あるいは、調整済みの全データでの学習をターミナルから実行できます。
#
# ```
# make mnist                              # または: python -m course_lib.mnist --help
# ```
#
# これは MLP 784-256-10 を float32 で 20 エポック学習させ（2 コアで約 15〜30 秒）、10,000 枚のテスト画像で約 **98.9 %** の認識精度に達します。安上がりな工夫を 1 つ加えています。**データ拡張**です。訓練画像は使われるたびに、ランダムに 1 画素ずらされます（縦横それぞれ −1、0、+1 のどれか）。1 画素動いても同じ数字なので、ネットワークは正確な画素の位置を丸暗記できなくなります。これは第8節で見た弱点です。演習 6.4 でこのずらしを書きます。`make mnist PRESET=best` はさらに先へ進みます。784-1024-10 のネットワークを、使うたびに少し回転・拡大縮小もした画像で 25 エポック学習させ、約 1.5 分で約 **99.2 %** に達します。`KIND = "full"` の裏で動く読み込み処理は、元の IDX ファイルを読みます。IDX ファイルは、ビッグエンディアンの整数からなる短いヘッダ（*マジックナンバー*と各次元の大きさ）のあとに、生のバイト列が続く形式です。読み込みの前に、各ファイルの SHA-256 チェックサムを確かめます。

# %% translates="794b2a2a545d"
course_lib.show_source(datasets._parse_idx)

# %% [markdown] slideshow={"slide_type": "slide"} translates="fefb0969ee09"
# ## まとめ
#
# - MNIST: 28×28 のグレースケールの数字を、784 画素の行に平らに並べたもの。`load_mnist("subset")` はオフラインで本物の画像 4,000 + 1,000 枚を、`load_mnist("full")` は元の 60,000 + 10,000 枚を返します。
# - まずデータを見ること: 数字の一覧、クラスの偏り、画素の統計。
# - 3 つのデータ: 勾配を計算する**訓練**データ、学習を見守り設定を選ぶ**検証**データ（層化した `train_test_split` で訓練画像から切り出す）、最後に 1 回だけ使う**テスト**データ（ここでは検証 93.0 %、テスト 93.7 %）。
# - 入力を正規化する（$x/255$）: 元の画素値のままだと曲率 $\lambda_{\max}$ が 65,025 倍になり、使える学習率が同じ割合で小さくなります。中心化（$x - \bar x$）は平均画像の方向を取り除きます。$X^\top X/N$ の $\lambda_{\max}$ は 38.2 から 5.1 に下がり、臨界学習率 $2/\lambda_{\max}$ は 0.052 から 0.39 に大きくなります。
# - Momentum $\mu$ は安定性の限界を $2(1+\mu)/\lambda_{\max}$ までしか上げません（0.9 なら 1.9 倍で、10 倍ではない）。学習率が守るべきなのは、ネットワーク自身の鋭さ（学習前は約 8、学習後は 0.4）です。
# - 学習の 1 ステップ = 順伝播（第3章）→ 損失（第1章）→ 誤差逆伝播法（第2〜3章: 101,770 個のパラメータのそれぞれに、同じ形状の勾配）→ 更新（第4〜5章）。1 ステップでその画像の予測は正解に近づきます。1 枚の画像だけで繰り返すと、ネットワークは何にでもその答えを返すようになります。だからミニバッチを使います。
# - ミニバッチ SGD、Momentum、コサインスケジュールを使った `training.fit` は、この MLP を数秒で学習させます。訓練データと検証データの曲線の差が過学習です。訓練データの損失が 0 に向かう一方で、検証データの損失は上がりに転じます。早期終了（`fit(..., early_stopping=patience)`）は、検証データで最良のエポックの重みを正確に残します。Weight decay（`SGD(..., weight_decay=λ)`）は重みを小さく、検証データの損失を低く保ちます。
# - 認識精度は 1 つの数にすぎません。混同行列と最も自信のある間違いを見れば、*どの*数字がなぜ失敗するのかが分かります。学習が最初のレイヤの重みに加えたものは、ぼやけた線の検出器のように見えます。
# - ゼロから作ったネットワークは scikit-learn の `MLPClassifier` と肩を並べます。60,000 枚すべてと少しのデータ拡張で、約 98.9 % に達します。
#
# **次へ:** 講座はここで終わりです。演習と用語集のあとの「この先に進むには」で、講座のあとに何を学ぶとよいかを紹介します。

# %% [markdown] slideshow={"slide_type": "slide"} translates="de5257abf83f"
# ## 演習
#
# 演習のセルに自分の答えを書いて実行してください。`check` が合格かどうかを判定し、違っていればヒントを出します。このノートブックでは、各演習のセルに模範解答がすでに入っています。読む前にまず自分で解いてみましょう（`make student` を実行すると、模範解答の代わりに空欄の入ったコピーが作られます）。

# %% [markdown] translates="fe748e43f74f"
# ### 演習 6.1 — 画素値を正規化する
# 画素値 `0…255`（`uint8` の配列）を `[0, 1]` の浮動小数点数に変える `my_normalize(X)` を書いてください。`X` そのものは変えないこと。

# %% translates="b7b4e65d8359"
def my_normalize(X):
    ### BEGIN SOLUTION
    return X / 255.0
    ### END SOLUTION


check("6.1", my_normalize)

# %% [markdown] translates="073fa373b03c"
# ### 演習 6.2 — スコアから認識精度を求める
# `my_accuracy(scores, labels)` を書いてください。`scores` の形状は `(N, 10)`（画像 1 枚につきロジットが 1 行）、`labels` の形状は `(N,)` です。最大のスコアが正解の数字にある画像の割合を返します。

# %% translates="8b4559dfddf5"
def my_accuracy(scores, labels):
    ### BEGIN SOLUTION
    return float(np.mean(scores.argmax(axis=1) == labels))
    ### END SOLUTION


check("6.2", my_accuracy)

# %% [markdown] translates="a56d7cd6f46b"
# ### 演習 6.3 — 混同行列を自分で作る
# 行 = 正解の数字、列 = 予測した数字とする 10×10 の個数の行列を返す `my_confusion_matrix(y_true, y_pred)` を、scikit-learn の `confusion_matrix` と同じように書いてください。`C[i, j]` は、`y_true` が `i` で `y_pred` が `j` である位置の数です。ヒント: `np.zeros((10, 10), dtype=int)` から始めて、組 `zip(y_true, y_pred)` についてループしましょう（または `np.add.at` を調べてみましょう）。最後の行で、あなたの行列と第7節の `C` を比べます。

# %% translates="c5888c5a4c4b"
def my_confusion_matrix(y_true, y_pred):
    ### BEGIN SOLUTION
    C = np.zeros((10, 10), dtype=np.int64)
    np.add.at(C, (y_true, y_pred), 1)
    return C
    ### END SOLUTION


check("6.3", my_confusion_matrix)
print("第7節の scikit-learn の C と同じ:",
      np.array_equal(my_confusion_matrix(y_val, predicted), C))

# %% [markdown] translates="2a5fac2b5d31"
# ### 演習 6.4 — 数字をずらす（データ拡張）
# 28×28 の配列に対する `shift_image(image, dy, dx)` を書いてください。画像を `dy` 画素下へ、`dx` 画素右へ動かし（負の値なら上と左へ）、空いた縁は 0 で埋めます。端からはみ出した画素は消えます。ヒント: `np.roll` は画素を反対側へ回り込ませてしまうので、代わりにスライスを使います。`np.zeros_like(image)` から始めて、`image` の一部分を、ずらした位置へコピーしましょう。これは `make mnist` がすべての訓練画像に施すデータ拡張です。チェックの下の図で、あなたの関数の働きを見られます。

# %% translates="0f35e656a267"
def shift_image(image, dy, dx):
    ### BEGIN SOLUTION
    out = np.zeros_like(image)
    h, w = image.shape
    out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
        image[max(-dy, 0):h + min(-dy, 0), max(-dx, 0):w + min(-dx, 0)]
    return out
    ### END SOLUTION


check("6.4", shift_image)
moves = [(0, 0), (-2, 0), (2, 0), (0, -2), (0, 2), (2, 2)]
digit = X_train_raw[0].reshape(28, 28)
plotting.plot_digit_grid(np.stack([shift_image(digit, dy, dx) for dy, dx in moves]),
                         captions=[f"{dy:+d}, {dx:+d}" for dy, dx in moves], ncols=6,
                         title="shift_image(digit, dy, dx)（各画像の上が (dy, dx)）")
plt.show()

# %% [markdown] translates="8ecab2bddbcc"
# ### 演習 6.5 — 4 つのステップを 1 つの関数に
# 講座全体が 6 行に収まります。バッチ `X, y` で素の勾配降下法（Momentum なし）を 1 ステップ実行し、更新の前に測った損失を返す `train_step(model, loss_layer, X, y, lr)` を書いてください。順伝播（`model.forward`）、損失（`loss_layer.forward(scores, y)`）、誤差逆伝播法（`model.backward(loss_layer.backward())`）、そして更新です。更新では、第4節と同じように、`model.params.items()` の各 `key, p` について `p` を `model.grads[key]` と反対の向きに、その場で（`p -= ...`）動かします。チェックの下で、あなたの関数が新しいネットワークをミニバッチで 3 エポック学習させます。

# %% translates="29a2e7aac979"
def train_step(model, loss_layer, X, y, lr):
    ### BEGIN SOLUTION
    scores = model.forward(X)                   # 1. 順伝播（第3章）
    loss = loss_layer.forward(scores, y)        # 2. 損失（第1章）
    model.backward(loss_layer.backward())       # 3. 誤差逆伝播法（第2〜3章）
    for key, p in model.params.items():         # 4. 更新（第4章）
        p -= lr * model.grads[key]
    return loss
    ### END SOLUTION


check("6.5", train_step)
net, net_loss = MLP([784, 64, 10], rng=rng), SoftmaxCrossEntropy()
for epoch in range(1, 4):
    batch_losses = [train_step(net, net_loss, X_batch, y_batch, lr=0.1)
                    for X_batch, y_batch in iterate_minibatches(X_train, y_train, 64, rng=rng)]
    print(f"エポック {epoch}: 損失の平均 {np.mean(batch_losses):.3f}、"
          f"検証データでの認識精度 {training.evaluate(net, X_val, y_val):.1%}")

# %% [markdown] translates="c08de294cf11"
# ### 演習 6.6 — patience つきの早期終了
# `early_stop(val_losses, patience)` を書いてください。`val_losses` は各エポックの検証データの損失を順に並べたリストで、最初の要素がエポック **1** です。`fit(..., early_stopping=patience)` のルール（第6節）に従って、組 `(best_epoch, stop_epoch)` を返します。
# - あるエポックが*改善*したとは、その損失がそれより前のどの損失よりも真に小さいことです（等しい損失は数えません）。
# - 改善のないエポックが**連続で** `patience` 回そろったエポックのあとで、学習は止まります。それが一度も起こらなければ、最後まで実行します（`stop_epoch = len(val_losses)`）。
# - `best_epoch` は、実行されたエポックの中で損失が最小のエポックです。
#
# リストは変更しないでください。チェックの下で、あなたの関数の結果を第6節で `fit` がしたことと比べます。

# %% translates="eb990a9f7f7a"
def early_stop(val_losses, patience):
    ### BEGIN SOLUTION
    best, best_epoch, waited = math.inf, 0, 0
    for epoch, value in enumerate(val_losses, start=1):
        if value < best:
            best, best_epoch, waited = value, epoch, 0
        else:
            waited += 1
            if waited == patience:
                return best_epoch, epoch
    return best_epoch, len(val_losses)
    ### END SOLUTION


check("6.6", early_stop)
print(f"第6節の 30 エポックの実行に対するあなたのルール: {early_stop(wide_history.val_loss, 5)}、"
      f"fit(..., early_stopping=5): ({stopped_history.best_epoch}, {stopped_history.epochs})")

# %% [markdown] translates="120f03ef0d7f"
# ### 演習 6.7 — 層化した検証データの分割
# 第1節では scikit-learn に検証データを切り出してもらいました。今度は自分で書いてみましょう。`stratified_split(y, val_fraction, rng)` は、ラベル `y`（形状 `(N,)`）、`1/8` のような割合、NumPy の `Generator` を受け取り、`(train_idx, val_idx)` を返します。どちらも `y` への**添字**を並べた 1 次元配列です（マスクでもラベルでもありません）。各クラス `k` ごとに別々に、次のようにします。`y == k` となる添字をとり（`np.flatnonzero`）、`rng.permutation` でシャッフルし、その先頭の `round(val_fraction * count)` 個を検証用に、残りを訓練用にします。どの添字もちょうど一方にだけ入ること、乱数はすべて `rng` からとること、`y` は変更しないこと。チェックの下で、訓練画像 4,000 枚に対するあなたの分割を第1節の分割と比べます。

# %% translates="9d2963295377"
def stratified_split(y, val_fraction, rng):
    ### BEGIN SOLUTION
    train_parts, val_parts = [], []
    for k in np.unique(y):
        idx = rng.permutation(np.flatnonzero(y == k))
        n_val = round(val_fraction * len(idx))
        val_parts.append(idx[:n_val])
        train_parts.append(idx[n_val:])
    return np.concatenate(train_parts), np.concatenate(val_parts)
    ### END SOLUTION


check("6.7", stratified_split)
my_train_idx, my_val_idx = stratified_split(y_all, 1 / 8, rng)
print(f"あなたの分割: {len(my_train_idx):,} + {len(my_val_idx):,} 枚、検証データの数字ごとの枚数 "
      f"{np.bincount(y_all[my_val_idx], minlength=10).tolist()}")
print(f"第1節（train_test_split）: {len(train_idx):,} + {len(val_idx):,} 枚、検証データの"
      f"数字ごとの枚数 {np.bincount(y_val, minlength=10).tolist()}")

# %% [markdown] translates="da04487427d7"
# **さらに進んで（チェックなし）:**
# 1. 第5節のネットワークを、正規化せずに（`X_train_raw` を float にして）同じ学習率で学習させてみましょう。`fit` は何と報告するでしょうか（第5章）。
# 2. 隠れ層の幅を 32、128、512 にしたり、隠れ層を 2 つにしたり（`MLP([784, 256, 128, 10])`）してみましょう。訓練データと検証データの曲線はどう変わるでしょうか。
# 3. あなたの `train_step` に Momentum を付けて（第4章: パラメータごとに Momentum のバッファを 1 つ持ち、$b \leftarrow \mu b + g$ と更新します）、Momentum ありとなしで 3 エポックを比べてみましょう。
# 4. 第5節のネットワークを、*中心化*した画素（訓練・検証・テスト画像から `mean_image` を引いたもの）で学習させてみましょう。検証データでの認識精度は変わるでしょうか。どの学習率で学習できるようになり、以前はどうだったでしょうか。
# 5. 第6節で、Weight decay を 0.001 と 0.1 に、patience を 1 と 10 にしてみましょう。検証データの損失が最も小さくなるのはどれでしょうか。そして、それを*テスト*データで選ぶのはなぜ間違いなのでしょうか。

# %% [markdown] slideshow={"slide_type": "slide"} translates="f65fcdebd804"
# ## 用語集
#
# | 日本語 | English | 意味 |
# |---|---|---|
# | 手書き数字 | handwritten digit | 手で書いた 0〜9 をスキャンしたもの。MNIST の画像 |
# | 訓練データ（学習データ） | training data | 重みをそれに合わせて調整するデータ |
# | テストデータ | test data | 取り分けておき、学習には使わず 1 回だけ見るデータ。新しいデータでの認識精度を見積もる |
# | 検証データ | validation data | 訓練データから切り出し、学習には使わず、学習の見守りと設定（学習率、幅、エポック数など）の選択に使うデータ |
# | 認識精度（正解率） | accuracy | 正しく分類できたデータの割合 |
# | 混同行列 | confusion matrix | （正解クラス, 予測クラス）の組ごとの個数。対角成分が正解 |
# | 誤分類 | misclassification | 予測クラスが正解クラスと違うデータ |
# | 正規化 | normalisation | 入力を大きさが 1 程度の範囲に縮め直すこと。ここでは $x/255$ |
# | 画素（ピクセル） | pixel | 画像の 1 つの灰色の値、0〜255 |
# | 過学習 | overfitting | 訓練データに、新しいデータよりずっとよく合ってしまうこと |
# | 早期終了（Early Stopping） | early stopping | 検証データの損失が改善しなくなったら止め、最良のエポックの重みを残すこと |
# | 許容エポック数（patience）（本講座の用語） | patience | 早期終了で止めるまでに許す、改善のない連続したエポックの数 |
# | Weight decay（荷重減衰） | weight decay | すべての勾配に $\lambda\theta$ を足すこと。罰則項 $\frac{\lambda}{2}\lVert\theta\rVert^2$ の勾配 |
# | 正則化 | regularisation | 過学習を減らすための、学習へのあらゆる変更 |
# | 中心化 | centring | すべての入力から平均画像を引くこと |
# | 固有値 | eigenvalue | 1つの主軸の方向に沿った曲率 $\lambda_i$ |
# | ヘッセ行列 | Hessian | 2階微分を並べた行列。2次関数では $A$ |
# | 汎化 | generalisation | 学習で見なかったデータでもうまくいくこと |
# | 学習曲線 | learning curve | 損失や認識精度をエポックに対して描いたグラフ |
# | ミニバッチ | mini-batch | 訓練データからランダムに選んだ小さな部分集合 |
# | エポック | epoch | 訓練データ全体を1回使い切ること |
# | Momentum（モーメンタム） | momentum | 過去の勾配をため込み、パラメータを動かし続けるバッファ |
# | データ拡張 | data augmentation | 少しだけ変えたコピー（ずらした画像など）でも学習させること |
# | 層化分割（層化抽出） | stratified split | 各クラスの割合がどちらの側でも同じになるような分割 |
# | 多層パーセプトロン | multi-layer perceptron (MLP) | 全結合のレイヤの間に活性化関数をはさんだもの |
# | 順伝播 | forward propagation | 入力から出力を、レイヤごとに順に計算すること |
# | 損失関数 / 交差エントロピー誤差 | loss function / cross-entropy (error) | ステップ 2: 出力がどれだけ間違っているかを表す 1 つの数（第1章） |
# | 連鎖律 | chain rule | 合成関数の微分は掛け算になる：$\frac{dy}{dx} = \frac{dy}{du}\frac{du}{dx}$ |
# | 誤差逆伝播法（逆伝播） | backpropagation | ネットワークの損失に対するリバースモードの自動微分 |
# | 勾配降下法 | gradient descent | $\theta \leftarrow \theta - \eta\nabla L(\theta)$ を繰り返すこと |
# | 学習率 | learning rate | 一歩の大きさ $\eta$ |

# %% [markdown] slideshow={"slide_type": "slide"} translates="dac871fd1566"
# ## この先に進むには
#
# あなたはニューラルネットワークの部品をすべてゼロから作り、本物のデータで学習させました。損失（第1章）、連鎖律と自動微分（第2章）、`forward` と `backward` を持つレイヤ（第3章）、ミニバッチでの勾配降下法と Momentum、Adam（第4章）、そして学習率と学習率スケジュール（第5章）です。この先に出てくるものは、どれもまさにこれらの部品の上に組み立てられています。
#
# - **畳み込みニューラルネットワーク（CNN）。** 私たちの MLP は、784 個の互いに無関係な数を見ているだけです。1 画素ずれても同じ数字だということを知りません（第8節）。畳み込み層は、小さな重みの組を 1 つだけ用意して画像全体の上をすべらせるので、この性質が最初から組み込まれています。小さな CNN でも MNIST で 99 % を超えます。その `backward` は、第3章の `Linear` とまったく同じように導けます。
# - **よりよい最適化手法と正則化。** 第4章の Adam は、大きなネットワークでまず選ばれる手法です。よく使われるその変種 AdamW は、第6節の Weight decay の $\lambda\theta$ を勾配に足すのではなく、重みを直接縮めます。勾配に足すと、Adam のパラメータごとのスケーリングで効き目が弱まってしまうからです。Dropout は、早期終了や Weight decay（第6節）と並ぶ過学習への対策です。
# - **自動微分を備えたフレームワーク。** PyTorch や JAX は、どんなプログラムの `backward` も自動で計算してくれます。第2章の `Value.backward()` を、配列に対して GPU 上で行うものです。誰もが一度はつまずく違いが 1 つあります。PyTorch の `loss.backward()` は、各パラメータの `.grad` にすでに入っている勾配に新しい勾配を*足し込みます*（複数の損失の勾配を合計できるように）。一方、私たちの `backward` は `model.grads` を上書きします。`optimizer.zero_grad()` を忘れると、どのステップもそれまでのすべての勾配の合計を使ってしまいます。どの部品にも、あなたがもう知っている名前があります。
#
# | この講座 | PyTorch | JAX（ライブラリ Optax と Flax を使う） |
# |---|---|---|
# | `softmax_cross_entropy(logits, targets)`（第1章） | `torch.nn.functional.cross_entropy(logits, targets)` | `optax.softmax_cross_entropy_with_integer_labels` |
# | `Value.backward()`（第2章）、`model.backward(...)`（第3章） | `loss.backward()` — 各 `.grad` に**足し込む**: 毎ステップの前に `optimizer.zero_grad()` を呼ぶ | `jax.grad(loss_fn)(params)`（毎回新しい勾配を返す） |
# | `Linear(784, 128)`（第3章） | `torch.nn.Linear(784, 128)`（$W^\top$ を保存する） | `flax.nnx.Linear(784, 128, rngs=...)` |
# | `SGD(lr, momentum=0.9, weight_decay=0.01)`（第4章、第6章） | `torch.optim.SGD(params, lr, momentum=0.9, weight_decay=0.01)` | `optax.chain(optax.add_decayed_weights(0.01), optax.sgd(lr, momentum=0.9))` |
# | `Adam(lr)`（第4章） | `torch.optim.Adam(params, lr)` | `optax.adam(lr)` |
# | `cosine_annealing(lr0, total_steps)`（第5章） | `torch.optim.lr_scheduler.CosineAnnealingLR` | `optax.cosine_decay_schedule` |
# | `training.fit(...)`（第5章） | 4 つのステップを回す自分のループ（第4節） | 同じく自分のループを `jax.jit` で |
# | `fit(..., early_stopping=5)`（第6章） | 自分のループで、最良のエポックの `copy.deepcopy(model.state_dict())` を取っておく | 自分のループで、最良の `params` を取っておく |
# | `train_test_split(..., stratify=y)`（第6章） | 同じ scikit-learn の呼び出し、または `torch.utils.data.random_split`（層化しない） | 同じ scikit-learn の呼び出し |
#
# 次の演習としておすすめなのは、第5節を PyTorch で書き直すことです（20 行ほどです）。そして、取り分けておいたデータで同じ認識精度に達するか確かめてみましょう。参考文献: 斎藤康毅『ゼロから作るDeep Learning』（オライリー・ジャパン）。そのレイヤのクラスは、私たちのものとよく似ています。Michael Nielsen の *Neural Networks and Deep Learning*（オンラインで無料、英語）。*Dive into Deep Learning*（d2l.ai、オンラインで無料、PyTorch と JAX のコード付き、英語）。Andrej Karpathy の動画シリーズ *Neural Networks: Zero to Hero*（英語）は、第2章のようなスカラーの自動微分エンジンから始まります。
#
# **最初に戻る:** [第1章 — 損失関数](01_loss_functions.ipynb)
