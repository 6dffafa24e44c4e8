"""The command line: one verb per check, exit status 0 / 1 / 2, one-line errors. Run in-process."""

import subprocess
import sys

import pytest

from reanalysis import cli


def run(args, capsys):
    code = cli.main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_version(capsys):
    assert cli.main(["--version"]) == 0 and capsys.readouterr().out.startswith("reanalysis ")


@pytest.mark.parametrize(
    "args, code, text",
    [
        (["counts", "<5", "--n", "100"], 0, "5 count(s) print as <5%"),
        (["counts", ">95", "--n", "100"], 0, "5 count(s)"),
        (["counts", "65.6", "--n", "1-67"], 0, "3 count(s) print as 65.6%"),
        (["counts", "99.9", "--n", "10"], 1, "no count with n = 10 prints as 99.9%"),
        (["counts", "NS", "--n", "10"], 2, "not a percentage"),
        (["ci", "23", "55", "--level", "90"], 0, "0.9"),
        (["ci", "23", "55", "--level", "0.95"], 2, "write 95"),
        (["ci-method", "23", "55", "28.7", "55.9"], 0, "clopper-pearson"),
        (["ci-method", "1", "1000", "0.00", "0.56"], 0, "clopper-pearson"),
        (["ci-method", "1", "1000", "0.00", "0.56", "--scale", "proportion"], 1, "no standard 95% CI"),
        (["ci-method", "10", "30", "15", "31"], 1, "closest is"),
        (["effect", "42", "64", "31", "42"], 0, "NNH"),
        (["effect", "42", "64", "31", "42", "--measure", "rr", "--method", "all"], 0, "miettinen-nurminen"),
        (["effect", "42", "64", "31", "42", "--measure", "hr"], 2, "--measure must be one of"),
        (["fragility", "10", "50", "25", "50"], 0, "fragility"),
        (["ratio-check", "0.72", "0.55", "0.94", "0.016"], 0, "consistent"),
        (["ratio-check", "0.72", "0.55", "0.94", "0.5"], 1, "inconsistent"),
        (["ratio-check", "0.72", "0.94", "0.55", "0.5"], 2, "low < high"),
        # A group with no events: nothing contradicts, nothing to check (the bounds typed as one, too).
        (["ratio-check", "Inf", "0.71-Inf", "0.106"], 0, "not checkable: the ratio 'Inf' is infinite"),
        (["ratio-check", "2.1", "0.71-NR", "0.106"], 0, "not checkable: the ratio 'NR' is infinite"),
        (["ratio-check", "-0.5", "0.71", "2", "0.106"], 2, "cannot be negative"),
        (
            ["explain-p", "0.4", "--group", "99.9%:10", "--group", "1/2"],
            1,
            "no count with n = 10 prints as 99.9%",
        ),
        (["explain-p", "1.5", "--group", "1/2", "--group", "1/2"], 2, "outside 0-1"),
        (["explain-p", "0.05%", "--group", "1/2", "--group", "1/2"], 2, "% sign"),
        (["compare", "1", "2", "3", "0"], 2, "must be at least 1"),
    ],
)
def test_verbs(args, code, text, capsys):
    got, out, err = run(args, capsys)
    assert got == code, (out, err)
    assert text in out + err
    if code == 2:
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_init_report_and_audit_on_a_folder_outside_the_repository(
    tmp_path, outside_folder, capsys, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["init", "blank"], capsys)
    assert code == 0 and (tmp_path / "blank" / "outcomes.csv").exists()
    assert run(["init", "blank"], capsys)[0] == 2
    code, out, _ = run(["report", str(outside_folder), "--out", "rep"], capsys)
    assert code == 0 and "0 that do not hold up" in out
    assert (tmp_path / "rep" / "report.html").exists()
    csv = tmp_path / "a.csv"
    assert run(["audit", str(outside_folder), "--csv", str(csv)], capsys)[0] == 0
    assert csv.read_text().startswith("study_id,endpoint")
    code, out, _ = run(["fingerprint", str(outside_folder)], capsys)
    assert code == 0 and "clopper-pearson" in out


def test_unwritable_csv_is_one_line(tmp_path, outside_folder, capsys):
    code, _, err = run(
        ["audit", str(outside_folder), "--csv", str(tmp_path / "no" / "such" / "dir.csv")], capsys
    )
    assert code == 2 and len(err.strip().splitlines()) == 1


