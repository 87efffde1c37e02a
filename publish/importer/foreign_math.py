"""Word's equations (Office Math, OMML) as TeX: fractions, scripts, radicals, delimiters, n-ary
operators, functions, accents, bars, limits, equation arrays and matrices; None for an element
with no TeX here, so that the caller keeps the equation's plain text and says so."""
from __future__ import annotations

from typing import Any

from ..formats.docx.marks import M, W

#: Characters written as TeX commands (Greek letters and the usual operators).
SYMBOLS = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\epsilon", "ϵ": r"\epsilon", "ζ": r"\zeta",
    "η": r"\eta", "θ": r"\theta", "ϑ": r"\vartheta", "ι": r"\iota", "κ": r"\kappa", "λ": r"\lambda", "μ": r"\mu",
    "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "ς": r"\varsigma", "τ": r"\tau",
    "υ": r"\upsilon", "φ": r"\phi", "ϕ": r"\phi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega", "Γ": r"\Gamma",
    "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Ξ": r"\Xi", "Π": r"\Pi", "Σ": r"\Sigma", "Φ": r"\Phi",
    "Ψ": r"\Psi", "Ω": r"\Omega", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "≈": r"\approx", "×": r"\times",
    "·": r"\cdot", "⋅": r"\cdot", "±": r"\pm", "∓": r"\mp", "→": r"\to", "←": r"\leftarrow", "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow", "∞": r"\infty", "∂": r"\partial", "∇": r"\nabla", "∈": r"\in", "∉": r"\notin",
    "⊂": r"\subset", "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap", "∀": r"\forall", "∃": r"\exists",
    "∅": r"\emptyset", "…": r"\ldots", "⋯": r"\cdots", "−": "-", "∗": "*", "′": "'", "≡": r"\equiv", "∼": r"\sim",
    "∝": r"\propto", "⊥": r"\perp", "∥": r"\parallel", "°": r"^\circ", "ℏ": r"\hbar", "ℓ": r"\ell",
}
_NARY = {"∑": r"\sum", "∏": r"\prod", "∫": r"\int", "∬": r"\iint", "∭": r"\iiint", "∮": r"\oint", "⋃": r"\bigcup",
         "⋂": r"\bigcap", "∐": r"\coprod"}
_ACCENTS = {"̂": r"\hat", "̃": r"\tilde", "̄": r"\bar", "̇": r"\dot", "̈": r"\ddot", "⃗": r"\vec", "́": r"\acute",
            "̀": r"\grave", "̆": r"\breve", "ˇ": r"\check", "̌": r"\check"}
_FUNCTIONS = {"sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "lim", "max", "min", "sup", "inf", "det",
              "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan", "gcd", "deg", "dim", "ker", "arg", "Pr"}
_DELIMITERS = {"(": "(", ")": ")", "[": "[", "]": "]", "{": r"\{", "}": r"\}", "|": "|", "‖": r"\|", "⟨": r"\langle",
               "⟩": r"\rangle", "⌊": r"\lfloor", "⌋": r"\rfloor", "⌈": r"\lceil", "⌉": r"\rceil", "": "."}
_SPECIAL = {"{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$", "%": r"\%", "&": r"\&", "_": r"\_", "\\": r"\backslash ",
            "~": r"\sim ", "^": r"\hat{}"}


class _NoTeX(Exception):
    """An element with no TeX here."""


def _val(props: Any, tag: str, default: str | None = None) -> str | None:
    found = props.find(M + tag) if props is not None else None
    if found is None:
        return default
    return found.get(M + "val", default if default is not None else "")


def _text(chars: str, plain: bool) -> str:
    out = []
    for char in chars:
        if char in SYMBOLS:
            out.append(SYMBOLS[char] + (" " if SYMBOLS[char][-1].isalpha() else ""))
        elif char in _SPECIAL:
            out.append(_SPECIAL[char])
        else:
            out.append(char)
    text = "".join(out)
    if plain and chars.isalpha() and len(chars) > 1:
        return f"\\{chars} " if chars in _FUNCTIONS else f"\\mathrm{{{chars}}}"
    return text


def _run(run: Any) -> str:
    chars = "".join(t.text or "" for t in run.iter(M + "t"))
    props = run.find(M + "rPr")
    if props is not None and props.find(M + "nor") is not None:
        return f"\\text{{{chars}}}" if chars.strip() else ""
    plain = _val(props, "sty") == "p"
    return _text(chars, plain)


def _group(element: Any) -> str:
    return "{" + _children(element) + "}" if element is not None else "{}"


def _children(element: Any) -> str:
    return "".join(convert(child) for child in element) if element is not None else ""


