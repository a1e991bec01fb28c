"""Each name normalisation rule, on small hand-written names taken from real sources."""

from __future__ import annotations

import pytest

from ingest.names import (
    canonical_key,
    name_key,
    resolve_name,
    same_model,
    variant_keys,
)


def test_name_key_folds_only_case_spacing_and_punctuation():
    assert name_key("Claude 3.5 Sonnet (20241022)") == "claude-3.5-sonnet-20241022"
    assert name_key("openai/gpt-4.1-nano") == "openai-gpt-4.1-nano"


@pytest.mark.parametrize(
    "raw",
    [
        "openrouter/openai/gpt-4.1-nano",
        "vercel_ai_gateway/openai/gpt-4.1-nano",
        "azure/us/gpt-4.1-nano",
        "replicate/openai/gpt-4.1-nano",
        "OpenAI: GPT-4.1 Nano",
    ],
)
def test_canonical_key_drops_gateway_region_and_vendor_label(raw):
    assert canonical_key(raw) == "gpt-4.1-nano"


def test_canonical_key_drops_a_hosting_path_and_a_hugging_face_url():
    assert canonical_key("fireworks_ai/accounts/fireworks/models/qwq-32b") == "qwq-32b"
    assert (
        canonical_key("https://huggingface.co/zai-org/GLM-4.6")
        == canonical_key("z-ai/glm-4.6")
        == "glm-4.6"
    )


def test_canonical_key_keeps_a_third_party_organisation_apart_from_the_original():
    assert canonical_key("microsoft/phi-4") == "phi-4"
    assert canonical_key("unsloth/phi-4") == "unsloth-phi-4"


@pytest.mark.parametrize(
    "raw",
    [
        "us.anthropic.claude-opus-4-5-20251101-v1:0",
        "bedrock/us-gov-east-1/claude-opus-4-5-20251101-v1:0",
        "vertex_ai/claude-opus-4-5@20251101",
        "Claude-Opus-4-5-20251101 (FC)",
    ],
)
def test_canonical_key_reads_cloud_ids_with_regions_and_version_suffixes(raw):
    assert canonical_key(raw) == "claude-opus-4.5-2025-11-01"


def test_canonical_key_reads_bedrock_vendor_dots_for_nova_and_deepseek():
    assert canonical_key("amazon.nova-pro-v1:0") == canonical_key("amazon/nova-pro-v1")
    assert canonical_key("Amazon-Nova-Lite-v1:0 (FC)") == "nova-lite-v1"
    assert canonical_key("us.deepseek.r1-v1:0") == "deepseek-r1"
    assert canonical_key("deepseek.v3.2") == "deepseek-v3.2"


@pytest.mark.parametrize(
    ("offer", "plain"),
    [
        ("openai/gpt-4.1-nano:batch", "gpt-4.1-nano"),
        ("meta-llama/llama-3.3-70b-instruct:free", "Llama 3.3 70B Instruct"),
        ("Gemma 3 27B (free)", "Gemma 3 27B"),
        ("anthropic/claude-3.5-sonnet:beta", "claude-3.5-sonnet"),
    ],
)
def test_a_price_offer_names_the_same_model(offer, plain):
    assert same_model(offer, plain)


def test_thinking_and_extended_suffixes_are_variants_not_offers():
    assert not same_model("qwen/qwen-plus-2025-07-28:thinking", "qwen-plus-2025-07-28")
    assert not same_model("openai/gpt-4o:extended", "openai/gpt-4o")


def test_evaluation_modes_and_edit_formats_do_not_change_the_model():
    assert same_model("GPT-4.1-nano-2025-04-14 (Prompt)", "gpt-4.1-nano-2025-04-14")
    assert same_model("gpt-4-turbo-2024-04-09 (udiff)", "GPT-4-Turbo-2024-04-09")
    assert not same_model("DeepSeek-V3.2-Exp (Prompt + Thinking)", "deepseek-v3.2-exp")


@pytest.mark.parametrize(
    "raw",
    [
        "gpt-4.1-2025-04-14",
        "gpt-4.1-20250414",
        "GPT-4.1 (2025-04-14)",
        "openai/gpt-4.1@20250414",
    ],
)
def test_canonical_key_writes_every_full_date_shape_the_same_way(raw):
    assert canonical_key(raw) == "gpt-4.1-2025-04-14"


def test_a_year_first_date_without_its_second_dash_is_still_a_full_date():
    assert canonical_key("gpt-4o-2024-0513") == canonical_key("GPT-4o-2024-05-13")


def test_an_undated_openai_or_anthropic_alias_matches_its_dated_snapshot():
    assert same_model("claude-opus-4-5", "claude-opus-4-5-20251101")
    assert same_model("o3 (high)", "o3-2025-04-16-high")


def test_two_different_full_dates_never_match():
    assert not same_model("gpt-4o-2024-05-13", "gpt-4o-2024-08-06")
    assert not same_model("Claude 3.5 Sonnet (20240620)", "claude-3-5-sonnet-20241022")


