import { CancelledError, ElementDistortionError, FemModelError } from "../fem.errors";
import { CENTRE_GRADIENTS, HOURGLASS_BASE } from "./hex8-hourglass";
import type { ExplicitHistory, ExplicitModel, ExplicitOptions, ExplicitResult } from "./explicit.types";
import { flowStressPa, radialReturn } from "./j2-plasticity.material";
import { maxPrincipal, maxPrincipalBound } from "./principal-strain";

/**
 * Explicit dynamics of Hex8 meshes: central differences with a lumped (row-sum) mass, one-point
 * elements in the current configuration (updated Lagrangian, Jaumann stress rate), Flanagan–
 * Belytschko hourglass control, J2 radial return, element erosion, prescribed velocities and a
 * rigid penalty striker. SI units.
 *
 * The step Δt = safety · min_e 1/(c_d·√(2 b:b)) with b the element's centre gradients: the
 * Flanagan–Belytschko bound on the largest element frequency of the one-point brick, recomputed
 * every step from the deformed elements (for a cube of edge h it is h/(√3·c_d), safe for every ν).
 * Element loops work on flat typed arrays and allocate nothing.
 */
const AXIS_INDEX = { x: 0, y: 1, z: 2 } as const;

export function solveExplicit(model: ExplicitModel, options: ExplicitOptions): ExplicitResult {
  const { mesh, material } = model;
  if (mesh.shape !== "hex8") throw new FemModelError(`explicit dynamics needs a hex8 mesh, got ${mesh.shape}`);
  if (!(options.durationS > 0))
    throw new FemModelError(`duration must be a positive number of seconds, got ${options.durationS}`);
  const safety = options.timeStepSafety ?? 0.9;
  if (!(safety > 0 && safety <= 1))
    throw new FemModelError(`time-step safety factor must lie in (0, 1], got ${safety}`);
  const maxSteps = options.maxSteps ?? Infinity;
  if (!(maxSteps >= 1)) throw new FemModelError(`maxSteps must be at least 1, got ${maxSteps}`);
  const hourglass = model.hourglass ?? { kind: "stiffness", coefficient: 0.05 };
  if (!(hourglass.coefficient >= 0 && hourglass.coefficient < 1))
    throw new FemModelError(`hourglass coefficient must lie in [0, 1), got ${hourglass.coefficient}`);
  if (model.failure && !(model.failure.limit > 0))
    throw new FemModelError(`failure limit must be positive, got ${model.failure.limit}`);

  const N = mesh.nodeCount;
  const E = mesh.elementCount;
  const GRAD = CENTRE_GRADIENTS;
  const HG = HOURGLASS_BASE;
  const conn = mesh.connectivity;
  const X = mesh.coordinates;
  const rho = material.densityKgM3;
  const lambda = material.lameLambdaPa;
  const G2 = 2 * material.shearModulusPa;
  const pModulus = material.pWaveModulusPa;
  const waveSpeed = Math.sqrt(pModulus / rho);
  const plastic = Number.isFinite(material.yieldStressPa);

  const x = Float64Array.from(X);
  const v = new Float64Array(3 * N);
  const f = new Float64Array(3 * N);
  const mass = new Float64Array(N);
  const stress = new Float64Array(6 * E);
  const strain = new Float64Array(6 * E);
  const plasticStrain = new Float64Array(E);
  const elementEnergy = new Float64Array(E);
  const alive = new Uint8Array(E).fill(1);
  const stiffHourglass = hourglass.kind === "stiffness" && hourglass.coefficient > 0;
  const viscousHourglass = hourglass.kind === "viscous" && hourglass.coefficient > 0;
  const hourglassForce = stiffHourglass ? new Float64Array(12 * E) : new Float64Array(0);
  const v0 = model.initialVelocityMPerS;
  if (v0 instanceof Float64Array) {
    if (v0.length !== 3 * N)
      throw new FemModelError(`initial velocity needs 3 values per node (${3 * N}), got ${v0.length}`);
    v.set(v0);
  } else if (v0) for (let n = 0; n < N; n++) for (let i = 0; i < 3; i++) v[3 * n + i] = v0[i] as number;

  // Element scratch (reused for every element).
  const xl = new Float64Array(24);
  const vl = new Float64Array(24);
  const b = new Float64Array(24);
  const hq = new Float64Array(12);

  /** Centre gradients b (in `b`) of element e at the current coordinates; returns det J. */
  const gradients = (e: number): number => {
    let j00 = 0,
      j01 = 0,
      j02 = 0,
      j10 = 0,
      j11 = 0,
      j12 = 0,
      j20 = 0,
      j21 = 0,
      j22 = 0;
    for (let a = 0; a < 8; a++) {
      const n = conn[8 * e + a] as number;
      const px = x[3 * n] as number;
      const py = x[3 * n + 1] as number;
      const pz = x[3 * n + 2] as number;
      xl[3 * a] = px;
      xl[3 * a + 1] = py;
      xl[3 * a + 2] = pz;
      const g0 = GRAD[3 * a] as number;
      const g1 = GRAD[3 * a + 1] as number;
      const g2 = GRAD[3 * a + 2] as number;
      j00 += px * g0;
      j01 += px * g1;
      j02 += px * g2;
      j10 += py * g0;
      j11 += py * g1;
      j12 += py * g2;
      j20 += pz * g0;
      j21 += pz * g1;
      j22 += pz * g2;
    }
    const c00 = j11 * j22 - j12 * j21;
    const c01 = j12 * j20 - j10 * j22;
    const c02 = j10 * j21 - j11 * j20;
    const det = j00 * c00 + j01 * c01 + j02 * c02;
    if (!(det > 0)) return det;
    const id = 1 / det;
    // (J⁻¹)_{ji} = ∂ξ_j/∂x_i; b_ai = Σ_j g_aj (J⁻¹)_{ji}.
    const i00 = c00 * id,
      i01 = (j02 * j21 - j01 * j22) * id,
      i02 = (j01 * j12 - j02 * j11) * id;
    const i10 = c01 * id,
      i11 = (j00 * j22 - j02 * j20) * id,
      i12 = (j02 * j10 - j00 * j12) * id;
    const i20 = c02 * id,
      i21 = (j01 * j20 - j00 * j21) * id,
      i22 = (j00 * j11 - j01 * j10) * id;
    for (let a = 0; a < 8; a++) {
      const g0 = GRAD[3 * a] as number;
      const g1 = GRAD[3 * a + 1] as number;
      const g2 = GRAD[3 * a + 2] as number;
      b[3 * a] = g0 * i00 + g1 * i10 + g2 * i20;
      b[3 * a + 1] = g0 * i01 + g1 * i11 + g2 * i21;
      b[3 * a + 2] = g0 * i02 + g1 * i12 + g2 * i22;
    }
    return det;
  };

  // Lumped mass and the first stable step from the undeformed mesh.
  let minElementDt = Infinity;
  for (let e = 0; e < E; e++) {
    const det = gradients(e);
    if (!(det > 0)) throw new ElementDistortionError(e, det);
    const m = (rho * 8 * det) / 8;
    let bb = 0;
    for (let k = 0; k < 24; k++) bb += (b[k] as number) ** 2;
    minElementDt = Math.min(minElementDt, 1 / (waveSpeed * Math.sqrt(2 * bb)));
    for (let a = 0; a < 8; a++) mass[conn[8 * e + a] as number]! += m;
  }
  for (let n = 0; n < N; n++)
    if (!(mass[n]! > 0)) throw new FemModelError(`node ${n} belongs to no element: remove unused nodes from the mesh`);
  const initialTimeStepS = safety * minElementDt;

  // Prescribed velocities as flat dof lists.
  const prescribed = model.prescribed ?? [];
  const presDofs: number[] = [];
  const presGroup: number[] = [];
  prescribed.forEach((p, g) => {
    const nodes = typeof p.nodes === "string" ? mesh.nodeSets.get(p.nodes) : p.nodes;
    if (!nodes)
      throw new FemModelError(
        `unknown node set "${String(p.nodes)}" in a prescribed velocity; the mesh has ${[...mesh.nodeSets.keys()].join(", ")}`,
      );
    const axis = AXIS_INDEX[p.component];
    if (axis === undefined)
      throw new FemModelError(`prescribed velocity component must be x, y or z, got ${String(p.component)}`);
    for (const n of nodes) {
      if (!(n >= 0 && n < N)) throw new FemModelError(`prescribed velocity on node ${n}, but the mesh has ${N} nodes`);
      presDofs.push(3 * n + axis);
      presGroup.push(g);
    }
  });
  const presDof = Int32Array.from(presDofs);
  const presOf = Int32Array.from(presGroup);
  const presValue = new Float64Array(prescribed.length);
  const reaction = new Float64Array(prescribed.length);
  const velocityAt = (g: number, t: number): number => {
    const value = (prescribed[g] as (typeof prescribed)[number]).velocityMPerS;
    return typeof value === "number" ? value : value(t);
  };
  for (let g = 0; g < prescribed.length; g++) presValue[g] = velocityAt(g, 0);
  for (let k = 0; k < presDof.length; k++) v[presDof[k] as number] = presValue[presOf[k] as number] as number;

  // Striker state.
  const striker = model.striker;
  if (striker) {
    if (!(striker.radiusM > 0)) throw new FemModelError(`striker radius must be positive, got ${striker.radiusM}`);
    if (!(striker.massKg > 0)) throw new FemModelError(`striker mass must be positive, got ${striker.massKg}`);
    if (striker.shape !== "sphere" && striker.shape !== "flat")
      throw new FemModelError(`striker shape must be sphere or flat, got ${String(striker.shape)}`);
  }
  const sPos = striker ? Float64Array.from(striker.positionM) : new Float64Array(3);
  const sPos0 = Float64Array.from(sPos);
  const sVel = striker ? Float64Array.from(striker.velocityMPerS) : new Float64Array(3);
  const sForce = new Float64Array(3);
  const sVel0 = Float64Array.from(sVel);
  const sSpeed0 = Math.hypot(sVel0[0]!, sVel0[1]!, sVel0[2]!);
  const sDir = sSpeed0 > 0 ? Float64Array.from(sVel0, (c) => c / sSpeed0) : Float64Array.from([0, 0, -1]);
  const penaltyPerKg = striker ? (striker.penaltyScale ?? 0.1) / (initialTimeStepS * initialTimeStepS) : 0;
  if (striker && !(penaltyPerKg > 0))
    throw new FemModelError(`striker penalty scale must be positive, got ${striker.penaltyScale}`);

  let contactForceNow = 0;
  let contactEnergy = 0;
  /** Penalty forces at the current positions, into f (plate) and sForce (striker, opposite). */
  const contact = (): void => {
    sForce[0] = 0;
    sForce[1] = 0;
    sForce[2] = 0;
    contactEnergy = 0;
    contactForceNow = 0;
    if (!striker) return;
    let energy = 0;
    const R = striker.radiusM;
    const cx = sPos[0] as number,
      cy = sPos[1] as number,
      cz = sPos[2] as number;
    const sphere = striker.shape === "sphere";
    for (let n = 0; n < N; n++) {
      const dx = (x[3 * n] as number) - cx;
      const dy = (x[3 * n + 1] as number) - cy;
      const dz = (x[3 * n + 2] as number) - cz;
      let g: number, nx: number, ny: number, nz: number;
      if (sphere) {
        if (dx > R || dx < -R || dy > R || dy < -R || dz > R || dz < -R) continue;
        const d = Math.sqrt(dx * dx + dy * dy + dz * dz);
        if (d >= R || d === 0) continue;
        g = R - d;
        nx = dx / d;
        ny = dy / d;
        nz = dz / d;
      } else {
        // Flat face at z = cz facing −z: nodes above it (by less than a radius, so the far side
        // of a thick target is not caught) and inside the disc are pushed down.
        if (dz <= 0 || dz > R || dx * dx + dy * dy > R * R) continue;
        g = dz;
        nx = 0;
        ny = 0;
        nz = -1;
      }
      const k = penaltyPerKg * (mass[n] as number);
      const fn = k * g;
      f[3 * n]! += fn * nx;
      f[3 * n + 1]! += fn * ny;
      f[3 * n + 2]! += fn * nz;
      sForce[0]! -= fn * nx;
      sForce[1]! -= fn * ny;
      sForce[2]! -= fn * nz;
      energy += 0.5 * k * g * g;
    }
    contactEnergy = energy;
    contactForceNow = Math.hypot(sForce[0]!, sForce[1]!, sForce[2]!);
  };

  // Energies and peaks.
  let plasticWork = 0;
  let hourglassEnergy = 0;
  let erodedEnergy = 0;
  let erodedCount = 0;
  let externalWork = 0;
  let peakForce = 0;
  let peakVonMises = 0;
  let peakPrincipal = 0;
  let firstFailure: ExplicitResult["firstFailure"] = null;
  // Per-pass results of the element loop. A typed array, not captured `let`s: closures that
  // write doubles into captured variables box every write, which floods the garbage collector.
  const pass = new Float64Array(6);
  const PASS_MIN_DT = 0,
    PASS_VON_MISES = 1,
    PASS_PRINCIPAL = 2,
    PASS_PLASTIC = 3,
    PASS_PLASTIC_WORK = 4,
    PASS_HOURGLASS = 5;

  const failure = model.failure;
  const failPrincipal = failure?.kind === "principal-strain" ? failure.limit : Infinity;
  const failPlastic = failure?.kind === "plastic-strain" ? failure.limit : Infinity;
  const hgCoefficient = hourglass.coefficient;
  const hourglassOn = stiffHourglass || viscousHourglass;

  /** Internal and hourglass forces at the current positions with velocities v over dt; results in `pass`. */
  const elementForces = (dt: number, t: number, sample: boolean): void => {
    let minDt = Infinity;
    let stepMaxVonMises = 0;
    let stepMaxPrincipal = 0;
    let stepMaxPlastic = 0;
    let stepPlasticWork = 0;
    let stepHourglass = 0;
    for (let e = 0; e < E; e++) {
      if (alive[e] === 0) continue;
      const det = gradients(e);
      if (!(det > 0)) {
        if (!failure) throw new ElementDistortionError(e, det);
        // An inverted element fails whatever the criterion; report the strain it reached.
        const o = 6 * e;
        erode(
          e,
          t,
          maxPrincipal(
            strain[o] as number,
            strain[o + 1] as number,
            strain[o + 2] as number,
            0.5 * (strain[o + 3] as number),
            0.5 * (strain[o + 4] as number),
            0.5 * (strain[o + 5] as number),
          ),
        );
        continue;
      }
      const V = 8 * det;
      let bb = 0;
      let l00 = 0,
        l01 = 0,
        l02 = 0,
        l10 = 0,
        l11 = 0,
        l12 = 0,
        l20 = 0,
        l21 = 0,
        l22 = 0;
      for (let a = 0; a < 8; a++) {
        const n = conn[8 * e + a] as number;
        const vx = v[3 * n] as number,
          vy = v[3 * n + 1] as number,
          vz = v[3 * n + 2] as number;
        vl[3 * a] = vx;
        vl[3 * a + 1] = vy;
        vl[3 * a + 2] = vz;
        const bx = b[3 * a] as number,
          by = b[3 * a + 1] as number,
          bz = b[3 * a + 2] as number;
        bb += bx * bx + by * by + bz * bz;
        l00 += vx * bx;
        l01 += vx * by;
        l02 += vx * bz;
        l10 += vy * bx;
        l11 += vy * by;
        l12 += vy * bz;
        l20 += vz * bx;
        l21 += vz * by;
        l22 += vz * bz;
      }
      const edt = 1 / (waveSpeed * Math.sqrt(2 * bb));
      if (edt < minDt) minDt = edt;
      // Rate of deformation D and spin W.
      const dxx = l00,
        dyy = l11,
        dzz = l22;
      const dyz = 0.5 * (l12 + l21),
        dxz = 0.5 * (l02 + l20),
        dxy = 0.5 * (l01 + l10);
      const wxy = 0.5 * (l01 - l10),
        wxz = 0.5 * (l02 - l20),
        wyz = 0.5 * (l12 - l21);
      const o = 6 * e;
      const s0 = stress[o] as number,
        s1 = stress[o + 1] as number,
        s2 = stress[o + 2] as number;
      const s3 = stress[o + 3] as number,
        s4 = stress[o + 4] as number,
        s5 = stress[o + 5] as number;
      // Jaumann rate: σ̇ = C:D + Wσ − σW.
      const rxx = 2 * (wxy * s5 + wxz * s4);
      const ryy = 2 * (-wxy * s5 + wyz * s3);
      const rzz = -2 * (wxz * s4 + wyz * s3);
      const ryz = -wxy * s4 + wyz * s2 - wxz * s5 - wyz * s1;
      const rxz = wxy * s3 + wxz * s2 - wxz * s0 - wyz * s5;
      const rxy = wxy * s1 + wxz * s3 - wxy * s0 + wyz * s4;
      const ltr = lambda * (dxx + dyy + dzz);
      stress[o] = s0 + dt * (ltr + G2 * dxx + rxx);
      stress[o + 1] = s1 + dt * (ltr + G2 * dyy + ryy);
      stress[o + 2] = s2 + dt * (ltr + G2 * dzz + rzz);
      stress[o + 3] = s3 + dt * (G2 * dyz + ryz);
      stress[o + 4] = s4 + dt * (G2 * dxz + rxz);
      stress[o + 5] = s5 + dt * (G2 * dxy + rxy);
      const ep = plasticStrain[e] as number;
      if (plastic) {
        const dep = radialReturn(material, stress, o, ep);
        if (dep > 0) {
          plasticStrain[e] = ep + dep;
          stepPlasticWork += 0.5 * (flowStressPa(material, ep) + flowStressPa(material, ep + dep)) * dep * V;
        }
      }
      const n0 = stress[o] as number,
        n1 = stress[o + 1] as number,
        n2 = stress[o + 2] as number;
      const n3 = stress[o + 3] as number,
        n4 = stress[o + 4] as number,
        n5 = stress[o + 5] as number;
      elementEnergy[e]! +=
        0.5 *
        dt *
        V *
        ((s0 + n0) * dxx +
          (s1 + n1) * dyy +
          (s2 + n2) * dzz +
          2 * ((s3 + n3) * dyz + (s4 + n4) * dxz + (s5 + n5) * dxy));
      const exx = (strain[o] as number) + dt * dxx;
      const eyy = (strain[o + 1] as number) + dt * dyy;
      const ezz = (strain[o + 2] as number) + dt * dzz;
      const eyz = (strain[o + 3] as number) + 2 * dt * dyz;
      const exz = (strain[o + 4] as number) + 2 * dt * dxz;
      const exy = (strain[o + 5] as number) + 2 * dt * dxy;
      strain[o] = exx;
      strain[o + 1] = eyy;
      strain[o + 2] = ezz;
      strain[o + 3] = eyz;
      strain[o + 4] = exz;
      strain[o + 5] = exy;

      // Failure check (exact principal strain only when the cheap bound says it may fail).
      if (failure) {
        let fails = (plasticStrain[e] as number) >= failPlastic;
        if (!fails && maxPrincipalBound(exx, eyy, ezz, 0.5 * eyz, 0.5 * exz, 0.5 * exy) >= failPrincipal)
          fails = maxPrincipal(exx, eyy, ezz, 0.5 * eyz, 0.5 * exz, 0.5 * exy) >= failPrincipal;
        if (fails) {
          erode(e, t, maxPrincipal(exx, eyy, ezz, 0.5 * eyz, 0.5 * exz, 0.5 * exy));
          continue;
        }
      }
      const vm = Math.sqrt(
        0.5 * ((n0 - n1) ** 2 + (n1 - n2) ** 2 + (n2 - n0) ** 2) + 3 * (n3 * n3 + n4 * n4 + n5 * n5),
      );
      if (vm > stepMaxVonMises) stepMaxVonMises = vm;
      if (sample) {
        const pe = maxPrincipal(exx, eyy, ezz, 0.5 * eyz, 0.5 * exz, 0.5 * exy);
        if (pe > stepMaxPrincipal) stepMaxPrincipal = pe;
        if ((plasticStrain[e] as number) > stepMaxPlastic) stepMaxPlastic = plasticStrain[e] as number;
      }

      // Hourglass (Flanagan–Belytschko): γ_α = Γ_α − Σ_i h_αi b_i with h_αi = Γ_α·x_i, so
      // q_αj = γ_α·v_j = Γ_α·v_j − Σ_i h_αi L_ji and the nodal forces Σ_α γ_αa Q_αj =
      // Σ_α Γ_αa Q_αj − Σ_i b_ai M_ij with M_ij = Σ_α h_αi Q_αj: no γ table per element.
      let m00 = 0,
        m01 = 0,
        m02 = 0,
        m10 = 0,
        m11 = 0,
        m12 = 0,
        m20 = 0,
        m21 = 0,
        m22 = 0;
      if (hourglassOn) {
        let hourglassPower = 0;
        const k = stiffHourglass ? (hgCoefficient * pModulus * V * bb) / 3 : 0;
        const cv = viscousHourglass ? (hgCoefficient * rho * waveSpeed * Math.cbrt(V * V)) / 4 : 0;
        const ho = 12 * e;
        for (let al = 0; al < 4; al++) {
          let hx = 0,
            hy = 0,
            hz = 0,
            gx = 0,
            gy = 0,
            gz = 0;
          for (let a = 0; a < 8; a++) {
            const g = HG[4 * a + al] as number;
            hx += g * (xl[3 * a] as number);
            hy += g * (xl[3 * a + 1] as number);
            hz += g * (xl[3 * a + 2] as number);
            gx += g * (vl[3 * a] as number);
            gy += g * (vl[3 * a + 1] as number);
            gz += g * (vl[3 * a + 2] as number);
          }
          const qx = gx - (hx * l00 + hy * l01 + hz * l02);
          const qy = gy - (hx * l10 + hy * l11 + hz * l12);
          const qz = gz - (hx * l20 + hy * l21 + hz * l22);
          let Qx: number, Qy: number, Qz: number;
          if (stiffHourglass) {
            // Elastic hourglass forces, incremental: Q += Δt·k·q, k = Q_hg (λ+2G) V (b:b) / 3.
            // The energy rate uses the mid-step force, so the spring stores what it returns.
            const o12 = ho + 3 * al;
            const x0 = hourglassForce[o12] as number,
              y0 = hourglassForce[o12 + 1] as number,
              z0 = hourglassForce[o12 + 2] as number;
            Qx = x0 + dt * k * qx;
            Qy = y0 + dt * k * qy;
            Qz = z0 + dt * k * qz;
            hourglassForce[o12] = Qx;
            hourglassForce[o12 + 1] = Qy;
            hourglassForce[o12 + 2] = Qz;
            hourglassPower += 0.5 * ((x0 + Qx) * qx + (y0 + Qy) * qy + (z0 + Qz) * qz);
          } else {
            // Viscous: Q = c q, c = Q_hg ρ c_d V^(2/3) / 4 (as LS-DYNA's type 1).
            Qx = cv * qx;
            Qy = cv * qy;
            Qz = cv * qz;
            hourglassPower += Qx * qx + Qy * qy + Qz * qz;
          }
          hq[3 * al] = Qx;
          hq[3 * al + 1] = Qy;
          hq[3 * al + 2] = Qz;
          m00 += hx * Qx;
          m01 += hx * Qy;
          m02 += hx * Qz;
          m10 += hy * Qx;
          m11 += hy * Qy;
          m12 += hy * Qz;
          m20 += hz * Qx;
          m21 += hz * Qy;
          m22 += hz * Qz;
        }
        elementEnergy[e]! += dt * hourglassPower;
        stepHourglass += dt * hourglassPower;
      }
      // Nodal forces: −V σ b_a (stress) − Σ_α γ_αa Q_α (hourglass), with P_ji = V σ_ji − M_ij.
      const p00 = V * n0 - m00,
        p01 = V * n5 - m10,
        p02 = V * n4 - m20;
      const p10 = V * n5 - m01,
        p11 = V * n1 - m11,
        p12 = V * n3 - m21;
      const p20 = V * n4 - m02,
        p21 = V * n3 - m12,
        p22 = V * n2 - m22;
      const q0x = hq[0] as number,
        q0y = hq[1] as number,
        q0z = hq[2] as number;
      const q1x = hq[3] as number,
        q1y = hq[4] as number,
        q1z = hq[5] as number;
      const q2x = hq[6] as number,
        q2y = hq[7] as number,
        q2z = hq[8] as number;
      const q3x = hq[9] as number,
        q3y = hq[10] as number,
        q3z = hq[11] as number;
      for (let a = 0; a < 8; a++) {
        const bx = b[3 * a] as number,
          by = b[3 * a + 1] as number,
          bz = b[3 * a + 2] as number;
        const g0 = HG[4 * a] as number,
          g1 = HG[4 * a + 1] as number,
          g2 = HG[4 * a + 2] as number,
          g3 = HG[4 * a + 3] as number;
        const n = conn[8 * e + a] as number;
        f[3 * n]! -= p00 * bx + p01 * by + p02 * bz + g0 * q0x + g1 * q1x + g2 * q2x + g3 * q3x;
        f[3 * n + 1]! -= p10 * bx + p11 * by + p12 * bz + g0 * q0y + g1 * q1y + g2 * q2y + g3 * q3y;
        f[3 * n + 2]! -= p20 * bx + p21 * by + p22 * bz + g0 * q0z + g1 * q1z + g2 * q2z + g3 * q3z;
      }
    }
    pass[PASS_MIN_DT] = minDt;
    pass[PASS_VON_MISES] = stepMaxVonMises;
    pass[PASS_PRINCIPAL] = stepMaxPrincipal;
    pass[PASS_PLASTIC] = stepMaxPlastic;
    pass[PASS_PLASTIC_WORK] = stepPlasticWork;
    pass[PASS_HOURGLASS] = stepHourglass;
  };

  function erode(e: number, t: number, principalAtFailure: number): void {
    alive[e] = 0;
    erodedEnergy += elementEnergy[e] as number;
    elementEnergy[e] = 0;
    erodedCount++;
    for (let c = 0; c < 6; c++) stress[6 * e + c] = 0;
    if (stiffHourglass) for (let c = 0; c < 12; c++) hourglassForce[12 * e + c] = 0;
    if (firstFailure === null) firstFailure = { timeS: t, element: e, maxPrincipalStrain: principalAtFailure };
    if (principalAtFailure > peakPrincipal) peakPrincipal = principalAtFailure;
  }

  const history: ExplicitHistory = {
    timeS: [],
    contactForceN: [],
    strikerDisplacementM: [],
    strikerVelocityMPerS: [],
    maxVonMisesPa: [],
    maxPrincipalStrain: [],
    maxPlasticStrain: [],
    kineticEnergyJ: [],
    internalEnergyJ: [],
    plasticWorkJ: [],
    hourglassEnergyJ: [],
    erodedEnergyJ: [],
    contactEnergyJ: [],
    externalWorkJ: [],
    erodedElements: [],
    reactionN: prescribed.map(() => []),
  };

  const estimatedSteps = Math.min(maxSteps, Math.ceil(options.durationS / initialTimeStepS));
  const outputEvery = Math.max(1, Math.floor(options.outputEvery ?? Math.ceil(estimatedSteps / 200)));
  const progressEvery = Math.max(1, Math.floor(options.progressEvery ?? 100));

  // State at t = 0: no stress, contact forces only.
  let t = 0;
  let dt = initialTimeStepS;
  let dtPrev = 0;
  let steps = 0;
  contact();
  let kineticHalfPrev = NaN;
  let kineticInitial = 0;
  for (let n = 0; n < N; n++)
    kineticInitial +=
      0.5 *
      (mass[n] as number) *
      ((v[3 * n] as number) ** 2 + (v[3 * n + 1] as number) ** 2 + (v[3 * n + 2] as number) ** 2);
  let sampledPrincipal = 0;
  let sampledPlastic = 0;
  let sampledVonMises = 0;
  let internalEnergyNow = 0;
  const strikerKinetic = (): number =>
    striker ? 0.5 * striker.massKg * (sVel[0]! ** 2 + sVel[1]! ** 2 + sVel[2]! ** 2) : 0;
  kineticInitial += strikerKinetic();

  for (;;) {
    if (options.signal?.aborted) throw new CancelledError("explicit dynamics");
    // v(n+½) = v(n−½) + Δt_avg a(n)
    const dtAvg = 0.5 * (dtPrev + dt);
    for (let n = 0; n < N; n++) {
      const s = dtAvg / (mass[n] as number);
      v[3 * n]! += s * (f[3 * n] as number);
      v[3 * n + 1]! += s * (f[3 * n + 1] as number);
      v[3 * n + 2]! += s * (f[3 * n + 2] as number);
    }
    if (striker) for (let i = 0; i < 3; i++) sVel[i]! += (dtAvg * (sForce[i] as number)) / striker.massKg;
    reaction.fill(0);
    if (presDof.length > 0) {
      const tHalf = t + 0.5 * dt;
      for (let g = 0; g < prescribed.length; g++) presValue[g] = velocityAt(g, tHalf);
      for (let k = 0; k < presDof.length; k++) {
        const dof = presDof[k] as number;
        const g = presOf[k] as number;
        const vp = presValue[g] as number;
        const vFree = v[dof] as number;
        const m = mass[(dof / 3) | 0] as number;
        const vOld = vFree - (dtAvg * (f[dof] as number)) / m;
        // Force that makes the free update land on the prescribed velocity.
        const r = dtAvg > 0 ? (m * (vp - vFree)) / dtAvg : -(f[dof] as number);
        reaction[g]! += r;
        externalWork += r * 0.5 * (vOld + vp) * dtAvg;
        v[dof] = vp;
      }
    }
    let kineticHalf = 0;
    for (let n = 0; n < N; n++)
      kineticHalf +=
        0.5 *
        (mass[n] as number) *
        ((v[3 * n] as number) ** 2 + (v[3 * n + 1] as number) ** 2 + (v[3 * n + 2] as number) ** 2);
    kineticHalf += strikerKinetic();
    // Kinetic energy at t(n): mean of the two half steps around it.
    const kineticNow = Number.isNaN(kineticHalfPrev) ? kineticInitial : 0.5 * (kineticHalfPrev + kineticHalf);
    kineticHalfPrev = kineticHalf;
    if (contactForceNow > peakForce) peakForce = contactForceNow;
    if (sampledVonMises > peakVonMises) peakVonMises = sampledVonMises;
    if (sampledPrincipal > peakPrincipal) peakPrincipal = sampledPrincipal;
    const done = t >= options.durationS * (1 - 1e-12) || steps >= maxSteps;
    if (steps % outputEvery === 0 || done) {
      history.timeS.push(t);
      history.contactForceN.push(contactForceNow);
      history.strikerDisplacementM.push(
        (sPos[0]! - sPos0[0]!) * sDir[0]! + (sPos[1]! - sPos0[1]!) * sDir[1]! + (sPos[2]! - sPos0[2]!) * sDir[2]!,
      );
      history.strikerVelocityMPerS.push(sVel[0]! * sDir[0]! + sVel[1]! * sDir[1]! + sVel[2]! * sDir[2]!);
      history.maxVonMisesPa.push(sampledVonMises);
      history.maxPrincipalStrain.push(sampledPrincipal);
      history.maxPlasticStrain.push(sampledPlastic);
      history.kineticEnergyJ.push(kineticNow);
      history.internalEnergyJ.push(internalEnergyNow);
      history.plasticWorkJ.push(plasticWork);
      history.hourglassEnergyJ.push(hourglassEnergy);
      history.erodedEnergyJ.push(erodedEnergy);
      history.contactEnergyJ.push(contactEnergy);
      history.externalWorkJ.push(externalWork);
      history.erodedElements.push(erodedCount);
      for (let g = 0; g < prescribed.length; g++) history.reactionN[g]!.push(reaction[g] as number);
    }
    if (done) break;
    // x(n+1) = x(n) + Δt v(n+½)
    for (let k = 0; k < 3 * N; k++) x[k]! += dt * (v[k] as number);
    for (let i = 0; i < 3; i++) sPos[i]! += dt * (sVel[i] as number);
    t += dt;
    steps++;
    f.fill(0);
    const sample = steps % outputEvery === 0;
    elementForces(dt, t, sample);
    const nextDt = safety * (pass[PASS_MIN_DT] as number);
    plasticWork += pass[PASS_PLASTIC_WORK] as number;
    hourglassEnergy += pass[PASS_HOURGLASS] as number;
    sampledVonMises = pass[PASS_VON_MISES] as number;
    if (sample) {
      sampledPrincipal = pass[PASS_PRINCIPAL] as number;
      sampledPlastic = pass[PASS_PLASTIC] as number;
    }
    internalEnergyNow = 0;
    for (let e = 0; e < E; e++) internalEnergyNow += elementEnergy[e] as number;
    contact();
    dtPrev = dt;
    dt = Number.isFinite(nextDt) ? nextDt : dt;
    // Land exactly on the requested duration.
    if (t + dt > options.durationS) dt = Math.max(options.durationS - t, 1e-30 * dt);
    if (options.onProgress && steps % progressEvery === 0)
      options.onProgress({ stage: "step", iteration: steps, fraction: Math.min(1, t / options.durationS) });
  }

  const displacementM = new Float64Array(3 * N);
  for (let k = 0; k < 3 * N; k++) displacementM[k] = (x[k] as number) - (X[k] as number);
  return {
    history,
    steps,
    timeS: t,
    initialTimeStepS,
    displacementM,
    velocityMPerS: v,
    stressPa: stress,
    strain,
    plasticStrain,
    alive,
    peak: { contactForceN: peakForce, vonMisesPa: peakVonMises, maxPrincipalStrain: peakPrincipal },
    firstFailure,
    striker: striker
      ? { positionM: [sPos[0]!, sPos[1]!, sPos[2]!], velocityMPerS: [sVel[0]!, sVel[1]!, sVel[2]!] }
      : null,
  };
}
