"""``emotext report``: one self-contained HTML file that tells where emotional value is made and lost.

Plotly draws the charts; its JavaScript is inlined once, so the file opens offline, in an email
attachment or on an intranet, and fetches nothing. Sections: NEV headline with CI, NEV trend,
NEV by segment with CIs, cluster shares, the Emotional Signature (heatmap of each segment's
emotion profile against the overall one), the most destroying evidence sentences per segment,
and the drivers of a rating.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .nev import EMOTION_COLUMNS, drivers, nev_table, signature
from .taxonomy import CLUSTER_IDS, EMOTION_IDS, display_name

COLORS = {"destroying": "#c0392b", "attention": "#e6a817", "recommendation": "#2e86c1", "advocacy": "#28a745"}


@dataclass
class ReportOptions:
    by: Sequence[str] = ()
    time_col: str | None = None
    freq: str = "W"
    rating_col: str | None = None
    min_n: int = 30
    title: str = "Customer emotions (emotext)"
    evidence_per_segment: int = 3


@dataclass
class _Page:
    sections: list[str] = field(default_factory=list)
    plots: int = 0

    def figure(self, fig: Any, title: str, note: str = "") -> None:
        fig.update_layout(margin={"l": 40, "r": 20, "t": 40, "b": 40}, template="plotly_white", height=420)
        body = fig.to_html(full_html=False, include_plotlyjs=self.plots == 0, div_id=f"plot-{self.plots}")
        self.plots += 1
        extra = f"<p class='note'>{html.escape(note)}</p>" if note else ""
        self.sections.append(f"<section><h2>{html.escape(title)}</h2>{extra}<div class='plot'>{body}</div></section>")

    def block(self, title: str, inner: str) -> None:
        self.sections.append(f"<section><h2>{html.escape(title)}</h2>{inner}</section>")


def build_report(tagged: pd.DataFrame, options: ReportOptions) -> str:
    import plotly.graph_objects as go

    page = _Page()
    overall = nev_table(tagged, min_n=options.min_n).iloc[0]
    shares = " · ".join(f"{display_name(c)} {overall[f'share_{c}']:.0%}" for c in CLUSTER_IDS)
    page.block(
        "Net Emotional Value",
        f"<div class='headline'><span class='nev'>{overall['nev']:+.3f}</span>"
        f"<span class='ci'>95% CI {overall['ci_low']:+.3f} … {overall['ci_high']:+.3f} · "
        f"n = {int(overall['n']):,}</span>"
        f"</div><p class='note'>Texts tagged per cluster: {html.escape(shares)}. NEV = mean intensity of the 12 "
        "positive emotions − mean intensity of the 8 destroying ones, per text, in [−1, 1].</p>",
    )

    if options.time_col:
        trend = nev_table(tagged, time_col=options.time_col, freq=options.freq, min_n=options.min_n)
        fig = go.Figure(
            [
                go.Scatter(x=trend["period"], y=trend["ci_high"], mode="lines", line={"width": 0}, showlegend=False),
                go.Scatter(
                    x=trend["period"],
                    y=trend["ci_low"],
                    mode="lines",
                    fill="tonexty",
                    fillcolor="rgba(46,134,193,0.2)",
                    line={"width": 0},
                    name="95% CI",
                ),
                go.Scatter(x=trend["period"], y=trend["nev"], mode="lines+markers", name="NEV", text=trend["n"]),
            ]
        )
        fig.update_yaxes(title="NEV")
        page.figure(fig, f"NEV over time (per {options.freq})")

    for col in options.by:
        table = nev_table(tagged, by=[col], min_n=options.min_n).sort_values("nev")
        rows = list(zip(table[col], table["n"], table["low_n"], table["nev"], strict=True))
        labels = [f"{v} (n={n}{', low n' if low else ''})" for v, n, low, _ in rows]
        colors = ["#bbbbbb" if low else ("#c0392b" if nev < 0 else "#28a745") for _, _, low, nev in rows]
        fig = go.Figure(
            go.Bar(
                x=table["nev"],
                y=labels,
                orientation="h",
                marker_color=colors,
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": (table["ci_high"] - table["nev"]).fillna(0),
                    "arrayminus": (table["nev"] - table["ci_low"]).fillna(0),
                },
            )
        )
        fig.update_xaxes(title="NEV (95% CI)")
        page.figure(fig, f"NEV by {col}", f"Grey bars: fewer than {options.min_n} texts.")

    share_key = options.by[0] if options.by else None
    share_table = nev_table(tagged, by=[share_key] if share_key else (), min_n=options.min_n)
    x = share_table[share_key].astype(str) if share_key else ["all texts"]
    fig = go.Figure(
        [go.Bar(name=display_name(c), x=x, y=share_table[f"share_{c}"], marker_color=COLORS[c]) for c in CLUSTER_IDS]
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title="share of texts tagged", tickformat=".0%")
    page.figure(fig, "Cluster shares" + (f" by {share_key}" if share_key else ""))

    if share_key:
        sig = signature(tagged, [share_key])
        z = sig[[f"{e}_vs_all" for e in EMOTION_IDS]].to_numpy()
        fig = go.Figure(
            go.Heatmap(
                z=z,
                x=[display_name(e) for e in EMOTION_IDS],
                y=sig[share_key].astype(str),
                colorscale="RdBu_r",
                zmid=0,
                colorbar={"title": "vs all"},
            )
        )
        page.figure(
            fig, f"Emotional Signature by {share_key}", "Mean intensity of each emotion minus its mean over all texts."
        )
    else:
        profile = tagged[EMOTION_COLUMNS].mean()
        fig = go.Figure(go.Bar(x=[display_name(e) for e in EMOTION_IDS], y=profile.to_numpy()))
        page.figure(fig, "Emotional Signature", "Mean intensity of each emotion over all texts.")

    page.block("Most destroying moments", _evidence_table(tagged, share_key, options.evidence_per_segment))

    if options.rating_col:
        table = drivers(tagged, options.rating_col)
        fig = go.Figure(
            go.Bar(
                x=[display_name(f) if f != "nev" else "NEV" for f in table["feature"]],
                y=table["spearman_rho"],
                marker_color=["#555555"] + ["#c0392b" if e in EMOTION_IDS[:8] else "#2e86c1" for e in EMOTION_IDS],
            )
        )
        fig.update_yaxes(title=f"Spearman ρ with {options.rating_col}", range=[-1, 1])
        n = int(table["n"].iloc[0])
        page.figure(fig, f"Drivers of {options.rating_col}", f"{n:,} texts with a rating.")

    return _html(options.title, page)


def _evidence_table(tagged: pd.DataFrame, key: str | None, per_segment: int) -> str:
    if "evidence" not in tagged.columns:
        return "<p class='note'>No evidence column in this table.</p>"
    rows: list[tuple[str, float, str, str]] = []
    groups = tagged.groupby(key, dropna=False, sort=True) if key else [("all", tagged)]
    for segment, group in groups:
        found: list[tuple[float, str, str]] = []
        for value in group["evidence"]:
            items = (
                json.loads(value) if isinstance(value, str) and value else (value if isinstance(value, list) else [])
            )
            found += [(float(e["score"]), e["emotion"], e["text"]) for e in items if e.get("cluster") == "destroying"]
        seen: set[str] = set()
        for score, emotion, text in sorted(found, key=lambda t: -t[0]):
            if text in seen:
                continue
            seen.add(text)
            rows.append((str(segment), score, emotion, text))
            if len(seen) >= per_segment:
                break
    if not rows:
        return "<p class='note'>No destroying emotions were tagged.</p>"
    body = "".join(
        f"<tr><td>{html.escape(s)}</td><td>{html.escape(display_name(e))}</td><td>{sc:.2f}</td>"
        f"<td>{html.escape(t)}</td></tr>"
        for s, sc, e, t in rows
    )
    head = f"<tr><th>{html.escape(key or 'segment')}</th><th>emotion</th><th>score</th><th>sentence</th></tr>"
    return f"<table class='evidence'>{head}{body}</table>"


def _html(title: str, page: _Page) -> str:
    style = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;color:#222}
h1{font-size:1.6em} h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ddd}
.headline .nev{font-size:2.4em;font-weight:600;margin-right:.6em} .ci{color:#555}
.note{color:#666;font-size:.9em} table.evidence{border-collapse:collapse;width:100%;font-size:.9em}
table.evidence td,table.evidence th{border-bottom:1px solid #eee;padding:4px 6px;text-align:left;vertical-align:top}
"""
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>{style}</style></head><body>"
        f"<h1>{html.escape(title)}</h1>{''.join(page.sections)}"
        "<p class='note'>Generated by emotext. Charts: Plotly (inlined; this file fetches nothing).</p>"
        "</body></html>"
    )
