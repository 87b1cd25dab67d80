"""JUnit XML: one test suite per submission, one test case per check, failures with reasons."""

from __future__ import annotations

from xml.etree import ElementTree

from grader.results import SubmissionResult


def render_junit(results: list[SubmissionResult]) -> str:
    suites = ElementTree.Element("testsuites", name="grader")
    for result in results:
        checks = [(part, check) for part in result.parts for check in part.checks]
        failures = sum(not check.passed for _, check in checks)
        suite = ElementTree.SubElement(
            suites, "testsuite", name=result.submission, tests=str(len(checks) or 1),
            failures=str(failures), errors=str(int(result.error is not None)),
            time=f"{result.seconds:.2f}",
        )  # fmt: skip
        if result.error:
            case = ElementTree.SubElement(
                suite, "testcase", classname=result.submission, name="grade"
            )
            ElementTree.SubElement(case, "error", message=result.error).text = result.error
            continue
        for part, check in checks:
            case = ElementTree.SubElement(
                suite, "testcase", classname=f"{result.submission}.{part.id}", name=check.name
            )
            if not check.passed:
                ElementTree.SubElement(case, "failure", message=check.message).text = check.message
            else:
                ElementTree.SubElement(case, "system-out").text = check.message
    ElementTree.indent(suites)
    return ElementTree.tostring(suites, encoding="unicode", xml_declaration=True) + "\n"
