"""Chapter 5 exercise checkers: the reference passes, each plausible mistake gets its targeted hint."""

import numpy as np
import pytest

from course_lib.exercises import check


# ------------------------------------------------------------------ references
def critical_rate(H):
    return 2.0 / np.linalg.eigvalsh(H)[-1]


def factors(H, lr):
    return 1.0 - lr * np.linalg.eigvalsh(H)


def step_decay(lr0, drop, every):
    def schedule(step):
        return lr0 * drop ** (step // every)

    return schedule


def closed_form(H, x0, lr, t):
    lam, Q = np.linalg.eigh(H)
    return Q @ ((1.0 - lr * lam) ** t * (Q.T @ x0))


def rate_from_hvp(hvp, n):
    H = np.column_stack([hvp(e) for e in np.eye(n)])
    return 2.0 / np.linalg.eigvalsh(H)[-1]


def momentum_limit(lam_max, momentum, nesterov=False):
    if nesterov:
        return 2 * (1 + momentum) / ((1 + 2 * momentum) * lam_max)
    return 2 * (1 + momentum) / lam_max


@pytest.mark.parametrize("exercise_id, reference", [
    ("5.1", critical_rate), ("5.2", factors), ("5.3", step_decay), ("5.4", closed_form),
    ("5.5", rate_from_hvp), ("5.6", momentum_limit),
])
def test_reference_passes(exercise_id, reference):
    assert check(exercise_id, reference)


def _fails_with(exercise_id, answer, hint):
    result = check(exercise_id, answer)
    assert not result
    assert hint in result.message, result.message
    assert not result.message.startswith(("Exercise", exercise_id))


# ------------------------------------------------------------------ 5.1
@pytest.mark.parametrize("answer, hint", [
    (lambda H: 1.0 / np.linalg.eigvalsh(H)[-1], "1/λ_max"),
    (lambda H: 2.0 / np.linalg.eigvalsh(H)[0], "smallest eigenvalue"),
    (lambda H: 2.0 / np.linalg.eigvals(H).astype(complex)[-1], "complex"),
    (lambda H: np.array([critical_rate(H)] * 2), "one number"),
    (lambda H: float("nan"), "NaN"),
    (lambda H: "0.2", "expected numbers"),
    (lambda H: 2.0 / np.linalg.eigvalsh(H)[1], "not the largest"),
])
def test_critical_rate_hints(answer, hint):
    _fails_with("5.1", answer, hint)


# ------------------------------------------------------------------ 5.2
@pytest.mark.parametrize("answer, hint", [
    (lambda H, lr: np.abs(1.0 - lr * np.linalg.eigvalsh(H)), "keep the sign"),
    (lambda H, lr: (1.0 - lr * np.linalg.eigvalsh(H))[::-1], "smallest λ first"),
    (lambda H, lr: 1.0 - lr * np.linalg.eigvalsh(H) + 0j * 1j + 1e-3j, "complex"),
    (lambda H, lr: 1.0 + lr * np.linalg.eigvalsh(H), "1 − lr·λ"),
    (lambda H, lr: ["a"] * len(H), "expected numbers"),
])
def test_contraction_hints(answer, hint):
    _fails_with("5.2", answer, hint)


# ------------------------------------------------------------------ 5.3
def _early(lr0, drop, every):
    return lambda step: lr0 * drop ** ((step + 1) // every)


def _counting(lr0, drop, every):
    state = {"calls": 0}

    def schedule(step):  # ignores `step`: counts its own calls
        value = lr0 * drop ** (state["calls"] // every)
        state["calls"] += 1
        return value

    return schedule


@pytest.mark.parametrize("answer, hint", [
    (_early, "one step early"),
    (_counting, "do not count calls"),
    (lambda lr0, drop, every: lr0 * drop, "return a function"),
    (lambda lr0, drop, every: (lambda step: lr0 * drop ** (step / every)), "step // every"),
    (lambda lr0, drop, every: (lambda step: None), "expected numbers"),
])
def test_step_decay_hints(answer, hint):
    _fails_with("5.3", answer, hint)


# ------------------------------------------------------------------ 5.4: no loop over the steps
def loop_answer(H, x0, lr, t):
    x = x0.copy()
    for _ in range(t):
        x = x - lr * H @ x
    return x


def while_answer(H, x0, lr, t):
    x, k = x0.copy(), 0
    while k < t:
        x, k = x - lr * H @ x, k + 1
    return x


def recursive_answer(H, x0, lr, t):
    return x0 if t == 0 else recursive_answer(H, x0 - lr * H @ x0, lr, t - 1)


def comprehension_answer(H, x0, lr, steps):
    M = np.eye(len(x0)) - lr * H
    mats = [M for _ in range(steps)]
    out = x0
    for m in mats:  # noqa: B007  (the loop is over the steps' matrices)
        out = m @ out
    return out


def library_answer(H, x0, lr, t):
    from course_lib.optim import gradient_descent
    return gradient_descent(lambda x: H @ x, x0, lr, t)[-1]


def loop_over_eigenvalues(H, x0, lr, t):  # allowed: the loop is over the d eigenvalues
    lam, Q = np.linalg.eigh(H)
    scale = np.array([(1.0 - lr * value) ** t for value in lam])
    return Q @ (scale * (Q.T @ x0))


@pytest.mark.parametrize("answer, hint", [
    (loop_answer, "loop over range(t)"),
    (while_answer, "while loop"),
    (recursive_answer, "recursive call"),
    (comprehension_answer, "comprehension over the steps"),
    (library_answer, "do not call gradient_descent"),
    (lambda H, x0, lr, t: np.full_like(x0, np.nan), "NaN"),
    (lambda H, x0, lr, t: (1.0 - lr * np.linalg.eigvalsh(H)) ** t * x0, "Q diag"),
])
def test_closed_form_hints(answer, hint):
    _fails_with("5.4", answer, hint)


def test_closed_form_allows_a_loop_over_eigenvalues():
    assert check("5.4", loop_over_eigenvalues)


def test_closed_form_without_source_still_rejects_loops():
    namespace = {}
    exec("def gd(H, x0, lr, t):\n    x = x0\n    for _ in range(t):\n        x = x - lr * H @ x\n"
         "    return x\n", {"np": np}, namespace)
    _fails_with("5.4", namespace["gd"], "loop")


# ------------------------------------------------------------------ 5.5
def _batched(hvp, n):
    return 2.0 / np.linalg.eigvalsh(hvp(np.eye(n)))[-1]


def _twice(hvp, n):
    H = np.column_stack([hvp(e) for e in np.eye(n)])
    H = np.column_stack([hvp(e) for e in np.eye(n)])
    return 2.0 / np.linalg.eigvalsh(H)[-1]


def _largest_magnitude(hvp, n):
    lams = np.linalg.eigvalsh(np.column_stack([hvp(e) for e in np.eye(n)]))
    return 2.0 / np.max(np.abs(lams))


def _random_probes(hvp, n):
    rng = np.random.default_rng(0)
    probes = rng.normal(size=(n, n))
    HP = np.column_stack([hvp(p) for p in probes])
    return 2.0 / np.linalg.eigvalsh(HP @ np.linalg.inv(probes.T))[-1]


@pytest.mark.parametrize("answer, hint", [
    (_batched, "one flat vector"),
    (_twice, "exactly n products"),
    (_largest_magnitude, "largest magnitude"),
    (_random_probes, "unit vectors"),
    (lambda hvp, n: 1.0 / np.linalg.eigvalsh(np.column_stack([hvp(e) for e in np.eye(n)]))[-1], "1/λ_max"),
    (lambda hvp, n: 2.0 / np.linalg.eig(np.column_stack([hvp(e) for e in np.eye(n)]))[0].astype(complex)[0],
     "complex"),
])
def test_rate_from_hvp_hints(answer, hint):
    _fails_with("5.5", answer, hint)


# ------------------------------------------------------------------ 5.6
@pytest.mark.parametrize("answer, hint", [
    (lambda lam, mu, nesterov=False: 2 / lam, "ignores the momentum"),
    (lambda lam, mu, nesterov=False: 2 * (1 - mu) / lam, "grows with momentum"),
    (lambda lam, mu, nesterov=False: 2 / ((1 - mu) * lam), "effective"),
    (lambda lam, mu, nesterov=False: 2 * (1 + mu) / lam, "heavy-ball limit"),
    (lambda lam, mu, nesterov=False: 2 * (1 + mu) / ((1 + 2 * mu) * lam), "Nesterov's limit"),
    (lambda lam, mu, nesterov=False: complex(2 * (1 + mu) / lam), "complex"),
    (lambda lam, mu, nesterov=False: [1.0, 2.0], "one number"),
])
def test_momentum_limit_hints(answer, hint):
    _fails_with("5.6", answer, hint)


# ------------------------------------------------------------------ every message in Japanese too
JA_CASES = [
    ("5.1", lambda H: 1.0 / np.linalg.eigvalsh(H)[-1], "1/λ_max を返しています"),
    ("5.1", lambda H: "0.2", "数値が返るはず"),
    ("5.1", lambda H: float("nan"), "NaN か inf"),
    ("5.2", lambda H, lr: np.abs(1.0 - lr * np.linalg.eigvalsh(H)), "符号は残して"),
    ("5.2", lambda H, lr: 1.0 + lr * np.linalg.eigvalsh(H), "ヒント"),
    ("5.3", _early, "1 ステップ早すぎ"),
    ("5.3", _counting, "呼び出し回数を数えたり"),
    ("5.4", loop_answer, "range(t) についてのループ"),
    ("5.4", while_answer, "while ループ"),
    ("5.4", recursive_answer, "再帰呼び出し"),
    ("5.4", library_answer, "gradient_descent は呼ばないで"),
    ("5.5", _batched, "平らなベクトル"),
    ("5.5", _twice, "ちょうど n 回"),
    ("5.5", _largest_magnitude, "絶対値が最大"),
    ("5.6", lambda lam, mu, nesterov=False: 2 * (1 + mu) / lam, "重球法"),
    ("5.6", lambda lam, mu, nesterov=False: 1.0, "正しくは"),
]


@pytest.fixture
def japanese():
    import course_lib
    course_lib.setup_notebook(0, lang="ja")
    yield
    course_lib.setup_notebook(0, lang="en")


@pytest.mark.parametrize("exercise_id, answer, hint", JA_CASES)
def test_hints_in_japanese(japanese, exercise_id, answer, hint):
    result = check(exercise_id, answer)
    assert not result
    assert hint in result.message, result.message


@pytest.mark.parametrize("exercise_id, reference", [
    ("5.1", critical_rate), ("5.2", factors), ("5.3", step_decay), ("5.4", closed_form),
    ("5.5", rate_from_hvp), ("5.6", momentum_limit),
])
def test_pass_messages_in_japanese(japanese, exercise_id, reference):
    result = check(exercise_id, reference)
    assert result
    assert any("\u3040" <= ch <= "\u9fff" for ch in result.message), result.message
