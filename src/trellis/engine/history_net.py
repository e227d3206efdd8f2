"""``HistoryNet``: :class:`HistoryLogit` plus a small neural correction.

Why: the logistic model adds its features up; a gradient-boosted tree
ensemble on the very same features predicts better (AUC +0.008 on an
ASSISTments fold), so part of what is left is in how the features combine
("three right in a row" means more on an easy skill, after a slow start,
for a learner strong elsewhere). A one-hidden-layer network on the same
features captures much of that at a cost that still allows an O(1) online
update.

The logit is the fitted :class:`HistoryLogit` logit plus
``v . tanh(W x + b_k)`` where ``x`` is the history feature vector of the
response, ``b_k`` a learned vector per skill (skills unseen in training use
the shared bias only) and ``hidden`` units (default 16). The linear model is
fit first, exactly as ``HistoryLogit``; then ``W``, ``b`` and ``v`` are fit by
L-BFGS on the log loss with the linear logit as a fixed offset (an L2
penalty ``l2_hidden``), on at most ``hidden_rows`` seeded random rows of
90 % of the learners. The other 10 % (at least one learner) are held out:
if the network does not lower their log loss it is switched off
(``hidden_used_`` is False, the output weights are zero) and the model
predicts exactly as ``HistoryLogit`` — small or unusual data (a handful of
learners, hundreds of skills) would otherwise be overfit.

Online, the correction is one matrix-vector product (``hidden`` x number of
features) in NumPy, so ``update`` + ``predict_one`` stay O(1) and a few
microseconds. Batch prediction runs the same NumPy product row by row, so
batch and online predictions are bit-identical.

``mastery(state, skill)`` has the same meaning as for ``HistoryLogit``: the
expected probability of a right answer on the next item of the skill in
focused practice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from trellis.engine.base import NotFittedError, skill_names
from trellis.engine.history import HistoryLogit
from trellis.engine.responses import ResponseLog


def _log_loss(y: NDArray[Any], z: NDArray[np.float64]) -> float:
    """Mean log loss of logits ``z`` for 0/1 outcomes ``y`` (nan if empty)."""
    if z.shape[0] == 0:
        return float("nan")
    yf = y.astype(np.float64)
    return float(np.mean(np.logaddexp(0.0, z) - yf * z))


class HistoryNet(HistoryLogit):
    """``HistoryLogit`` + a one-hidden-layer correction (see module doc).

    Parameters: every ``HistoryLogit`` parameter, plus ``hidden`` (units),
    ``l2_hidden`` (penalty on the network's weights), ``hidden_iter``
    (L-BFGS iterations), ``hidden_rows`` (rows the network is fit on) and
    ``holdout`` (share of learners held out to decide whether the network
    is kept: ``hidden_used_``; if not, the model predicts as the linear one).
    """

    name = "history-net"

    def __init__(
        self,
        hidden: int = 16,
        l2_hidden: float = 1e-5,
        hidden_iter: int = 300,
        hidden_rows: int = 400_000,
        holdout: float = 0.1,
        **linear: Any,
    ) -> None:
        super().__init__(**linear)
        self.holdout = holdout
        self.hidden = hidden
        self.l2_hidden = l2_hidden
        self.hidden_iter = hidden_iter
        self.hidden_rows = hidden_rows

    # ------------------------------------------------------------ fitting
    def fit(self, log: ResponseLog) -> HistoryNet:
        for stale in ("out_coef_", "_bias"):  # a refit starts from nothing
            self.__dict__.pop(stale, None)
        super().fit(log)
        rng = np.random.default_rng(self.random_state + 1)
        # A tenth of the learners (at least one) is held out: the network is
        # kept only if it lowers their log loss, so on small or odd data the
        # model falls back to the linear one instead of overfitting.
        learners = np.unique(log.learner)
        n_held = int(round(self.holdout * learners.shape[0]))
        n_held = min(max(n_held, 1), learners.shape[0] - 1) if learners.shape[0] >= 2 else 0
        held = np.isin(log.learner, rng.permutation(learners)[:n_held])
        rows = np.flatnonzero(~held)
        if rows.shape[0] > self.hidden_rows:
            rows = np.sort(rng.choice(rows, self.hidden_rows, replace=False))
        val_rows = np.flatnonzero(held)
        if val_rows.shape[0] > self.hidden_rows // 4:
            val_rows = np.sort(rng.choice(val_rows, self.hidden_rows // 4, replace=False))
        x_all = self.history_features(log, np.concatenate([rows, val_rows]))
        x, x_val = x_all[: rows.shape[0]], x_all[rows.shape[0] :]
        del x_all
        sub = log.take(rows)
        val = log.take(val_rows)
        offset = self.linear_logits(sub, x)
        offset_val = self.linear_logits(val, x_val)
        y = sub.correct.astype(np.float64)
        sk = sub.skill.astype(np.int64)
        names = skill_names(log)
        n_sk, (m, d), h = len(names), x.shape, int(self.hidden)
        mu = x.mean(axis=0) if m else np.zeros(d)
        sd = x.std(axis=0) if m else np.ones(d)
        sd[sd < 1e-12] = 1.0
        x -= mu
        x /= sd
        sizes = np.cumsum([0, d * h, n_sk * h, h, h])
        l2 = self.l2_hidden
        m_eff = max(m, 1)
        # Rows sorted by skill: the per-skill bias gradient is then one
        # np.add.reduceat over contiguous runs instead of a bincount per unit.
        by_sk = np.argsort(sk, kind="stable")
        x, y, sk, offset = x[by_sk], y[by_sk], sk[by_sk], offset[by_sk]
        present = np.flatnonzero(np.bincount(sk, minlength=n_sk))
        run_starts = np.searchsorted(sk, present)

        def unpack(
            w: NDArray[np.float64],
        ) -> tuple[
            NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]
        ]:
            return (
                w[sizes[0] : sizes[1]].reshape(d, h),
                w[sizes[1] : sizes[2]].reshape(n_sk, h),
                w[sizes[2] : sizes[3]],
                w[sizes[3] : sizes[4]],
            )

        def loss(w: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
            wh, emb, c, v = unpack(w)
            act = x @ wh
            act += emb[sk]
            act += c
            np.tanh(act, out=act)
            z = offset + act @ v
            val = float(np.sum(np.logaddexp(0.0, z) - y * z)) / m_eff
            val += 0.5 * l2 * float(np.sum(wh * wh) + np.sum(emb * emb) + v @ v)
            r = (1.0 / (1.0 + np.exp(-z)) - y) / m_eff
            g_v = act.T @ r + l2 * v
            # da = r v (1 - act^2), in place over act
            np.multiply(act, act, out=act)
            np.subtract(1.0, act, out=act)
            act *= v
            act *= r[:, None]
            da = act
            g_emb = np.zeros((n_sk, h))
            if m:
                g_emb[present] = np.add.reduceat(da, run_starts, axis=0)
            g = np.concatenate(
                [
                    (x.T @ da + l2 * wh).ravel(),
                    (g_emb + l2 * emb).ravel(),
                    da.sum(axis=0),
                    g_v,
                ]
            )
            return val, g

        w0 = np.zeros(int(sizes[-1]))
        w0[: sizes[1]] = rng.normal(0.0, 0.1, d * h)
        w0[sizes[3] :] = rng.normal(0.0, 0.1, h)
        res = minimize(loss, w0, jac=True, method="L-BFGS-B", options={"maxiter": self.hidden_iter})
        wh, emb, c, v = unpack(res.x)
        # keep the network only if it helps the held-out learners
        self.holdout_loss_linear_ = _log_loss(val.correct, offset_val)
        z_val = offset_val + np.tanh(((x_val - mu) / sd) @ wh + emb[val.skill] + c) @ v
        self.holdout_loss_ = _log_loss(val.correct, z_val)
        self.hidden_used_ = bool(
            val_rows.shape[0] == 0 or self.holdout_loss_ < self.holdout_loss_linear_
        )
        if not self.hidden_used_:
            v = np.zeros_like(v)
        # back to raw features: W x_std = (W / sd) x - (W / sd) mu
        w_raw = wh / sd[:, None]
        c_raw = c - mu @ w_raw
        seen = np.bincount(log.skill, minlength=n_sk) > 0
        self.hidden_coef_ = np.ascontiguousarray(w_raw, dtype=np.float64)
        self.hidden_intercept_ = c_raw.astype(np.float64)
        self.skill_hidden_ = (emb[seen] + c_raw).astype(np.float64)
        self.out_coef_ = v.astype(np.float64).copy()
        self.hidden_n_iter_ = int(res.nit)
        self._index()
        return self

    def _index(self) -> None:
        super()._index()
        if hasattr(self, "out_coef_"):
            # Per skill one matrix [W | linear weights]: a single
            # matrix-vector product gives the hidden pre-activations and the
            # linear sum (the O(1) online cost is one small gemv).
            def stack(comb: tuple[float, ...]) -> NDArray[np.float64]:
                lin = np.asarray(comb, dtype=np.float64)[:, None]
                return np.ascontiguousarray(np.hstack([self.hidden_coef_, lin]))

            self._mat = {s: stack(c) for s, c in self._comb.items()}
            self._mat_default = stack(self._comb_default)
            self._bias = {
                s: np.array(row, dtype=np.float64)
                for s, row in zip(self.skills_, self.skill_hidden_.tolist(), strict=True)
            }

    def _check(self) -> None:
        super()._check()
        if not hasattr(self, "_bias"):
            raise NotFittedError("HistoryNet is not fitted; call fit() or from_dict() first")

    # --------------------------------------------------------- prediction
    def _row_logit(self, x: NDArray[np.float64], skill: str, item: str | None) -> float:
        """The logit of one feature row; batch and online both call this."""
        a = x @ self._mat.get(skill, self._mat_default)
        h = int(self.hidden)
        act = np.tanh(a[:h] + self._bias.get(skill, self.hidden_intercept_))
        z = self.intercept_ + self._skill_w.get(skill, self._zero)[0]
        z = z + (self._item_w.get(item, 0.0) if item is not None else 0.0)
        return float(z + a[h] + act @ self.out_coef_)

    def _logit(self, x: list[float], skill: str, item: str | None = None) -> float:
        return self._row_logit(np.array(x, dtype=np.float64), skill, item)

    def predict_proba(self, log: ResponseLog) -> NDArray[np.float64]:
        """P(correct) of each response from the learner's earlier responses,
        in the log's row order (bit-identical to the online path)."""
        self._check()
        x = self.history_features(log)
        names = skill_names(log)
        items: list[str | None] = [None] * len(log)
        if log.item is not None and log.item_ids:
            items = [log.item_ids[i] for i in log.item.tolist()]
        out = np.empty(len(log), dtype=np.float64)
        for i, k in enumerate(log.skill.tolist()):
            v = self._row_logit(np.array(x[i], dtype=np.float64), names[k], items[i])
            out[i] = 1.0 / (1.0 + math.exp(-v))
        return out

    # ------------------------------------------------------ serialisation
    def get_params(self) -> dict[str, Any]:
        return {
            **super().get_params(),
            "hidden": self.hidden,
            "l2_hidden": self.l2_hidden,
            "hidden_iter": self.hidden_iter,
            "hidden_rows": self.hidden_rows,
            "holdout": self.holdout,
        }

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(
            {
                "hidden_coef": self.hidden_coef_.tolist(),
                "hidden_intercept": self.hidden_intercept_.tolist(),
                "skill_hidden": self.skill_hidden_.tolist(),
                "out_coef": self.out_coef_.tolist(),
            }
        )
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> HistoryNet:
        m = super().from_dict(d)
        assert isinstance(m, HistoryNet)
        h = int(m.hidden)
        m.hidden_coef_ = np.ascontiguousarray(
            np.asarray(d["hidden_coef"], dtype=np.float64).reshape(-1, h)
        )
        m.hidden_intercept_ = np.asarray(d["hidden_intercept"], dtype=np.float64)
        m.skill_hidden_ = np.asarray(d["skill_hidden"], dtype=np.float64).reshape(-1, h)
        m.out_coef_ = np.asarray(d["out_coef"], dtype=np.float64)
        m._index()
        return m
