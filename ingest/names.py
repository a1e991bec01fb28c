"""Deterministic name normalisation and resolution to canonical ids.

Sources spell one model many ways (`gpt-4.1-nano`, `openai/gpt-4.1-nano-2025-04-14`,
`GPT-4.1 nano`). `name_key` folds case and punctuation only; `canonical_key` also drops
routes, regions and price offers, unifies version spellings and full dates, and
`same_model` decides whether two names may be merged without a person. Effort,
thinking, size and short release tags (`-0528`, `-2507`, `-08-2024`) are kept: they
name different models or variants. Nothing is guessed: precision before recall.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_SEPARATORS = re.compile(r"[^0-9a-z.+]+")

# Leading path segments that say where a model is served, not which model it is:
# gateways, clouds, regions, commitment terms, and the first-party organisations
# whose repository or route prefix adds nothing to the name. Third-party organisations
# (`unsloth/phi-4`, a re-upload) stay, so their copies never merge with the original.
_ROUTE_WORDS = """
    openrouter azure azure_ai bedrock vertex_ai together_ai fireworks_ai groq deepinfra
    vercel_ai_gateway databricks replicate novita github_copilot gmi sambanova
    nvidia_nim watsonx snowflake lambda_ai hyperbolic nscale cerebras dashscope
    anyscale perplexity ovhcloud llamagate wandb oci publicai accounts fireworks
    models invoke converse us eu apac global global-standard jp au https: http:
    huggingface.co openai anthropic google gemini meta-llama meta mistralai mistral
    deepseek deepseek-ai x-ai xai qwen cohere cohereforai moonshotai moonshot z-ai
    zai zai-org thudm microsoft amazon amazon-nova nvidia ai21 minimax minimaxai 01-ai
