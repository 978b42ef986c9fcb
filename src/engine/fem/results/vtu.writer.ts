import { SOLID_SHAPES } from "../elements/index";
import type { Mesh } from "../mesh/mesh.types";

/**
 * VTK XML UnstructuredGrid (.vtu, ASCII) text for ParaView. Node orders of the engine are
 * VTK's, so connectivity is written as is. Returns the text; writing it is the caller's job.
 */
export interface VtuField {
  readonly name: string;
  readonly components: number;
  readonly values: ArrayLike<number>;
}

export function toVtu(mesh: Mesh, pointData: readonly VtuField[] = [], cellData: readonly VtuField[] = []): string {
  const shape = SOLID_SHAPES[mesh.shape];
  const npe = shape.nodeCount;
  const out: string[] = [];
  out.push('<?xml version="1.0"?>');
  out.push('<VTKFile type="UnstructuredGrid" version="1.0" byte_order="LittleEndian" header_type="UInt64">');
  out.push("<UnstructuredGrid>");
  out.push(`<Piece NumberOfPoints="${mesh.nodeCount}" NumberOfCells="${mesh.elementCount}">`);
  const array = (f: VtuField, expected: number): void => {
    if (f.values.length !== expected * f.components)
      throw new RangeError(`field ${f.name} has ${f.values.length} values, expected ${expected * f.components}`);
    out.push(
      `<DataArray type="Float64" Name="${escapeXml(f.name)}" NumberOfComponents="${f.components}" format="ascii">`,
    );
    out.push(join(f.values));
    out.push("</DataArray>");
  };
  if (pointData.length) {
    out.push("<PointData>");
    for (const f of pointData) array(f, mesh.nodeCount);
    out.push("</PointData>");
  }
  if (cellData.length) {
    out.push("<CellData>");
    for (const f of cellData) array(f, mesh.elementCount);
    out.push("</CellData>");
  }
  out.push('<Points><DataArray type="Float64" NumberOfComponents="3" format="ascii">');
  out.push(join(mesh.coordinates));
  out.push("</DataArray></Points>");
  out.push("<Cells>");
  out.push('<DataArray type="Int64" Name="connectivity" format="ascii">');
  out.push(join(mesh.connectivity));
  out.push("</DataArray>");
  out.push('<DataArray type="Int64" Name="offsets" format="ascii">');
  out.push(Array.from({ length: mesh.elementCount }, (_, e) => (e + 1) * npe).join(" "));
  out.push("</DataArray>");
  out.push('<DataArray type="UInt8" Name="types" format="ascii">');
  out.push(new Array(mesh.elementCount).fill(shape.vtkCellType).join(" "));
  out.push("</DataArray>");
  out.push("</Cells>");
  out.push("</Piece>");
  out.push("</UnstructuredGrid>");
  out.push("</VTKFile>");
  return out.join("\n") + "\n";
}

function join(values: ArrayLike<number>): string {
  const parts: string[] = new Array(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = String(values[i]);
  return parts.join(" ");
}

function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/"/g, "&quot;");
}
