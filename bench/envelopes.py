"""Envelope benchmark: the app's renderer against a bare ReportLab loop (not a test).

Run from the repository root::

    python bench/envelopes.py [--size DL] [--count 1000] [--peak-count 10000]

For each posting country (DE: international mail, the envelope as most writers print it; RU:
domestic Russian mail, with the labels, writing rules and index stencil), it

1. builds 1,000 envelopes through the app's own path: generated prisoners and facilities →
   ``letters.addressing.recipient_block`` → ``data.Envelope``;
2. times ``render_envelopes`` on them against a bare ReportLab loop drawing the same lines at
   fixed positions (same page size, same embedded font, same compression, no fitting), both
   into temporary files: CPU time, best of 3 each, runs interleaved; prints both and the ratio
   (and, for information, the ratio with the addressing step counted on the app's side);
3. prints the bytes each extra envelope adds (the size of 1,001 envelopes minus that of one,
   over 1,000: the embedded font is paid once);

and finally renders 10,000 envelopes streamed from a generator in a fresh subprocess and prints
that process's peak resident memory (``resource.getrusage(RUSAGE_SELF).ru_maxrss``, which
includes the interpreter and imports; the baseline before rendering is printed beside it).

Goals (issue 3): ratio ≤ 1.5; ≤ 1.5 KB per extra envelope; 10,000 envelopes under 200 MB.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout

from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from letters.addressing import PostalAddress, Recipient, recipient_block  # noqa: E402
from letters.printing.data import Envelope  # noqa: E402
from letters.printing.envelopes import envelope_format, render_envelopes  # noqa: E402
from letters.printing.fonts import REGULAR, register_fonts  # noqa: E402

GOALS = {"ratio": 1.5, "bytes_per_envelope": 1536, "peak_mb": 200}

FAMILY_NAMES = [
    ("Пчелинцев", "Дмитрий", "Дмитриевич", "Dmitry Pchelintsev"),
    ("Иванова", "Анна", "Сергеевна", "Anna Ivanova"),
    ("Черных", "Иван", "Петрович", "Ivan Chernykh"),
    ("Кулик", "Мария", "Сергеевна", "Maria Kulik"),
    ("Смирнов", "Алексей", "Викторович", "Alexey Smirnov"),
    ("Колесникова", "Мария", "Александровна", "Maria Kalesnikava"),
]
LATIN_NAMES = [("Doe", "John"), ("Roe", "Jane"), ("Smith", "Alex"), ("Weber", "Lena")]
RU_FACILITIES = [
    PostalAddress(
        "ФКУ СИЗО-1 УФСИН России по Пензенской области",
        "RU",
        "ул. Каракозова, 30",
        "г. Пенза",
        country_area="Пензенская область",
        postal_code="440039",
    ),
    PostalAddress(
        "ФКУ ИК-6 УФСИН России по Владимирской области",
        "RU",
        "ул. Новая, 1",
        "г. Мелехово",
        country_area="Владимирская область",
        postal_code="601966",
    ),
]
OTHER_FACILITIES = [
    PostalAddress("ИК №4", "BY", "ул. Антошкина, 3", "г. Гомель", postal_code="246035"),
    PostalAddress(
        "FCI Dublin",
        "US",
        "5701 8th St. - Camp Parks",
        "Dublin",
        country_area="CA",
        postal_code="94568",
    ),
    PostalAddress("HMP Brixton", "GB", "Jebb Avenue", "London", postal_code="SW2 5XF"),
    PostalAddress("JVA Rosdorf", "DE", "Am Großen Sieke 8", "Rosdorf", postal_code="37124"),
]
RETURN_LINES = {
    "DE": ("Soli-Gruppe Briefe", "Postfach 12 34", "10999 Berlin", "GERMANY"),
    "RU": ("Петрова Ольга Ивановна", "ул. Ленина, д. 1, кв. 2", "г. Москва", "123456"),
}


def prisoners(count: int, seed: int = 3) -> Iterator[tuple[Recipient, PostalAddress]]:
    """Generated prisoners: two thirds in Russia (as on the lists the groups keep), the rest in
    Belarus, the US, the UK and Germany; names and numbers vary so no two blocks are alike."""
    rng = random.Random(seed)
    for number in range(count):
        if rng.random() < 2 / 3:
            family, given, patronymic, latin = rng.choice(FAMILY_NAMES)
            recipient = Recipient(
                family, given, patronymic, latin_name=latin, birth_year=rng.randint(1950, 2004)
            )
            yield recipient, rng.choice(RU_FACILITIES)
            continue
        address = rng.choice(OTHER_FACILITIES)
        if address.country_code == "BY":
            family, given, patronymic, _latin = rng.choice(FAMILY_NAMES)
            recipient = Recipient(family, given, patronymic, birth_year=rng.randint(1950, 2004))
        else:
            family, given = rng.choice(LATIN_NAMES)
            recipient = Recipient(
                family, given, prisoner_number=f"{number:05d}-{rng.randint(0, 999):03d}"
            )
        yield recipient, address


def envelopes(count: int, posted_from: str) -> Iterator[Envelope]:
    """The app's path: each prisoner's recipient block, as the print service builds it."""
    for recipient, address in prisoners(count):
        yield Envelope(
            recipient_lines=recipient_block(recipient, address, posted_from).lines,
            destination_country=address.country_code,
            posted_from=posted_from,
            return_lines=RETURN_LINES[posted_from],
            postal_code=address.postal_code,
        )


def bare_render(items: Iterable[Envelope], size: str, out: BinaryIO) -> int:
    """What the renderer must not be much slower than: the same lines, drawn where they fall."""
    register_fonts()
    width, height = envelope_format(size).size
    canvas = Canvas(out, pagesize=(width, height), pageCompression=1, invariant=1)
    pages = 0
    for envelope in items:
        canvas.setFont(REGULAR, 10)
        y = height - 40
        for line in envelope.return_lines:
            canvas.drawString(30, y, line)
            y -= 12
        canvas.setFont(REGULAR, 12)
        y = height / 2
        for line in envelope.recipient_lines:
            canvas.drawString(width * 0.45, y, line)
            y -= 14.4
        canvas.showPage()
        pages += 1
    canvas.save()
    return pages


Renderer = Callable[[Iterable[Envelope], str, BinaryIO], int]


def best_times(
    renderers: Sequence[Renderer], items: list[Envelope], size: str, repeat: int = 3
) -> list[float]:
    """Best of ``repeat`` CPU times for each renderer, the runs interleaved.

    CPU time of this process (``time.process_time``), not wall time: the work is
    single-threaded and CPU-bound, and on a shared machine a neighbour's burst would otherwise
    land on one side of the ratio. Interleaving spreads any remaining drift over both sides.
    """
    best = [float("inf")] * len(renderers)
    for _ in range(repeat):
        for index, render in enumerate(renderers):
            with tempfile.TemporaryFile() as out:
                start = time.process_time()
                render(items, size, out)
                best[index] = min(best[index], time.process_time() - start)
    return best


def pdf_size(render: Renderer, items: list[Envelope], size: str) -> int:
    with tempfile.TemporaryFile() as out:
        render(items, size, out)
        return out.tell()


def peak_child(count: int, size: str, posted_from: str) -> None:
    """In the subprocess: stream ``count`` envelopes from a generator, print RSS figures (KB)."""
    register_fonts()
    baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryFile() as out:
        pages = render_envelopes(envelopes(count, posted_from), size, out)
        written = out.tell()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux
    print(pages, baseline, peak, written)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="DL")
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--peak-count", type=int, default=10_000)
    parser.add_argument("--from", dest="posted_from", action="append", choices=["DE", "RU"])
    parser.add_argument("--peak-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    posted = args.posted_from or ["DE", "RU"]
    if args.peak_child:
        peak_child(args.peak_child, args.size, posted[0])
        return

    register_fonts()  # once, outside every timing: both sides use the registered font
    print(f"{args.count} envelopes, {args.size}; CPU seconds, best of 3 each, interleaved")
    for posted_from in posted:
        start = time.process_time()
        items = list(envelopes(args.count, posted_from))
        addressing = time.process_time() - start
        app, bare = best_times([render_envelopes, bare_render], items, args.size)
        one = pdf_size(render_envelopes, items[:1], args.size)
        more = pdf_size(render_envelopes, [*items, items[0]], args.size)
        bare_more = pdf_size(bare_render, [*items, items[0]], args.size)
        bare_one = pdf_size(bare_render, items[:1], args.size)
        per_envelope = (more - one) / args.count
        print(f"\nposted from {posted_from}")
        print(f"  addressing (recipient_block × {args.count}): {addressing:.3f} s")
        print(f"  app renderer:  {app:.3f} s")
        print(f"  bare loop:     {bare:.3f} s")
        print(f"  ratio:         {app / bare:.2f}  (goal ≤ {GOALS['ratio']})")
        print(
            f"  with addressing: {(app + addressing) / bare:.2f} "
            "(app path incl. recipient_block vs bare drawing)"
        )
        print(
            f"  bytes per extra envelope: {per_envelope:.0f} B "
            f"(goal ≤ {GOALS['bytes_per_envelope']}; bare loop "
            f"{(bare_more - bare_one) / args.count:.0f} B; one envelope {one} B)"
        )

    for posted_from in posted:
        result = subprocess.run(  # noqa: S603 - our own interpreter and script
            [
                sys.executable,
                __file__,
                "--peak-child",
                str(args.peak_count),
                "--size",
                args.size,
                "--from",
                posted_from,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        pages, baseline, peak, written = (int(v) for v in result.stdout.split())
        print(
            f"\npeak memory, {pages} envelopes from a generator, posted from {posted_from}: "
            f"{peak / 1024:.0f} MB ru_maxrss (goal < {GOALS['peak_mb']} MB; "
            f"{baseline / 1024:.0f} MB before rendering; PDF {written / 1e6:.1f} MB)"
        )


if __name__ == "__main__":
    main()
