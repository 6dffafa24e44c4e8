"""A certainty question whose first study has no counts says which study, why, and what to do
(outside user, KEYNOTE-224 cohort 1: the abstract prints 18.3% of 104 and no count, and the error
said only "no effect can be computed")."""

import pytest

from reanalysis import evidence
from reanalysis.report.evidence_summary import evidence_table

FILES = {
    "studies.csv": "study_id,label,indication,design,citation,status,source_status,source\n"
    "kn224,KEYNOTE-224 cohort 1,HCC,single-arm phase 2,Kudo M et al. Eur J Cancer 2022,completed,confirmed,"
    "NCT02702414\n"
    "feun,Feun 2019,HCC,single-arm phase 2,Feun LG et al. Cancer 2019,completed,confirmed,PMID 31251403\n",
    "arms.csv": "study_id,arm_id,regimen,n_enrolled,source_status,source\n"
    "kn224,pembro,pembrolizumab,104,confirmed,abstract\nfeun,pembro,pembrolizumab,29,confirmed,abstract\n",
    "outcomes.csv": "study_id,arm_id,endpoint,timepoint_value,timepoint_unit,responders,n,reported_percent,"
    "source_status,source_location\n"
    "kn224,pembro,objective_response,,best,,104,18.3,confirmed,abstract\n"
    "feun,pembro,objective_response,,best,9,28,32,confirmed,abstract\n",
}
CERTAINTY = (
    "question_id,question,indication,study_ids,endpoint,timepoint_value,timepoint_unit,arm_a,arm_b,"
    "risk_of_bias,inconsistency,indirectness,imprecision,publication_bias,certainty,reasons,judged_by\n"
    "q1,Response rate of pembrolizumab in HCC?,HCC,{ids},objective_response,,best,pembro,,not serious,"
    "not serious,not serious,serious,not serious,moderate,imprecision,this reanalysis\n"
)


def _load(tmp_path, ids):
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    (tmp_path / "certainty.csv").write_text(CERTAINTY.format(ids=ids))
    return evidence.load(tmp_path)


def test_a_first_study_without_counts_is_named_with_the_reason_and_the_fixes(tmp_path):
    with pytest.raises(ValueError) as err:
        evidence_table(_load(tmp_path, "kn224;feun"))
    message = str(err.value)
    assert message.startswith(
        "certainty.csv, question 'q1': certainty 'moderate' but no effect can be computed from its first "
        "study (kn224): no counts published or derived for kn224/pembro/objective_response; "
    )
    assert "derived_responders and derived_n" in message and "list first a study that has them" in message


def test_a_first_study_with_counts_gives_the_effect(tmp_path):
    table = evidence_table(_load(tmp_path, "feun;kn224"))
    assert "9/28" in table.iloc[0]["effect (95% CI)"]
