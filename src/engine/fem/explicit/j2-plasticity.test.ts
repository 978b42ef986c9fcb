import { describe, expect, it } from "vitest";
import { boxMesh } from "../mesh/structured.mesh";
import { solveExplicit } from "./explicit.solver";
import { explicitMaterial, flowStressPa, radialReturn, type HardeningLaw } from "./j2-plasticity.material";
import { vonMisesOf } from "./principal-strain";

const E = 200e9;
const nu = 0.3;
const sigma0 = 250e6;

describe("J2 plasticity with isotropic hardening", () => {
  it("radial return lands on the yield surface of both hardening laws, and stays elastic inside it", () => {
    const laws: HardeningLaw[] = [
      { kind: "linear", modulusPa: 2e9 },
      { kind: "power", coefficientPa: 500e6, exponent: 0.3 },
    ];
    for (const hardening of laws) {
      const m = explicitMaterial({
        youngsModulusPa: E,
        poissonRatio: nu,
        densityKgM3: 7850,
        yieldStressPa: sigma0,
        hardening,
      });
      const s = Float64Array.from([600e6, -100e6, 50e6, 80e6, -30e6, 120e6]);
      const ep0 = 0.01;
      const dep = radialReturn(m, s, 0, ep0);
      expect(dep).toBeGreaterThan(0);
      expect(vonMisesOf(s, 0) / flowStressPa(m, ep0 + dep)).toBeCloseTo(1, 12);
      // Consistency: the von Mises drop equals 3G·Δεp (radial return along the deviator).
      expect(
        (vonMisesOf(Float64Array.from([600e6, -100e6, 50e6, 80e6, -30e6, 120e6]), 0) - vonMisesOf(s, 0)) /
          (3 * m.shearModulusPa * dep),
      ).toBeCloseTo(1, 10);
      // Pressure is untouched.
      expect((s[0]! + s[1]! + s[2]!) / 3).toBeCloseTo((600e6 - 100e6 + 50e6) / 3, 0);
      const inside = Float64Array.from([100e6, 0, 0, 0, 0, 0]);
      expect(radialReturn(m, inside, 0, 0)).toBe(0);
      expect(inside[0]).toBe(100e6);
    }
  });

  for (const hardening of [
    { kind: "linear", modulusPa: 2e9 },
    { kind: "power", coefficientPa: 500e6, exponent: 0.3 },
  ] as const) {
    it(`uniaxial tension of a bar follows the ${hardening.kind} hardening law`, () => {
      // One 10 mm element, symmetry planes on three faces, x face pulled slowly (quasi-static:
      // the load time is about a thousand wave transits).
      const h = 0.01;
      const mesh = boxMesh({ lengthM: h, widthM: h, heightM: h, nx: 1, ny: 1, nz: 1, shape: "hex8" });
      const material = explicitMaterial({
        youngsModulusPa: E,
        poissonRatio: nu,
        densityKgM3: 7850,
        yieldStressPa: sigma0,
        hardening,
      });
      const duration = 2e-3;
      const targetStrain = 0.02;
      const rate = ((Math.exp(targetStrain) - 1) * h) / duration;
      // Smooth start (half-sine ramp over a tenth of the run) keeps the inertial ringing small.
      const velocity = (t: number): number =>
        t < duration / 10 ? rate * 0.5 * (1 - Math.cos((Math.PI * t) / (duration / 10))) : rate;
      const r = solveExplicit(
        {
          mesh,
          material,
          prescribed: [
            { nodes: "xmin", component: "x", velocityMPerS: 0 },
            { nodes: "ymin", component: "y", velocityMPerS: 0 },
            { nodes: "zmin", component: "z", velocityMPerS: 0 },
            { nodes: "xmax", component: "x", velocityMPerS: velocity },
          ],
        },
        { durationS: duration },
      );
      const sxx = r.stressPa[0]!;
      const ep = r.plasticStrain[0]!;
      expect(ep).toBeGreaterThan(0.005);
      // On the yield surface exactly (radial return), and the state is uniaxial.
      expect(vonMisesOf(r.stressPa, 0) / flowStressPa(material, ep)).toBeCloseTo(1, 9);
      expect(Math.abs(r.stressPa[1]!) + Math.abs(r.stressPa[2]!)).toBeLessThan(1e-3 * sxx);
      expect(sxx / flowStressPa(material, ep)).toBeCloseTo(1, 3);
      // Additive split of the logarithmic strain: ε = σ/E + εp.
      const stretch = 1 + r.displacementM[3 * (mesh.nodeSets.get("xmax") as Int32Array)[0]!]! / h;
      expect((sxx / E + ep) / Math.log(stretch)).toBeCloseTo(1, 3);
    });
  }
});
