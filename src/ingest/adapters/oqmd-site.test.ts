import { describe, expect, it } from "vitest";
import { readSite } from "./oqmd.adapter";

/** The pattern OQMD sites were always read with; readSite's fast path must agree with it everywhere. */
const SITE = /^\s*(\S+)\s*@\s*(\S+)\s+(\S+)\s+(\S+)\s*$/;

function viaPattern(site: string): string[] | undefined {
  const match = SITE.exec(site);
  return match ? match.slice(1) : undefined;
}

function viaReadSite(site: string): string[] | undefined {
  const parts = ["", "", "", ""];
  return readSite(site, parts) ? parts : undefined;
}

describe("OQMD site text", () => {
  it("reads every site as the pattern does, typical or odd", () => {
    const cases = [
      "Au @ 0.5 0.249 0",
      "O @ 1e-3 -0.5 +2",
      "Au@0.5 0.2 0",
      "Au @ 0.5  0.2 0",
      " Au @ 0.5 0.2 0",
      "Au @ 0.5 0.2 0 ",
      "Au @ 0.5 0.2",
      "Au @ 0.5 0.2 0 1",
      "A@B @ 1 2 3",
      "Au @ 1 @ 2 3",
      "Au\t@ 1 2 3",
      "Au @ 1\t2 3",
      "Au\u00a0@ 1 2 3",
      "Au @ 1 2 3\u00a0",
      "Fé @ 1 2 3",
      " @ 1 2 3",
      "Au @  ",
      "",
      "@",
    ];
    for (const site of cases) expect(viaReadSite(site), JSON.stringify(site)).toEqual(viaPattern(site));
    // Random strings over the characters that matter to either reader.
    const alphabet = ["A", "u", "@", " ", " ", "\t", "1", ".", "-", "\u00a0", "é"];
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    let matched = 0;
    for (let i = 0; i < 50_000; i++) {
      const length = 3 + Math.floor(next() * 14);
      let site = "";
      for (let k = 0; k < length; k++) site += alphabet[Math.floor(next() * alphabet.length)];
      const expected = viaPattern(site);
      if (expected) matched += 1;
      expect(viaReadSite(site), JSON.stringify(site)).toEqual(expected);
    }
    expect(matched).toBeGreaterThan(50); // the random strings did exercise matching sites
  });
});
