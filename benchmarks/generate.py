"""A deterministic book-scale Markdown document: chapters, sections, lists, code, tables and footnotes."""
from __future__ import annotations

import argparse
import random
from pathlib import Path

_WORDS = (
    "trade talks tariff export control rare earth supply chain market policy summit leader agreement "
    "minister delegation consensus shipping port logistics industry farmer soybean chip semiconductor "
    "license review framework investment currency bond yield inflation growth forecast quarter factory "
    "worker wage union province city river mountain harvest season archive letter chapter volume "
    "editor reader printer paper ink margin column figure table note source record history memory "
    "the a of and to in that for on with as by at from it this which was were be is are"
).split()
_NAMES = ("Alder", "Birch", "Cedar", "Daphne", "Elm", "Fir", "Gorse", "Hazel", "Ivy", "Juniper")


class Book:
    """Writes one book's Markdown with a seeded generator, so the same arguments give the same text."""

    def __init__(self, seed: int, max_notes: int | None = None) -> None:
        self.rnd = random.Random(seed)
        self.max_notes = max_notes
        self.words = 0
        self.note = 0
        self.notes: list[str] = []

    def sentence(self, low: int = 8, high: int = 22) -> str:
        n = self.rnd.randint(low, high)
        self.words += n
        words = [self.rnd.choice(_WORDS) for _ in range(n)]
        roll = self.rnd.random()
        if roll < 0.08:
            i = self.rnd.randrange(n)
            words[i] = f"*{words[i]}*"
        elif roll < 0.12:
            i = self.rnd.randrange(n)
            words[i] = f"**{words[i]}**"
        elif roll < 0.15:
            i = self.rnd.randrange(n)
            words[i] = f"`{words[i]}()`"
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        text = " ".join(self.sentence() for _ in range(self.rnd.randint(3, 7)))
        if self.rnd.random() < 0.3 and (self.max_notes is None or self.note < self.max_notes):
            self.note += 1
            self.notes.append(f"[^n{self.note}]: {self.sentence(6, 18)}")
            text += f"[^n{self.note}]"
        return text

    def bullet_list(self) -> str:
        items = [f"- {self.sentence(4, 12)}" for _ in range(self.rnd.randint(3, 6))]
        if self.rnd.random() < 0.4:
            items.insert(1, "  1. " + self.sentence(3, 8) + "\n  2. " + self.sentence(3, 8))
        return "\n".join(items)

    def ordered_list(self) -> str:
        return "\n".join(f"{i}. {self.sentence(4, 12)}" for i in range(1, self.rnd.randint(3, 6) + 1))

    def code(self) -> str:
        name = self.rnd.choice(_WORDS)
        lines = [f"def {name}_{self.rnd.randint(1, 99)}(rows):", "    total = 0"]
        for _ in range(self.rnd.randint(2, 6)):
            lines.append(f"    total += rows.get('{self.rnd.choice(_WORDS)}', {self.rnd.randint(1, 999)})")
        lines.append("    return total")
        self.words += 4 * len(lines)
        return "```python\n" + "\n".join(lines) + "\n```"

    def table(self) -> str:
        cols = self.rnd.randint(3, 5)
        head = "| " + " | ".join(self.rnd.choice(_NAMES) for _ in range(cols)) + " |"
        rule = "|" + "|".join(self.rnd.choice([":---", "---:", ":---:", "---"]) for _ in range(cols)) + "|"
        rows = []
        for _ in range(self.rnd.randint(3, 8)):
            cells = [self.rnd.choice(_WORDS) if c == 0 else f"{self.rnd.uniform(0, 1000):.2f}" for c in range(cols)]
            rows.append("| " + " | ".join(cells) + " |")
        self.words += cols * (len(rows) + 1)
        return "\n".join([head, rule, *rows])

    def block(self) -> str:
        roll = self.rnd.random()
        if roll < 0.70:
            return self.paragraph()
        if roll < 0.78:
            return self.bullet_list()
        if roll < 0.83:
            return self.ordered_list()
        if roll < 0.90:
            return self.code()
        if roll < 0.95:
            return self.table()
        return "> " + self.paragraph()

    def markdown(self, target_words: int) -> str:
        parts = [
            "---",
            'title: "A Generated Book for Benchmarks"',
            "author: [publish benchmarks]",
            "date: 2024-01-01",
            "lang: en",
            "publisher: Benchmark Press",
            'rights: "Generated text; no rights reserved."',
            "---",
            "",
        ]
        chapter = 0
        while self.words < target_words:
            chapter += 1
            parts.append(f"## Chapter {chapter}: {self.sentence(2, 5)[:-1]}\n")
            for section in range(1, self.rnd.randint(3, 5) + 1):
                parts.append(f"### {chapter}.{section} {self.sentence(2, 6)[:-1]}\n")
                for _ in range(self.rnd.randint(6, 14)):
                    parts.append(self.block() + "\n")
        parts.append("\n".join(self.notes) + "\n")
        return "\n".join(parts)


def generate(path: Path, words: int = 150_000, seed: int = 9, max_notes: int | None = None) -> Path:
    """Write a book of at least ``words`` words to ``path`` (same arguments, same bytes). With
    ``max_notes`` at most that many footnotes: the default theme sets a document of more than 10
    in one column, so a book of 10 takes the two-column path most articles take."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(Book(seed, max_notes).markdown(words), encoding="utf-8")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--words", type=int, default=150_000)
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--max-notes", type=int, default=None, help="at most this many footnotes (10: two columns in the default theme)")
    args = parser.parse_args()
    generate(args.path, args.words, args.seed, args.max_notes)


if __name__ == "__main__":
    main()
