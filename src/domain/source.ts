/** Where an entry came from. */
export enum Source {
  AFLOW = "AFLOW",
  OQMD = "OQMD",
  JARVIS = "JARVIS",
  MP = "MP",
  OPTIMADE = "OPTIMADE",
  USER = "USER",
  SIMULATION = "SIMULATION",
}

export const SOURCES: readonly Source[] = Object.values(Source);

export function isSource(value: string): value is Source {
  return (SOURCES as readonly string[]).includes(value);
}
