import { h } from "./dom";
import type { Structure } from "./queries";

/**
 * A crystal structure on a 2D canvas: an orthographic projection of the unit cell
 * (its 12 edges) and of the sites, drawn back to front as shaded spheres. Dragging
 * rotates the view (a trackball-like rotation about the screen axes). Lengths are
 * in Å; sites on a cell face are repeated on the opposite face so the cell reads
 * as the familiar conventional picture (a bcc cell shows its 8 corners).
 */
type Vec3 = [number, number, number];
type Mat3 = [Vec3, Vec3, Vec3];

/** Jmol colours of common elements; others get a stable hue from their symbol. */
// prettier-ignore
const COLORS: Record<string, string> = {
  H: "#e8e8e8", Li: "#cc80ff", Be: "#c2ff00", B: "#ffb5b5", C: "#909090", N: "#3050f8", O: "#ff0d0d", F: "#90e050",
  Na: "#ab5cf2", Mg: "#8aff00", Al: "#bfa6a6", Si: "#f0c8a0", P: "#ff8000", S: "#e6d600", Cl: "#1ff01f", K: "#8f40d4",
  Ca: "#3dff00", Ti: "#bfc2c7", V: "#a6a6ab", Cr: "#8a99c7", Mn: "#9c7ac7", Fe: "#e06633", Co: "#f090a0", Ni: "#50d050",
  Cu: "#c88033", Zn: "#7d80b0", Ga: "#c28f8f", Ge: "#668f8f", As: "#bd80e3", Se: "#ffa100", Sr: "#00ff00", Zr: "#94e0e0",
  Nb: "#73c2c9", Mo: "#54b5b5", Ag: "#b0b0b0", Sn: "#668080", Ba: "#00c900", W: "#2194d6", Pt: "#d0d0e0", Au: "#ffd123", Pb: "#575961",
};

/** Covalent radii, Å (Cordero et al. 2008), for relative sphere sizes. */
// prettier-ignore
const RADII: Record<string, number> = {
  H: 0.31, Li: 1.28, B: 0.84, C: 0.76, N: 0.71, O: 0.66, F: 0.57, Na: 1.66, Mg: 1.41, Al: 1.21, Si: 1.11, P: 1.07, S: 1.05,
  Cl: 1.02, K: 2.03, Ca: 1.76, Ti: 1.6, V: 1.53, Cr: 1.39, Mn: 1.39, Fe: 1.32, Co: 1.26, Ni: 1.24, Cu: 1.32, Zn: 1.22,
  Ga: 1.22, Ge: 1.2, As: 1.19, Se: 1.2, Sr: 1.95, Zr: 1.75, Nb: 1.64, Mo: 1.54, Ag: 1.45, Sn: 1.39, Ba: 2.15, W: 1.62,
  Pt: 1.36, Au: 1.36, Pb: 1.46,
};