"""
_ROUTES = frozenset(_ROUTE_WORDS.split())
_REGION = re.compile(r"[a-z]{2}(?:-gov)?-[a-z]+-\d|\d+-month-commitment")
_CLOUD_VENDOR = re.compile(
    r"^(?:(?:us|eu|apac|global|jp|au|regional)\.)?(?:anthropic|amazon|meta|mistral"
    r"|cohere|ai21|qwen|openai|writer|moonshotai|minimax|nvidia|zai|xai|deepseek"
    r"(?=\.deepseek))\.(?=[a-z])|^(?:databricks-|hf:)"
)
# Bedrock's `deepseek.v3.2` and `deepseek.r1` drop the family word the vendor carries.
_DEEPSEEK_DOT = re.compile(r"^(?:(?:us|eu|apac|global|jp|au)\.)?deepseek\.(?=[a-z])")
# OpenRouter's display names start with the vendor: "OpenAI: GPT-4.1 Nano".
_VENDOR_LABEL = re.compile(r"^[\w .&-]{1,30}:\s+")
# Price offers of one model (OpenRouter `:free`, OTBear `:batch`); `:thinking` and
# `:extended` are other models and stay.
_OFFER = re.compile(r":(?:free|batch|beta|nitro|floor)$|\s*\((?:free|batch)\)")
# Evaluation modes (BFCL "(FC)"), aider edit formats, and simonw's base price tier
# "≤200k", whose id is the plain model id; the ">200k" tier stays a pseudo-model.
_MODE = re.compile(r"\s*\((?:fc|prompt|diff|udiff|whole|deprecated)\)|\s*≤\s*\d+k\b")
# Serving suffixes: Bedrock `-v1:0` after a version or date, `:0`, Vertex `@default`.
_SERVING = re.compile(r"(?<=\d)-v\d+(?::0)?$|:0$|@default$")

# Only OpenAI and Anthropic publish dated snapshot ids behind an undated alias
# (`gpt-4.1-nano` -> `gpt-4.1-nano-2025-04-14`). Elsewhere a full date is a label, e.g.
# SWE-bench's "Gemini 2.5 Pro (2025-05-06)" is the 05-06 preview, not `gemini-2.5-pro`.
_SNAPSHOT_FAMILY = re.compile(r"^(?:gpt-|chatgpt-|o\d|claude-)")
_FULL_DATE = re.compile(
    r"(?:(?<=-)|^)(20\d\d)-?(0[1-9]|1[0-2])-?(0[1-9]|[12]\d|3[01])(?=-|$)"
)
_CLAUDE = re.compile(
    r"^claude-(?:(\d(?:\.\d)?)-(opus|sonnet|haiku)|(opus|sonnet|haiku)-(\d(?:\.\d)?))"
    r"(?=-|$)"
)
# Rewrites on the folded key, in order. Each keeps different models apart: the
# version rule needs one digit on each side, so `gemma-3-4b` and `gpt-4-0613` stay.
_KEY_RULES = (
    (re.compile(r"(?<=[a-z0-9])\+(?=-|$)"), "-plus"),  # Command R+ is command-r-plus
    (re.compile(r"-(low|medium|high|xhigh)-effort(?=-|$)"), r"-\1"),
    (re.compile(r"(?<![\d.])(\d)-(\d)(?=-|$)"), r"\1.\2"),  # claude-opus-4-5 is 4.5
    (re.compile(r"^meta-llama-(?=\d)"), "llama-"),  # Meta-Llama-3.1-8B, Llama-3.1-8B
    (re.compile(r"^amazon-(?=nova-)"), ""),
    (re.compile(r"(?<![a-z])(llama|gemma|phi|glm)(?=\d)"), r"\1-"),  # llama3, gemma2
    (re.compile(r"(?<![a-z])qwen-(?=\d(?:\.\d+)?(?:-|$))"), "qwen"),  # qwen-2.5-72b
    (re.compile(r"(?<=.)-latest(?=-|$)"), ""),  # an alias, like a missing date
)


def name_key(raw: str) -> str:
    """Fold case, spacing and punctuation into one comparable key.

    >>> name_key("GPT-4.1 nano"), name_key("  gpt_4.1-NANO ")
    ('gpt-4.1-nano', 'gpt-4.1-nano')
    """
    return _SEPARATORS.sub("-", raw.casefold()).strip("-")


def variant_keys(raw: str) -> list[str]:
    """Keys to try after the exact one: without routes, canonical, then undated.

    Only a full date (`-2025-04-14`, `-20250414`, `@20250414`) is ever dropped.

    >>> variant_keys("openai/gpt-4.1-nano-2025-04-14")
    ['gpt-4.1-nano-2025-04-14', 'gpt-4.1-nano']
    >>> variant_keys("anthropic/claude-opus-4.5:batch")
    ['claude-opus-4.5']
    """
    base, date = _canonical_parts(raw)
    text = _OFFER.sub("", raw.casefold().strip())
    keys = [name_key(_strip_routes(text)), canonical_key(raw)]
    if date is not None and _SNAPSHOT_FAMILY.match(base):
        keys.append(base)
    unique = dict.fromkeys(key for key in keys if key and key != name_key(raw))
    return list(unique)


def canonical_key(raw: str) -> str:
    """The key two names must share to be the same model, with any full date last.

    >>> canonical_key("OpenAI: GPT-4.1 Nano"), canonical_key("azure/gpt-4.1-nano")
    ('gpt-4.1-nano', 'gpt-4.1-nano')
    >>> canonical_key("us.anthropic.claude-opus-4-5-20251101-v1:0")
    'claude-opus-4.5-2025-11-01'
    >>> canonical_key("o3-2025-04-16-high"), canonical_key("o3 (high)")
    ('o3-high-2025-04-16', 'o3-high')
    """
    base, date = _canonical_parts(raw)
    return f"{base}-{date}" if date else base


def same_model(a: str, b: str) -> bool:
    """Whether two raw names may be merged automatically.

    The canonical keys must match, except that an OpenAI or Anthropic name without a
    full date matches the same name with one: an undated API alias points at its dated
    snapshot. Two different dates never match.

    >>> same_model("claude-opus-4-5", "anthropic/claude-opus-4.5")
    True
    >>> same_model("gpt-4o-2024-05-13", "gpt-4o-2024-08-06")
    False
    """
    base_a, date_a = _canonical_parts(a)
    base_b, date_b = _canonical_parts(b)
    if base_a != base_b:
        return False
    if date_a == date_b:
        return True
    return (date_a is None or date_b is None) and bool(_SNAPSHOT_FAMILY.match(base_a))


def _canonical_parts(raw: str) -> tuple[str, str | None]:
    """The canonical key without its full date, and that date as `YYYY-MM-DD`."""
    text = _VENDOR_LABEL.sub("", raw.casefold().strip())
    text = _MODE.sub("", _OFFER.sub("", text))
    text = _SERVING.sub("", _strip_routes(text))
    key = name_key(text)
    for pattern, replacement in _KEY_RULES:
        key = pattern.sub(replacement, key)
    key = _CLAUDE.sub(_order_claude, key)

    found = _FULL_DATE.search(key)
    if found is None:
        return key, None
    year, month, day = found.groups()
    base = (key[: found.start()] + key[found.end() :]).replace("--", "-").strip("-")
    return _SERVING.sub("", base), f"{year}-{month}-{day}"


def _strip_routes(text: str) -> str:
    """Drop gateway, region and first-party prefixes (`openrouter/openai/`, `us.`)."""
    segments = [_CLOUD_VENDOR.sub("", part) for part in text.split("/")]
    segments[-1] = _DEEPSEEK_DOT.sub("deepseek-", segments[-1])
    while len(segments) > 1 and (
        segments[0] in _ROUTES or _REGION.fullmatch(segments[0]) or not segments[0]
    ):
        segments.pop(0)
    return "/".join(segments)


def _order_claude(found: re.Match[str]) -> str:
    """Anthropic's own order: `claude-3.5-sonnet` up to 3.x, `claude-opus-4.5` after."""
    version = found.group(1) or found.group(4)
    family = found.group(2) or found.group(3)
    version = version.removesuffix(".0")
    if int(version.split(".")[0]) >= 4:
        return f"claude-{family}-{version}"
    return f"claude-{version}-{family}"


@dataclass(frozen=True, slots=True)
class Resolution:
    """How a raw name resolved: the id (or None) and which rule matched."""

    raw_name: str
    resolved_id: str | None
    match_kind: str | None  # exact, normalised, or None when unresolved


def resolve_name(raw: str, aliases: Mapping[str, str]) -> Resolution:
    """Resolve `raw` through `aliases` (alias key -> id): exact key, then variants."""
    exact = aliases.get(name_key(raw))
    if exact is not None:
        return Resolution(raw, exact, "exact")
    for key in variant_keys(raw):
        found = aliases.get(key)
        if found is not None:
            return Resolution(raw, found, "normalised")
    return Resolution(raw, None, None)