def convert(element: Any) -> str:
    """One OMML element as TeX (raises _NoTeX for one it cannot write)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    find = element.find
    if tag in (M + "oMath", M + "e", M + "num", M + "den", M + "sub", M + "sup", M + "deg", M + "lim", M + "fName",
               M + "box", M + "borderBox", M + "phant", M + "oMathPara"):
        if tag in (M + "box", M + "borderBox", M + "phant"):
            return _children(find(M + "e"))
        return _children(element)
    if tag == M + "r":
        return _run(element)
    if tag == W + "r":
        return _text("".join(t.text or "" for t in element.iter(W + "t")), False)
    if tag in (M + "rPr", M + "ctrlPr", W + "rPr", W + "bookmarkStart", W + "bookmarkEnd", W + "proofErr") or tag.endswith("Pr"):
        return ""
    if tag == M + "f":
        kind = _val(find(M + "fPr"), "type", "bar")
        if kind == "lin":
            return _group(find(M + "num")) + "/" + _group(find(M + "den"))
        if kind == "noBar":
            return r"\genfrac{}{}{0pt}{}" + _group(find(M + "num")) + _group(find(M + "den"))
        return r"\frac" + _group(find(M + "num")) + _group(find(M + "den"))
    if tag == M + "sSub":
        return _group(find(M + "e")) + "_" + _group(find(M + "sub"))
    if tag == M + "sSup":
        return _group(find(M + "e")) + "^" + _group(find(M + "sup"))
    if tag == M + "sSubSup":
        return _group(find(M + "e")) + "_" + _group(find(M + "sub")) + "^" + _group(find(M + "sup"))
    if tag == M + "sPre":
        return "{}_" + _group(find(M + "sub")) + "^" + _group(find(M + "sup")) + _group(find(M + "e"))
    if tag == M + "rad":
        hidden = _val(find(M + "radPr"), "degHide", "0") in ("1", "on", "true")
        degree = _children(find(M + "deg"))
        return r"\sqrt" + (f"[{degree}]" if degree and not hidden else "") + _group(find(M + "e"))
    if tag == M + "d":
        props = find(M + "dPr")
        begin, end = _val(props, "begChr", "("), _val(props, "endChr", ")")
        separator = _val(props, "sepChr", "|")
        if begin not in _DELIMITERS or end not in _DELIMITERS:
            raise _NoTeX(f"delimiters {begin}{end}")
        inner = (separator if separator not in _SPECIAL else _SPECIAL[separator]).join(
            _children(e) for e in element.findall(M + "e"))
        return rf"\left{_DELIMITERS[begin]}{inner}\right{_DELIMITERS[end]}"
    if tag == M + "nary":
        props = find(M + "naryPr")
        operator = _NARY.get(_val(props, "chr", "∫") or "∫")
        if operator is None:
            raise _NoTeX("an n-ary operator")
        out = operator
        if _val(props, "subHide", "0") not in ("1", "on", "true"):
            out += "_" + _group(find(M + "sub"))
        if _val(props, "supHide", "0") not in ("1", "on", "true"):
            out += "^" + _group(find(M + "sup"))
        return out + " " + _group(find(M + "e"))
    if tag == M + "func":
        name = _children(find(M + "fName")).strip()
        return name + ("" if name.endswith(" ") else " ") + _group(find(M + "e"))
    if tag == M + "acc":
        accent = _ACCENTS.get(_val(find(M + "accPr"), "chr", "̂") or "̂")
        if accent is None:
            raise _NoTeX("an accent")
        return accent + _group(find(M + "e"))
    if tag == M + "bar":
        top = _val(find(M + "barPr"), "pos", "bot") == "top"
        return (r"\overline" if top else r"\underline") + _group(find(M + "e"))
    if tag == M + "groupChr":
        props = find(M + "groupChrPr")
        above = _val(props, "pos", "bot") == "top"
        return (r"\overbrace" if above else r"\underbrace") + _group(find(M + "e"))
    if tag == M + "limLow":
        return _group(find(M + "e")) + "_" + _group(find(M + "lim"))
    if tag == M + "limUpp":
        return _group(find(M + "e")) + "^" + _group(find(M + "lim"))
    if tag == M + "eqArr":
        rows = [_children(e).replace(r"\&", "&") for e in element.findall(M + "e")]  # "&": an alignment point
        return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"
    if tag == M + "m":
        rows = [" & ".join(_children(e) for e in row.findall(M + "e")) for row in element.findall(M + "mr")]
        return r"\begin{matrix}" + r" \\ ".join(rows) + r"\end{matrix}"
    raise _NoTeX(tag.rsplit("}", 1)[-1])


def omml_tex(element: Any) -> str | None:
    """An equation (``m:oMath`` or ``m:oMathPara``) as TeX, or None when part of it has none here."""
    try:
        if element.tag == M + "oMathPara":
            lines = [convert(math).strip() for math in element.iter(M + "oMath")]
            return (lines[0] if len(lines) == 1 else r"\begin{gathered}" + r" \\ ".join(lines) + r"\end{gathered}") or None
        return convert(element).strip() or None
    except _NoTeX:
        return None
