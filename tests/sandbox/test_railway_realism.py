"""The realism settings of the Railway stand-in: started with, changed through the control API, reset."""


def test_realism_defaults_are_the_strict_side_and_hobby(sandbox):
    view = sandbox.control("GET", "railway/realism").json()
    assert view["settings"]["plan"] == "hobby"
    assert view["plan"]["requests_per_hour"] == 1000 and view["plan"]["requests_per_second"] == 10
    assert view["plan"]["initial_volume_mb"] == 5000
    assert set(view["descriptions"]) == set(view["settings"])


def test_realism_settings_change_validate_and_reset(sandbox):
    changed = sandbox.control("POST", "railway/realism", {"plan": "free", "patch_apply_seconds": 0}).json()
    assert changed["settings"]["plan"] == "free" and changed["settings"]["patch_apply_seconds"] == 0
    assert changed["plan"]["volumes_per_project"] == 1 and changed["plan"]["volume_resize"] is False
    for bad in [{"plan": "enterprise"}, {"patch_apply_seconds": -1}, {"request_budget": "maybe"}, {"nope": 1}, [1]]:
        answer = sandbox.control("POST", "railway/realism", bad)
        assert answer.status_code == 400 and answer.json()["error"], bad
    assert sandbox.control("GET", "railway/realism").json()["settings"]["plan"] == "free"
    sandbox.control("POST", "reset")
    assert sandbox.control("GET", "railway/realism").json()["settings"]["plan"] == "hobby"


def test_realism_startup_settings_win_over_the_state_file_and_come_back_on_defaults(start_sandbox, tmp_path):
    state = tmp_path / "state.json"
    first = start_sandbox("--state", str(state), "--railway-plan", "pro", "--realism", "patch_apply_seconds=0.25")
    settings = first.control("GET", "railway/realism").json()["settings"]
    assert settings["plan"] == "pro" and settings["patch_apply_seconds"] == 0.25
    first.control("POST", "railway/realism", {"plan": "free"})
    first.stop()
    second = start_sandbox("--state", str(state), "--railway-plan", "trial")
    assert second.control("GET", "railway/realism").json()["settings"]["plan"] == "trial"
    second.control("POST", "railway/realism", {"plan": "free"})
    restored = second.control("POST", "railway/realism", {"defaults": True}).json()["settings"]
    assert restored["plan"] == "trial" and restored["patch_apply_seconds"] == 1.0
