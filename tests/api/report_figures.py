"""The comparison of the API's figures by unit with an official report's table by unit."""


def assert_units_are_the_reports(data: dict, inputs: dict) -> dict:
    """Each unit with assignments in GET /api/v1/figures/units/ (`data`) has the figures of its row
    in the report's table by unit (`inputs`, as assembled); returns the report's rows by unit name."""
    report = {row["label"]: row for row in inputs["by_unit"]}
    units = {u["unit_name"]: u for u in data["units"] if u["assigned"]}
    assert set(units) == set(report)
    for name, unit in units.items():
        row = report[name]
        assert unit["assigned"] == row["total"], name
        assert unit["completed"] == row["completed_on_time"] + row["completed_late"], name
        assert unit["completed_on_time"] == row["completed_on_time"], name
        assert unit["awaiting_review"] == row["awaiting_review"], name
        assert unit["overdue"] == row["overdue"], name
    return report
