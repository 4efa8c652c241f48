"""Settings: env vars and overrides, validated with messages that name the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from index import ConfigError, Settings


def test_env_vars_feed_settings_and_explicit_values_win() -> None:
    env = {
        "NEWSDESK_INDEX_DIR": "/data/idx",
        "NEWSDESK_CHUNK_TOKENS": "128",
        "NEWSDESK_DEVICE": "cpu",
    }
    settings = Settings.from_env(env, chunk_tokens=200, embed_batch_size=None)
    assert settings.index_dir == Path("/data/idx")
    assert (
        settings.chunk_tokens == 200
        and settings.device == "cpu"
        and settings.embed_batch_size == 32
    )


def test_defaults_match_the_readme() -> None:
    settings = Settings.from_env({})
    assert settings.index_dir == Path(".newsdesk/index") and settings.collection == "newsdesk"
    assert settings.chunk_tokens == 256


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"NEWSDESK_CHUNK_TOKENS": "lots"}, "NEWSDESK_CHUNK_TOKENS='lots' is not a valid int"),
        ({"NEWSDESK_CHUNK_TOKENS": "8"}, "between 32 and 4096"),
        ({"NEWSDESK_DEVICE": "tpu"}, 'device must be "cpu", "cuda" or empty'),
        (
            {"NEWSDESK_MAX_FILE_MB": "-1"},
            "NEWSDESK_MAX_FILE_MB and NEWSDESK_MAX_UPLOAD_MB must be positive",
        ),
        ({"NEWSDESK_MAX_UPLOAD_MB": "0"}, "NEWSDESK_MAX_UPLOAD_MB must be positive"),
        ({"NEWSDESK_WARM": "maybe"}, "NEWSDESK_WARM='maybe' must be 1 or 0"),
    ],
)
def test_bad_values_are_refused_with_what_was_wrong(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        Settings.from_env(env)


def test_the_servers_background_warm_up_is_on_unless_turned_off() -> None:
    assert Settings.from_env({}).warm
    assert not Settings.from_env({"NEWSDESK_WARM": "0"}).warm


def test_settings_are_frozen() -> None:
    with pytest.raises(AttributeError):
        Settings().chunk_tokens = 1  # type: ignore[misc]
