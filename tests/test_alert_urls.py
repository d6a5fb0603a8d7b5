"""Channel URLs are checked at start-up as Apprise parses them; errors name the variable and the
position of the bad URL and never any of its text (URLs carry tokens and passwords)."""

import pytest

from newsmon.alerts import rules
from newsmon.settings import Settings, SettingsError


@pytest.mark.parametrize("urls, position, words, secret", [
    ("json://", 1, "has no host", None),
    ("json://ok.example/x json://user:pa#ss5ecret@hooks.example/x", 2, "port", "ss5ecret"),
    ("json://user:pw/5ecretpath@hooks.example/x", 1, "port", "5ecretpath"),
    ("jsons://hooks.example:80abc/x", 1, "port", "80abc"),
    ("slakc://T0000/B0000/5ecretTOKEN", 1, "scheme (slakc)", "5ecretTOKEN"),
    ("hooks.example/5ecret", 1, "not a URL", "5ecret"),
    ("mailto://5ecretuser@?to=x@y.org", 1, "has no host", "5ecretuser"),
])
def test_bad_urls_fail_at_start_up_with_variable_and_position_only(urls, position, words, secret):
    with pytest.raises(SettingsError) as err:
        Settings.from_env({"NEWSMON_ALERT_URLS": urls})
    message = str(err.value)
    assert message.startswith(f"NEWSMON_ALERT_URLS: URL {position} ") and words in message
    assert "\n" not in message and (secret is None or secret not in message)


@pytest.mark.parametrize("url", [
    "json://user:pw@hooks.example/x",  # a password over plain HTTP to another host
    "mailto://user:pw@smtp.example.org?mode=insecure&to=desk@example.org&from=me@example.org",
])
def test_passwords_never_go_unencrypted_to_another_host(url):
    with pytest.raises(SettingsError, match="NEWSMON_OPERATOR_URLS: URL 1 .*(unencrypted|plain HTTP)"):
        Settings.from_env({"NEWSMON_OPERATOR_URLS": url})
    Settings.from_env({"NEWSMON_OPERATOR_URLS": url.replace("hooks.example", "127.0.0.1")
                       .replace("smtp.example.org?", "127.0.0.1?")})  # loopback: allowed


def test_good_urls_pass():
    urls = ("json://127.0.0.1:8080/hook jsons://u:p@hooks.example/x mailto://user:app%23pw@gmail.com "
            "https://hooks.slack.com/services/T0000/B0000/XXXXXXXX discord://1234/abcd")
    assert Settings.from_env({"NEWSMON_ALERT_URLS": urls}).alert_urls == urls


def test_rule_channels_from_other_variables_are_checked_by_name(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_text("rule_id,topic,min_score,languages,subtopics,channels,mode,digest_hour,timezone\n"
                    "r,russia_dprk,,,,$DESK_URLS,immediate,,\n", encoding="utf-8")
    with pytest.raises(rules.AlertRulesError, match=r"^DESK_URLS: URL 2 has no host$"):
        rules.load_plan(path, {"DESK_URLS": "json://127.0.0.1/x json://"}, "", "")


def test_rules_csv_saved_by_excel_with_a_bom_is_read(tmp_path):
    path = tmp_path / "rules.csv"
    path.write_bytes("\ufeffrule_id,topic,min_score,languages,subtopics,channels,mode,digest_hour,timezone\n"
                     "r,russia_dprk,,,,,immediate,,\n".encode())
    assert [r.rule_id for r in rules.read_alert_rules(path)] == ["r"]


def test_labels_never_show_a_token_kept_in_the_host_part():
    assert rules.redact_url("slack://T0000/B0000/XXXX") == "slack://…"
    assert rules.redact_url("jsons://u:p@hooks.example:8443/x/y") == "jsons://hooks.example:8443/…"
