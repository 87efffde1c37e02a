"""The article's direction and the language guessed from its script: pandoc's `dir`, the language's
direction, the script of the text (Arabic, Persian, Urdu, Hebrew, Indic, Thai, Khmer, Greek, Cyrillic),
each paragraph's own direction; expectations written from the scripts' letters, not from publish."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from publish.errors import PublishError
from publish.read.article import read_document
from publish.read.language import (complex_language, infer_script_language, language_direction, language_script,
                                   text_direction, text_script)


def _read(tmp_path: Path, text: str):
    path = tmp_path / "post.md"
    path.write_text(text, "utf-8")
    return read_document(path)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("بدأت الوفود صباح الاثنين جولة جديدة من المحادثات حول الرسوم الجمركية على السلع الزراعية", "ar"),
        ("هیئت‌ها صبح دوشنبه دور تازه‌ای از گفتگوها درباره تعرفه‌های گمرکی کالاهای کشاورزی را آغاز کردند", "fa"),
        ("وفود نے پیر کی صبح زرعی اشیاء پر کسٹم ڈیوٹی کے بارے میں بات چیت کا نیا دور شروع کیا اور کہا کہ یہ اچھا ہے", "ur"),
        ("המשלחות פתחו ביום שני בבוקר סבב חדש של שיחות על המכסים על מוצרי חקלאות", "he"),
        ("प्रतिनिधिमंडलों ने सोमवार सुबह कृषि वस्तुओं पर सीमा शुल्क के बारे में बातचीत का नया दौर शुरू किया", "hi"),
        ("প্রতিনিধিদল সোমবার সকালে কৃষিপণ্যের শুল্ক নিয়ে আলোচনার নতুন পর্ব শুরু করেছে", "bn"),
        ("பிரதிநிதிகள் திங்கள் காலை விவசாயப் பொருட்களின் சுங்க வரி குறித்த புதிய சுற்று பேச்சுவார்த்தையைத் தொடங்கினர்", "ta"),
        ("คณะผู้แทนเริ่มการเจรจารอบใหม่เกี่ยวกับภาษีศุลกากรสินค้าเกษตรเมื่อเช้าวันจันทร์", "th"),
        ("គណៈប្រតិភូបានចាប់ផ្តើមកិច្ចចរចាជុំថ្មីស្តីពីពន្ធគយលើទំនិញកសិកម្មនៅព្រឹកថ្ងៃច័ន្ទ", "km"),
        ("Οι αντιπροσωπείες ξεκίνησαν τη Δευτέρα νέο γύρο συνομιλιών για τους δασμούς στα αγροτικά προϊόντα", "el"),
        ("Делегации в понедельник утром начали новый раунд переговоров о таможенных пошлинах на сельхозтовары", "ru"),
        ("Делегації в понеділок зранку розпочали новий раунд переговорів щодо мит на сільгосппродукцію і їжу", "uk"),
        # an English article quoting a line of Arabic stays English
        ("The delegations met on Monday morning to open a new round of talks on farm tariffs, and the minister "
         "said, in Arabic, بدأت الوفود جولة جديدة, before the press left the hall for the day.", None),
        ("Plain English, nothing else to see here.", None),
    ],
)
def test_the_language_is_guessed_from_the_script(text: str, lang: str | None) -> None:
    guess = infer_script_language(text)
    assert (guess.tag if guess else None) == lang


def test_one_persian_name_does_not_make_an_arabic_text_persian() -> None:
    text = "بدأت الوفود صباح الاثنين جولة جديدة من المحادثات حول الرسوم الجمركية على السلع الزراعية " * 5
    assert infer_script_language(text + "وقال پرويز").tag == "ar"


@pytest.mark.parametrize(
    "lang, direction",
    [("ar", "rtl"), ("ar-EG", "rtl"), ("fa", "rtl"), ("he", "rtl"), ("ur", "rtl"), ("ps", "rtl"), ("yi", "rtl"),
     ("dv", "rtl"), ("syr", "rtl"), ("ku-Arab", "rtl"), ("ku", "ltr"), ("az-Arab", "rtl"), ("en", "ltr"), ("hi", "ltr"),
     ("th", "ltr"), ("zh-Hant", "ltr"), ("sd-Deva", "ltr")],
)
def test_the_direction_of_a_language(lang: str, direction: str) -> None:
    assert language_direction(lang) == direction


@pytest.mark.parametrize(
    "text, direction",
    [("مرحبا بكم في GitHub", "rtl"), ("GitHub مرحبا", "ltr"), ("2025: שלום", "rtl"), ("(12) « »", None), ("", None)],
)
def test_a_paragraph_takes_the_direction_of_its_first_strong_character(text: str, direction: str | None) -> None:
    assert text_direction(text) == direction


def test_the_complex_script_of_a_language_and_of_a_text() -> None:
    assert [language_script(t) for t in ("ar", "he-IL", "hi", "th", "ku-Arab", "sr-Latn", "en", "ja")] == [
        "Arab", "Hebr", "Deva", "Thai", "Arab", None, None, None]
    assert text_script("An English text quoting " + "بدأت الوفود صباح الاثنين جولة جديدة") == "Arab"
    assert text_script("Plain English, and one word: שלום.") is None
    assert [complex_language(t) for t in ("ar", "fa-AF", "he", "en", "th")] == ["ar-SA", "fa-AF", "he-IL", None, "th-TH"]


# -- the front matter ------------------------------------------------------------------------------
def test_dir_in_the_front_matter_wins_over_the_language(tmp_path: Path) -> None:
    assert _read(tmp_path, "---\ntitle: T\nlang: en\ndir: rtl\n---\nBody.\n").meta.direction == "rtl"
    assert _read(tmp_path, "---\ntitle: T\nlang: ar\ndir: LTR\n---\nنص.\n").meta.direction == "ltr"


def test_without_dir_the_language_gives_the_direction(tmp_path: Path) -> None:
    assert _read(tmp_path, "---\ntitle: T\nlang: he\n---\nBody.\n").meta.direction == "rtl"
    assert _read(tmp_path, "---\ntitle: T\nlang: de\n---\nBody.\n").meta.direction == "ltr"
    assert _read(tmp_path, "---\ntitle: T\n---\nBody.\n").meta.direction == "ltr"


def test_a_bad_dir_is_an_error_that_says_what_it_takes(tmp_path: Path) -> None:
    with pytest.raises(PublishError) as caught:
        _read(tmp_path, "---\ntitle: T\ndir: right\n---\nBody.\n")
    assert "'dir' must be rtl" in str(caught.value) and "ltr" in str(caught.value) and caught.value.line == 3


def test_a_guessed_right_to_left_language_warns_which_and_how_to_say_it(tmp_path: Path, caplog) -> None:
    body = "המשלחות פתחו ביום שני בבוקר סבב חדש של שיחות על המכסים על מוצרי חקלאות.\n"
    with caplog.at_level(logging.WARNING, logger="publish"):
        doc = _read(tmp_path, f"---\ntitle: T\n---\n{body}")
    assert (doc.meta.lang, doc.meta.direction) == ("he", "rtl")
    said = [r.getMessage() for r in caplog.records if r.name == "publish" and "lang" in r.getMessage()]
    assert len(said) == 1 and "Hebrew" in said[0] and "written right to left" in said[0] and "'lang: he'" in said[0]


def test_an_explicit_dir_is_kept_when_the_language_is_guessed(tmp_path: Path) -> None:
    body = "المحادثات التجارية تدخل أسبوعها الثالث مع وصول الوفود إلى العاصمة صباح اليوم.\n"
    doc = _read(tmp_path, f"---\ntitle: T\ndir: ltr\n---\n{body}")
    assert (doc.meta.lang, doc.meta.direction) == ("ar", "ltr")
