"""A small MatGraph client for notebooks: GraphQL queries, cursor pagination into
pandas DataFrames, simulations and transfer experiments.

Standard library + requests + pandas only.

    from matgraph_client import MatGraph
    mg = MatGraph("http://localhost:4000/graphql")
    df = mg.materials_frame(filter={"elements": {"hasAll": ["O"]}}, keys=["BAND_GAP"])
    table = mg.compare("BULK_MODULUS_VRH")          # formula x source
"""
from __future__ import annotations

import time
from typing import Any, Dict, Iterator, List, Optional

import pandas as pd
import requests


class MatGraphError(RuntimeError):
    """A GraphQL error answered by the server, with its code (BAD_USER_INPUT, NOT_FOUND, ...)."""

    def __init__(self, errors: List[Dict[str, Any]]):
        first = errors[0] if errors else {}
        self.code = (first.get("extensions") or {}).get("code", "UNKNOWN")
        self.errors = errors
        super().__init__(f"{self.code}: {first.get('message', 'unknown error')}")


_PAGE_QUERY = """
query Page($filter: MaterialFilter, $orderBy: MaterialOrder, $first: Int, $after: String, $keys: [PropertyKey!]) {
  materials(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id formula chemsys nelements
      properties(keys: $keys) { key value unit source sourceId method } } }
  }
}
"""

_JOB_FIELDS = "id kind state progress message result error attempts createdAt finishedAt"


class MatGraph:
    def __init__(self, url: str = "http://localhost:4000/graphql", token: Optional[str] = None, timeout: float = 60.0):
        self.url = url
        self.session = requests.Session()
        self.timeout = timeout
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def query(self, query: str, variables: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
        """Runs one GraphQL operation; raises MatGraphError on any GraphQL error."""
        response = self.session.post(self.url, json={"query": query, "variables": variables or {}}, timeout=self.timeout)
        body = response.json()
        if body.get("errors"):
            raise MatGraphError(body["errors"])
        response.raise_for_status()
        return body["data"]

    def iter_materials(self, filter: Optional[Dict[str, Any]] = None, keys: Optional[List[str]] = None,
                       order_by: Optional[Dict[str, Any]] = None, page_size: int = 200) -> Iterator[Dict[str, Any]]:
        """Every material matching the filter, following the cursor from page to page."""
        after = None
        while True:
            data = self.query(_PAGE_QUERY, {"filter": filter, "orderBy": order_by, "first": page_size,
                                            "after": after, "keys": keys})["materials"]
            for edge in data["edges"]:
                yield edge["node"]
            if not data["pageInfo"]["hasNextPage"]:
                return
            after = data["pageInfo"]["endCursor"]

    def materials_frame(self, filter: Optional[Dict[str, Any]] = None, keys: Optional[List[str]] = None,
                        order_by: Optional[Dict[str, Any]] = None, page_size: int = 200) -> pd.DataFrame:
        """One row per material x property value: formula, chemsys, key, value, unit, source, sourceId, method."""
        rows = []
        for node in self.iter_materials(filter, keys, order_by, page_size):
            for p in node["properties"]:
                rows.append({"materialId": node["id"], "formula": node["formula"], "chemsys": node["chemsys"],
                             "nelements": node["nelements"], **p})
        return pd.DataFrame(rows, columns=["materialId", "formula", "chemsys", "nelements", "key", "value", "unit",
                                           "source", "sourceId", "method"])

    def compare(self, key: str, filter: Optional[Dict[str, Any]] = None, page_size: int = 200) -> pd.DataFrame:
        """The cross-source table of one property: a row per formula, a column per source (mean where a
        source has several entries of one composition), only formulas with a value in two sources or more."""
        combined = {"properties": [{"key": key, "min": -1e300}], **(filter or {})}
        frame = self.materials_frame(combined, [key], page_size=page_size)
        if frame.empty:
            return frame
        table = frame.pivot_table(index="formula", columns="source", values="value", aggfunc="mean")
        return table[table.notna().sum(axis=1) >= 2]

    def simulate(self, input: Dict[str, Any]) -> Dict[str, Any]:
        """Starts (or finds) a simulation job; needs an operator token."""
        return self.query(f"mutation($input: SimulateInput!) {{ simulate(input: $input) {{ {_JOB_FIELDS} }} }}",
                          {"input": input})["simulate"]

    def job(self, job_id: str) -> Dict[str, Any]:
        return self.query(f"query($id: ID!) {{ job(id: $id) {{ {_JOB_FIELDS} }} }}", {"id": job_id})["job"]

    def wait_for_job(self, job_id: str, timeout: float = 600.0, poll: float = 0.5) -> Dict[str, Any]:
        """Polls until the job ends; returns it. Raises TimeoutError if it does not end in time."""
        deadline = time.monotonic() + timeout
        while True:
            job = self.job(job_id)
            if job["state"] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                return job
            if time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job['state']} after {timeout} s")
            time.sleep(poll)

    def export_csv(self, path: str, **params: str) -> int:
        """Streams /export/materials.csv (same filter as the query, as parameters) into a file; returns bytes."""
        base = self.url.rsplit("/graphql", 1)[0]
        with self.session.get(f"{base}/export/materials.csv", params=params, stream=True, timeout=self.timeout) as r:
            r.raise_for_status()
            size = 0
            with open(path, "wb") as out:
                for chunk in r.iter_content(chunk_size=1 << 16):
                    out.write(chunk)
                    size += len(chunk)
            return size