def test_closed_pipe_is_quiet():
    # The one CLI test run as a real process: a reader that goes away must not print a traceback.
    proc = subprocess.run(
        f"{sys.executable} -m reanalysis.cli ci 23 55 --method all | head -1",
        shell=True,
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in proc.stderr and "clopper-pearson" not in proc.stderr


def test_installed_entry_point_works_outside_the_repository(tmp_path):
    exe = __import__("shutil").which("reanalysis") or str(
        __import__("pathlib").Path(sys.executable).with_name("reanalysis")
    )
    proc = subprocess.run([exe, "--version"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("reanalysis ")


def test_user_slips_get_answers_not_blame(tmp_path, capsys):
    """What a first-time user typed (VIALE-A numbers): an interval in one token, a percent sign,
    proportion-scale bounds without --scale, a p-value with its 'p'."""
    from reanalysis import cli

    assert cli.main(["ci-method", "105", "286", "31.1-42.6"]) == 0
    assert "clopper-pearson" in capsys.readouterr().out
    assert cli.main(["ratio-check", "0.66", "0.52-0.85", "<0.001"]) == 0
    assert cli.main(["ci-method", "105", "286", "0.311", "0.426"]) == 1
    assert "add --scale proportion" in capsys.readouterr().err
    assert cli.main(["counts", "36.7%", "--n", "286"]) == 0
    out = capsys.readouterr().out
    assert "%%" not in out and "print as 36.7% for n = 286" in out
    assert cli.main(["explain-p", "p<0.001", "--group", "36.7%:286", "--group", "17.9%:145"]) == 0
    assert "give p < 0.001" in capsys.readouterr().out
    assert cli.main(["fragility", "105", "286", "26", "145"]) == 0
    assert "13 more patients with the outcome in group 2 (26/145 -> 39/145)" in capsys.readouterr().out


def test_two_groups_are_read_as_x_over_n_and_levels_and_measures_as_papers_print_them(capsys):
    # Outside user (ASTER): `effect 55/192 67/189` was refused (explain-p --group reads 55/192), and so
    # were "--level 95%" and "--measure OR".
    from reanalysis import cli

    assert cli.main(["effect", "55/192", "67/189", "--measure", "OR", "--level", "95%"]) == 0
    out = capsys.readouterr().out
    assert "or   wald  0.731016" in out
    assert cli.main(["effect", "55", "192", "67", "189", "--measure", "or"]) == 0
    assert capsys.readouterr().out == out
    for verb in ("compare", "fragility"):
        assert cli.main([verb, "55/192", "67/189"]) == 0
        slashed = capsys.readouterr().out
        assert cli.main([verb, "55", "192", "67", "189"]) == 0
        assert capsys.readouterr().out == slashed
    assert cli.main(["effect", "55/192"]) == 2
    assert "expected two groups, as count1 nobs1 count2 nobs2" in capsys.readouterr().err


def test_pool_gives_the_random_effects_estimate_of_the_meta_module(capsys):
    # Outside users: a folder of single-arm studies had no pooled estimate from the command line.
    from reanalysis import cli, meta

    assert cli.main(["pool", "12/40", "18/52", "9/31", "--hk"]) == 0
    out = capsys.readouterr().out
    res = meta.pool_proportions([12, 18, 9], [40, 52, 31], hartung_knapp=True)
    assert (
        f"pooled proportion (logit scale): {res.estimate:.4g} (95% CI {res.low:.4g} to {res.high:.4g}" in out
    )
    assert "study 3 (9/31)" in out and "I^2 = " in out and "consider --hk" not in out
    assert cli.main(["pool", "12/40:5/41", "18/52:10/50", "--measure", "RR", "--tau2", "dl"]) == 0
    out = capsys.readouterr().out
    res = meta.pool_effects([12, 18], [40, 52], [5, 10], [41, 50], measure="rr", method="DL")
    assert f"pooled RR, group 1 vs group 2: {res.estimate:.4g}" in out and "events" not in out


@pytest.mark.parametrize(
    "studies, message",
    [
        (["12/40"], "a meta-analysis needs at least 2 studies"),
        (["12/40", "5/41:3/30"], "give every study as x/n (proportions) or every study as x1/n1:x2/n2"),
        (["12/40", "41/40"], "study 2 ('41/40'): 41/40 is not a count of a group"),
        (["12/40", "12.5/40"], "study 2 ('12.5/40'): expected x/n (e.g. 12/40) or x1/n1:x2/n2"),
    ],
)
def test_pool_refuses_what_it_cannot_pool_naming_the_study(capsys, studies, message):
    from reanalysis import cli

    assert cli.main(["pool", *studies]) == 2
    assert message in capsys.readouterr().err
