"""End-to-end example against a running MatGraph server (run by the test suite).

    python3 examples/example.py http://localhost:4000/graphql [TOKEN]

Expects the AFLOW and MP bulk-modulus benchmark files imported (see the README).
Prints the cross-source comparison and a simulation result; exits non-zero if
anything is off.
"""
import sys

from matgraph_client import MatGraph, MatGraphError


def main() -> int:
    url = sys.argv[1] if len(sys.argv) > 1 else "http://localhost:4000/graphql"
    token = sys.argv[2] if len(sys.argv) > 2 else None
    mg = MatGraph(url, token)

    sources = {s["source"]: s["entryCount"] for s in mg.query("{ sources { source entryCount } }")["sources"]}
    print("entries per source:", {k: v for k, v in sources.items() if v})

    frame = mg.materials_frame(filter={"elements": {"hasAll": ["Cu"]}}, keys=["BULK_MODULUS_VRH"], page_size=50)
    assert not frame.empty, "no copper compounds with a bulk modulus"
    assert set(frame["unit"]) == {"GPa"}, f"units: {set(frame['unit'])}"
    print(f"{frame['formula'].nunique()} Cu compounds, {len(frame)} bulk-modulus values")

    table = mg.compare("BULK_MODULUS_VRH")
    assert {"AFLOW", "MP"} <= set(table.columns), f"sources in the comparison: {list(table.columns)}"
    both = table.dropna(subset=["AFLOW", "MP"])
    assert len(both) > 10, f"only {len(both)} compositions in both AFLOW and MP"
    diff = (both["AFLOW"] - both["MP"]).abs()
    print(f"bulk modulus in both AFLOW and MP: {len(both)} compositions, median |AFLOW - MP| = {diff.median():.1f} GPa")
    print(both.head(10).round(1).to_string())

    try:
        mg.materials_frame(filter={"elements": {"hasAll": ["Xx"]}})
        raise AssertionError("an unknown element was accepted")
    except MatGraphError as error:
        assert error.code == "BAD_USER_INPUT", error.code
        print("unknown element refused:", error)

    if token:
        job = mg.simulate({"kind": "FEM_CANTILEVER", "formula": both.index[0],
                           "fem": {"elasticFrom": {"source": "AFLOW"}, "elements": "10x2x2", "element": "hex8i"}})
        job = mg.wait_for_job(job["id"], timeout=300)
        assert job["state"] == "SUCCEEDED", job
        print(f"cantilever of {both.index[0]} (AFLOW moduli): tip deflection {job['result']['tipDeflectionM']:.3e} m")
    return 0


if __name__ == "__main__":
    sys.exit(main())
