"""The EPUB's accessibility summary in the article's language: the sentences, translated, that
describe what the package is (English, tagged as such, for a language not listed here)."""
from __future__ import annotations

#: Each sentence in each language; {missing}, {total}, {certifier} and {conformance} are filled in.
SENTENCES: dict[str, dict[str, str]] = {
    "en": {
        "collection": "A collection of {count} reflowable articles whose text adapts to the reader's font, size and colours.",
        "collection_navigation": "Headings, a table of contents and landmarks give structured navigation; each article "
                                 "is its own document, in its own language, in the order of the collection.",
        "reflow": "A single reflowable article whose text adapts to the reader's font, size and colours.",
        "navigation": "Headings, a table of contents and landmarks give structured navigation, "
                      "and the reading order follows the original article.",
        "notes": "Footnotes are linked to and from the text.",
        "described": "Every image has a text description.",
        "undescribed": "Images without a text description: {missing} of {total}.",
        "claim": "{certifier} certifies conformance with {conformance}; alt text, language, structure "
                 "and colour contrast were checked when the file was built.",
    },
    "fr": {
        "collection": "Un recueil de {count} articles recomposables, dont le texte s'adapte à la police, à la taille "
                      "et aux couleurs choisies par le lecteur.",
        "collection_navigation": "Les intertitres, une table des matières et des repères permettent une navigation "
                                 "structurée ; chaque article est un document à part, dans sa langue, dans l'ordre du recueil.",
        "reflow": "Un article unique, recomposable, dont le texte s'adapte à la police, à la taille "
                  "et aux couleurs choisies par le lecteur.",
        "navigation": "Les intertitres, une table des matières et des repères permettent une navigation "
                      "structurée ; l'ordre de lecture suit l'article original.",
        "notes": "Les notes de bas de page sont liées au texte dans les deux sens.",
        "described": "Chaque image a une description textuelle.",
        "undescribed": "Images sans description textuelle : {missing} sur {total}.",
        "claim": "{certifier} certifie la conformité à {conformance} ; textes alternatifs, langue, structure "
                 "et contraste des couleurs ont été vérifiés lors de la création du fichier.",
    },
    "de": {
        "collection": "Eine Sammlung von {count} Artikeln mit umfließendem Text, der sich an Schrift, Schriftgröße und "
                      "Farben des Lesers anpasst.",
        "collection_navigation": "Überschriften, ein Inhaltsverzeichnis und Orientierungspunkte ermöglichen eine "
                                 "strukturierte Navigation; jeder Artikel ist ein eigenes Dokument in seiner Sprache, "
                                 "in der Reihenfolge der Sammlung.",
        "reflow": "Ein einzelner Artikel mit umfließendem Text, der sich an Schrift, Schriftgröße und "
                  "Farben des Lesers anpasst.",
        "navigation": "Überschriften, ein Inhaltsverzeichnis und Orientierungspunkte ermöglichen eine "
                      "strukturierte Navigation; die Lesereihenfolge folgt dem Originalartikel.",
        "notes": "Fußnoten sind in beide Richtungen mit dem Text verknüpft.",
        "described": "Jedes Bild hat eine Textbeschreibung.",
        "undescribed": "Bilder ohne Textbeschreibung: {missing} von {total}.",
        "claim": "{certifier} bestätigt die Konformität mit {conformance}; Alternativtexte, Sprache, Struktur "
                 "und Farbkontrast wurden beim Erstellen der Datei geprüft.",
    },
    "es": {
        "collection": "Una colección de {count} artículos adaptables cuyo texto se ajusta a la fuente, el tamaño y los "
                      "colores que elija el lector.",
        "collection_navigation": "Los encabezados, una tabla de contenido y puntos de referencia permiten una navegación "
                                 "estructurada; cada artículo es un documento propio, en su idioma, en el orden de la colección.",
        "reflow": "Un único artículo adaptable cuyo texto se ajusta a la fuente, el tamaño y los colores "
                  "que elija el lector.",
        "navigation": "Los encabezados, una tabla de contenido y puntos de referencia permiten una navegación "
                      "estructurada, y el orden de lectura sigue el del artículo original.",
        "notes": "Las notas al pie están enlazadas desde el texto y de vuelta a él.",
        "described": "Cada imagen tiene una descripción textual.",
        "undescribed": "Imágenes sin descripción textual: {missing} de {total}.",
        "claim": "{certifier} certifica la conformidad con {conformance}; los textos alternativos, el idioma, "
                 "la estructura y el contraste de color se comprobaron al generar el archivo.",
    },
    "zh-Hans": {
        "collection": "文集，收录 {count} 篇可重排文章，文字随读者选择的字体、字号和颜色调整。",
        "collection_navigation": "标题、目录和地标提供结构化导航；每篇文章为独立文档，使用其自身语言，按文集顺序排列。",
        "reflow": "单篇可重排文章，文字随读者选择的字体、字号和颜色调整。",
        "navigation": "标题、目录和地标提供结构化导航，阅读顺序与原文一致。",
        "notes": "脚注与正文双向链接。",
        "described": "每张图片都有文字描述。",
        "undescribed": "缺少文字描述的图片：{total} 张中有 {missing} 张。",
        "claim": "{certifier} 认证本文件符合 {conformance}；生成文件时已检查替代文字、语言、结构和颜色对比度。",
    },
}
_TRADITIONAL = {"hant", "tw", "hk", "mo"}


def summary_language(lang: str) -> str:
    """The SENTENCES key for an article's BCP 47 tag: its language (Chinese in simplified script
    only), else English."""
    parts = [p.lower() for p in lang.replace("_", "-").split("-")]
    if parts[0] == "zh":
        return "en" if _TRADITIONAL & set(parts[1:]) else "zh-Hans"
    return parts[0] if parts[0] in SENTENCES else "en"


def sentences(lang: str) -> tuple[str, dict[str, str]]:
    """The language the summary is written in, and its sentences."""
    key = summary_language(lang)
    return ("en" if key == "en" else lang), SENTENCES[key]