def test_a_full_date_on_a_google_name_is_a_label_not_a_snapshot():
    assert not same_model("Gemini 2.5 Pro (2025-05-06)", "gemini-2.5-pro")
    assert "gemini-2.5-pro" not in variant_keys("Gemini 2.5 Pro (2025-05-06)")


@pytest.mark.parametrize(
    ("release", "first"),
    [
        ("deepseek/deepseek-r1-0528", "DeepSeek-R1"),
        ("qwen/qwen3-235b-a22b-2507", "qwen/qwen3-235b-a22b"),
        ("Command R (08-2024)", "Command R"),
        ("moonshotai/kimi-k2-0905", "moonshotai/kimi-k2"),
    ],
)
def test_a_short_release_tag_is_part_of_the_name(release, first):
    assert not same_model(release, first)


def test_version_dashes_become_dots_but_sizes_and_dates_stay():
    assert canonical_key("claude-opus-4-5") == canonical_key("claude-opus-4.5")
    assert canonical_key("gemini-3-1-pro-preview") == "gemini-3.1-pro-preview"
    assert canonical_key("Meta-Llama-3_1-70B-Instruct") == "llama-3.1-70b-instruct"
    assert canonical_key("gemma-3-4b-it") == "gemma-3-4b-it"
    assert canonical_key("gpt-4-0613") == "gpt-4-0613"


@pytest.mark.parametrize(
    ("swapped", "api"),
    [
        ("claude-4-1-opus-20250805", "claude-opus-4-1-20250805"),
        ("Claude 4.5 Haiku", "claude-haiku-4-5"),
        ("Claude Haiku 3.5", "claude-3-5-haiku"),
        ("Claude Opus 3", "claude-3-opus"),
    ],
)
def test_claude_family_and_version_order_does_not_matter(swapped, api):
    assert canonical_key(swapped) == canonical_key(api)


def test_claude_opus_4_0_is_opus_4_and_not_opus_4_1():
    assert canonical_key("claude-opus-4-0") == canonical_key("Claude Opus 4")
    assert not same_model("claude-opus-4-0", "claude-opus-4-1")


def test_latest_is_an_undated_alias():
    assert same_model("claude-3-5-haiku-latest", "claude-3-5-haiku-20241022")
    assert not same_model(
        "ChatGPT-4o-latest (2024-11-20)", "ChatGPT-4o-latest (2025-01-29)"
    )


def test_effort_words_match_with_or_without_effort_but_levels_differ():
    assert canonical_key("claude-opus-4-5-20251101-medium-effort") == canonical_key(
        "Claude 4.5 Opus medium (20251101)"
    )
    assert not same_model("o3-mini (high)", "o3-mini (medium)")
    assert not same_model("openai/o3-mini-high", "o3-mini")


def test_r_plus_is_written_as_r_plus_but_a_composite_keeps_its_plus():
    assert canonical_key("Command R+ (08-2024)") == "command-r-plus-08-2024"
    assert not same_model("o3 (high) + gpt-4.1", "o3 (high)")


def test_family_spellings_of_llama_and_qwen_are_unified():
    assert canonical_key("groq/llama3-70b-8192") == "llama-3-70b-8192"
    assert same_model("Meta-Llama-3.1-8B-Instruct", "Llama-3.1-8B-Instruct")
    assert same_model("qwen/qwen-2.5-72b-instruct", "Qwen2.5-72B-Instruct")
    assert not same_model("Qwen-14B-Chat", "Qwen1.5-14B-Chat")


def test_the_base_price_tier_is_the_model_and_the_long_context_tier_is_not():
    assert same_model("Gemini 2.5 Pro ≤200k", "gemini-2.5-pro")
    assert same_model("Gemini 2.5 Pro >200k", "gemini-2.5-pro-200k")
    assert not same_model("Gemini 2.5 Pro >200k", "Gemini 2.5 Pro ≤200k")


def test_a_fine_tune_never_matches_its_base_model():
    assert not same_model("ft:gpt-4.1-nano-2025-04-14", "gpt-4.1-nano-2025-04-14")


def test_variant_keys_try_routes_then_canonical_then_undated():
    assert variant_keys("vertex_ai/claude-opus-4-5@20251101") == [
        "claude-opus-4-5-20251101",
        "claude-opus-4.5-2025-11-01",
        "claude-opus-4.5",
    ]


def test_resolve_name_finds_a_dotted_alias_from_a_dashed_cloud_id():
    aliases = {name_key("claude-opus-4.5"): "claude-opus-4.5"}

    resolution = resolve_name("databricks/databricks-claude-opus-4-5", aliases)

    assert resolution.resolved_id == "claude-opus-4.5"
    assert resolution.match_kind == "normalised"


def test_resolve_name_leaves_a_short_release_tag_unresolved():
    aliases = {name_key("deepseek-r1"): "deepseek-r1"}

    resolution = resolve_name("deepseek/deepseek-r1-0528", aliases)

    assert resolution.resolved_id is None