export function elementColor(symbol: string): string {
  const known = COLORS[symbol];
  if (known) return known;
  let hash = 0;
  for (const ch of symbol) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${hash} 55% 55%)`;
}

const mul = (m: Mat3, v: Vec3): Vec3 => [
  m[0][0] * v[0] + m[0][1] * v[1] + m[0][2] * v[2],
  m[1][0] * v[0] + m[1][1] * v[1] + m[1][2] * v[2],
  m[2][0] * v[0] + m[2][1] * v[1] + m[2][2] * v[2],
];
const matmul = (a: Mat3, b: Mat3): Mat3 => {
  const col = (j: 0 | 1 | 2): Vec3 => [b[0][j], b[1][j], b[2][j]];
  const dot = (u: Vec3, v: Vec3) => u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
  const row = (r: Vec3): Vec3 => [dot(r, col(0)), dot(r, col(1)), dot(r, col(2))];
  return [row(a[0]), row(a[1]), row(a[2])];
};
// prettier-ignore
const rotX = (t: number): Mat3 => [[1, 0, 0], [0, Math.cos(t), -Math.sin(t)], [0, Math.sin(t), Math.cos(t)]];
// prettier-ignore
const rotY = (t: number): Mat3 => [[Math.cos(t), 0, Math.sin(t)], [0, 1, 0], [-Math.sin(t), 0, Math.cos(t)]];

/** Cartesian position (Å) of fractional coordinates in a lattice given as rows. */
function toCartesian(lattice: readonly number[][], f: Vec3): Vec3 {
  const axis = (k: number) =>
    f[0] * (lattice[0]?.[k] ?? 0) + f[1] * (lattice[1]?.[k] ?? 0) + f[2] * (lattice[2]?.[k] ?? 0);
  return [axis(0), axis(1), axis(2)];
}

interface Atom {
  species: string;
  xyz: Vec3;
}

/** Sites wrapped into the cell, plus their images on faces, edges and corners at 0 → 1. */
export function cellAtoms(structure: Structure): Atom[] {
  const eps = 1e-3;
  const atoms: Atom[] = [];
  for (const site of structure.sites) {
    const f = [0, 1, 2].map((i) => {
      const x = (site.abc[i] ?? 0) - Math.floor(site.abc[i] ?? 0);
      return x > 1 - eps ? 0 : x;
    }) as Vec3;
    const choices = f.map((x) => (x < eps ? [x, x + 1] : [x]));
    for (const a of choices[0]!)
      for (const b of choices[1]!)
        for (const c of choices[2]!) {
          atoms.push({ species: site.species, xyz: toCartesian(structure.lattice, [a, b, c]) });
        }
  }
  return atoms;
}

const CORNERS: Vec3[] = [0, 1].flatMap((a) => [0, 1].flatMap((b) => [0, 1].map((c) => [a, b, c] as Vec3)));
const EDGES: Array<[number, number]> = [];
for (let i = 0; i < 8; i++)
  for (let j = i + 1; j < 8; j++) {
    const diff = CORNERS[i]!.reduce((n, v, k) => n + Math.abs(v - CORNERS[j]![k]!), 0);
    if (diff === 1) EDGES.push([i, j]);
  }

export interface StructureViewer {
  readonly element: HTMLElement;
  show(structure: Structure): void;
}

export function createStructureViewer(): StructureViewer {
  const canvas = h("canvas", {
    class: "structure-canvas",
    "aria-label": "Crystal structure, drag to rotate",
    role: "img",
  });
  const legend = h("div", { class: "structure-legend" });
  const element = h("div", { class: "structure-viewer" }, canvas, legend);
  let structure: Structure | undefined;
  // A slightly turned start so that the three axes are all visible.
  let rotation: Mat3 = matmul(rotX(-0.45), rotY(0.6));

  const draw = (): void => {
    if (!structure) return;
    const dpr = window.devicePixelRatio || 1;
    const cssW = canvas.clientWidth || 420;
    const cssH = canvas.clientHeight || 340;
    if (canvas.width !== Math.round(cssW * dpr) || canvas.height !== Math.round(cssH * dpr)) {
      canvas.width = Math.round(cssW * dpr);
      canvas.height = Math.round(cssH * dpr);
    }
    const ctx = canvas.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssW, cssH);

    const lattice = structure.lattice;
    const center = toCartesian(lattice, [0.5, 0.5, 0.5]);
    const corners = CORNERS.map((c) => toCartesian(lattice, c).map((v, k) => v - center[k]!) as Vec3);
    const atoms = cellAtoms(structure);
    const reach = Math.max(...corners.map((c) => Math.hypot(...c)), 1);
    const scale = (Math.min(cssW, cssH) * 0.44) / reach; // px per Å
    const project = (p: Vec3): Vec3 => {
      const r = mul(rotation, p);
      return [cssW / 2 + r[0] * scale, cssH / 2 - r[1] * scale, r[2]];
    };

    const pc = corners.map(project);
    ctx.lineWidth = 1.25;
    ctx.strokeStyle = "#94a3b8";
    ctx.beginPath();
    for (const [i, j] of EDGES) {
      ctx.moveTo(pc[i]![0], pc[i]![1]);
      ctx.lineTo(pc[j]![0], pc[j]![1]);
    }
    ctx.stroke();

    // Axis labels at the ends of a, b, c from the origin corner.
    // prettier-ignore
    const labels: Array<[string, number]> = [["a", 4], ["b", 2], ["c", 1]];
    ctx.font = "600 12px system-ui, sans-serif";
    ctx.fillStyle = "#475569";
    for (const [name, corner] of labels) {
      const p = pc[corner]!;
      const o = pc[0]!;
      ctx.fillText(name, p[0] + (p[0] - o[0]) * 0.06 - 3, p[1] + (p[1] - o[1]) * 0.06 + 4);
    }

    const projected = atoms.map((a) => ({
      species: a.species,
      p: project(a.xyz.map((v, k) => v - center[k]!) as Vec3),
    }));
    projected.sort((u, v) => u.p[2] - v.p[2]); // far first, near drawn over it
    const depth = reach || 1;
    for (const { species, p } of projected) {
      const radius = Math.max(4, 0.38 * (RADII[species] ?? 1.4) * scale);
      const shade = 0.75 + 0.25 * ((p[2] + depth) / (2 * depth)); // nearer is brighter
      const gradient = ctx.createRadialGradient(
        p[0] - radius * 0.35,
        p[1] - radius * 0.35,
        radius * 0.1,
        p[0],
        p[1],
        radius,
      );
      gradient.addColorStop(0, "#ffffff");
      gradient.addColorStop(0.35, elementColor(species));
      gradient.addColorStop(1, "#1e293b");
      ctx.globalAlpha = shade;
      ctx.beginPath();
      ctx.arc(p[0], p[1], radius, 0, Math.PI * 2);
      ctx.fillStyle = gradient;
      ctx.fill();
      ctx.globalAlpha = 1;
      ctx.lineWidth = 0.75;
      ctx.strokeStyle = "rgba(15, 23, 42, 0.45)";
      ctx.stroke();
    }
  };

  let drag: { x: number; y: number } | undefined;
  canvas.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY };
    canvas.setPointerCapture(e.pointerId);
    canvas.classList.add("dragging");
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x;
    const dy = e.clientY - drag.y;
    drag = { x: e.clientX, y: e.clientY };
    rotation = matmul(matmul(rotX(dy * 0.01), rotY(dx * 0.01)), rotation);
    draw();
  });
  const endDrag = (): void => {
    drag = undefined;
    canvas.classList.remove("dragging");
  };
  canvas.addEventListener("pointerup", endDrag);
  canvas.addEventListener("pointercancel", endDrag);
  new ResizeObserver(() => draw()).observe(canvas);

  return {
    element,
    show(next) {
      structure = next;
      const species = [...new Set(next.sites.map((s) => s.species))].sort();
      legend.replaceChildren(
        ...species.map((s) =>
          h(
            "span",
            { class: "legend-item" },
            h("span", { class: "legend-dot", style: `background:${elementColor(s)}` }),
            s,
          ),
        ),
      );
      draw();
    },
  };
}
